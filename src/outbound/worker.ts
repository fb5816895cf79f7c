// The delivery worker (Postfix's queue manager): claims due recipients with a lease, groups
// them by message and destination (recipient domain, or the relay host), routes each
// destination once (mx.ts), sends over a few shared sessions per destination with a bounded
// total (transport.ts), and records a state per recipient: delivered, deferred with the next
// attempt from the backoff schedule, or bounced (5xx, null MX, too many hops, or expired).
// Then it tells senders: one bounce per message for its failed recipients, and one delay
// warning once a message has waited `delayWarningMs` — each notice delivered or queued in the
// same transaction that marks it sent. Never a notice to the null sender.
import type { Readable } from 'node:stream';
import { PassThrough } from 'node:stream';
import type { App } from '../app.ts';
import { createResolver, type Resolver } from '../net/resolver.ts';
import { localDomains } from '../config/config.ts';
import type { Claimed, QueueEntry, RecipientResult } from '../core/queue.ts';
import type { DeliveryPlan } from '../core/delivery.ts';
import { countReceived, parseAddressList, rawFieldValue, splitHeaderFields } from '../core/mime/index.ts';
import { routeDomain, routeRelay, type Route } from './mx.ts';
import { SmtpTransport, type RcptOutcome } from './transport.ts';
import { nextAttempt, expiresAt } from './schedule.ts';
import { buildDsn, type DsnRecipient } from './dsn.ts';

export interface WorkerOptions {
  /** How often the worker looks for due work when nothing wakes it (ms). */
  pollMs?: number;
  /** Recipients claimed per pass. */
  batch?: number;
  resolver?: Resolver;
  /** How long an idle session is kept for the next message to the same destination (ms). */
  sessionIdleMs?: number;
  /** The clock for due times, backoff, lifetimes and delay warnings (tests move it instead of sleeping). */
  now?: () => number;
}

interface Job {
  entry: QueueEntry;
  header: string;
  dest: string;
  recipients: Claimed[];
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/** The domain of the first mailbox in the From: field, or null. */
function fromDomain(header: string): string | null {
  const block = Buffer.from(header, 'utf8');
  const from = splitHeaderFields(block).fields.find((f) => f.lname === 'from');
  if (!from) return null;
  const a = parseAddressList(rawFieldValue(block, from))?.find((x) => x.mailbox && x.host && !x.host.startsWith('MISSING'));
  return a?.host ? a.host.toLowerCase() : null;
}

export class OutboundWorker {
  private readonly cfg;
  private readonly resolver: Resolver;
  private readonly transport: SmtpTransport;
  private readonly pollMs: number;
  private readonly batch: number;
  private readonly leaseMs: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private readonly inFlight = new Set<number>();
  /** Sessions free for the whole worker (outbound.concurrency), and jobs waiting for one. */
  private slots: number;
  private readonly slotWaiters: Array<() => void> = [];
  private waitingJobs = 0;
  /** Passes still delivering (in `serve` mode a pass is not awaited before the next claim). */
  private readonly passes = new Set<Promise<void>>();
  /** Messages whose notice is being sent (two passes never send the same one twice). */
  private readonly notifying = new Set<number>();
  private readonly now: () => number;

  constructor(
    private readonly app: App,
    opts: WorkerOptions = {},
  ) {
    this.cfg = app.config.outbound;
    this.resolver = opts.resolver ?? createResolver(app.config);
    this.pollMs = opts.pollMs ?? 1000;
    this.now = opts.now ?? Date.now;
    this.slots = this.cfg.concurrency;
    this.batch = opts.batch ?? 1000;
    // An attempt's recipients stay claimed this long; a live worker renews the lease while it
    // works, so only a crashed one's recipients come back when it ends.
    this.leaseMs = Math.max(2000, this.cfg.connectTimeoutMs + 2 * this.cfg.commandTimeoutMs);
    this.transport = new SmtpTransport(
      {
        hostname: app.config.hostname,
        connectTimeoutMs: this.cfg.connectTimeoutMs,
        commandTimeoutMs: this.cfg.commandTimeoutMs,
        maxIdlePerDestination: this.cfg.concurrency,
        idleMs: opts.sessionIdleMs,
      },
      app.log.child({ component: 'outbound' }),
    );
  }

