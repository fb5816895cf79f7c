// Streaming Content-Transfer-Encoding decoders (RFC 2045 6): base64, quoted-printable and
// the identity encodings.
// Owns: turning a part body, delivered as line contents and line breaks in any
// fragmentation, into decoded bytes. Line breaks of identity and quoted-printable bodies
// come out as "\n". Tolerant of bad input (invalid characters skipped, broken escapes
// kept literally). Never throws.

export interface TransferDecoder {
  /** Bytes of the current line (any fragment of it, without its line break). */
  content(bytes: Buffer): void;
  /** A line break that belongs to the body. */
  eol(): void;
  /** End of the body. */
  end(): void;
}

type Sink = (decoded: Buffer) => void;

const LF = Buffer.from('\n');

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function decodeQpBytes(buf: Buffer): Buffer {
  if (!buf.includes(0x3d)) return buf;
  const out = Buffer.allocUnsafe(buf.length);
  let o = 0;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (c === 0x3d && i + 2 < buf.length && isHex(buf[i + 1]) && isHex(buf[i + 2])) {
      out[o++] = parseInt(String.fromCharCode(buf[i + 1], buf[i + 2]), 16);
      i += 2;
    } else out[o++] = c;
  }
  return out.subarray(0, o);
}

class QuotedPrintable implements TransferDecoder {
  private held: Buffer = Buffer.alloc(0);
  constructor(private readonly sink: Sink) {}

  content(bytes: Buffer): void {
    const buf = this.held.length ? Buffer.concat([this.held, bytes]) : bytes;
    let w = buf.length;
    while (w > 0 && (buf[w - 1] === 0x20 || buf[w - 1] === 0x09)) w--;
    let hold = w;
    if (hold > 0 && buf[hold - 1] === 0x3d) hold -= 1;
    else if (w === buf.length && hold > 1 && buf[hold - 2] === 0x3d && isHex(buf[hold - 1])) hold -= 2;
    if (buf.length - hold > 4096) hold = buf.length; // absurd whitespace run: stop holding it
    if (hold > 0) this.sink(decodeQpBytes(buf.subarray(0, hold)));
    this.held = Buffer.from(buf.subarray(hold));
  }

  private finishLine(): boolean {
    let line = this.held;
    this.held = Buffer.alloc(0);
    let w = line.length;
    while (w > 0 && (line[w - 1] === 0x20 || line[w - 1] === 0x09)) w--;
    line = line.subarray(0, w); // trailing whitespace was added in transport (RFC 2045 6.7 (3))
    const soft = line.length > 0 && line[line.length - 1] === 0x3d;
    if (soft) line = line.subarray(0, line.length - 1);
    if (line.length) this.sink(decodeQpBytes(line));
    return soft;
  }

  eol(): void {
    if (!this.finishLine()) this.sink(LF);
  }

  end(): void {
    this.finishLine();
  }
}

class Base64 implements TransferDecoder {
  private carry = '';
  constructor(private readonly sink: Sink) {}

  content(bytes: Buffer): void {
    const clean = bytes.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, '');
    if (!clean) return;
    const segments = clean.split(/=+/);
    for (let i = 0; i < segments.length; i++) {
      const data = this.carry + segments[i];
      if (i < segments.length - 1) {
        // padding ends a quantum (concatenated base64 streams)
        if (data.length % 4 !== 1) this.sink(Buffer.from(data, 'base64'));
        this.carry = '';
      } else {
        const n = data.length - (data.length % 4);
        if (n > 0) this.sink(Buffer.from(data.slice(0, n), 'base64'));
        this.carry = data.slice(n);
      }
    }
  }

  eol(): void {}

  end(): void {
    if (this.carry.length >= 2) this.sink(Buffer.from(this.carry, 'base64'));
    this.carry = '';
  }
}

class Identity implements TransferDecoder {
  constructor(private readonly sink: Sink) {}
  content(bytes: Buffer): void {
    if (bytes.length) this.sink(bytes);
  }
  eol(): void {
    this.sink(LF);
  }
  end(): void {}
}

/**
 * A whole part body with its transfer encoding undone, fed line by line (CRLF or LF) to the
 * decoder for `encoding`; line breaks come out as "\n", as from the streaming decoders.
 */
export function decodeTransferBody(body: Buffer, encoding: string | undefined): Buffer {
  const out: Buffer[] = [];
  const d = createTransferDecoder(encoding, (b) => void out.push(b));
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== 0x0a) continue;
    d.content(body.subarray(start, i > start && body[i - 1] === 0x0d ? i - 1 : i));
    d.eol();
    start = i + 1;
  }
  if (start < body.length) d.content(body.subarray(start));
  d.end();
  return Buffer.concat(out);
}

/** A decoder for `encoding` (lower-case token; unknown encodings are passed through). */
export function createTransferDecoder(encoding: string | undefined, sink: Sink): TransferDecoder {
  switch (encoding) {
    case 'base64':
      return new Base64(sink);
    case 'quoted-printable':
      return new QuotedPrintable(sink);
    default:
      return new Identity(sink);
  }
}
