// The data an IMAP response carries, before it is written to the wire.
// Owns: the shared shape of response values. Serialising them is protocol/serialize.ts.
//
//   string          → quoted string (or a literal if it holds CR, LF, NUL, 8-bit or is long)
//   number | bigint → number
//   null            → NIL
//   ImapValue[]     → parenthesised list
//   { atom }        → written as-is (flags, keywords, BODY[1.2], …)
//   { literal }     → {n}\r\n + bytes (`binary`: RFC 3516's literal8 ~{n}, which may carry NUL)
//   { utf8 }        → a quoted string that may hold UTF-8 (RFC 6855 once UTF8=ACCEPT is enabled), else a literal
//   { run }         → the items one after another with no space and no parentheses, for the
//                     RFC 3501 rules written 1*body and 1*address: "(a)(b)", never "(a) (b)"
export type ImapValue = string | number | bigint | null | ImapValue[] | { atom: string } | { literal: Buffer; binary?: boolean } | { run: ImapValue[] } | { utf8: string };

export const atom = (a: string): { atom: string } => ({ atom: a });
export const literal = (b: Buffer): { literal: Buffer } => ({ literal: b });
/** RFC 3516 literal8: sent as ~{n} when the bytes hold a NUL, else as an ordinary literal. */
export const literal8 = (b: Buffer): { literal: Buffer; binary: boolean } => ({ literal: b, binary: b.includes(0) });
export const run = (items: ImapValue[]): { run: ImapValue[] } => ({ run: items });
export const utf8String = (s: string): { utf8: string } => ({ utf8: s });
