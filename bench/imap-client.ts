// A small raw-socket IMAP client for the benchmark: the same code talks to thutin and to
// Dovecot, so the client's cost is identical for both. It frames responses (lines and
// {n} literals) without building values, counts untagged responses and literal bytes, and
// keeps the text of untagged responses only when asked (SEARCH, STATUS). Commands may be
// pipelined; literals are sent as LITERAL+ ({n+}), which both servers announce.
import tls from 'node:tls';

export interface Result {
  tag: string;
  status: 'OK' | 'NO' | 'BAD' | 'BYE';
  text: string;
  /** Untagged responses received while the command ran. */
  untagged: number;
  /** Bytes of literal data in those responses (e.g. message bodies). */
  literalBytes: number;
  /** Untagged responses as text (literals inlined), when `collect` was set. */
  lines: string[];
  ms: number;
}

interface Pending {
  tag: string;
  collect: boolean;
  started: number;
  untagged: number;
  literalBytes: number;
  lines: string[];
  resolve: (r: Result) => void;
  reject: (e: Error) => void;
}

const CRLF = Buffer.from('\r\n');

export class ImapConn {
  private partial: Buffer | null = null;
  private literalLeft = 0;
  /** Inside an untagged response (after a literal, the response goes on). */
  private inResponse = false;
  private current: string[] | null = null;
  private readonly pending: Pending[] = [];
  private nextTag = 1;
  private greetingWaiter: ((line: string) => void) | null = null;
  greeting = '';
  closed = false;
  /** The server's BYE line, if it sent one. */
  closedByServer: string | null = null;

  private constructor(readonly socket: tls.TLSSocket) {
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('close', () => this.onClose(new Error('connection closed')));
    socket.on('error', (e) => this.onClose(e));
  }

