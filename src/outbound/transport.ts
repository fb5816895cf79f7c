// The SMTP client of outbound delivery, over nodemailer's smtp-connection: one transaction per
// message with a result per recipient (RCPT answers, then the answer to the data), STARTTLS
// whenever the remote offers it (opportunistic: an unverified certificate is accepted, as
// Postfix's "may" level; a handshake that fails is a failure of that host), the next host when
// one cannot be reached, and a small cache of open connections per destination so a burst of
// messages to one domain shares a few sessions. Never throws for a remote's behaviour: every
// stall, drop, garbage reply or TLS fault comes back as a temporary failure with its reason.
import type { Readable } from 'node:stream';
import net from 'node:net';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { Logger } from 'pino';
import type { Hop } from './mx.ts';

export interface TransportConfig {
  hostname: string; // our EHLO name
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  /** How long an idle connection is kept for the next message to the same destination. */
  idleMs?: number;
  /** Idle connections kept per destination. */
  maxIdlePerDestination?: number;
}

/** The answer for one recipient: accepted (`ok`), or refused for now (4xx) or for good (5xx). */
export interface RcptOutcome {
  ok: boolean;
  permanent: boolean;
  status: string; // enhanced status code, e.g. '2.0.0', '4.2.0', '5.1.1'
  reply: string; // the remote's reply, or our reason
}

export interface SendOutcome {
  /** "name [address]:port" of the host that answered last (or was tried last). */
  remoteMta: string | null;
  /** Whether the session ran over TLS. */
  tls: boolean;
  recipients: Map<string, RcptOutcome>;
}

export interface Envelope {
  from: string; // '' for the null sender
  to: string[];
  size: number;
}

interface Conn {
  c: SMTPConnection;
  hop: Hop;
  tls: boolean;
  idleSince: number;
  dead: boolean;
}

type SmtpError = Error & { code?: string; response?: string; responseCode?: number; command?: string; rejectedErrors?: SmtpError[]; recipient?: string };

const ENHANCED = /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/;

/** The enhanced status code of a reply, or one made from its basic code. */
export function statusOf(reply: string | undefined, fallback: string): string {
  if (!reply) return fallback;
  const m = ENHANCED.exec(reply);
  if (m) return m[1];
  const c = /^([245])\d\d/.exec(reply);
  if (c) return `${c[1]}.0.0`;
  return fallback;
}

function oneLine(s: string): string {
  return s.replace(/\s*\r?\n\s*/g, ' ').slice(0, 500);
}

function mtaName(h: Hop): string {
  return `${h.name} [${h.address}]${h.port === 25 ? '' : `:${h.port}`}`;
}

function isTlsFault(e: SmtpError): boolean {
  return e.code === 'ETLS' || e.command === 'STARTTLS' || /\b(SSL|TLS)\b|ssl3_|certificate/i.test(e.message);
}

/** A plain reason for an error that is not a remote's reply (network, timeout, TLS, garbage). */
function faultReason(e: SmtpError, h: Hop): string {
  const where = mtaName(h);
  switch (isTlsFault(e) ? 'ETLS' : e.code) {
    case 'ETIMEDOUT':
      return `Máy chủ nhận không trả lời kịp / remote did not answer in time (${where}, ${e.command ?? 'CONN'}: ${oneLine(e.message)})`;
    case 'ETLS':
      return `Lỗi TLS với máy chủ nhận / TLS failure with ${where}: ${oneLine(e.message)}`;
    case 'EPROTOCOL':
      return `Máy chủ nhận trả lời không hợp lệ / invalid reply from ${where}: ${oneLine(e.message)}`;
    case 'ECONNECTION':
    case 'ESOCKET':
      return `Mất kết nối với máy chủ nhận / connection to ${where} failed or dropped: ${oneLine(e.message)}`;
    default:
      return `Lỗi khi gửi tới / delivery to ${where} failed: ${oneLine(e.message)}`;
  }
}

export class SmtpTransport {
  private readonly idle = new Map<string, Conn[]>();
  private readonly idleMs: number;
  private readonly maxIdle: number;
  private reaper: NodeJS.Timeout | null = null;
  private closed = false;
  /**
   * Hosts whose STARTTLS failed, until when: the attempt that met the failure is deferred with
   * its reason, the next ones to that host go without TLS (opportunistic TLS must not make a
   * host with a broken TLS setup unreachable for good).
   */
  private readonly tlsBroken = new Map<string, number>();
  static readonly TLS_FALLBACK_MS = 3600_000;

