// rspamd's HTTP protocol, as a client (the one mailcow and Stalwart's users run): `/checkv2` on the
// normal worker with the envelope in request headers (From, Rcpt per recipient, IP, Helo, User,
// Queue-Id, Hostname) and the message as the body, streamed with its Content-Length (from the
// stored blob, or the ingest's copy of a small message); `/learnspam` and `/learnham` on the controller (Bayes),
// `/stat` and `/ping`. Every call has a deadline; a refused connection, a deadline passed or an
// answer that is not rspamd's is a `RspamdUnavailable` (the caller applies hygiene.spam.unreachable).
// Owns: the wire format of rspamd's protocol and its result type; no policy (smtp/stages/spam.ts
// and core/spam.ts decide what a result means).
import net from 'node:net';
import type { Readable } from 'node:stream';

export type RspamdAction = 'reject' | 'soft reject' | 'rewrite subject' | 'add header' | 'greylist' | 'no action';
const ACTIONS: readonly RspamdAction[] = ['reject', 'soft reject', 'rewrite subject', 'add header', 'greylist', 'no action'];

export interface RspamdSymbol {
  name: string;
  score: number;
  options?: string[];
}

export interface RspamdResult {
  action: RspamdAction;
  score: number;
  requiredScore: number;
  /** Highest score first. */
  symbols: RspamdSymbol[];
  /** rspamd's text for the SMTP reply (messages.smtp_message), if any. */
  smtpMessage?: string;
  /** The check was cut short (GTUBE, a pre-filter): the action stands, the symbols are few. */
  skipped: boolean;
}

export interface CheckEnvelope {
  /** Envelope sender ('' for the null sender). */
  from: string;
  rcpt: readonly string[];
  /** Client address. */
  ip: string;
  helo: string;
  /** The authenticated user (submission), if any. */
  user?: string | null;
  queueId: string;
  /** Our host name (rspamd's `MTA-Name`/Hostname header: the client's reverse name is not ours to claim). */
  hostname?: string;
}

export interface RspamdOptions {
  /** The normal worker, e.g. http://127.0.0.1:11333 */
  url: string;
  /** The controller (learning, statistics), e.g. http://127.0.0.1:11334 */
  controllerUrl: string;
  /** The controller's password ('' when rspamd trusts our address: secure_ip). */
  password?: string;
  timeoutMs: number;
}

/** rspamd could not be asked: refused, timed out, or it answered with something that is not a result. */
export class RspamdUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RspamdUnavailable';
  }
}

interface Reply {
  status: number;
  body: string;
}

/** Header values must be one line of visible ASCII; anything else is dropped, not sent. */
function safe(v: string): string | null {
  return /^[\x20-\x7e]*$/.test(v) ? v : null;
}

export class RspamdClient {
  constructor(private readonly opts: RspamdOptions) {}

  /** Scan a message. `body` is read once; `size` is its exact length in bytes. */
  async check(body: Readable, size: number, env: CheckEnvelope): Promise<RspamdResult> {
    const headers: Array<[string, string]> = [];
    const add = (k: string, v: string | null | undefined) => {
      const s = v === null || v === undefined ? null : safe(v);
      if (s !== null && s !== '') headers.push([k, s]);
    };
    add('From', env.from || '<>');
    for (const r of env.rcpt) add('Rcpt', r);
    add('IP', env.ip.replace(/^::ffff:/, ''));
    add('Helo', env.helo);
    add('User', env.user ?? null);
    add('Queue-Id', env.queueId);
    add('MTA-Name', env.hostname);
    const reply = await this.request(this.opts.url, 'POST', '/checkv2', headers, { stream: body, size });
    if (reply.status !== 200) throw new RspamdUnavailable(`rspamd /checkv2 answered HTTP ${reply.status}: ${reply.body.slice(0, 200)}`);
    return parseCheck(reply.body);
  }

