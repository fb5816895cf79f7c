// Owns: cutting the ManageSieve byte stream (RFC 5804 §4) into commands of tokens: atoms, numbers,
// quoted strings and literals — `{n+}` (non-synchronising, what clients send) and `{n}`, which
// ManageSieve reads the same way: the server never sends a continuation, the n octets simply
// follow the CRLF. A command is one line, continued after each literal. Limits: a line (the bytes
// between literals) is at most `maxLine`; a literal at most `maxLiteral`; a command in all at most
// `maxLiteral + 4 × maxLine`. Past a limit the rest of the command is read and thrown away (a
// literal's octets counted, not kept), then reported once as `too-big` or `too-long`; a line that
// cannot be tokenised is reported as `invalid`. Pure: no sockets, no storage.

export type Token = { type: 'atom'; value: string } | { type: 'number'; value: number } | { type: 'string'; value: Buffer; literal: boolean };

export type Framed = { type: 'command'; tokens: Token[] } | { type: 'too-long' } | { type: 'too-big' } | { type: 'invalid'; message: string };

export interface FramerLimits {
  maxLine: number;
  maxLiteral: number;
}

/** RFC 5804 §4: number = 1*DIGIT, at most 4294967296. */
const MAX_NUMBER = 4294967296;

type Segment = { ok: true; tokens: Token[]; literal: number | null } | { ok: false; message: string };

const BAD_STRING = 'Chuỗi không hợp lệ / invalid string';

/** Tokenise one line segment (without CRLF); a literal marker may only end it. */
export function tokenizeSegment(seg: Buffer): Segment {
  const tokens: Token[] = [];
  let i = 0;
  while (i < seg.length) {
    const c = seg[i];
    if (c === 0x20) {
      i++;
      continue;
    }
    if (c === 0x22) {
      const parts: number[] = [];
      i++;
      for (;;) {
        if (i >= seg.length) return { ok: false, message: BAD_STRING };
        const d = seg[i];
        if (d === 0x22) break;
        if (d === 0x5c) {
          const e = seg[i + 1];
          if (e !== 0x22 && e !== 0x5c) return { ok: false, message: BAD_STRING };
          parts.push(e);
          i += 2;
          continue;
        }
        if (d === 0x00 || d === 0x0d || d === 0x0a) return { ok: false, message: BAD_STRING };
        parts.push(d);
        i++;
      }
      i++;
      tokens.push({ type: 'string', value: Buffer.from(parts), literal: false });
      continue;
    }
    if (c === 0x7b) {
      const m = /^\{(\d{1,10})(\+?)\}$/.exec(seg.subarray(i).toString('latin1'));
      if (!m) return { ok: false, message: 'Literal không hợp lệ / invalid literal' };
      const n = Number(m[1]);
      if (n > MAX_NUMBER) return { ok: false, message: 'Literal không hợp lệ / invalid literal' };
      return { ok: true, tokens, literal: n };
    }
    let j = i;
    while (j < seg.length && seg[j] !== 0x20) j++;
    const word = seg.subarray(i, j).toString('latin1');
    if (/^\d+$/.test(word)) {
      if (word.length > 10 || Number(word) > MAX_NUMBER) return { ok: false, message: 'Số quá lớn / number too large' };
      tokens.push({ type: 'number', value: Number(word) });
    } else if (/^[\x21\x23-\x7a\x7c-\x7e]+$/.test(word)) {
      tokens.push({ type: 'atom', value: word });
    } else {
      return { ok: false, message: 'Lệnh không hợp lệ / invalid command' };
    }
    i = j;
  }
  return { ok: true, tokens, literal: null };
}

