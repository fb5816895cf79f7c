// The outbound queue repository: writes of `outbound_queue` (one row per message kept for remote
// recipients: sender, blob, header prefix, state) and `outbound_recipients` (one row per
// recipient with its own state) that a delivery commits.
// Owns: inserting a queued message with its recipients, and recording that notices were sent.
import type { Tx } from '../tx.ts';

export interface NewQueueEntry {
  sender: string;
  sha256: string;
  /** Served size (header prefix + blob after prefixReplaces). */
  size: number;
  headerPrefix: Buffer | null;
  prefixReplaces: number;
  accountId: number | null;
  recipients: string[];
}

/** Keep a message for remote recipients; its content row must be saved in the same transaction. */
export async function insertQueueEntry(tx: Tx, e: NewQueueEntry, now = Date.now()): Promise<number> {
  const q = await tx
    .insertInto('outbound_queue')
    .values({
      sender: e.sender,
      sha256: e.sha256,
      size: e.size,
      header_prefix: e.headerPrefix && e.headerPrefix.length ? e.headerPrefix.toString('latin1') : null,
      prefix_replaces: e.prefixReplaces,
      account_id: e.accountId,
      state: 'active',
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('outbound_recipients')
    .values(e.recipients.map((r) => ({ queue_id: q.id, recipient: r, state: 'queued', attempts: 0, next_attempt_at: now, last_error: null, updated_at: now })))
    .execute();
  return Number(q.id);
}

/** The sender was told: bounced recipients are `notified`, and the delay warning is recorded. */
export async function markNotified(tx: Tx, queueId: number, bouncedIds: number[], warned: boolean, at: number): Promise<void> {
  if (bouncedIds.length) await tx.updateTable('outbound_recipients').set({ notified: 1 }).where('id', 'in', bouncedIds).execute();
  if (warned) await tx.updateTable('outbound_queue').set({ warned_at: at }).where('id', '=', queueId).execute();
}

/** An account is going away: its queued messages stay, no longer attributed to it. */
export async function detachQueuedFrom(tx: Tx, accountId: number): Promise<void> {
  await tx.updateTable('outbound_queue').set({ account_id: null }).where('account_id', '=', accountId).execute();
}
