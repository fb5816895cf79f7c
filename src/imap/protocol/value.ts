// The data an IMAP response carries, before it is written to the wire.
// Owns: the shared shape of response values. Serialising them is protocol/serialize.ts.
//
//   string          → quoted string (or a literal if it holds CR, LF, NUL, 8-bit or is long)
//   number | bigint → number
//   null            → NIL
//   ImapValue[]     → parenthesised list
//   { atom }        → written as-is (flags, keywords, BODY[1.2], …)
//   { literal }     → {n}\r\n + bytes
//   { run }         → the items one after another with no space and no parentheses, for the
//                     RFC 3501 rules written 1*body and 1*address: "(a)(b)", never "(a) (b)"
export type ImapValue = string | number | bigint | null | ImapValue[] | { atom: string } | { literal: Buffer } | { run: ImapValue[] };

export const atom = (a: string): { atom: string } => ({ atom: a });
export const literal = (b: Buffer): { literal: Buffer } => ({ literal: b });
export const run = (items: ImapValue[]): { run: ImapValue[] } => ({ run: items });
