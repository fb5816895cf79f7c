// The outbound queue (Postfix's model): a message for remote recipients is kept once, with
// one row per recipient carrying its own state (queued, deferred, delivered, bounced), so a
// retry redoes only what failed. This module keeps and lists; delivery is the transport's.
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { StoredContent } from './mailstore.ts';

export type RecipientState = 'queued' | 'deferred' | 'delivered' | 'bounced';

export interface QueueEntry {
  id: number;
  sender: string;
  sha256: string;
  size: number;
  state: string;
  createdAt: number;
  recipients: Array<{ recipient: string; state: RecipientState; attempts: number; nextAttemptAt: number; lastError: string | null }>;
}

export class OutboundQueue {
  constructor(private readonly db: Kysely<Database>) {}

  /** Keep a message for remote recipients. The content row must be saved in the same transaction. */
  async enqueue(trx: Kysely<Database>, content: StoredContent, sender: string, recipients: string[], accountId: number | null): Promise<number> {
    const now = Date.now();
    const q = await trx
      .insertInto('outbound_queue')
      .values({ sender, sha256: content.sha256, size: content.size, account_id: accountId, state: 'active', created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('outbound_recipients')
      .values(recipients.map((r) => ({ queue_id: q.id, recipient: r, state: 'queued', attempts: 0, next_attempt_at: now, last_error: null, updated_at: now })))
      .execute();
    return Number(q.id);
  }

  async list(): Promise<QueueEntry[]> {
    const qs = await this.db.selectFrom('outbound_queue').selectAll().where('state', '<>', 'done').orderBy('id').execute();
    if (!qs.length) return [];
    const rs = await this.db
      .selectFrom('outbound_recipients')
      .selectAll()
      .where('queue_id', 'in', qs.map((q) => q.id))
      .orderBy('id')
      .execute();
    return qs.map((q) => ({
      id: Number(q.id),
      sender: q.sender,
      sha256: q.sha256,
      size: Number(q.size),
      state: q.state,
      createdAt: Number(q.created_at),
      recipients: rs
        .filter((r) => r.queue_id === q.id)
        .map((r) => ({ recipient: r.recipient, state: r.state as RecipientState, attempts: r.attempts, nextAttemptAt: Number(r.next_attempt_at), lastError: r.last_error })),
    }));
  }
}
