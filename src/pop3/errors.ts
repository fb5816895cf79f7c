// Owns: Pop3Error — a "-ERR" answer with its RFC 2449/3206 response code (AUTH, SYS/TEMP,
// SYS/PERM, IN-USE, LOGIN-DELAY) and bilingual text — and the usual answers, apart from the
// session so handlers never import it.
export type Pop3Code = 'AUTH' | 'SYS/TEMP' | 'SYS/PERM' | 'IN-USE' | 'LOGIN-DELAY';

export class Pop3Error extends Error {
  constructor(
    message: string,
    readonly code: Pop3Code | null = null,
    /** Counts against the connection's bad-command cap (malformed or out of place). */
    readonly bad = false,
  ) {
    super(message);
    this.name = 'Pop3Error';
  }

  get line(): string {
    return `-ERR ${this.code ? `[${this.code}] ` : ''}${this.message}`;
  }
}

export const NO_SUCH_MESSAGE = 'Không có thư này / no such message';
export const ALREADY_DELETED = 'Thư đã bị đánh dấu xoá / message already deleted';
