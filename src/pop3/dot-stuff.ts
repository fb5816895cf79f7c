// Owns: the bytes of a POP3 multi-line answer made from a message stream (RFC 1939 §3): a line
// starting with "." gets another "." in front (byte-stuffing), the answer ends with CRLF "." CRLF;
// and TOP's cut: the header section, the blank line, then at most n lines of the body. Both work
// chunk by chunk (a message is never held whole); a chunk without a line starting with "." is
// passed on as it is, without a copy. Pure.

const DOT = Buffer.from('.');
const LF_DOT = Buffer.from('\n.');
const END = Buffer.from('.\r\n');
const CRLF_END = Buffer.from('\r\n.\r\n');
const LF_END = Buffer.from('\n.\r\n');

export class DotStuffer {
  private atLineStart = true;
  private lastByte = -1;

  /** The stuffed form of the next chunk of the message. */
  push(chunk: Buffer): Buffer {
    if (!chunk.length) return chunk;
    const pieces: Buffer[] = [];
    let from = 0;
    if (this.atLineStart && chunk[0] === 0x2e) pieces.push(DOT);
    for (let i = chunk.indexOf(LF_DOT); i >= 0; i = chunk.indexOf(LF_DOT, i + 1)) {
      pieces.push(chunk.subarray(from, i + 1), DOT);
      from = i + 1;
    }
    // A line start split across chunks: this chunk ends in LF, the next may start with ".".
    this.lastByte = chunk[chunk.length - 1];
    this.atLineStart = this.lastByte === 0x0a;
    if (!pieces.length) return chunk;
    pieces.push(chunk.subarray(from));
    return Buffer.concat(pieces);
  }

  /** The end of the answer: the last line finished with CRLF if it was not, then "." CRLF. */
  end(): Buffer {
    if (this.atLineStart) return END;
    return this.lastByte === 0x0d ? LF_END : CRLF_END;
  }
}

/**
 * TOP msg n: the header section, the blank line after it, and the first n lines of the body.
 * `push` gives what of a chunk is sent and whether the cut was reached (read no further).
 */
export class TopCutter {
  private inHeader = true;
  private bodyLines = 0;
  private lineBytes = 0;
  private lineFirstCR = false;

  constructor(private readonly lines: number) {}

  push(chunk: Buffer): { out: Buffer; done: boolean } {
    let pos = 0;
    while (pos < chunk.length) {
      const lf = chunk.indexOf(0x0a, pos);
      const end = lf < 0 ? chunk.length : lf;
      if (end > pos && this.lineBytes === 0) this.lineFirstCR = chunk[pos] === 0x0d;
      this.lineBytes += end - pos;
      if (lf < 0) break;
      const empty = this.lineBytes === 0 || (this.lineBytes === 1 && this.lineFirstCR);
      this.lineBytes = 0;
      pos = lf + 1;
      if (this.inHeader) {
        if (!empty) continue;
        this.inHeader = false;
        if (this.lines === 0) return { out: chunk.subarray(0, pos), done: true };
        continue;
      }
      if (++this.bodyLines >= this.lines) return { out: chunk.subarray(0, pos), done: true };
    }
    return { out: chunk, done: false };
  }
}