  /**
   * Teach the Bayes classifier. 'learned', or 'already' when rspamd has learnt this message as
   * this class before (HTTP 208); throws RspamdUnavailable otherwise.
   */
  async learn(kind: 'spam' | 'ham', body: Readable, size: number): Promise<'learned' | 'already'> {
    const reply = await this.request(this.opts.controllerUrl, 'POST', kind === 'spam' ? '/learnspam' : '/learnham', this.passwordHeader(), { stream: body, size });
    if (reply.status === 208) return 'already';
    if (reply.status === 200) {
      try {
        if ((JSON.parse(reply.body) as { success?: boolean }).success) return 'learned';
      } catch {
        // fall through
      }
    }
    throw new RspamdUnavailable(`rspamd /learn${kind} answered HTTP ${reply.status}: ${reply.body.slice(0, 200)}`);
  }

  /** The controller's statistics (`/stat`): learns in all, and per Bayes statfile. */
  async stat(): Promise<{ learned: number; scanned: number; statfiles: Array<{ symbol: string; revision: number }> }> {
    const reply = await this.request(this.opts.controllerUrl, 'GET', '/stat', this.passwordHeader());
    if (reply.status !== 200) throw new RspamdUnavailable(`rspamd /stat answered HTTP ${reply.status}`);
    try {
      const j = JSON.parse(reply.body) as { learned?: number; scanned?: number; statfiles?: Array<{ symbol?: string; revision?: number }> };
      return {
        learned: Number(j.learned ?? 0),
        scanned: Number(j.scanned ?? 0),
        statfiles: (j.statfiles ?? []).map((s) => ({ symbol: String(s.symbol ?? ''), revision: Number(s.revision ?? 0) })),
      };
    } catch {
      throw new RspamdUnavailable('rspamd /stat: not JSON');
    }
  }

  /** Whether the normal worker answers `/ping` (thutin doctor). */
  async ping(): Promise<void> {
    const reply = await this.request(this.opts.url, 'GET', '/ping', []);
    if (reply.status !== 200 || !reply.body.startsWith('pong')) throw new RspamdUnavailable(`rspamd /ping answered HTTP ${reply.status}`);
  }

  private passwordHeader(): Array<[string, string]> {
    return this.opts.password ? [['Password', this.opts.password]] : [];
  }

  /**
   * One HTTP/1.1 exchange over its own connection (rspamd closes every connection after its
   * answer: nothing to keep alive). A small client of our own rather than node:http: the request
   * head and a message held in memory leave in one segment, and the answer (Content-Length or
   * chunked) is read without node:http's request and parser objects, about half the CPU per check.
   */
  private request(base: string, method: 'GET' | 'POST', path: string, headers: Array<[string, string]>, body?: { stream: Readable; size: number }): Promise<Reply> {
    const url = new URL(path, base);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(url.port || 80);
    return new Promise<Reply>((resolve, reject) => {
      let settled = false;
      const fail = (msg: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        body?.stream.destroy();
        reject(new RspamdUnavailable(msg));
      };
      const done = (reply: Reply) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        // rspamd may answer (an error) before it has read the whole message: stop reading the blob.
        if (body && !body.stream.readableEnded) body.stream.destroy();
        resolve(reply);
      };
      let head = `${method} ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n`;
      for (const [k, v] of headers) head += `${k}: ${v}\r\n`;
      if (body) head += `Content-Length: ${body.size}\r\n`;
      head += '\r\n';
      const socket = net.connect({ host, port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => fail(`rspamd ${url.host}${path}: no answer within ${this.opts.timeoutMs} ms`), this.opts.timeoutMs);
      socket.on('error', (e) => fail(`rspamd ${url.host}${path}: ${(e as NodeJS.ErrnoException).code ?? e.message}`));
      const answer = new AnswerReader();
      socket.on('data', (c: Buffer) => {
        const r = answer.push(c);
        if (r === 'too large') fail(`rspamd ${path}: answer too large`);
        else if (r === 'bad') fail(`rspamd ${path}: not an HTTP answer`);
        else if (r) done(r);
      });
      socket.on('end', () => {
        const r = answer.end();
        if (r) done(r);
        else fail(`rspamd ${path}: connection closed before the answer ended`);
      });
      // The head and the first piece of the body in one segment.
      socket.cork();
      socket.write(head);
      if (!body) {
        socket.uncork();
        return;
      }
      body.stream.on('error', (e) => fail(`reading the message for rspamd: ${e.message}`));
      const uncork = () => process.nextTick(() => socket.uncork());
      body.stream.once('data', uncork);
      body.stream.once('end', uncork);
      body.stream.pipe(socket, { end: false });
    });
  }
}