  static async connect(port: number, host = '127.0.0.1', timeoutMs = 60_000): Promise<ImapConn> {
    const socket = tls.connect({ host, port, rejectUnauthorized: false, servername: 'localhost' });
    socket.setNoDelay(true);
    const conn = new ImapConn(socket);
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no IMAP greeting from ${host}:${port} in ${timeoutMs} ms`)), timeoutMs);
      conn.greetingWaiter = (line) => {
        clearTimeout(t);
        conn.greeting = line;
        resolve();
      };
      socket.once('error', (e) => {
        clearTimeout(t);
        reject(e);
      });
    });
    return conn;
  }

  get tlsInfo(): string {
    const c = this.socket.getCipher();
    return `${this.socket.getProtocol() ?? '?'} ${c?.name ?? '?'}`;
  }

  private onClose(e: Error): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.splice(0)) p.reject(new Error(`${p.tag}: ${e.message}`));
  }

  private onData(chunk: Buffer): void {
    let buf = chunk;
    let pos = 0;
    if (this.partial) {
      buf = Buffer.concat([this.partial, chunk]);
      this.partial = null;
    }
    while (pos < buf.length) {
      if (this.literalLeft > 0) {
        const n = Math.min(this.literalLeft, buf.length - pos);
        const p = this.pending[0];
        if (p) p.literalBytes += n;
        if (this.current) this.current.push(buf.toString('utf8', pos, pos + n));
        this.literalLeft -= n;
        pos += n;
        continue;
      }
      const nl = buf.indexOf(10, pos);
      if (nl < 0) {
        this.partial = buf.subarray(pos);
        return;
      }
      const end = nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl;
      this.onSegment(buf, pos, end);
      pos = nl + 1;
    }
  }

  /** One line segment (up to CRLF); it may end in a literal announcement {n}. */
  private onSegment(buf: Buffer, start: number, end: number): void {
    let literal = -1;
    if (end > start && buf[end - 1] === 0x7d /* } */) {
      const open = buf.lastIndexOf(0x7b /* { */, end - 1);
      if (open >= start) {
        const n = Number(buf.toString('latin1', open + 1, end - 1).replace('+', ''));
        if (Number.isFinite(n)) literal = n;
      }
    }
    if (!this.inResponse) {
      const b0 = buf[start];
      const isUntagged = b0 === 0x2a /* * */ && buf[start + 1] === 0x20;
      const isContinuation = b0 === 0x2b; /* + */
      if (!this.greeting && this.greetingWaiter && isUntagged) {
        const w = this.greetingWaiter;
        this.greetingWaiter = null;
        w(buf.toString('utf8', start, end));
        return;
      }
      if (isContinuation) return; // LITERAL+ needs none; ignore any
      if (isUntagged) {
        const p = this.pending[0];
        if (p) {
          p.untagged++;
          if (p.collect) this.current = [];
        }
        if (buf.toString('latin1', start + 2, Math.min(end, start + 5)) === 'BYE') this.closedByServer = buf.toString('utf8', start, end);
      } else {
        // tagged completion: "TAG STATUS text"
        const line = buf.toString('utf8', start, end);
        const sp = line.indexOf(' ');
        const tag = line.slice(0, sp);
        const idx = this.pending.findIndex((q) => q.tag === tag);
        if (idx >= 0) {
          const [p] = this.pending.splice(idx, 1);
          const rest = line.slice(sp + 1);
          const sp2 = rest.indexOf(' ');
          const status = (sp2 < 0 ? rest : rest.slice(0, sp2)) as Result['status'];
          p.resolve({ tag, status, text: sp2 < 0 ? '' : rest.slice(sp2 + 1), untagged: p.untagged, literalBytes: p.literalBytes, lines: p.lines, ms: performance.now() - p.started });
        }
        return;
      }
    }
    if (this.current) this.current.push(buf.toString('utf8', start, end));
    if (literal >= 0) {
      this.literalLeft = literal;
      this.inResponse = true;
      if (literal === 0) return;
    } else {
      this.inResponse = false;
      if (this.current) {
        this.pending[0]?.lines.push(this.current.join(''));
        this.current = null;
      }
    }
  }

  /**
   * Send one command. `parts` are joined as given: strings and Buffers, where a Buffer is sent
   * as a LITERAL+ literal. Resolves at the tagged response (whatever its status).
   */
  send(parts: Array<string | Buffer>, opts: { collect?: boolean } = {}): Promise<Result> {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    const tag = `B${this.nextTag++}`;
    const chunks: Buffer[] = [Buffer.from(tag + ' ')];
    for (const p of parts) {
      if (typeof p === 'string') chunks.push(Buffer.from(p, 'utf8'));
      else chunks.push(Buffer.from(`{${p.length}+}\r\n`), p);
    }
    chunks.push(CRLF);
    return new Promise((resolve, reject) => {
      this.pending.push({ tag, collect: !!opts.collect, started: performance.now(), untagged: 0, literalBytes: 0, lines: [], resolve, reject });
      this.socket.write(Buffer.concat(chunks));
    });
  }

  /** Send and require OK. */
  async ok(parts: Array<string | Buffer> | string, opts: { collect?: boolean } = {}): Promise<Result> {
    const r = await this.send(typeof parts === 'string' ? [parts] : parts, opts);
    if (r.status !== 'OK') throw new Error(`${typeof parts === 'string' ? parts.slice(0, 60) : 'command'}: ${r.status} ${r.text}`);
    return r;
  }

  async login(user: string, password: string): Promise<Result> {
    return this.ok(`LOGIN ${quote(user)} ${quote(password)}`);
  }

  async logout(): Promise<void> {
    try {
      await Promise.race([this.send(['LOGOUT']), new Promise((r) => setTimeout(r, 2000))]);
    } catch {
      /* closed */
    }
    this.close();
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }
}

export function quote(s: string): string {
  return `"${s.replace(/["\\]/g, (c) => '\\' + c)}"`;
}

/** Numbers in an untagged "* SEARCH 1 2 3" response. */
export function searchHits(lines: string[]): number {
  let n = 0;
  for (const l of lines) {
    const m = /^\* SEARCH\b(.*)$/i.exec(l);
    if (m)
      n += m[1].trim()
        ? m[1]
            .trim()
            .split(/\s+/)
            .filter((x) => /^\d+$/.test(x)).length
        : 0;
  }
  return n;
}
