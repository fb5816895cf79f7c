// rspamd's HTTP protocol, as a client (the one mailcow and Stalwart's users run): `/checkv2` on the
// normal worker with the envelope in request headers (From, Rcpt per recipient, IP, Helo, User,
// Queue-Id, Hostname) and the message as the body, streamed from the stored blob with its
// Content-Length (never whole in memory); `/learnspam` and `/learnham` on the controller (Bayes),
// `/stat` and `/ping`. Every call has a deadline; a refused connection, a deadline passed or an
// answer that is not rspamd's is a `RspamdUnavailable` (the caller applies hygiene.spam.unreachable).
// Owns: the wire format of rspamd's protocol and its result type; no policy (smtp/stages/spam.ts
// and core/spam.ts decide what a result means).
import http from 'node:http';
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

  private request(base: string, method: 'GET' | 'POST', path: string, headers: Array<[string, string]>, body?: { stream: Readable; size: number }): Promise<Reply> {
    const url = new URL(path, base);
    return new Promise<Reply>((resolve, reject) => {
      let settled = false;
      const fail = (msg: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        body?.stream.destroy();
        reject(new RspamdUnavailable(msg));
      };
      const flat: string[] = [];
      for (const [k, v] of headers) flat.push(k, v);
      if (body) flat.push('Content-Length', String(body.size));
      const req = http.request({ host: url.hostname, port: url.port || 80, path: url.pathname, method, headers: flat, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          if (bytes > 4 * 1024 * 1024) return fail(`rspamd ${path}: answer too large`);
          chunks.push(c);
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          // rspamd may answer (an error) before it has read the whole message: stop reading the blob.
          if (body && !body.stream.readableEnded) body.stream.destroy();
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (e) => fail(`rspamd ${path}: ${e.message}`));
      });
      const timer = setTimeout(() => fail(`rspamd ${url.host}${path}: no answer within ${this.opts.timeoutMs} ms`), this.opts.timeoutMs);
      req.on('error', (e) => fail(`rspamd ${url.host}${path}: ${(e as NodeJS.ErrnoException).code ?? e.message}`));
      if (!body) {
        req.end();
        return;
      }
      body.stream.on('error', (e) => fail(`reading the message for rspamd: ${e.message}`));
      body.stream.pipe(req);
    });
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