  constructor(
    private readonly cfg: TransportConfig,
    private readonly log?: Logger,
  ) {
    this.idleMs = cfg.idleMs ?? 5000;
    this.maxIdle = cfg.maxIdlePerDestination ?? 8;
  }

  /**
   * Send one message to one destination (`key` names it for the connection cache: a domain or
   * the relay). Tries a cached session first, then the hops in order until one takes a session.
   */
  async send(key: string, hops: Hop[], env: Envelope, body: () => Readable): Promise<SendOutcome> {
    const cached = this.takeIdle(key);
    if (cached) {
      const r = await this.transact(cached, env, body);
      if (r.outcome) return this.finish(key, cached, r.outcome, r.reusable);
      // The cached session had gone stale before the remote answered anything: start afresh.
    }
    let lastFault = 'Không có máy chủ nhận / no host to try';
    let lastHop: Hop | null = null;
    for (const hop of hops) {
      if (this.closed) break;
      lastHop = hop;
      const opened = await this.open(hop);
      if ('fault' in opened) {
        lastFault = opened.fault;
        continue;
      }
      const r = await this.transact(opened.conn, env, body);
      if (r.outcome) return this.finish(key, opened.conn, r.outcome, r.reusable);
      lastFault = r.fault;
    }
    return this.allDeferred(env, lastFault, lastHop);
  }

  private allDeferred(env: Envelope, reason: string, hop: Hop | null): SendOutcome {
    const recipients = new Map<string, RcptOutcome>();
    for (const r of env.to) recipients.set(r, { ok: false, permanent: false, status: '4.4.1', reply: reason });
    return { remoteMta: hop ? mtaName(hop) : null, tls: false, recipients };
  }

  private finish(key: string, conn: Conn, outcome: SendOutcome, reusable: boolean): SendOutcome {
    if (reusable && !conn.dead && !this.closed) {
      conn.idleSince = Date.now();
      const list = this.idle.get(key) ?? [];
      if (list.length < this.maxIdle) {
        list.push(conn);
        this.idle.set(key, list);
        this.startReaper();
        return outcome;
      }
    }
    this.quit(conn);
    return outcome;
  }

  private takeIdle(key: string): Conn | null {
    const list = this.idle.get(key);
    while (list && list.length) {
      const c = list.pop()!;
      if (!c.dead && Date.now() - c.idleSince < this.idleMs) return c;
      this.quit(c);
    }
    return null;
  }

  /** Connect, greet, EHLO and STARTTLS when offered. */
  private open(hop: Hop): Promise<{ conn: Conn } | { fault: string }> {
    const hostKey = `${hop.address}:${hop.port}`;
    const plain = (this.tlsBroken.get(hostKey) ?? 0) > Date.now();
    const fault = (e: SmtpError): string => {
      if (!plain && isTlsFault(e)) {
        this.tlsBroken.set(hostKey, Date.now() + SmtpTransport.TLS_FALLBACK_MS);
        this.log?.warn({ host: mtaName(hop), err: e.message }, 'STARTTLS failed; next attempts to this host go without TLS');
      }
      return faultReason(e, hop);
    };
    return new Promise((resolve) => {
      const c = new SMTPConnection({
        host: hop.address,
        port: hop.port,
        name: this.cfg.hostname,
        servername: net.isIP(hop.name) ? undefined : hop.name,
        connectionTimeout: this.cfg.connectTimeoutMs,
        greetingTimeout: this.cfg.commandTimeoutMs,
        socketTimeout: this.cfg.commandTimeoutMs,
        socketCloseTimeout: 1000,
        // opportunistic TLS: encrypt whenever offered, without verifying the certificate
        tls: { rejectUnauthorized: false, minVersion: 'TLSv1.2' },
        allowInternalNetworkInterfaces: true,
        ignoreTLS: plain,
        logger: false,
      });
      const conn: Conn = { c, hop, tls: false, idleSince: Date.now(), dead: false };
      let done = false;
      c.on('error', (e: SmtpError) => {
        conn.dead = true;
        if (!done) {
          done = true;
          resolve({ fault: fault(e) });
        }
      });
      c.on('end', () => {
        conn.dead = true;
      });
      c.connect((e?: SmtpError) => {
        if (done) return;
        done = true;
        if (e) {
          conn.dead = true;
          c.close();
          resolve({ fault: fault(e) });
          return;
        }
        conn.tls = c.secure;
        resolve({ conn });
      });
    });
  }