const ANSWER_MAX = 4 * 1024 * 1024;

/** Reads one HTTP/1.1 answer from the bytes as they come: Content-Length, chunked, or until the connection ends. */
class AnswerReader {
  private buf: Buffer = Buffer.alloc(0);
  private status = 0;
  private bodyStart = -1;
  private length: number | null = null;
  private chunked = false;

  /** The answer once complete, 'too large', 'bad', or null for more bytes. */
  push(c: Buffer): Reply | 'too large' | 'bad' | null {
    this.buf = this.buf.length ? Buffer.concat([this.buf, c]) : c;
    if (this.buf.length > ANSWER_MAX) return 'too large';
    if (this.bodyStart < 0) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return null;
      const lines = this.buf.subarray(0, end).toString('latin1').split('\r\n');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
      if (!m) return 'bad';
      this.status = Number(m[1]);
      for (const l of lines.slice(1)) {
        const colon = l.indexOf(':');
        const name = l.slice(0, colon).trim().toLowerCase();
        const value = l.slice(colon + 1).trim();
        if (name === 'content-length' && /^\d+$/.test(value)) this.length = Number(value);
        else if (name === 'transfer-encoding' && /chunked/i.test(value)) this.chunked = true;
      }
      this.bodyStart = end + 4;
    }
    if (this.chunked) return this.dechunk();
    if (this.length !== null && this.buf.length - this.bodyStart >= this.length) return this.reply(this.buf.subarray(this.bodyStart, this.bodyStart + this.length));
    return null;
  }

  /** The connection ended: what came is the answer, if its head did. */
  end(): Reply | null {
    if (this.bodyStart < 0) return null;
    if (this.chunked) return this.dechunk();
    if (this.length !== null && this.buf.length - this.bodyStart < this.length) return null;
    return this.reply(this.buf.subarray(this.bodyStart));
  }

  private dechunk(): Reply | null {
    const parts: Buffer[] = [];
    let at = this.bodyStart;
    for (;;) {
      const eol = this.buf.indexOf('\r\n', at);
      if (eol < 0) return null;
      const size = parseInt(this.buf.subarray(at, eol).toString('latin1'), 16);
      if (!Number.isFinite(size)) return null; // not chunked after all: never complete
      if (size === 0) return this.reply(Buffer.concat(parts));
      if (this.buf.length < eol + 2 + size + 2) return null;
      parts.push(this.buf.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
  }

  private reply(body: Buffer): Reply {
    return { status: this.status, body: body.toString('utf8') };
  }
}

/** rspamd's /checkv2 JSON → RspamdResult (throws RspamdUnavailable when it is not one). */
export function parseCheck(text: string): RspamdResult {
  let j: {
    action?: unknown;
    score?: unknown;
    required_score?: unknown;
    is_skipped?: unknown;
    symbols?: Record<string, { name?: string; score?: number; options?: unknown }>;
    messages?: { smtp_message?: unknown };
  };
  try {
    j = JSON.parse(text) as typeof j;
  } catch {
    throw new RspamdUnavailable('rspamd /checkv2: answer is not JSON');
  }
  if (typeof j.action !== 'string' || !ACTIONS.includes(j.action as RspamdAction)) throw new RspamdUnavailable(`rspamd /checkv2: unknown action ${String(j.action)}`);
  const symbols: RspamdSymbol[] = Object.entries(j.symbols ?? {}).map(([name, s]) => ({
    name: s.name ?? name,
    score: Number(s.score ?? 0),
    ...(Array.isArray(s.options) ? { options: s.options.map(String) } : {}),
  }));
  symbols.sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
  return {
    action: j.action as RspamdAction,
    score: Number(j.score ?? 0),
    requiredScore: Number(j.required_score ?? 0),
    symbols,
    smtpMessage: typeof j.messages?.smtp_message === 'string' ? j.messages.smtp_message : undefined,
    skipped: j.is_skipped === true,
  };
}
