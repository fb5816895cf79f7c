// A minimal raw IMAP line client for protocol-level tests: send exact bytes, read until a
// tagged response. Used where a real client would hide what the server said.
import tls from 'node:tls';
import net from 'node:net';

export class RawImap {
  private buf = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  closed = false;
  private constructor(private socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.waiters.splice(0).forEach((w) => w());
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiters.splice(0).forEach((w) => w());
    });
    socket.on('error', () => {});
  }

  static async connect(port: number, secure = true): Promise<RawImap> {
    const socket = secure ? tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }) : net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((res, rej) => {
      socket.once(secure ? 'secureConnect' : 'connect', () => res());
      socket.once('error', rej);
    });
    const c = new RawImap(socket);
    await c.readUntil(/^\* OK.*\r\n/m);
    return c;
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Wait until the buffered text matches; return and consume everything up to the match's end. */
  async readUntil(re: RegExp, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.buf.toString('latin1');
      const m = re.exec(text);
      if (m) {
        const end = m.index + m[0].length;
        const out = this.buf.subarray(0, end).toString('utf8');
        this.buf = this.buf.subarray(end);
        return out;
      }
      if (this.closed) throw new Error(`connection closed; got: ${text}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timeout waiting for ${re}; got: ${text}`);
      await new Promise<void>((res) => {
        const t = setTimeout(res, left);
        this.waiters.push(() => {
          clearTimeout(t);
          res();
        });
      });
    }
  }

  /** Send a tagged command and return the whole response up to its tagged line. */
  async cmd(tag: string, command: string | Buffer): Promise<string> {
    this.write(typeof command === 'string' ? `${tag} ${command}\r\n` : Buffer.concat([Buffer.from(`${tag} `), command, Buffer.from('\r\n')]));
    return this.readUntil(new RegExp(`^${tag} (OK|NO|BAD)[^\\r\\n]*\\r\\n`, 'm'));
  }

  close(): void {
    this.socket.destroy();
  }
}
