// Incremental framing of LDAPMessage PDUs (RFC 4511 4.1.1): bytes in, complete messages out.
// Each message is one BER SEQUENCE with a definite length; anything else, or a message longer
// than the configured maximum, is a protocol error after which the connection must close.
import { BerError } from './ber.ts';

export const DEFAULT_MAX_MESSAGE_SIZE = 256 * 1024;

export class LdapFramer {
  private pending: Buffer | null = null;
  private failed = false;

  constructor(private readonly maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE) {}

  /** Feed bytes; returns the complete messages they finish (each a standalone Buffer). */
  push(chunk: Buffer): Buffer[] {
    if (this.failed) throw new BerError('framer already failed');
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Buffer[] = [];
    for (;;) {
      const total = this.frameLength(buf);
      if (total === null || buf.length < total) break;
      out.push(Buffer.from(buf.subarray(0, total)));
      buf = buf.subarray(total);
    }
    this.pending = buf.length ? Buffer.from(buf) : null;
    return out;
  }

  /** Bytes received but not yet part of a complete message. */
  get buffered(): number {
    return this.pending?.length ?? 0;
  }

  /** Total length of the message at the start of buf, or null when the header is incomplete. */
  private frameLength(buf: Buffer): number | null {
    if (buf.length === 0) return null;
    if (buf[0] !== 0x30) return this.fail(`an LDAPMessage must be a SEQUENCE (got 0x${buf[0].toString(16)})`);
    if (buf.length < 2) return null;
    const first = buf[1];
    let len: number;
    let header: number;
    if (first < 0x80) {
      len = first;
      header = 2;
    } else {
      const n = first & 0x7f;
      if (n === 0) return this.fail('indefinite length is not allowed in LDAP');
      if (n > 4) return this.fail('length too large');
      if (buf.length < 2 + n) return null;
      len = buf.readUIntBE(2, n);
      header = 2 + n;
    }
    if (header + len > this.maxMessageSize) return this.fail(`message larger than ${this.maxMessageSize} bytes`);
    return header + len;
  }

  private fail(message: string): never {
    this.failed = true;
    this.pending = null;
    throw new BerError(message);
  }
}
