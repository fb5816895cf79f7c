// Owns: the internal error type of the command parser. Every argument parser
// throws ParseError for malformed input; parseCommand (index.ts) turns it into
// an { ok: false } result, so nothing escapes to the session as an exception.

/** Failures answered NO with a response code instead of BAD. */
export type ParseErrorCode = 'BADCHARSET' | 'BADEVENT';

export class ParseError extends Error {
  readonly code: ParseErrorCode | undefined;
  constructor(message: string, code?: ParseErrorCode) {
    super(message);
    this.name = 'ParseError';
    this.code = code;
  }
}

/** Quote a client-supplied token for an error message: printable ASCII only, bounded length. */
export function describeToken(s: string): string {
  const clean = s.replace(/[^\x21-\x7e]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}...` : clean;
}
