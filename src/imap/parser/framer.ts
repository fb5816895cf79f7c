// Owns: cutting the client's byte stream into whole commands. A command is
// one or more lines joined by literals ({n}, {n+} LITERAL+, ~{n} literal8);
// the framer buffers until the command is complete, asks for continuation
// after a synchronising literal, and enforces the line/literal/command size
// limits so memory stays bounded. It does not parse arguments (index.ts does).
//
// On a limit violation it emits an 'error' (the session answers `tag BAD …`,
// or `* BAD …` without a tag), drops what it had of the command and resyncs:
// a too-big synchronising literal is never continued, so the next line is a
// new command; the data of a too-big non-synchronising literal is skipped
// (counted, not stored); an overlong line is skipped to its end.

export interface FramerOptions {
  /** Longest line, excluding literal data and the line ending (default 64 KiB). */
  maxLineLength: number;
  /** Largest single literal (default 50 MiB). */
  maxLiteralSize: number;
  /** Largest whole command, lines plus literals (default maxLiteralSize + 1 MiB). */
  maxCommandSize?: number;
}

export type FramerEvent =
  /** One whole command: its lines with literals inline, exactly as received, without the final CRLF. */
  | { type: 'command'; raw: Buffer }
  /** A synchronising literal was announced: send "+ Ready for literal data". */
  | { type: 'continue' }
  /** Answer `tag BAD message` (or `* BAD message` when tag is undefined); the command was dropped. */
  | { type: 'error'; tag?: string; message: string };

export const DEFAULT_FRAMER_OPTIONS: Readonly<FramerOptions> = {
  maxLineLength: 64 * 1024,
  maxLiteralSize: 50 * 1024 * 1024,
};

const LF = 0x0a;
const CR = 0x0d;
/** Bytes of an overlong line kept while skipping it, enough to see a trailing literal announcement. */
const TAIL_SIZE = 64;
/** Longest tag the framer reports in an error. */
const MAX_TAG = 128;

interface LiteralAnnouncement {
  /** Infinity when the number is absurdly long or could not be read. */
  size: number;
  nonSync: boolean;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** tag = 1*<any ASTRING-CHAR except "+"> */
function isTagChar(c: number): boolean {
  return c > 0x20 && c < 0x7f && c !== 0x28 && c !== 0x29 && c !== 0x7b && c !== 0x25 && c !== 0x2a && c !== 0x22 && c !== 0x5c && c !== 0x2b;
}

/**
 * A literal announcement at the end of a line (CR already stripped): `{n}`, `{n+}`, `~{n}`.
 * `truncated`: the line's beginning is missing, so digits reaching the start are of unknown size.
 */
function detectLiteral(line: Buffer, truncated: boolean): LiteralAnnouncement | null {
  let i = line.length - 1;
  if (i < 0 || line[i] !== 0x7d /* } */) return null;
  i--;
  let nonSync = false;
  if (i >= 0 && line[i] === 0x2b /* + */) {
    nonSync = true;
    i--;
  }
  const digitsEnd = i + 1;
  while (i >= 0 && isDigit(line[i])) i--;
  const count = digitsEnd - (i + 1);
  if (count === 0) return null;
  if (i < 0) return truncated ? { size: Infinity, nonSync } : null;
  if (line[i] !== 0x7b /* { */) return null;
  const size = count > 15 ? Infinity : Number(line.toString('latin1', i + 1, digitsEnd));
  return { size, nonSync };
}

function extractTag(firstBytes: Buffer): string | undefined {
  const limit = Math.min(firstBytes.length, MAX_TAG + 1);
  for (let i = 0; i < limit; i++) {
    const c = firstBytes[i];
    if (c === 0x20) return i > 0 ? firstBytes.toString('latin1', 0, i) : undefined;
    if (!isTagChar(c)) return undefined;
  }
  return undefined;
}

export class CommandFramer {
  private readonly maxLine: number;
  private maxLiteral: number;
  private maxCommand: number;

  /** Complete pieces of the command so far: lines ending in a literal announcement (with their EOL) and literal data. */
  private parts: Buffer[] = [];
  private size = 0;
  /** The current, unfinished line (without LF). */
  private line: Buffer[] = [];
  private lineLen = 0;
  /** While discarding: the last bytes of the current line. */
  private tail: Buffer = Buffer.alloc(0);
  private literalLeft = 0;
  private discarding = false;

  constructor(opts: Partial<FramerOptions> = {}) {
    this.maxLine = opts.maxLineLength ?? DEFAULT_FRAMER_OPTIONS.maxLineLength;
    this.maxLiteral = opts.maxLiteralSize ?? DEFAULT_FRAMER_OPTIONS.maxLiteralSize;
    this.maxCommand = opts.maxCommandSize ?? this.maxLiteral + 1024 * 1024;
  }

  /**
   * Change the literal and command limits from the next literal announcement on (the session
   * raises them after login: before it a literal may only hold a user name or a password).
   */
  setLimits(opts: { maxLiteralSize: number; maxCommandSize?: number }): void {
    this.maxLiteral = opts.maxLiteralSize;
    this.maxCommand = opts.maxCommandSize ?? opts.maxLiteralSize + 1024 * 1024;
  }

