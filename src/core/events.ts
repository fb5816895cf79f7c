// Change notifications between sessions: after a transaction commits, the mail store says
// "mailbox N changed"; IMAP sessions that have N selected (or are idling on it) then read the
// change log (the `changes` table) since their last mod-sequence. Within one process this is
// an EventEmitter; with PostgreSQL, LISTEN/NOTIFY carries it to every other thutin process.
// Also the flow of mail through this process (`mailFlow`: copies committed into local mailboxes,
// recipients delivered to remote servers), which the /metrics counters count (core/metrics.ts).
// An inbound process of `thutin serve` (smtp/inbound-processes.ts) hands both to the main process
// (`forwardTo`): its changed mailboxes and its mail flow are announced and counted there (`fromPeer`).
import { EventEmitter } from 'node:events';
import crypto from 'node:crypto';
import pg from 'pg';
import type { CommitOrigin } from './delivery.ts';

const CHANNEL = 'thutin_mailbox';

/** What an inbound process tells the main one: a mailbox changed, or mail flowed. */
export type PeerEvent = { t: 'mailbox'; id: number } | { t: 'flow'; direction: 'in' | 'out'; count: number; origin: CommitOrigin };

export class MailEvents {
  private readonly emitter = new EventEmitter();
  private readonly instance = crypto.randomBytes(6).toString('hex');
  private listener: pg.Client | null = null;
  private notifier: pg.Pool | null = null;
  /** In an inbound process: where its announcements go (the main process), instead of being counted here. */
  private peer: ((e: PeerEvent) => void) | null = null;

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  /** Share notifications with other processes on the same PostgreSQL database. */
  async attachPostgres(url: string): Promise<void> {
    this.listener = new pg.Client({ connectionString: url });
    this.listener.on('error', () => {});
    await this.listener.connect();
    this.listener.on('notification', (n) => {
      const [from, id] = (n.payload ?? '').split(':');
      if (from !== this.instance && id) this.emitter.emit(`mb:${Number(id)}`);
    });
    await this.listener.query(`LISTEN ${CHANNEL}`);
    this.notifier = new pg.Pool({ connectionString: url, max: 2 });
    this.notifier.on('error', () => {});
  }

  /**
   * Mail passed through this process: `in` copies committed into local mailboxes, `out` recipients
   * accepted by remote servers; `origin` says whether `in` copies were delivered or brought in (import, migration, restore).
   */
  mailFlow(direction: 'in' | 'out', count: number, origin: CommitOrigin = 'delivery'): void {
    if (count <= 0) return;
    // An inbound process counts nothing itself: the main process's counters and daily rows do.
    if (this.peer) this.peer({ t: 'flow', direction, count, origin });
    else this.emitter.emit('flow', direction, count, origin);
  }

  /** In an inbound process: changed mailboxes and the mail flow go to the main process as well. */
  forwardTo(peer: (e: PeerEvent) => void): void {
    this.peer = peer;
  }

  /** In the main process: what an inbound process announced, as if it had happened here. */
  fromPeer(e: PeerEvent): void {
    if (e.t === 'mailbox') this.notify(e.id);
    else this.mailFlow(e.direction, e.count, e.origin);
  }

  onMailFlow(fn: (direction: 'in' | 'out', count: number, origin: CommitOrigin) => void): () => void {
    this.emitter.on('flow', fn);
    return () => this.emitter.off('flow', fn);
  }

  notify(mailboxId: number): void {
    this.emitter.emit(`mb:${mailboxId}`);
    this.peer?.({ t: 'mailbox', id: mailboxId });
    this.notifier?.query('select pg_notify($1, $2)', [CHANNEL, `${this.instance}:${mailboxId}`]).catch(() => {});
  }

  subscribe(mailboxId: number, fn: () => void): () => void {
    const ev = `mb:${mailboxId}`;
    this.emitter.on(ev, fn);
    return () => this.emitter.off(ev, fn);
  }

  async close(): Promise<void> {
    await this.listener?.end().catch(() => {});
    await this.notifier?.end().catch(() => {});
  }
}
