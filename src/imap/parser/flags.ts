// Owns: reading message flags (RFC 3501 flag / flag-list): system flags are
// matched case-insensitively and normalised to \Seen \Answered \Flagged
// \Deleted \Draft; \Recent and unknown system flags are refused; keywords are
// atoms whose case is kept.

import { ParseError, describeToken } from './errors.ts';
import type { Reader } from './tokenizer.ts';
import type { Flag, SystemFlag } from './types.ts';

const SYSTEM_FLAGS: ReadonlyMap<string, SystemFlag> = new Map((['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'] as const).map((f) => [f.toUpperCase(), f]));

/** The canonical form of a system flag, or null if `flag` is not one of the settable system flags. */
export function normaliseSystemFlag(flag: string): SystemFlag | null {
  return SYSTEM_FLAGS.get(flag.toUpperCase()) ?? null;
}

/** flag = "\Answered" / … / flag-keyword (atom). */
export function readFlag(r: Reader, what = 'flag'): Flag {
  if (r.tryByte(0x5c /* \ */)) {
    const name = r.atom(what);
    const flag = `\\${name}`;
    const system = normaliseSystemFlag(flag);
    if (system) return system;
    if (name.toUpperCase() === 'RECENT') throw new ParseError('The \\Recent flag cannot be set');
    throw new ParseError(`Unknown system flag \\${describeToken(name)}`);
  }
  return r.atom(what);
}

/** flag-list = "(" [flag *(SP flag)] ")"; duplicates are dropped. */
export function readFlagList(r: Reader, what = 'flag'): Flag[] {
  return dedupe(r.list(what, () => readFlag(r, what)));
}

export function dedupe(flags: Flag[]): Flag[] {
  const seen = new Set<string>();
  const out: Flag[] = [];
  for (const f of flags) {
    const key = f.startsWith('\\') ? f : f.toUpperCase();
    if (!seen.has(key)) {
      seen.add(key);
      out.push(f);
    }
  }
  return out;
}
