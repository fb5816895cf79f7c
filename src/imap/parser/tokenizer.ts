// Owns: the lexical layer of IMAP commands (RFC 3501 section 9 formal syntax).
// A Reader walks one framed command (Buffer, literals inline) and reads atoms,
// quoted strings, literals ({n}, {n+}, ~{n}), astrings, nstrings, NIL, numbers
// (32-bit, 63-bit mod-sequences as bigint) and parenthesised lists. Every
// malformed token throws ParseError; nothing here knows about commands.

import { ParseError } from './errors.ts';
import type { ParseOptions } from './types.ts';

const SP = 0x20;
const LPAREN = 0x28;
const RPAREN = 0x29;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const PERCENT = 0x25;
const STAR = 0x2a;
const RBRACKET = 0x5d;
const PLUS = 0x2b;
const TILDE = 0x7e;
const CR = 0x0d;
const LF = 0x0a;

const MAX_UINT32 = 4294967295;
const MAX_MODSEQ = (1n << 63n) - 1n;
/** Nesting limit for parenthesised lists and search programs. */
export const MAX_DEPTH = 64;

/** ATOM-CHAR: any 7-bit printable CHAR except atom-specials ( ) { SP CTL % * " \ ] */
export function isAtomChar(c: number): boolean {
  return c > 0x20 && c < 0x7f && c !== LPAREN && c !== RPAREN && c !== LBRACE && c !== PERCENT && c !== STAR && c !== DQUOTE && c !== BACKSLASH && c !== RBRACKET;
}

/** ASTRING-CHAR = ATOM-CHAR / resp-specials */
export function isAstringChar(c: number): boolean {
  return isAtomChar(c) || c === RBRACKET;
}

/** list-char = ATOM-CHAR / list-wildcards / resp-specials */
export function isListChar(c: number): boolean {
  return isAtomChar(c) || c === PERCENT || c === STAR || c === RBRACKET;
}

/** tag = 1*<any ASTRING-CHAR except "+"> */
export function isTagChar(c: number): boolean {
  return isAstringChar(c) && c !== PLUS;
}

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

export interface LiteralToken {
  data: Buffer;
  /** literal8 (`~{n}`) */
  binary: boolean;
  /** LITERAL+ (`{n+}`) */
  nonSync: boolean;
}

export class Reader {
  pos = 0;
  depth = 0;
  readonly options: ParseOptions;

  constructor(
    readonly buf: Buffer,
    options: ParseOptions = {},
  ) {
    this.options = options;
  }

  error(message: string): ParseError {
    return new ParseError(message);
  }

  peek(offset = 0): number {
    const p = this.pos + offset;
    return p < this.buf.length ? this.buf[p] : -1;
  }

  /** True when nothing but spaces remains. */
  atEnd(): boolean {
    for (let i = this.pos; i < this.buf.length; i++) if (this.buf[i] !== SP) return false;
    return true;
  }

  /** True when a space followed by another token comes next (an optional argument is present). */
  more(): boolean {
    return this.peek() === SP && !this.atEnd();
  }

  /** Require the end of the command (trailing spaces are tolerated). */
  end(): void {
    if (!this.atEnd()) {
      const c = this.peek();
      if (c === CR || c === LF) throw this.error('Unexpected line break in command');
      if (c === 0) throw this.error('NUL byte in command');
      if (c < 0x20 || c >= 0x7f) throw this.error('Invalid character in command');
      throw this.error('Unexpected extra arguments');
    }
    this.pos = this.buf.length;
  }

  /** Require one (or, leniently, several) spaces before the argument named `what`. */
  sp(what: string): void {
    const c = this.peek();
    if (c !== SP) {
      if (c === -1 || c === RPAREN || c === RBRACKET) throw this.error(`Missing ${what}`);
      if (c === 0) throw this.error('NUL byte in command');
      throw this.error(`Expected space before ${what}`);
    }
    while (this.peek() === SP) this.pos++;
    if (this.pos >= this.buf.length) throw this.error(`Missing ${what}`);
  }

  tryByte(c: number): boolean {
    if (this.peek() === c) {
      this.pos++;
      return true;
    }
    return false;
  }

