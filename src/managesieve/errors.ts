// Owns: SieveNo — a "NO" answer with its RFC 5804 response code and bilingual text — and how the
// core's Sieve errors (ThutinError SIEVE_*) become ManageSieve answers: NONEXISTENT, ACTIVE,
// ALREADYEXISTS, QUOTA/MAXSCRIPTS, QUOTA/MAXSIZE, and an invalid script's "line N: …" as the text.
// Apart from the session so handlers never import it.
import { ERRORS, isThutinError, type ErrorCode } from '../core/errors.ts';
import type { ResponseCode } from './parser.ts';

export class SieveNo extends Error {
  constructor(
    message: string,
    readonly code: ResponseCode | null = null,
    /** Counts against the connection's bad-command cap (malformed or out of place). */
    readonly bad = false,
  ) {
    super(message);
    this.name = 'SieveNo';
  }
}

const CODES: Partial<Record<ErrorCode, ResponseCode>> = {
  SIEVE_NOT_FOUND: 'NONEXISTENT',
  SIEVE_ACTIVE: 'ACTIVE',
  SIEVE_EXISTS: 'ALREADYEXISTS',
  SIEVE_QUOTA_MAXSCRIPTS: 'QUOTA/MAXSCRIPTS',
  SIEVE_QUOTA_MAXSIZE: 'QUOTA/MAXSIZE',
};

/** A core error as a NO answer; anything else is rethrown (the session answers a server error). */
export function fromCore(e: unknown): SieveNo {
  if (!isThutinError(e)) throw e;
  // An invalid script: the compiler's "line N: …" is the whole text, as clients show it to the author.
  if (e.code === 'SIEVE_INVALID' && e.detail) return new SieveNo(e.detail);
  const t = ERRORS[e.code];
  return new SieveNo(`${t.vi} / ${t.en}${e.detail ? `: ${e.detail}` : ''}`, CODES[e.code] ?? null);
}

export const TOO_BIG = 'Kịch bản quá lớn / script too large';
