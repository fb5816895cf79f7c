// Owns: a ManageSieve conversation over a raw socket for tests: write lines (and literals), read
// until a response line (OK / NO / BYE at the start of a line), STARTTLS with the test's self-signed
// certificate, AUTHENTICATE PLAIN.
import net from 'node:net';
import tls from 'node:tls';

export class RawSieve {
  private buf = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  closed = false;
  private constructor(private socket: net.Socket) {
    this.listen(socket);
  }

  private listen(socket: net.Socket): void {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
    socket.on('error', () => {});
  }

  /** Connect (from `localAddress`, sending a PROXY `header` first) and read the greeting (the capabilities and OK, or BYE). */
  static async connect(port: number, o: { localAddress?: string; header?: Buffer | string } = {}): Promise<{ c: RawSieve; greeting: string }> {
    const socket = net.connect({ host: '127.0.0.1', port, ...(o.localAddress ? { localAddress: o.localAddress } : {}) });
    await new Promise<void>((res, rej) => {
      socket.once('connect', () => res());
      socket.once('error', rej);
    });
    if (o.header) socket.write(o.header);
    const c = new RawSieve(socket);
    return { c, greeting: await c.response() };
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Everything up to and including the next response line (OK, NO or BYE at a line's start). */
  async response(timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.buf.toString('utf8');
      const m = /(^|\r\n)((OK|NO|BYE)\b[^\r\n]*)\r\n/.exec(text);
      if (m) {
        const end = m.index + m[0].length;
        const taken = Buffer.byteLength(text.slice(0, end));
        const out = this.buf.subarray(0, taken).toString('utf8');
        this.buf = this.buf.subarray(taken);
        return out;
      }
      if (this.closed) return text;
      if (Date.now() > deadline) throw new Error(`no response; got: ${text}`);
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, 200);
      });
      this.wake = null;
    }
  }

  /** Send a command line, return its response. */
  async cmd(line: string | Buffer): Promise<string> {
    this.write(typeof line === 'string' ? `${line}\r\n` : line);
    return this.response();
  }

  async starttls(): Promise<string> {
    const ok = await this.cmd('STARTTLS');
    if (!ok.startsWith('OK')) throw new Error(`STARTTLS refused: ${ok}`);
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('close');
    const secure = tls.connect({ socket: this.socket, rejectUnauthorized: false, servername: 'localhost' });
    await new Promise<void>((res, rej) => {
      secure.once('secureConnect', () => res());
      secure.once('error', rej);
    });
    this.socket = secure;
    this.listen(secure);
    return this.response(); // the capabilities again, then OK
  }

  async login(user: string, password: string): Promise<string> {
    const b64 = Buffer.from(`\0${user}\0${password}`).toString('base64');
    return this.cmd(`AUTHENTICATE "PLAIN" "${b64}"`);
  }

  /** A command whose last argument is a non-synchronising literal. */
  async withLiteral(prefix: string, data: string | Buffer, sync = false): Promise<string> {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.write(Buffer.concat([Buffer.from(`${prefix} {${buf.length}${sync ? '' : '+'}}\r\n`), buf, Buffer.from('\r\n')]));
    return this.response();
  }

  close(): void {
    this.socket.destroy();
  }
}