  expectByte(c: number, what: string): void {
    if (!this.tryByte(c)) {
      throw this.error(this.peek() === -1 ? `Missing ${what}` : `Expected ${what}`);
    }
  }

  /** Read bytes while `pred` holds; returns them as a latin1 string (may be empty). */
  readWhile(pred: (c: number) => boolean): string {
    const start = this.pos;
    while (this.pos < this.buf.length && pred(this.buf[this.pos])) this.pos++;
    return this.buf.toString('latin1', start, this.pos);
  }

  /** Fail with a message that says what went wrong at the current position. */
  private invalid(what: string): never {
    const c = this.peek();
    if (c === -1) throw this.error(`Missing ${what}`);
    if (c === 0) throw this.error('NUL byte in command');
    if (c === CR || c === LF) throw this.error(`Unexpected line break, expected ${what}`);
    throw this.error(`Invalid ${what}`);
  }

  atom(what: string): string {
    const s = this.readWhile(isAtomChar);
    if (s.length === 0) this.invalid(what);
    return s;
  }

  /** An atom naming a grammar keyword (command, option, search key …), upper-cased. */
  keyword(what: string): string {
    return this.atom(what).toUpperCase();
  }

  isLiteralStart(allowBinary = false): boolean {
    const c = this.peek();
    return c === LBRACE || (allowBinary && c === TILDE && this.peek(1) === LBRACE);
  }

  /** quoted = DQUOTE *QUOTED-CHAR DQUOTE, with \" and \\ escapes. Returns the unescaped bytes. */
  quoted(what: string): Buffer {
    if (this.peek() !== DQUOTE) this.invalid(what);
    this.pos++;
    let segStart = this.pos;
    const chunks: Buffer[] = [];
    for (;;) {
      if (this.pos >= this.buf.length) throw this.error(`Unterminated quoted string in ${what}`);
      const c = this.buf[this.pos];
      if (c === DQUOTE) {
        chunks.push(this.buf.subarray(segStart, this.pos));
        this.pos++;
        break;
      }
      if (c === CR || c === LF) throw this.error(`Unterminated quoted string in ${what}`);
      if (c === 0) throw this.error('NUL byte in command');
      if (c === BACKSLASH) {
        const n = this.peek(1);
        if (n !== DQUOTE && n !== BACKSLASH) throw this.error(`Invalid escape in quoted string in ${what}`);
        chunks.push(this.buf.subarray(segStart, this.pos));
        chunks.push(Buffer.from([n]));
        this.pos += 2;
        segStart = this.pos;
        continue;
      }
      this.pos++;
    }
    return chunks.length === 1 ? Buffer.from(chunks[0]) : Buffer.concat(chunks);
  }

  /**
   * literal = "{" number ["+"] "}" CRLF *CHAR8, literal8 = "~{" number ["+"] "}" CRLF *OCTET.
   * A bare LF is accepted after the announcement (the framer tolerates it too).
   * The returned data is a view into the command buffer.
   */
  literal(what: string, allowBinary = false): LiteralToken {
    let binary = false;
    if (this.peek() === TILDE) {
      if (!allowBinary) throw this.error(`Binary literal not allowed in ${what}`);
      binary = true;
      this.pos++;
    }
    if (this.peek() !== LBRACE) this.invalid(what);
    this.pos++;
    const digits = this.readWhile(isDigit);
    if (digits.length === 0) throw this.error(`Invalid literal length in ${what}`);
    const nonSync = this.tryByte(PLUS);
    if (!this.tryByte(RBRACE)) throw this.error(`Invalid literal in ${what}`);
    this.tryByte(CR);
    if (!this.tryByte(LF)) throw this.error(`Literal announcement must end the line in ${what}`);
    if (digits.length > 15) throw this.error(`Literal data incomplete in ${what}`);
    const n = Number(digits);
    if (this.pos + n > this.buf.length) throw this.error(`Literal data incomplete in ${what}`);
    const data = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return { data, binary, nonSync };
  }

  /** string = quoted / literal */
  string(what: string): Buffer {
    if (this.peek() === DQUOTE) return this.quoted(what);
    if (this.isLiteralStart()) return this.literal(what).data;
    this.invalid(what);
  }

