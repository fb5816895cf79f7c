// The outbound queue (Postfix's model): a message for remote recipients is kept once, with
// one row per recipient carrying its own state (queued, deferred, delivered, bounced), so a
// retry redoes only what failed. This module keeps the state: enqueue, the delivery worker's
// claims (a lease on `next_attempt_at`, so a crashed worker's recipients come back after it)
// and results, and the administration (list, show, retry, hold, release, delete — audited).
// Delivery itself is src/outbound/'s.
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { AuditLog } from './audit.ts';
import type { MailStore } from './mailstore.ts';
import type { MessageSource } from './served-message.ts';
import {
  deleteEntry,
  dueRecipientIds,
  earliestAttempt,
  entriesByIds,
  entriesNotIn,
  entriesWithUntoldRecipients,
  entryById,
  entryIdsFrom,
  entryIdsOf,
  leaseRecipients,
  markDoneWhereSettled,
  markNotified,
  recipientsOf,
  recordAttempt,
  renewLease,
  rescheduleRecipients,
  setEntryState,
  unwarnedEntriesWith,
  type QueueEntryRow,
  type QueueRecipientRow,
} from '../storage/repositories/queue.ts';
import { ThutinError } from './errors.ts';
import { GroupCommit } from '../storage/group-commit.ts';

export type RecipientState = 'queued' | 'deferred' | 'delivered' | 'bounced';
export type QueueState = 'active' | 'hold' | 'done';

export interface QueueRecipient {
  id: number;
  recipient: string;
  state: RecipientState;
  attempts: number;
  nextAttemptAt: number;
  lastAttemptAt: number | null;
  /** The reason of the last failure (the remote's reply or ours), null when none. */
  lastError: string | null;
  /** Enhanced status code of the last answer (RFC 3463), e.g. '4.4.1', '5.1.1', '2.0.0'. */
  status: string | null;
  remoteMta: string | null;
  notified: boolean;
}

/** A queued message; as a MessageSource, `store.readMessage`/`streamMessage` give its served bytes. */
export interface QueueEntry extends MessageSource {
  id: number;
  sender: string;
  sha256: string;
  /** Served size (header prefix + blob). */
  size: number;
  accountId: number | null;
  state: QueueState;
  createdAt: number;
  warnedAt: number | null;
  recipients: QueueRecipient[];
}

export interface QueueDetail extends QueueEntry {
  /** The message's header block, as queued. */
  headers: string;
}

/** A recipient claimed by a delivery worker until the lease ends. */
export interface Claimed {
  id: number;
  queueId: number;
  recipient: string;
  attempts: number;
}

/** What one delivery attempt decided for one recipient. */
export interface RecipientResult {
  id: number;
  state: 'delivered' | 'deferred' | 'bounced';
  error: string | null;
  status: string | null;
  remoteMta: string | null;
  nextAttemptAt: number; // for 'deferred'; ignored otherwise
}

const PENDING: readonly RecipientState[] = ['queued', 'deferred'];

function toRecipient(r: QueueRecipientRow): QueueRecipient {
  return {
    id: r.id,
    recipient: r.recipient,
    state: r.state as RecipientState,
    attempts: r.attempts,
    nextAttemptAt: r.nextAttemptAt,
    lastAttemptAt: r.lastAttemptAt,
    lastError: r.lastError,
    status: r.status,
    remoteMta: r.remoteMta,
    notified: r.notified,
  };
}

