// Owns: what an IMAP session writes to its client. While a command runs, its responses are
// gathered and handed to the socket when it ends (or at 64 KB, or before the session waits for
// the client): a command's untagged responses and its tagged answer leave as one write, one TLS
// record instead of one per line. Outside a command (IDLE's updates, the greeting) they go at once.
// Also the serialising of untagged responses, continuation requests, and waiting for the socket to
// drain (large FETCH responses). session.ts decides when a command runs; this file only writes.
import type net from 'node:net';
import { WireWriter } from './protocol/serialize.ts';
import type { Untagged } from './context.ts';

/** Gathered bytes handed to the socket at this size even while a command runs. */
const GATHER_MAX = 65_536;

export class SessionOutput {
  private out: Buffer[] = [];
  private outBytes = 0;
  /** Set while a command runs (or NOTIFY speaks between commands): responses are gathered. */
  batching = false;

  constructor(
    /** The socket now (STARTTLS replaces it). */
    private readonly socket: () => net.Socket,
    /** Whether the session is closed: nothing more is written. */
    private readonly closed: () => boolean,
  ) {}

  writeLine(line: string): void {
    this.write(Buffer.from(line + '\r\n', 'utf8'));
  }

  untagged(u: Untagged): void {
    this.untaggedBatch([u]);
  }

  /** Several untagged responses in one socket write. */
  untaggedBatch(list: Untagged[]): void {
    const w = new WireWriter();
    for (const u of list) {
      if (typeof u === 'string') {
        w.bytes(Buffer.from(`* ${u}\r\n`, 'utf8'));
        continue;
      }
      w.add('* ');
      for (let i = 0; i < u.length; i++) {
        if (i > 0) w.add(' ');
        w.value(u[i]);
      }
      w.add('\r\n');
    }
    const chunks = w.take();
    this.write(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
  }

  /** `+ text`, written at once: the client waits for it. */
  continuation(text: string): void {
    this.writeLine(`+ ${text}`);
    this.flush();
  }

  /** Gathered while a command runs (see above), else written at once. */
  write(buf: Buffer): void {
    const socket = this.socket();
    if (this.closed() || socket.destroyed) return;
    if (!this.batching && !this.out.length) {
      socket.write(buf);
      return;
    }
    this.out.push(buf);
    this.outBytes += buf.length;
    if (!this.batching || this.outBytes >= GATHER_MAX) this.flush();
  }

  /** Hand what was gathered to the socket now. */
  flush(): void {
    if (!this.out.length) return;
    const data = this.out.length === 1 ? this.out[0] : Buffer.concat(this.out, this.outBytes);
    this.out = [];
    this.outBytes = 0;
    const socket = this.socket();
    if (!this.closed() && !socket.destroyed) socket.write(data);
  }

  /** Whether the socket wants a drain before more is written (what was gathered is handed over first). */
  needsDrain(): boolean {
    this.flush();
    return !this.closed() && this.socket().writableNeedDrain;
  }

  /** Wait until the socket's buffer drains (large FETCH responses). */
  async drain(): Promise<void> {
    this.flush();
    const socket = this.socket();
    if (this.closed() || !socket.writableNeedDrain) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.once('drain', done);
      socket.once('close', done);
    });
  }
}
