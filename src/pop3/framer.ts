// Owns: cutting the POP3 byte stream into lines (CRLF, a bare LF accepted) under a line limit. A
// line longer than the limit is reported once as `too-long` and its bytes are dropped up to the
// next LF, so a client cannot make the server hold more than one limit's worth of a line. Pure.

export type FramedLine = { type: 'line'; line: Buffer } | { type: 'too-long' };

export class LineFramer {
  private parts: Buffer[] = [];
  private held = 0;
  private skipping = false;

  constructor(private maxLine: number) {}

  /** Change the limit (larger after sign-in, for long SASL lines it is not needed). */
  setMaxLine(n: number): void {
    this.maxLine = n;
  }

  /** Bytes held for an unfinished line. */
  get pending(): number {
    return this.held;
  }

  push(chunk: Buffer): FramedLine[] {
    const out: FramedLine[] = [];
    let start = 0;
    while (start < chunk.length) {
      const lf = chunk.indexOf(0x0a, start);
      const end = lf < 0 ? chunk.length : lf;
      if (this.skipping) {
        if (lf >= 0) this.skipping = false;
        start = end + 1;
        continue;
      }
      const piece = chunk.subarray(start, end);
      if (this.held + piece.length > this.maxLine + 1) {
        // +1: the CR of the CRLF is not part of the line.
        this.parts = [];
        this.held = 0;
        out.push({ type: 'too-long' });
        if (lf < 0) this.skipping = true;
        start = end + 1;
        continue;
      }
      if (lf < 0) {
        this.parts.push(Buffer.from(piece)); // copied: the chunk may be reused by the socket
        this.held += piece.length;
        break;
      }
      let line = this.parts.length ? Buffer.concat([...this.parts, piece]) : piece;
      this.parts = [];
      this.held = 0;
      if (line.length && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
      if (line.length > this.maxLine) out.push({ type: 'too-long' });
      else out.push({ type: 'line', line });
      start = lf + 1;
    }
    return out;
  }
}