  /** Feed bytes as they arrive; returns the events they complete, in order. */
  push(chunk: Buffer): FramerEvent[] {
    const events: FramerEvent[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      if (this.literalLeft > 0) {
        const take = Math.min(this.literalLeft, chunk.length - pos);
        if (!this.discarding) {
          // Copy: a view would pin the caller's whole chunk in memory.
          this.parts.push(Buffer.from(chunk.subarray(pos, pos + take)));
          this.size += take;
        }
        this.literalLeft -= take;
        pos += take;
        continue;
      }
      const lf = chunk.indexOf(LF, pos);
      const end = lf === -1 ? chunk.length : lf;
      if (end > pos) this.appendToLine(chunk.subarray(pos, end), events);
      if (lf === -1) break;
      pos = lf + 1;
      this.endOfLine(events);
    }
    return events;
  }

  /** Bytes held for the unfinished command (bounded by maxCommandSize + maxLineLength). */
  get bufferedBytes(): number {
    let n = this.size + this.tail.length;
    for (const piece of this.line) n += piece.length;
    return n;
  }

  /** True when part of a command is buffered (e.g. to warn about an incomplete command at disconnect). */
  get pending(): boolean {
    return this.parts.length > 0 || this.lineLen > 0 || this.literalLeft > 0;
  }

  private appendToLine(piece: Buffer, events: FramerEvent[]): void {
    this.lineLen += piece.length;
    if (this.discarding) {
      this.keepTail(piece);
      return;
    }
    // One extra byte: the CR of a CRLF is not part of the line's length.
    const tooLong = this.lineLen > this.maxLine + 1;
    const commandTooBig = this.size + this.lineLen > this.maxCommand;
    if (tooLong || commandTooBig) {
      this.line.push(piece);
      this.fail(events, tooLong ? 'Command line too long' : '[TOOBIG] Command too long');
      return;
    }
    this.line.push(Buffer.from(piece));
  }

  private keepTail(piece: Buffer): void {
    const joined = this.tail.length === 0 ? piece : Buffer.concat([this.tail, piece]);
    this.tail = Buffer.from(joined.subarray(Math.max(0, joined.length - TAIL_SIZE)));
  }

  /** Emit an error for the current command and switch to discarding it. */
  private fail(events: FramerEvent[], message: string): void {
    const first = this.parts.length > 0 ? this.parts[0] : Buffer.concat(this.line);
    const tag = extractTag(first);
    events.push(tag === undefined ? { type: 'error', message } : { type: 'error', tag, message });
    this.discarding = true;
    this.tail = Buffer.alloc(0);
    for (const piece of this.line) this.keepTail(piece);
    this.line = [];
    this.parts = [];
    this.size = 0;
  }

  private endOfLine(events: FramerEvent[]): void {
    if (!this.discarding) {
      const raw = this.line.length === 1 ? this.line[0] : Buffer.concat(this.line);
      const hasCR = raw.length > 0 && raw[raw.length - 1] === CR;
      const content = hasCR ? raw.subarray(0, raw.length - 1) : raw;
      if (content.length > this.maxLine) {
        this.fail(events, 'Command line too long');
      } else {
        const lit = detectLiteral(content, false);
        if (!lit) {
          this.parts.push(content);
          const command = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
          events.push({ type: 'command', raw: command });
          this.resetCommand();
          return;
        }
        const lineBytes = raw.length + 1;
        if (lit.size > this.maxLiteral || this.size + lineBytes + lit.size > this.maxCommand) {
          this.fail(events, '[TOOBIG] Literal too big');
          this.afterDiscardedLine(lit);
          return;
        }
        this.parts.push(Buffer.concat([raw, Buffer.from([LF])]));
        this.size += lineBytes;
        if (!lit.nonSync) events.push({ type: 'continue' });
        this.literalLeft = lit.size;
        this.resetLine();
        return;
      }
    }
    // Discarding: find out whether the dropped command goes on with a literal.
    const t = this.tail;
    const content = t.length > 0 && t[t.length - 1] === CR ? t.subarray(0, t.length - 1) : t;
    this.afterDiscardedLine(detectLiteral(content, this.lineLen > this.tail.length));
  }

  /**
   * A line of a dropped command ended. A non-synchronising literal follows regardless of
   * our answer, so its bytes are skipped; otherwise (no literal, or a synchronising one
   * the client will not send without our "+") the next line starts a new command.
   */
  private afterDiscardedLine(lit: LiteralAnnouncement | null): void {
    this.resetLine();
    if (lit && lit.nonSync && Number.isSafeInteger(lit.size)) {
      this.literalLeft = lit.size;
      return;
    }
    this.discarding = false;
    this.resetCommand();
  }

  private resetLine(): void {
    this.line = [];
    this.lineLen = 0;
    this.tail = Buffer.alloc(0);
  }

  private resetCommand(): void {
    this.resetLine();
    this.parts = [];
    this.size = 0;
  }
}