export class OutboundQueue {
  /** Called when there is new or newly due work (the delivery worker sets it). */
  onWork: (() => void) | null = null;
  /** Results of sessions finishing together share one transaction (one fsync). */
  private readonly commits: GroupCommit;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly store: MailStore,
    private readonly audit: AuditLog,
  ) {
    this.commits = new GroupCommit(db);
    // Commits that queue mail (the mail store's) wake the worker; it polls anyway.
    store.onQueued = () => this.onWork?.();
  }

  // ------------------------------------------------------------------ reading

  async list(): Promise<QueueEntry[]> {
    const qs = await entriesNotIn(this.db, 'done');
    if (!qs.length) return [];
    return this.withRecipients(qs);
  }

  async get(id: number): Promise<QueueEntry | null> {
    const q = await entryById(this.db, id);
    if (!q) return null;
    return (await this.withRecipients([q]))[0];
  }

  /** Several messages with their recipients, in two queries. */
  async getMany(ids: number[]): Promise<Map<number, QueueEntry>> {
    const out = new Map<number, QueueEntry>();
    for (let i = 0; i < ids.length; i += 500) {
      const qs = await entriesByIds(this.db, ids.slice(i, i + 500));
      if (qs.length) for (const e of await this.withRecipients(qs)) out.set(e.id, e);
    }
    return out;
  }

  /** Ids of the held messages the account submitted, or sent from one of `senders` (a unit mailbox's addresses, by its delegates), oldest first. */
  async heldOf(accountId: number, senders: string[] = []): Promise<number[]> {
    const ids = new Set([...(await entryIdsOf(this.db, accountId, 'hold')), ...(await entryIdsFrom(this.db, senders, 'hold'))]);
    return [...ids].sort((a, b) => a - b);
  }

  /** One queued message with its recipients and its header block. */
  async show(id: number): Promise<QueueDetail> {
    const e = await this.get(id);
    if (!e) throw new ThutinError('QUEUE_NOT_FOUND', `#${id}`);
    return { ...e, headers: await this.headerOf(e) };
  }

  /** The header block of a queued message as it is sent (up to and including the blank line). */
  async headerOf(e: QueueEntry): Promise<string> {
    const idx = (await this.store.indexesOf([e])).get(e);
    return (await this.store.readMessage(e, 0, idx ? idx.headerSize : 64 * 1024)).toString('utf8');
  }

  private async withRecipients(qs: QueueEntryRow[]): Promise<QueueEntry[]> {
    const rs = await recipientsOf(
      this.db,
      qs.map((q) => q.id),
    );
    const byQueue = new Map<number, QueueRecipient[]>();
    for (const r of rs) {
      if (!byQueue.has(r.queueId)) byQueue.set(r.queueId, []);
      byQueue.get(r.queueId)!.push(toRecipient(r));
    }
    return qs.map((q) => ({ ...q, state: q.state as QueueState, recipients: byQueue.get(q.id) ?? [] }));
  }

  // ------------------------------------------------------------------ administration

  /** Try the message's pending recipients now (not a held message's: release it first). */
  async retry(id: number, actor: string): Promise<QueueEntry> {
    await this.mustExist(id);
    const now = Date.now();
    await this.db.transaction().execute(async (trx) => {
      await rescheduleRecipients(trx, id, PENDING, now);
      await this.audit.record({ actor, action: 'queue.retry', target: `#${id}` }, trx);
    });
    this.onWork?.();
    return (await this.get(id))!;
  }

  /** Keep the message in the queue without trying it (Postfix's hold queue). */
  async hold(id: number, actor: string): Promise<QueueEntry> {
    const e = await this.mustExist(id);
    await this.db.transaction().execute(async (trx) => {
      if (e.state === 'active') await setEntryState(trx, id, 'hold');
      await this.audit.record({ actor, action: 'queue.hold', target: `#${id}`, details: { from: e.state } }, trx);
    });
    return (await this.get(id))!;
  }

  /** Put a held message back into delivery, its pending recipients due now. */
  async release(id: number, actor: string): Promise<QueueEntry> {
    const e = await this.mustExist(id);
    const now = Date.now();
    await this.db.transaction().execute(async (trx) => {
      if (e.state === 'hold') {
        await setEntryState(trx, id, 'active');
        await rescheduleRecipients(trx, id, PENDING, now);
      }
      await this.audit.record({ actor, action: 'queue.release', target: `#${id}`, details: { from: e.state } }, trx);
    });
    this.onWork?.();
    return (await this.get(id))!;
  }

  /** Remove the message from the queue without a bounce (as `postsuper -d`). */
  async delete(id: number, actor: string): Promise<void> {
    const e = await this.mustExist(id);
    const freed = await this.db.transaction().execute(async (trx) => {
      await deleteEntry(trx, id);
      await this.audit.record(
        { actor, action: 'queue.delete', target: `#${id}`, details: { sender: e.sender, recipients: e.recipients.filter((r) => PENDING.includes(r.state)).map((r) => r.recipient) } },
        trx,
      );
      return this.store.contents.dropUnreferenced(trx, [e.sha256]);
    });
    await this.store.contents.reclaim(freed);
  }

  private async mustExist(id: number): Promise<QueueEntry> {
    const e = await this.get(id);
    if (!e) throw new ThutinError('QUEUE_NOT_FOUND', `#${id}`);
    return e;
  }

  // ------------------------------------------------------------------ the delivery worker's side

  /**
   * Claim up to `limit` due recipients of active messages: their `next_attempt_at` moves to the
   * end of the lease in the same statement that checks they are still due, so two workers (or
   * processes on PostgreSQL) never take the same one, and one that dies gives them back.
   */
  async claim(now: number, leaseUntil: number, limit: number): Promise<Claimed[]> {
    const due = await dueRecipientIds(this.db, 'active', PENDING, now, limit);
    if (!due.length) return [];
    return leaseRecipients(this.db, due, PENDING, now, leaseUntil);
  }

  /** Extend the lease on recipients still in flight. */
  async renew(ids: number[], leaseUntil: number): Promise<void> {
    if (!ids.length) return;
    await renewLease(this.db, ids, PENDING, leaseUntil);
  }

  /** Record what an attempt decided, one transaction for the message's recipients. */
  async record(results: RecipientResult[], at = Date.now()): Promise<void> {
    if (!results.length) return;
    await this.commits.run(async (trx) => {
      for (const r of results) {
        await recordAttempt(trx, { id: r.id, state: r.state, nextAttemptAt: r.state === 'deferred' ? r.nextAttemptAt : at, error: r.error, status: r.status, remoteMta: r.remoteMta }, at);
      }
    });
    this.store.events.mailFlow('out', results.filter((r) => r.state === 'delivered').length); // mail sent (the /metrics counter)
  }

  /** When the next pending recipient of an active message falls due (null when none). */
  async nextDue(): Promise<number | null> {
    return earliestAttempt(this.db, 'active', PENDING);
  }

  /** Active messages with a bounce not yet told to the sender, or a delay to warn of. */
  async needingNotice(warnBefore: number): Promise<number[]> {
    const bounced = await entriesWithUntoldRecipients(this.db, 'done', 'bounced');
    const delayed = await unwarnedEntriesWith(this.db, 'active', warnBefore, 'deferred');
    return [...new Set([...bounced, ...delayed])].sort((a, b) => a - b);
  }

  /** Mark bounces as told and/or the delay as warned without a notice (the null sender is never told). */
  async markNotified(queueId: number, bouncedIds: number[], warned: boolean, at = Date.now()): Promise<void> {
    await this.db.transaction().execute((tx) => markNotified(tx, queueId, bouncedIds, warned, at));
  }

  /** A message whose every recipient is delivered or bounced (and told) is done. */
  async finishIfDone(queueId: number): Promise<boolean> {
    return (await this.finishDone([queueId])) === 1;
  }

  /** Mark done, in one statement, those of these messages with nothing left to do; their blobs go when nothing else shows them. */
  async finishDone(queueIds: number[]): Promise<number> {
    let n = 0;
    for (let i = 0; i < queueIds.length; i += 500) {
      const ids = queueIds.slice(i, i + 500);
      const freed = await this.db.transaction().execute(async (trx) => {
        const done = await markDoneWhereSettled(trx, ids, 'done', PENDING, 'bounced');
        n += done.length;
        return this.store.contents.dropUnreferenced(trx, [...new Set(done)]);
      });
      await this.store.contents.reclaim(freed);
    }
    return n;
  }
}