  /** astring = 1*ASTRING-CHAR / string */
  astring(what: string): Buffer {
    const c = this.peek();
    if (c === DQUOTE || c === LBRACE) return this.string(what);
    const start = this.pos;
    while (this.pos < this.buf.length && isAstringChar(this.buf[this.pos])) this.pos++;
    if (this.pos === start) this.invalid(what);
    return this.buf.subarray(start, this.pos);
  }

  /** astring decoded as UTF-8. */
  astringText(what: string): string {
    return this.astring(what).toString('utf8');
  }

  /** nstring = string / NIL */
  nstring(what: string): Buffer | null {
    if (this.isNil()) {
      this.pos += 3;
      return null;
    }
    return this.string(what);
  }

  /** True when the next token is the atom NIL (case-insensitive). */
  isNil(): boolean {
    if (this.pos + 3 > this.buf.length) return false;
    if (this.buf.toString('latin1', this.pos, this.pos + 3).toUpperCase() !== 'NIL') return false;
    const after = this.peek(3);
    return after === -1 || !isAtomChar(after);
  }

  /** list-mailbox = 1*list-char / string */
  listMailbox(what: string): Buffer {
    const c = this.peek();
    if (c === DQUOTE || c === LBRACE) return this.string(what);
    const start = this.pos;
    while (this.pos < this.buf.length && isListChar(this.buf[this.pos])) this.pos++;
    if (this.pos === start) this.invalid(what);
    return this.buf.subarray(start, this.pos);
  }

  /** 1*DIGIT; unless `embedded`, the number must not run into further atom characters ("12abc"). */
  private digits(what: string, embedded = false): string {
    const d = this.readWhile(isDigit);
    if (d.length === 0) this.invalid(what);
    const next = this.peek();
    if (!embedded && next !== -1 && isAtomChar(next)) throw this.error(`Invalid ${what}`);
    return d;
  }

  /** number = 1*DIGIT, an unsigned 32-bit integer. `embedded`: part of a larger token such as <0.100>. */
  number(what: string, embedded = false): number {
    const d = this.digits(what, embedded);
    if (d.length > 10 || Number(d) > MAX_UINT32) throw this.error(`Number too large in ${what}`);
    return Number(d);
  }

  /** nz-number: 1 .. 2^32-1 */
  nzNumber(what: string, embedded = false): number {
    const n = this.number(what, embedded);
    if (n === 0) throw this.error(`Invalid ${what}: zero is not allowed`);
    return n;
  }

  /** A non-negative integer up to 2^53-1 (RFC 9051 number64 where JS numbers suffice: sizes, quota). */
  safeNumber(what: string): number {
    const d = this.digits(what);
    if (d.length > 16 || Number(d) > Number.MAX_SAFE_INTEGER) throw this.error(`Number too large in ${what}`);
    return Number(d);
  }

  /** mod-sequence-valzer: 0 .. 2^63-1, as bigint. */
  modSeq(what: string): bigint {
    const d = this.digits(what);
    if (d.length > 19) throw this.error(`Number too large in ${what}`);
    const v = BigInt(d);
    if (v > MAX_MODSEQ) throw this.error(`Number too large in ${what}`);
    return v;
  }

  /**
   * "(" [item *(SP item)] ")" — `item` is called with the reader positioned at each item.
   * Nesting is bounded by MAX_DEPTH.
   */
  list<T>(what: string, item: () => T, allowEmpty = true): T[] {
    if (this.peek() !== LPAREN) this.invalid(`${what} list`);
    if (this.depth >= MAX_DEPTH) throw this.error(`Too deeply nested ${what}`);
    this.pos++;
    this.depth++;
    const out: T[] = [];
    if (this.tryByte(RPAREN)) {
      this.depth--;
      if (!allowEmpty) throw this.error(`Empty ${what} list`);
      return out;
    }
    for (;;) {
      out.push(item());
      if (this.tryByte(RPAREN)) break;
      const c = this.peek();
      if (c === -1) throw this.error(`Unterminated ${what} list`);
      if (c !== SP) throw this.error(`Invalid ${what} list`);
      this.pos++;
      if (this.peek() === RPAREN) throw this.error(`Invalid ${what} list`);
    }
    this.depth--;
    return out;
  }
}
