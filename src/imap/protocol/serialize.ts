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
 * Accumulates wire bytes: short ASCII text is joined in a string, literal payloads are kept as
 * their own chunks (never copied). One writer can take many responses, which then leave the
 * socket in one write.
 */
export class WireWriter {
  private text = '';
  private readonly chunks: Buffer[] = [];

  /** Raw ASCII text (tags, atoms, spaces, CRLF). */
  add(s: string): void {
    this.text += s;
  }

  bytes(b: Buffer): void {
    this.flushText();
    this.chunks.push(b);
  }

  value(v: ImapValue): void {
    writeValue(this, v);
  }

  private flushText(): void {
    if (this.text.length > 0) {
      this.chunks.push(Buffer.from(this.text, 'latin1'));
      this.text = '';
    }
  }

  /** Everything written so far, as chunks; the writer is empty afterwards. */
  take(): Buffer[] {
    this.flushText();
    return this.chunks.splice(0);
  }
}

/** Is this JS string printable 7-bit and short, so it can be quoted without encoding? */
function quotableAscii(s: string): boolean {
  if (s.length > MAX_QUOTED_LENGTH) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0 || c === 0x0a || c === 0x0d || c > 0x7f) return false;
  }
  return true;
}

function writeValue(w: WireWriter, value: ImapValue): void {
  if (value === null) {
    w.add('NIL');
  } else if (typeof value === 'string') {
    if (quotableAscii(value)) {
      w.add(value.indexOf('"') < 0 && value.indexOf('\\') < 0 ? `"${value}"` : `"${value.replace(/[\\"]/g, '\\$&')}"`);
    } else {
      const bytes = Buffer.from(value, 'utf8');
      if (canQuote(bytes)) w.add(quote(bytes));
      else {
        w.add(literalHeader(bytes.length));
        w.bytes(bytes);
      }
    }
  } else if (typeof value === 'number' || typeof value === 'bigint') {
    w.add(formatNumber(value));
  } else if (Array.isArray(value)) {
    w.add('(');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) w.add(' ');
      writeValue(w, value[i]);
    }
    w.add(')');
  } else if ('atom' in value) {
    w.add(value.atom);
  } else if ('run' in value) {
    for (const item of value.run) writeValue(w, item);
  } else if ('utf8' in value) {
    const bytes = Buffer.from(value.utf8, 'utf8');
    if (bytes.length <= MAX_QUOTED_LENGTH && !/[\0\r\n]/.test(value.utf8)) w.bytes(Buffer.from(`"${value.utf8.replace(/[\\"]/g, '\\$&')}"`, 'utf8'));
    else {
      w.add(literalHeader(bytes.length));
      w.bytes(bytes);
    }
  } else {
    w.add((value.binary ? '~' : '') + literalHeader(value.literal.length));
    w.bytes(value.literal);
  }
}

/** Append the wire form of `v` to `out` as a chunk list (literal payloads are not copied). */
export function serializeTo(v: ImapValue, out: Buffer[]): void {
  const w = new WireWriter();
  writeValue(w, v);
  out.push(...w.take());
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
  return `${pad2(local.getUTCDate())}-${MONTHS[local.getUTCMonth()]}-${year} ` + `${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}:${pad2(local.getUTCSeconds())} ${zone}`;
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