  /**
   * One mail transaction. `outcome` is null only when the session failed before the remote
   * answered any command of this transaction (a stale cached session: nothing was sent).
   */
  private transact(conn: Conn, env: Envelope, body: () => Readable): Promise<{ outcome: SendOutcome; reusable: boolean } | { outcome: null; fault: string }> {
    return new Promise((resolve) => {
      const stream = body();
      const mta = mtaName(conn.hop);
      const answeredBefore = conn.c.lastServerResponse;
      conn.c.send({ from: env.from === '' ? false : env.from, to: env.to, size: env.size, use8BitMime: true }, stream, (err: SmtpError | null, info) => {
        const recipients = new Map<string, RcptOutcome>();
        if (!err && info) {
          for (const r of info.accepted) recipients.set(r, { ok: true, permanent: false, status: statusOf(info.response, '2.0.0'), reply: oneLine(info.response) });
          for (const e of (info.rejectedErrors ?? []) as SmtpError[]) if (e.recipient) recipients.set(e.recipient, this.refusal(e, conn.hop));
          for (const r of env.to) if (!recipients.has(r)) recipients.set(r, { ok: false, permanent: false, status: '4.0.0', reply: `Không rõ kết quả / no answer for this recipient from ${mta}` });
          resolve({ outcome: { remoteMta: mta, tls: conn.tls, recipients }, reusable: true });
          return;
        }
        stream.destroy();
        const e = err as SmtpError;
        conn.dead = true;
        conn.c.close();
        if (!e.response && e.code !== 'EMESSAGE' && conn.c.lastServerResponse === answeredBefore && (e.code === 'ECONNECTION' || e.code === 'ESOCKET')) {
          resolve({ outcome: null, fault: faultReason(e, conn.hop) });
          return;
        }
        // Per-recipient refusals (every recipient refused at RCPT) keep their own answers.
        const perRcpt = new Map<string, SmtpError>();
        for (const re of e.rejectedErrors ?? []) if (re.recipient) perRcpt.set(re.recipient, re);
        for (const r of env.to) {
          const re = perRcpt.get(r);
          recipients.set(r, re ? this.refusal(re, conn.hop) : this.refusal(e, conn.hop));
        }
        resolve({ outcome: { remoteMta: mta, tls: conn.tls, recipients }, reusable: false });
      });
    });
  }

  /** A refusal: a 5xx reply is permanent, a 4xx one and every fault temporary. */
  private refusal(e: SmtpError, hop: Hop): RcptOutcome {
    const mta = mtaName(hop);
    if (e.response && /^[45]\d\d/.test(e.response)) {
      const permanent = e.response.startsWith('5');
      return { ok: false, permanent, status: statusOf(e.response, permanent ? '5.0.0' : '4.0.0'), reply: `${mta} ${e.command ? `(${e.command}) ` : ''}${oneLine(e.response)}` };
    }
    if (e.code === 'EMESSAGE' && !e.response) {
      // larger than the SIZE the remote announced
      return { ok: false, permanent: true, status: '5.3.4', reply: `Thư quá lớn với máy chủ nhận / message too big for ${mta}: ${oneLine(e.message)}` };
    }
    return { ok: false, permanent: false, status: e.code === 'ETIMEDOUT' ? '4.4.2' : '4.4.1', reply: faultReason(e, hop) };
  }

  private quit(conn: Conn): void {
    conn.dead = true;
    try {
      conn.c.quit();
    } catch {
      /* already closed */
    }
    setTimeout(() => conn.c.close(), 1000).unref();
  }

  private startReaper(): void {
    if (this.reaper) return;
    this.reaper = setInterval(
      () => {
        let any = false;
        for (const [key, list] of this.idle) {
          const keep = list.filter((c) => !c.dead && Date.now() - c.idleSince < this.idleMs);
          for (const c of list) if (!keep.includes(c)) this.quit(c);
          if (keep.length) {
            this.idle.set(key, keep);
            any = true;
          } else this.idle.delete(key);
        }
        if (!any && this.reaper) {
          clearInterval(this.reaper);
          this.reaper = null;
        }
      },
      Math.max(200, Math.floor(this.idleMs / 2)),
    );
    this.reaper.unref();
  }

  /** Close every cached session. */
  close(): void {
    this.closed = true;
    if (this.reaper) clearInterval(this.reaper);
    this.reaper = null;
    for (const list of this.idle.values()) for (const c of list) this.quit(c);
    this.idle.clear();
    void this.log;
  }
}