  /** Start delivering: at once, whenever something is queued, and on a timer. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.app.queue.onWork = () => this.kick();
    this.kick();
  }

  /** Look for due work now. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.loop().finally(() => {
      this.running = null;
      if (this.stopped) return;
      if (this.again) {
        this.again = false;
        this.kick();
      } else void this.schedule();
    });
  }

  private async loop(): Promise<void> {
    try {
      // Claim while there is room: a slow destination's sessions never hold back the others.
      while (!this.stopped && this.waitingJobs < this.cfg.concurrency * 2) {
        this.again = false;
        const n = await this.pass(false, Math.max(100, this.cfg.concurrency * 4));
        if (n === 0 && !this.again) break;
      }
    } catch (e) {
      this.app.log.error({ err: e }, 'outbound worker pass failed');
    }
  }

  private async schedule(): Promise<void> {
    let wait = this.pollMs;
    try {
      const due = await this.app.queue.nextDue();
      if (due !== null) wait = Math.max(0, Math.min(wait, due - this.now()));
    } catch {
      /* the database is closing; the poll interval it is */
    }
    if (this.stopped || this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), wait);
    this.timer.unref();
  }

  /** Stop taking work; wait for the pass in flight; close cached sessions. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.app.queue.onWork) this.app.queue.onWork = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running) await this.running.catch(() => {});
    while (this.passes.size) await Promise.allSettled([...this.passes]);
    this.transport.close();
  }

  /**
   * One pass: claim what is due, deliver it, record the results, send the notices that are
   * owed. Returns the number of recipients attempted. Tests call it directly for determinism.
   */
  async runOnce(): Promise<number> {
    return this.pass(true, this.batch);
  }

  /** Claim and deliver; with `wait` false the delivery runs on and kicks the worker when done. */
  private async pass(wait: boolean, limit: number): Promise<number> {
    const now = this.now();
    const claimed = await this.app.queue.claim(now, now + this.leaseMs, limit);
    if (!claimed.length) {
      await this.notices(new Set());
      return 0;
    }
    const work = (async () => {
      for (const c of claimed) this.inFlight.add(c.id);
      const renew = setInterval(
        () => {
          void this.app.queue.renew([...this.inFlight], this.now() + this.leaseMs).catch(() => {});
        },
        Math.max(500, Math.floor(this.leaseMs / 3)),
      );
      renew.unref();
      try {
        await this.deliverAll(claimed);
      } finally {
        clearInterval(renew);
        for (const c of claimed) this.inFlight.delete(c.id);
      }
      await this.notices(new Set(claimed.map((c) => c.queueId)));
    })();
    if (wait) {
      await work;
    } else {
      const p = work
        .catch((e) => this.app.log.error({ err: e }, 'outbound worker pass failed'))
        .finally(() => {
          this.passes.delete(p);
          this.kick();
        });
      this.passes.add(p);
    }
    return claimed.length;
  }

  /** Notices owed (bounces not yet told, delay warnings due), then close finished messages. */
  private async notices(touched: Set<number>): Promise<void> {
    for (const id of await this.app.queue.needingNotice(this.now() - this.cfg.delayWarningMs)) {
      touched.add(id);
      if (this.notifying.has(id)) continue;
      this.notifying.add(id);
      try {
        await this.notify(id);
      } catch (e) {
        this.app.log.error({ err: e, queueId: id }, 'sending a delivery notice failed');
      } finally {
        this.notifying.delete(id);
      }
    }
    if (touched.size) await this.app.queue.finishDone([...touched]);
  }

  private async acquire(): Promise<void> {
    if (this.slots > 0) {
      this.slots--;
      return;
    }
    this.waitingJobs++;
    await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    this.waitingJobs--;
  }

  private release(): void {
    const w = this.slotWaiters.shift();
    if (w) w();
    else this.slots++;
    if (this.waitingJobs < this.cfg.concurrency) this.kick();
  }

  // ------------------------------------------------------------------ delivery

  private async deliverAll(claimed: Claimed[]): Promise<void> {
    const byQueue = new Map<number, Claimed[]>();
    for (const c of claimed) {
      if (!byQueue.has(c.queueId)) byQueue.set(c.queueId, []);
      byQueue.get(c.queueId)!.push(c);
    }
    const byDest = new Map<string, Job[]>();
    const relay = this.cfg.relayHost.trim();
    const entries = await this.app.queue.getMany([...byQueue.keys()]);
    for (const [queueId, rs] of byQueue) {
      const entry = entries.get(queueId);
      if (!entry) continue; // deleted meanwhile
      const header = await this.app.queue.headerOf(entry).catch(() => '');
      const hops = countReceived(header);
      if (hops > this.cfg.maxHops) {
        const reason = `Thư đi qua quá nhiều máy chủ, có thể bị lặp / too many hops (${hops} Received: headers, limit ${this.cfg.maxHops}): mail loop`;
        await this.app.queue.record(rs.map((r) => ({ id: r.id, state: 'bounced', error: reason, status: '5.4.6', remoteMta: null, nextAttemptAt: 0 })));
        continue;
      }
      const groups = new Map<string, Claimed[]>();
      for (const r of rs) {
        const dest = relay ? `relay:${relay}` : domainOf(r.recipient);
        if (!groups.has(dest)) groups.set(dest, []);
        groups.get(dest)!.push(r);
      }
      for (const [dest, recipients] of groups) {
        if (!byDest.has(dest)) byDest.set(dest, []);
        byDest.get(dest)!.push({ entry, header, dest, recipients });
      }
    }
    // Sessions: at most `concurrency` in all (shared by overlapping passes), fairly per destination.
    const dests = [...byDest.entries()];
    const perDest = Math.max(1, Math.ceil(this.cfg.concurrency / Math.max(1, dests.length)));
    await Promise.all(
      dests.map(async ([dest, jobs]) => {
        const route = await this.route(dest);
        const runners = Math.min(perDest, jobs.length);
        await Promise.all(
          Array.from({ length: runners }, async () => {
            for (let job = jobs.shift(); job; job = jobs.shift()) {
              await this.acquire();
              try {
                await this.deliverJob(job, route);
              } catch (e) {
                this.app.log.error({ err: e, queueId: job.entry.id }, 'delivery attempt failed');
              } finally {
                this.release();
              }
            }
          }),
        );
      }),
    );
  }

  private async route(dest: string): Promise<Route> {
    try {
      if (dest.startsWith('relay:')) return await routeRelay(this.resolver, dest.slice('relay:'.length));
      return await routeDomain(this.resolver, dest, this.cfg.remotePort);
    } catch (e) {
      return { ok: false, permanent: false, status: '4.4.3', reason: `Lỗi tra cứu DNS / DNS lookup failed: ${(e as Error).message}` };
    }
  }

  private async deliverJob(job: Job, route: Route): Promise<void> {
    const { entry, recipients } = job;
    let outcomes: Map<string, RcptOutcome>;
    let remoteMta: string | null = null;
    if (!route.ok) {
      outcomes = new Map(recipients.map((r) => [r.recipient, { ok: false, permanent: route.permanent, status: route.status, reply: route.reason }]));
    } else {
      const prefix = await this.dkimHeader(entry, job.header);
      const body = (): Readable => {
        const out = new PassThrough();
        if (prefix) out.write(prefix);
        const src = this.app.store.streamMessage(entry);
        src.on('error', (e) => out.destroy(e));
        src.pipe(out);
        return out;
      };
      const sent = await this.transport.send(job.dest, route.hops, { from: entry.sender, to: recipients.map((r) => r.recipient), size: entry.size + Buffer.byteLength(prefix) }, body);
      outcomes = sent.recipients;
      remoteMta = sent.remoteMta;
      this.app.log.debug({ queueId: entry.id, dest: job.dest, remote: remoteMta, tls: sent.tls }, 'delivery attempt');
    }
    const now = this.now();
    const results: RecipientResult[] = recipients.map((r) => {
      const o = outcomes.get(r.recipient) ?? { ok: false, permanent: false, status: '4.0.0', reply: 'no result' };
      if (o.ok) return { id: r.id, state: 'delivered', error: null, status: o.status, remoteMta, nextAttemptAt: now };
      if (o.permanent) return { id: r.id, state: 'bounced', error: o.reply, status: o.status, remoteMta, nextAttemptAt: now };
      const next = nextAttempt(now, entry.createdAt, r.attempts + 1, this.cfg);
      if (next === 'expired') {
        return {
          id: r.id,
          state: 'bounced',
          error: `Hết thời hạn gửi, lần thử cuối / delivery time expired, last attempt: ${o.reply}`,
          status: o.status.replace(/^4\./, '5.') === '5.0.0' ? '5.4.7' : o.status.replace(/^4\./, '5.'),
          remoteMta,
          nextAttemptAt: now,
        };
      }
      return { id: r.id, state: 'deferred', error: o.reply, status: o.status, remoteMta, nextAttemptAt: next };
    });
    await this.app.queue.record(results, now);
    for (const r of results) this.app.log.info({ queueId: entry.id, to: recipients.find((c) => c.id === r.id)?.recipient, state: r.state, status: r.status, reason: r.error }, 'outbound');
  }

  /** DKIM-Signature header lines for the message, '' when not signed. */
  private async dkimHeader(entry: QueueEntry, header: string): Promise<string> {
    const signer = this.app.dkim;
    try {
      const domain = fromDomain(header) ?? domainOf(entry.sender || `@${this.app.config.domains.primary}`);
      if (!signer.canSign(domain)) return '';
      const sig = await signer.sign(domain, this.app.store.streamMessage(entry));
      if (!sig) return '';
      return sig.endsWith('\r\n') ? sig : sig.replace(/\r?\n?$/, '\r\n');
    } catch (e) {
      this.app.log.warn({ err: e, queueId: entry.id }, 'DKIM signing failed; sending unsigned');
      return '';
    }
  }

  // ------------------------------------------------------------------ notices to the sender

  /** Send what is owed for one message: a bounce for unreported failures, a delay warning once. */
  private async notify(queueId: number): Promise<void> {
    const entry = await this.app.queue.get(queueId);
    if (!entry || entry.state === 'done') return;
    const bounced = entry.recipients.filter((r) => r.state === 'bounced' && !r.notified);
    const now = this.now();
    const deferred = entry.recipients.filter((r) => r.state === 'deferred');
    const warn = entry.warnedAt === null && entry.state === 'active' && deferred.length > 0 && now - entry.createdAt >= this.cfg.delayWarningMs && this.cfg.delayWarningMs < this.cfg.lifetimeMs;
    if (!bounced.length && !warn) return;
    if (entry.sender === '') {
      // Never a notice about a notice (RFC 3461 §6.2, RFC 5321 §4.5.5): mark and move on.
      await this.app.queue.markNotified(
        queueId,
        bounced.map((r) => r.id),
        warn,
        now,
      );
      return;
    }
    const headers = await this.app.queue.headerOf(entry).catch(() => '');
    const toDsn = (r: QueueEntry['recipients'][number]): DsnRecipient => ({
      recipient: r.recipient,
      status: r.status ?? (r.state === 'bounced' ? '5.0.0' : '4.0.0'),
      reason: r.lastError ?? '',
      remoteMta: r.remoteMta,
      lastAttemptAt: r.lastAttemptAt,
    });
    const notices: Array<{ msg: Buffer; bouncedIds: number[]; warned: boolean }> = [];
    if (bounced.length) {
      notices.push({
        msg: buildDsn({ kind: 'failed', hostname: this.app.config.hostname, to: entry.sender, queueId, arrivalDate: entry.createdAt, recipients: bounced.map(toDsn), originalHeaders: headers, now }),
        bouncedIds: bounced.map((r) => r.id),
        warned: false,
      });
    }
    if (warn) {
      notices.push({
        msg: buildDsn({
          kind: 'delayed',
          hostname: this.app.config.hostname,
          to: entry.sender,
          queueId,
          arrivalDate: entry.createdAt,
          expiresAt: expiresAt(entry.createdAt, this.cfg),
          recipients: deferred.map(toDsn),
          originalHeaders: headers,
          now,
        }),
        bouncedIds: [],
        warned: true,
      });
    }
    for (const n of notices) await this.sendNotice(entry, n.msg, { queueId, bouncedIds: n.bouncedIds, warned: n.warned, at: now });
  }

  /** Deliver a notice to a local sender's INBOX, or queue it (from <>) for a remote one; recorded as sent in the same commit. */
  private async sendNotice(entry: QueueEntry, msg: Buffer, notice: NonNullable<DeliveryPlan['notice']>): Promise<void> {
    const content = await this.app.store.ingest([msg]);
    try {
      const sender = entry.sender.toLowerCase();
      const local = localDomains(this.app.config).includes(domainOf(sender)) || domainOf(sender) in this.app.config.domains.aliases;
      const account = await this.app.accounts.resolveRecipient(sender).catch(() => null);
      let copies: DeliveryPlan['copies'] = [];
      if (account) copies = [{ local: [{ accountId: account.id }] }];
      else if (local) {
        // A local sender without a mailbox: nobody to tell (Postfix would double-bounce to postmaster).
        this.app.log.warn({ queueId: entry.id, sender }, 'delivery notice for an unknown local sender dropped');
      } else copies = [{ remote: { sender: '', recipients: [entry.sender], accountId: null } }];
      await this.app.store.commit(content, { copies, notice });
    } finally {
      await this.app.store.release(content);
    }
  }
}
