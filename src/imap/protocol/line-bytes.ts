// Owns: building many short response lines straight into large byte buffers (the metadata FETCH
// of a whole folder: "* 17 FETCH (UID 17 FLAGS (\Seen))" twenty thousand times). A line built as a
// string costs a few small strings per message, a join and a copy into bytes; here each piece is
// written where it goes, so a 20,000-line answer leaves a few buffers behind and nothing else for
// the garbage collector. Text is written as latin1 (one byte per char), as the string path wrote it:
// flags and numbers are ASCII, and envelope texts come as one-byte strings already.

const CHUNK = 256 * 1024;
/** With a `full` callback, buffers of this size: the first lines go out early. */
const FIRST_HAND_OVER = 64 * 1024;

/** Strings this long or longer are copied by Buffer's own latin1 write, shorter ones byte by byte. */
const NATIVE_WRITE = 64;

export class LineBytes {
  private readonly chunks: Buffer[] = [];
  private buf: Buffer;
  private pos = 0;

  /**
   * `expected`: about how many bytes will be written (the first buffer's size, up to 256 KB).
   * `full`: given each buffer as soon as it is full (a socket's write: the reader starts on the
   * first lines while the rest are built), instead of keeping it for `take`.
   */
  constructor(
    expected = CHUNK,
    private readonly full: ((chunk: Buffer) => void) | null = null,
  ) {
    this.buf = Buffer.allocUnsafe(Math.min(this.chunkSize, Math.max(256, expected)));
  }

  private get chunkSize(): number {
    return this.full ? FIRST_HAND_OVER : CHUNK;
  }

  /** Room for `n` more bytes in the current buffer (a new buffer when it has not). */
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (this.pos) {
      const chunk = this.buf.subarray(0, this.pos);
      if (this.full) this.full(chunk);
      else this.chunks.push(chunk);
    }
    this.buf = Buffer.allocUnsafe(Math.max(this.chunkSize, n));
    this.pos = 0;
  }

  /** Text, one byte per char (latin1). */
  text(s: string): this {
    const n = s.length;
    this.room(n);
    if (n >= NATIVE_WRITE) this.pos += this.buf.write(s, this.pos, 'latin1');
    else {
      const b = this.buf;
      let p = this.pos;
      for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
      this.pos = p;
    }
    return this;
  }

  /** Bytes as they are. */
  bytes(src: Uint8Array): this {
    this.room(src.length);
    const b = this.buf;
    let p = this.pos;
    if (src.length >= NATIVE_WRITE) p += Buffer.prototype.copy.call(src, b, p);
    else for (let i = 0; i < src.length; i++) b[p++] = src[i];
    this.pos = p;
    return this;
  }

  /** A non-negative integer in decimal (UIDs, sequence numbers, sizes, MODSEQs up to 2^53). */
  number(v: number): this {
    if (!Number.isSafeInteger(v) || v < 0) return this.text(String(v));
    if (v <= 0x7fffffff) {
      // Small integers (sequence numbers, UIDs, sizes): integer division.
      const digits = v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5 : v < 1000000 ? 6 : v < 10000000 ? 7 : v < 100000000 ? 8 : v < 1000000000 ? 9 : 10;
      this.room(digits);
      const b = this.buf;
      let p = this.pos + digits - 1;
      let x = v;
      do {
        const q = (x / 10) | 0;
        b[p--] = 48 + x - q * 10;
        x = q;
      } while (x);
      this.pos += digits;
      return this;
    }
    let digits = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) digits++;
    this.room(digits);
    const b = this.buf;
    let p = this.pos + digits - 1;
    let x = v;
    do {
      b[p--] = 48 + (x % 10);
      x = Math.floor(x / 10);
    } while (x);
    this.pos += digits;
    return this;
  }

  /** Everything written (not yet handed to `full`), as buffers of about 256 KB; the writer starts empty again. */
  take(): Buffer[] {
    const out = this.chunks.splice(0);
    if (this.pos) out.push(this.buf.subarray(0, this.pos));
    this.buf = this.buf.subarray(this.pos);
    this.pos = 0;
    return out;
  }
}
