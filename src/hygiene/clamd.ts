// A client of ClamAV's clamd (Debian's clamav-daemon): PING, VERSION and INSTREAM, each on its own
// connection with the null-terminated `z` commands. INSTREAM sends the message as it is read
// (chunks of at most 64 KB, each behind its 4-byte big-endian length, then a zero length), so a
// 25 MB message is never whole in memory. Where: the unix socket (Debian's
// /var/run/clamav/clamd.ctl) is tried first when configured, then TCP host:port (127.0.0.1:3310);
// an endpoint that refuses the connection is skipped for the next one. Every exchange has one
// deadline (timeoutMs). clamd's StreamMaxLength answer ("INSTREAM size limit exceeded"), or its
// closing the connection while we still send, is a result of its own (`too-large`), not an error.
// Owns: the clamd wire protocol and its answers; no policy (smtp/stages/virus.ts decides).
import net from 'node:net';

export interface ClamdOptions {
  /** Unix socket path; '' = TCP only. */
  socket: string;
  host: string;
  port: number;
  timeoutMs: number;
}

export type ScanResult = { kind: 'clean' } | { kind: 'infected'; virus: string } | { kind: 'too-large' };

/** clamd could not be asked (no endpoint answers, or the deadline passed). */
export class ClamdUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClamdUnavailable';
  }
}

/** clamd answered with an error (other than the size limit). */
export class ClamdError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClamdError';
  }
}

/** INSTREAM chunk size: well under clamd's default StreamMaxLength and its read buffer. */
const CHUNK = 64 * 1024;
const MAX_REPLY = 64 * 1024;

/** What a stream cut off by clamd while we were still sending means: its StreamMaxLength. */
const CLOSED_MID_STREAM = 'INSTREAM size limit exceeded (connection closed by clamd during the stream). ERROR';

/** Parse one INSTREAM reply ("stream: OK", "stream: Eicar-Test-Signature FOUND", "… ERROR"). */
export function parseScanReply(reply: string): ScanResult {
  const r = reply.replace(/\0/g, '').trim();
  if (/size limit exceeded/i.test(r)) return { kind: 'too-large' };
  const m = /^(?:stream|[^:]*):\s*(.*?)\s+FOUND$/.exec(r);
  if (m) return { kind: 'infected', virus: m[1] || 'unknown' };
  if (/:\s*OK$/.test(r)) return { kind: 'clean' };
  throw new ClamdError(r || 'empty reply');
}

export class ClamdClient {
  constructor(private readonly opts: ClamdOptions) {}

  /** Where this client asks, in order (for messages and `thutin doctor`). */
  endpoints(): string[] {
    const out: string[] = [];
    if (this.opts.socket) out.push(`unix:${this.opts.socket}`);
    out.push(`tcp:${this.opts.host}:${this.opts.port}`);
    return out;
  }

  /** PONG or an error. */
  async ping(): Promise<{ endpoint: string }> {
    const { reply, endpoint } = await this.exchange('zPING\0', null);
    if (reply.replace(/\0/g, '').trim() !== 'PONG') throw new ClamdError(`unexpected PING reply: ${reply}`);
    return { endpoint };
  }

  /** "ClamAV 1.4.6/…" */
  async version(): Promise<{ version: string; endpoint: string }> {
    const { reply, endpoint } = await this.exchange('zVERSION\0', null);
    return { version: reply.replace(/\0/g, '').trim(), endpoint };
  }

  /** Scan the bytes `source()` gives (called once per connection attempt: a fresh stream each time). */
  async scan(source: () => AsyncIterable<Buffer | string>): Promise<ScanResult> {
    const { reply } = await this.exchange('zINSTREAM\0', source);
    return parseScanReply(reply);
  }

  private async exchange(command: string, body: (() => AsyncIterable<Buffer | string>) | null): Promise<{ reply: string; endpoint: string }> {
    const deadline = Date.now() + this.opts.timeoutMs;
    const errors: string[] = [];
    const targets: Array<{ name: string; connect: () => net.Socket }> = [];
    if (this.opts.socket) targets.push({ name: `unix:${this.opts.socket}`, connect: () => net.createConnection({ path: this.opts.socket }) });
    targets.push({ name: `tcp:${this.opts.host}:${this.opts.port}`, connect: () => net.createConnection({ host: this.opts.host, port: this.opts.port }) });
    for (const t of targets) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      try {
        return { reply: await once(t.connect(), command, body, left), endpoint: t.name };
      } catch (e) {
        if (e instanceof NotConnected) {
          errors.push(`${t.name}: ${e.message}`);
          continue; // the next endpoint
        }
        if (e instanceof ClamdError) throw e;
        throw new ClamdUnavailable(`${t.name}: ${(e as Error).message}`);
      }
    }
    throw new ClamdUnavailable(errors.length ? errors.join('; ') : `no answer within ${this.opts.timeoutMs} ms`);
  }
}

/** The connection itself failed (nothing listens there): try the next endpoint. */
class NotConnected extends Error {}

/** One command on one connection: the reply up to clamd's NUL (or its close). */
function once(sock: net.Socket, command: string, body: (() => AsyncIterable<Buffer | string>) | null, timeoutMs: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let connected = false;
    let done = false;
    let reply = '';
    const finish = (err: Error | null, value?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(value ?? '');
    };
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    sock.on('error', (e: NodeJS.ErrnoException) => {
      // clamd closes the connection when StreamMaxLength is passed: its reply may already be here,
      // or lost with the reset that met our next write (Linux drops unread data on RST).
      if (connected && reply) return finish(null, reply);
      if (connected && body && (e.code === 'EPIPE' || e.code === 'ECONNRESET')) return finish(null, CLOSED_MID_STREAM);
      finish(connected ? e : new NotConnected(e.code ?? e.message));
    });
    sock.on('data', (d: Buffer) => {
      reply += d.toString('utf8');
      if (reply.includes('\0')) finish(null, reply.slice(0, reply.indexOf('\0')));
      else if (reply.length > MAX_REPLY) finish(new ClamdError('reply too long'));
    });
    sock.on('end', () => (reply ? finish(null, reply) : finish(new Error('clamd closed the connection without a reply'))));
    sock.on('connect', () => {
      connected = true;
      sock.write(command);
      if (!body) return;
      send(sock, body(), () => done).then(
        () => undefined,
        (e: unknown) => {
          // A write after clamd's size-limit answer fails: the answer (arriving as data) wins.
          setTimeout(() => (reply ? finish(null, reply) : finish(e as Error)), 50);
        },
      );
    });
  });
}

/** The INSTREAM body: length-prefixed chunks, then the zero length; waits for the socket to drain. */
async function send(sock: net.Socket, source: AsyncIterable<Buffer | string>, stopped: () => boolean): Promise<void> {
  const write = (b: Buffer): Promise<void> => {
    if (sock.write(b)) return Promise.resolve();
    return new Promise<void>((res, rej) => {
      const drained = () => (sock.off('close', closed), res());
      const closed = () => (sock.off('drain', drained), rej(new Error('closed')));
      sock.once('drain', drained);
      sock.once('close', closed);
    });
  };
  for await (const c of source) {
    if (stopped()) return;
    let buf = typeof c === 'string' ? Buffer.from(c) : c;
    while (buf.length) {
      const piece = buf.subarray(0, CHUNK);
      buf = buf.subarray(piece.length);
      const len = Buffer.alloc(4);
      len.writeUInt32BE(piece.length);
      await write(Buffer.concat([len, piece]));
      if (stopped()) return;
    }
  }
  await write(Buffer.alloc(4));
}
