// The numbers of /metrics in Prometheus' text format (issue 11, R5.9), which the console's dashboard
// and an outside Prometheus both read. Counters are fed where mail passes (core/events.ts mailFlow:
// copies delivered into local mailboxes, recipients accepted by remote servers; copies imported,
// migrated or restored are counted apart, thutin_messages_imported_total) and where a request
// finishes executing; gauges are read at each scrape through ConsoleStats (storage and mailboxes per
// agency, mailboxes per state, requests waiting, the outbound queue's depth). Counters count what
// this process saw since it started (Prometheus' increase() gives mail per day); with several
// processes on PostgreSQL scrape each one.
// Owns: the registry, the metric names and their collectors.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MailEvents } from './events.ts';
import type { ConsoleStats } from './console-stats.ts';

/** Time from submission to execution: an hour … a month. */
const EXECUTE_BUCKETS = [3600, 4 * 3600, 86400, 2 * 86400, 3 * 86400, 5 * 86400, 7 * 86400, 14 * 86400, 30 * 86400];
/** Recipient states still to deliver (core/queue.ts). */
const QUEUE_PENDING = new Set(['queued', 'deferred']);

export class Metrics {
  readonly registry = new Registry();
  private readonly mail: Counter<'direction'>;
  private readonly executeSeconds: Histogram<'kind'>;

  constructor(stats: ConsoleStats, events: MailEvents, opts: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'thutin_' });
    this.mail = new Counter({
      name: 'thutin_mail_messages_total',
      help: 'Thư đi qua máy chủ / mail through this process: in = copies committed into local mailboxes, out = recipients accepted by remote servers',
      labelNames: ['direction'],
      registers,
    });
    this.mail.inc({ direction: 'in' }, 0);
    this.mail.inc({ direction: 'out' }, 0);
    // Mail imported, migrated or restored was received elsewhere or earlier: counted apart, never as `in`.
    const imported = new Counter({
      name: 'thutin_messages_imported_total',
      help: 'Thư đưa vào không qua nhận thư / messages brought into local mailboxes without being received: origin = import (mbox, Maildir, zip), migration (IMAP), restore',
      labelNames: ['origin'],
      registers,
    });
    const broughtIn = new Set(['import', 'migration', 'restore']);
    for (const origin of broughtIn) imported.inc({ origin }, 0);
    // A client's own message (origin `append`: JMAP drafts, Email/import, Email/copy) is neither: as IMAP APPEND, not counted.
    events.onMailFlow((direction, n, origin) => {
      if (direction === 'out' || origin === 'delivery') this.mail.inc({ direction }, n);
      else if (broughtIn.has(origin)) imported.inc({ origin }, n);
    });
    this.executeSeconds = new Histogram({
      name: 'thutin_request_execute_seconds',
      help: 'Thời gian từ khi trình đến khi thực hiện yêu cầu / seconds from a request’s submission to its execution',
      labelNames: ['kind'],
      buckets: EXECUTE_BUCKETS,
      registers,
    });
    // One read of the directory and accounts per scrape for both gauges that need it.
    let pending: Promise<Awaited<ReturnType<ConsoleStats['storageAndMailboxes']>>> | null = null;
    const shared = () => {
      pending ??= stats.storageAndMailboxes().finally(() => setImmediate(() => (pending = null)));
      return pending;
    };
    new Gauge({
      name: 'thutin_storage_bytes',
      help: 'Dung lượng thư theo cơ quan / bytes of mail per agency (unit code; - = no unit)',
      labelNames: ['agency', 'name'],
      registers,
      async collect() {
        this.reset();
        for (const s of (await shared()).storage) this.set({ agency: s.agency, name: s.name }, s.bytes);
      },
    });
    new Gauge({
      name: 'thutin_agency_mailboxes',
      help: 'Số hộp thư theo cơ quan / mailboxes per agency',
      labelNames: ['agency'],
      registers,
      async collect() {
        this.reset();
        for (const s of (await shared()).storage) this.set({ agency: s.agency }, s.mailboxes);
      },
    });
    new Gauge({
      name: 'thutin_mailboxes',
      help: 'Số hộp thư theo loại và trạng thái / mailboxes per kind (person, unit, other) and state',
      labelNames: ['kind', 'state'],
      registers,
      async collect() {
        this.reset();
        for (const m of (await shared()).mailboxes) this.set({ kind: m.kind, state: m.state }, m.count);
      },
    });
    new Gauge({
      name: 'thutin_requests_pending',
      help: 'Yêu cầu đang chờ theo trạng thái / requests waiting, per state',
      labelNames: ['state'],
      registers,
      async collect() {
        this.reset();
        for (const r of await stats.pendingRequests()) this.set({ state: r.state }, r.count);
      },
    });
    new Gauge({
      name: 'thutin_outbound_queue_depth',
      help: 'Người nhận chờ gửi đi / recipients waiting in the outbound queue, per entry state (active, hold)',
      labelNames: ['state'],
      registers,
      async collect() {
        this.reset();
        const by = new Map<string, number>([
          ['active', 0],
          ['hold', 0],
        ]);
        for (const q of await stats.queueDepth()) if (QUEUE_PENDING.has(q.recipientState)) by.set(q.entryState, (by.get(q.entryState) ?? 0) + q.count);
        for (const [state, n] of by) this.set({ state }, n);
      },
    });
  }

  /** A request finished executing: how long after its submission. */
  requestExecuted(kind: string, submittedAt: number | null, executedAt: number): void {
    if (submittedAt !== null && executedAt >= submittedAt) this.executeSeconds.observe({ kind }, (executedAt - submittedAt) / 1000);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition in Prometheus' text format. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
