// Owns: writing ImapValue response data to the wire (RFC 3501 section 4):
// quoted strings vs literals, NIL, numbers, parenthesised lists, atoms; plus
// the small formatters responses need — INTERNALDATE date-time and mailbox
// names (modified UTF-7, quoted). The value shape itself is protocol/value.ts.

import { encodeMailboxName } from './mutf7.ts';
import type { ImapValue } from './value.ts';

/** Strings longer than this are sent as literals even when they could be quoted. */
export const MAX_QUOTED_LENGTH = 1024;

/** True when `bytes` may be sent as a quoted string: 7-bit, no NUL/CR/LF, not too long. */
export function canQuote(bytes: Buffer): boolean {
  if (bytes.length > MAX_QUOTED_LENGTH) return false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0 || c === 0x0a || c === 0x0d || c > 0x7f) return false;
  }
  return true;
}

function quote(bytes: Buffer): string {
  return `"${bytes.toString('latin1').replace(/[\\"]/g, '\\$&')}"`;
}

function literalHeader(n: number): string {
  return `{${n}}\r\n`;
}

/** A string as a quoted string when possible, otherwise as a literal ({n}\r\n + UTF-8 bytes). */
export function quoteOrLiteral(s: string | Buffer): Buffer {
  const bytes = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
  if (canQuote(bytes)) return Buffer.from(quote(bytes), 'latin1');
  return Buffer.concat([Buffer.from(literalHeader(bytes.length), 'latin1'), bytes]);
}

function formatNumber(n: number | bigint): string {
  if (typeof n === 'bigint') {
    if (n < 0n) throw new RangeError(`IMAP numbers are unsigned: ${n}`);
    return n.toString();
  }
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`IMAP numbers are unsigned integers: ${n}`);
  return String(n);
}

/**
 * Append the wire form of `v` to `out` as a chunk list. Text is accumulated and
 * big literal payloads are pushed as their own chunks, so they are never copied.
 */
export function serializeTo(v: ImapValue, out: Buffer[]): void {
  let text = '';
  const flush = (): void => {
    if (text.length > 0) {
      out.push(Buffer.from(text, 'latin1'));
      text = '';
    }
  };
  const walk = (value: ImapValue): void => {
    if (value === null) {
      text += 'NIL';
    } else if (typeof value === 'string') {
      const bytes = Buffer.from(value, 'utf8');
      if (canQuote(bytes)) {
        text += quote(bytes);
      } else {
        text += literalHeader(bytes.length);
        flush();
        out.push(bytes);
      }
    } else if (typeof value === 'number' || typeof value === 'bigint') {
      text += formatNumber(value);
    } else if (Array.isArray(value)) {
      text += '(';
      value.forEach((item, i) => {
        if (i > 0) text += ' ';
        walk(item);
      });
      text += ')';
    } else if ('atom' in value) {
      text += value.atom;
    } else if ('run' in value) {
      for (const item of value.run) walk(item);
    } else {
      text += literalHeader(value.literal.length);
      flush();
      out.push(value.literal);
    }
  };
  walk(v);
  flush();
}

/** The wire form of `v` as one Buffer. */
export function serialize(v: ImapValue): Buffer {
  const chunks: Buffer[] = [];
  serializeTo(v, chunks);
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * RFC 3501 date-time without the surrounding quotes, e.g. "17-Jul-1996 02:44:25 -0700",
 * rendered in the zone `tzOffsetMinutes` east of UTC (default UTC, "+0000").
 * Pass the result as a string ImapValue: serialize() adds the quotes.
 */
export function formatInternalDate(date: Date, tzOffsetMinutes = 0): string {
  const t = date.getTime();
  if (!Number.isFinite(t)) throw new RangeError('Invalid date');
  const offset = Math.trunc(tzOffsetMinutes);
  const local = new Date(t + offset * 60_000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const zone = `${sign}${pad2(Math.floor(abs / 60))}${pad2(abs % 60)}`;
  const year = String(local.getUTCFullYear()).padStart(4, '0');
  return (
    `${pad2(local.getUTCDate())}-${MONTHS[local.getUTCMonth()]}-${year} ` +
    `${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}:${pad2(local.getUTCSeconds())} ${zone}`
  );
}

/**
 * A mailbox name as it goes on the wire: modified UTF-7, then quoted (e.g. `"Th&AbA-"`).
 * With `utf8` (RFC 6855 UTF8=ACCEPT enabled) the name is sent as a UTF-8 quoted string instead.
 * Returns a JS string; with `utf8` it may hold non-ASCII characters (write it as UTF-8).
 */
export function formatMailboxName(name: string, options: { utf8?: boolean } = {}): string {
  if (options.utf8) {
    const bytes = Buffer.from(name, 'utf8');
    if (bytes.length <= MAX_QUOTED_LENGTH && !/[\0\r\n]/.test(name)) {
      return `"${name.replace(/[\\"]/g, '\\$&')}"`;
    }
    return `${literalHeader(bytes.length)}${name}`;
  }
  return quoteOrLiteral(encodeMailboxName(name)).toString('latin1');
}