export class SieveFramer {
  private tokens: Token[] = [];
  private line: Buffer[] = [];
  private lineHeld = 0;
  /** Octets of the literal still to come (-1: reading a line). */
  private literalLeft = -1;
  private literal: Buffer[] = [];
  /** Octets this command holds (lines and literals kept). */
  private commandHeld = 0;
  /** What the command is reported as once it ends, when its content is being thrown away. */
  private dropping: 'too-long' | 'too-big' | null = null;
  /** The rest of an over-long line is skipped up to its LF. */
  private skippingLine = false;

  constructor(private limits: FramerLimits) {}

  /** New limits (larger literals after sign-in); they apply from the next line or literal. */
  setLimits(limits: FramerLimits): void {
    this.limits = limits;
  }

  /** Bytes held for an unfinished command. */
  get pending(): number {
    return this.commandHeld + this.lineHeld;
  }

  push(chunk: Buffer): Framed[] {
    const out: Framed[] = [];
    let start = 0;
    while (start < chunk.length) {
      if (this.literalLeft >= 0) {
        const take = Math.min(this.literalLeft, chunk.length - start);
        if (!this.dropping) this.literal.push(Buffer.from(chunk.subarray(start, start + take)));
        this.literalLeft -= take;
        start += take;
        if (this.literalLeft === 0) {
          this.literalLeft = -1;
          if (!this.dropping) {
            this.tokens.push({ type: 'string', value: Buffer.concat(this.literal), literal: true });
          }
          this.literal = [];
        }
        continue;
      }
      const lf = chunk.indexOf(0x0a, start);
      const end = lf < 0 ? chunk.length : lf;
      if (this.skippingLine) {
        start = end + 1;
        if (lf >= 0) {
          this.skippingLine = false;
          this.finish(out);
        }
        continue;
      }
      const piece = chunk.subarray(start, end);
      if (this.lineHeld + piece.length > this.limits.maxLine + 1) {
        // The rest of the line is skipped; a literal it may announce cannot be known, so the line ends the command.
        this.line = [];
        this.lineHeld = 0;
        this.dropping = 'too-long';
        if (lf < 0) {
          this.skippingLine = true;
          break;
        }
        start = end + 1;
        this.finish(out);
        continue;
      }
      if (lf < 0) {
        this.line.push(Buffer.from(piece));
        this.lineHeld += piece.length;
        break;
      }
      let seg = this.line.length ? Buffer.concat([...this.line, piece]) : piece;
      this.line = [];
      this.lineHeld = 0;
      start = lf + 1;
      if (seg.length && seg[seg.length - 1] === 0x0d) seg = seg.subarray(0, seg.length - 1);
      const t = tokenizeSegment(seg);
      if (!t.ok) {
        if (!this.dropping) {
          this.reset();
          out.push({ type: 'invalid', message: t.message });
        } else this.finish(out);
        continue;
      }
      if (!this.dropping) {
        this.commandHeld += seg.length;
        this.tokens.push(...t.tokens);
        if (this.commandHeld > this.limits.maxLiteral + 4 * this.limits.maxLine) this.drop('too-big');
      }
      if (t.literal === null) {
        this.finish(out);
        continue;
      }
      if (!this.dropping && (t.literal > this.limits.maxLiteral || this.commandHeld + t.literal > this.limits.maxLiteral + 4 * this.limits.maxLine)) this.drop('too-big');
      if (!this.dropping) this.commandHeld += t.literal;
      this.literalLeft = t.literal;
      if (t.literal === 0) {
        this.literalLeft = -1;
        if (!this.dropping) this.tokens.push({ type: 'string', value: Buffer.alloc(0), literal: true });
      }
    }
    return out;
  }

  private drop(why: 'too-long' | 'too-big'): void {
    this.dropping = why;
    this.tokens = [];
    this.literal = [];
  }

  private finish(out: Framed[]): void {
    if (this.dropping) out.push({ type: this.dropping });
    else out.push({ type: 'command', tokens: this.tokens });
    this.reset();
  }

  private reset(): void {
    this.tokens = [];
    this.literal = [];
    this.commandHeld = 0;
    this.dropping = null;
  }
}
