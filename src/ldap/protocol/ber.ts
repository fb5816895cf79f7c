// BER (X.690) as LDAP uses it (RFC 4511 5.1): definite lengths only, one-byte tags, INTEGER /
// ENUMERATED / BOOLEAN / OCTET STRING / NULL and constructed SEQUENCE/SET/CHOICE values.
// Owns BerReader (a cursor over one message's bytes) and BerWriter (a growable buffer whose
// constructed values get their length patched in when they are closed). Pure: no sockets.

export class BerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BerError';
  }
}

/** Universal tags. */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  ENUMERATED: 0x0a,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** One tag-length-value: the value's bytes are buf[start, end). */
export interface Tlv {
  tag: number;
  start: number;
  end: number;
}

export class BerReader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  peekTag(): number | null {
    return this.pos < this.end ? this.buf[this.pos] : null;
  }

  /** Read one TLV header and skip past its value. */
  readTlv(): Tlv {
    if (this.pos >= this.end) throw new BerError('unexpected end of data');
    const tag = this.buf[this.pos++];
    if ((tag & 0x1f) === 0x1f) throw new BerError('multi-byte tags are not used by LDAP');
    const len = this.readLength();
    const start = this.pos;
    const end = start + len;
    if (end > this.end) throw new BerError('value runs past the end of its container');
    this.pos = end;
    return { tag, start, end };
  }

  /** Read a TLV that must have `tag`. */
  expect(tag: number, what: string): Tlv {
    const t = this.readTlv();
    if (t.tag !== tag) throw new BerError(`${what}: expected tag 0x${tag.toString(16)}, got 0x${t.tag.toString(16)}`);
    return t;
  }

  private readLength(): number {
    if (this.pos >= this.end) throw new BerError('missing length');
    const first = this.buf[this.pos++];
    if (first < 0x80) return first;
    const n = first & 0x7f;
    if (n === 0) throw new BerError('indefinite length is not allowed in LDAP');
    if (n > 4) throw new BerError('length too large');
    if (this.pos + n > this.end) throw new BerError('truncated length');
    let len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + this.buf[this.pos++];
    return len;
  }

  /** A reader over the contents of a constructed value. */
  sub(t: Tlv): BerReader {
    return new BerReader(this.buf, t.start, t.end);
  }

  bytes(t: Tlv): Buffer {
    return this.buf.subarray(t.start, t.end);
  }

  string(t: Tlv): string {
    return this.buf.toString('utf8', t.start, t.end);
  }

  integerOf(t: Tlv): number {
    const n = t.end - t.start;
    if (n === 0) throw new BerError('empty INTEGER');
    if (n > 6) throw new BerError('INTEGER too large');
    let v = this.buf[t.start] & 0x80 ? -1 : 0;
    for (let i = t.start; i < t.end; i++) v = v * 256 + this.buf[i];
    return v;
  }

  booleanOf(t: Tlv): boolean {
    if (t.end - t.start !== 1) throw new BerError('BOOLEAN must be one byte');
    return this.buf[t.start] !== 0;
  }

  readInteger(tag: number = Tag.INTEGER, what = 'INTEGER'): number {
    return this.integerOf(this.expect(tag, what));
  }

  readEnumerated(what = 'ENUMERATED'): number {
    return this.integerOf(this.expect(Tag.ENUMERATED, what));
  }

  readBoolean(what = 'BOOLEAN'): boolean {
    return this.booleanOf(this.expect(Tag.BOOLEAN, what));
  }

  readString(tag: number = Tag.OCTET_STRING, what = 'OCTET STRING'): string {
    return this.string(this.expect(tag, what));
  }

  readBytes(tag: number = Tag.OCTET_STRING, what = 'OCTET STRING'): Buffer {
    return this.bytes(this.expect(tag, what));
  }
}

/** Writes BER into one growable buffer. `start(tag)` … `end()` wraps a constructed value. */
export class BerWriter {
  private buf: Buffer;
  private len = 0;
  private readonly open: number[] = [];

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  private writeLength(n: number): void {
    this.ensure(5);
    if (n < 0x80) this.buf[this.len++] = n;
    else if (n < 0x100) {
      this.buf[this.len++] = 0x81;
      this.buf[this.len++] = n;
    } else if (n < 0x10000) {
      this.buf[this.len++] = 0x82;
      this.buf.writeUInt16BE(n, this.len);
      this.len += 2;
    } else if (n < 0x1000000) {
      this.buf[this.len++] = 0x83;
      this.buf.writeUIntBE(n, this.len, 3);
      this.len += 3;
    } else {
      this.buf[this.len++] = 0x84;
      this.buf.writeUInt32BE(n, this.len);
      this.len += 4;
    }
  }

  /** Open a constructed value; its length is written by the matching end(). */
  start(tag: number): this {
    this.ensure(2);
    this.buf[this.len++] = tag;
    this.open.push(this.len);
    this.buf[this.len++] = 0; // one length byte reserved; widened in end() if needed
    return this;
  }

  end(): this {
    const at = this.open.pop();
    if (at === undefined) throw new BerError('end() without start()');
    const contentLen = this.len - at - 1;
    if (contentLen < 0x80) {
      this.buf[at] = contentLen;
      return this;
    }
    const extra = contentLen < 0x100 ? 1 : contentLen < 0x10000 ? 2 : contentLen < 0x1000000 ? 3 : 4;
    this.ensure(extra);
    this.buf.copyWithin(at + 1 + extra, at + 1, this.len);
    this.buf[at] = 0x80 | extra;
    this.buf.writeUIntBE(contentLen, at + 1, extra);
    this.len += extra;
    return this;
  }

  raw(tag: number, value: Buffer): this {
    this.ensure(1);
    this.buf[this.len++] = tag;
    this.writeLength(value.length);
    this.ensure(value.length);
    value.copy(this.buf, this.len);
    this.len += value.length;
    return this;
  }

  string(value: string, tag: number = Tag.OCTET_STRING): this {
    const n = Buffer.byteLength(value);
    this.ensure(1);
    this.buf[this.len++] = tag;
    this.writeLength(n);
    this.ensure(n);
    this.len += this.buf.write(value, this.len, 'utf8');
    return this;
  }

  integer(value: number, tag: number = Tag.INTEGER): this {
    if (!Number.isInteger(value)) throw new BerError('INTEGER must be an integer');
    const bytes: number[] = [];
    let v = value;
    // minimal two's complement, big-endian
    do {
      bytes.unshift(((v % 256) + 256) % 256);
      v = Math.floor(v / 256);
    } while (!((v === 0 && (bytes[0] & 0x80) === 0) || (v === -1 && (bytes[0] & 0x80) !== 0)));
    this.ensure(2 + bytes.length);
    this.buf[this.len++] = tag;
    this.buf[this.len++] = bytes.length;
    for (const b of bytes) this.buf[this.len++] = b;
    return this;
  }

  enumerated(value: number): this {
    return this.integer(value, Tag.ENUMERATED);
  }

  boolean(value: boolean, tag: number = Tag.BOOLEAN): this {
    this.ensure(3);
    this.buf[this.len++] = tag;
    this.buf[this.len++] = 1;
    this.buf[this.len++] = value ? 0xff : 0x00;
    return this;
  }

  null(tag: number = Tag.NULL): this {
    this.ensure(2);
    this.buf[this.len++] = tag;
    this.buf[this.len++] = 0;
    return this;
  }

  /** The bytes written so far (a copy; the writer may be reused). */
  toBuffer(): Buffer {
    if (this.open.length) throw new BerError('unclosed constructed value');
    return Buffer.from(this.buf.subarray(0, this.len));
  }
}
