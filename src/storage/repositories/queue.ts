// The outbound queue repository: `outbound_queue` (one row per message kept for remote
// recipients: sender, blob, header prefix, state, delay warning) and `outbound_recipients` (one
// row per recipient with its own state, attempts, next attempt, last answer, notice mark).
// Owns: every statement on these two tables — inserting a queued message with its recipients,
// reading entries and recipients, state and schedule updates, the worker's lease (claim and
// renewal), attempt results, finishing and pruning `done` entries, what needs a notice, notice
// marks, and detaching a deleted account. Which states count as pending is the caller's rule.
import type { Reader, Tx } from '../tx.ts';

/** A message to queue: the fields of its row that the commit knows, and its recipients. */
export type NewQueueEntry = Pick<QueueEntryRow, 'sender' | 'sha256' | 'size' | 'headerPrefix' | 'prefixReplaces' | 'accountId'> & {
  recipients: string[];
  /** 'active' unless given ('hold': queued on hold). */ state?: string;
};

/** An `outbound_queue` row. */
export interface QueueEntryRow {
  id: number;
  sender: string;
  sha256: string;
  /** Served size (header prefix + blob after prefixReplaces). */
  size: number;
  headerPrefix: Buffer | null;
  prefixReplaces: number;
  accountId: number | null;
  state: string;
  createdAt: number;
  warnedAt: number | null;
}

/** An `outbound_recipients` row. */
export interface QueueRecipientRow {
  id: number;
  queueId: number;
  recipient: string;
  state: string;
  attempts: number;
  nextAttemptAt: number;
  lastAttemptAt: number | null;
  lastError: string | null;
  status: string | null;
  remoteMta: string | null;
  notified: boolean;
}

/** A recipient whose lease was taken. */
export interface LeasedRecipient {
  id: number;
  queueId: number;
  recipient: string;
  attempts: number;
}

/** One attempt's outcome for one recipient. */
export interface AttemptRow {
  id: number;
  state: string;
  nextAttemptAt: number;
  error: string | null;
  status: string | null;
  remoteMta: string | null;
}

type EntryRecord = {
  id: number;
  sender: string;
  sha256: string;
  size: number;
  header_prefix: string | null;
  prefix_replaces: number;
  account_id: number | null;
  state: string;
  created_at: number;
  warned_at: number | null;
};

type RecipientRecord = {
  id: number;
  queue_id: number;
  recipient: string;
  state: string;
  attempts: number;
  next_attempt_at: number;
  last_attempt_at: number | null;
  last_error: string | null;
  status: string | null;
  remote_mta: string | null;
  notified: number;
};

function toEntry(q: EntryRecord): QueueEntryRow {
  return {
    id: Number(q.id),
    sender: q.sender,
    sha256: q.sha256,
    size: Number(q.size),
    headerPrefix: q.header_prefix ? Buffer.from(q.header_prefix, 'latin1') : null,
    prefixReplaces: Number(q.prefix_replaces ?? 0),
    accountId: q.account_id === null ? null : Number(q.account_id),
    state: q.state,
    createdAt: Number(q.created_at),
    warnedAt: q.warned_at === null ? null : Number(q.warned_at),
  };
}

function toRecipient(r: RecipientRecord): QueueRecipientRow {
  return {
    id: Number(r.id),
    queueId: Number(r.queue_id),
    recipient: r.recipient,
    state: r.state,
    attempts: Number(r.attempts),
    nextAttemptAt: Number(r.next_attempt_at),
    lastAttemptAt: r.last_attempt_at === null ? null : Number(r.last_attempt_at),
    lastError: r.last_error,
    status: r.status,
    remoteMta: r.remote_mta,
    notified: Number(r.notified) === 1,
  };
}

// ------------------------------------------------------------------ inserting

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
      state: e.state ?? 'active',
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

// ------------------------------------------------------------------ reading

/** Entries not in `state`, by id. */
export async function entriesNotIn(r: Reader, state: string): Promise<QueueEntryRow[]> {
  const rows = await r.selectFrom('outbound_queue').selectAll().where('state', '<>', state).orderBy('id').execute();
  return rows.map(toEntry);
}

/** Ids of an account's entries in `state`, oldest first. */
export async function entryIdsOf(r: Reader, accountId: number, state: string): Promise<number[]> {
  const rows = await r.selectFrom('outbound_queue').select('id').where('account_id', '=', accountId).where('state', '=', state).orderBy('id').execute();
  return rows.map((x) => Number(x.id));
}

/** Ids of the entries in `state` whose envelope sender is one of `senders` (lower case), oldest first. */
export async function entryIdsFrom(r: Reader, senders: string[], state: string): Promise<number[]> {
  if (!senders.length) return [];
  const rows = await r.selectFrom('outbound_queue').select('id').where('sender', 'in', senders).where('state', '=', state).orderBy('id').execute();
  return rows.map((x) => Number(x.id));
}

/** One entry, or null. */
export async function entryById(r: Reader, id: number): Promise<QueueEntryRow | null> {
  const q = await r.selectFrom('outbound_queue').selectAll().where('id', '=', id).executeTakeFirst();
  return q ? toEntry(q) : null;
}

/** These entries (those that exist), in no particular order; the caller bounds the list. */
export async function entriesByIds(r: Reader, ids: number[]): Promise<QueueEntryRow[]> {
  if (!ids.length) return [];
  const rows = await r.selectFrom('outbound_queue').selectAll().where('id', 'in', ids).execute();
  return rows.map(toEntry);
}

/** The recipients of these entries, by id. */
export async function recipientsOf(r: Reader, queueIds: number[]): Promise<QueueRecipientRow[]> {
  if (!queueIds.length) return [];
  const rows = await r.selectFrom('outbound_recipients').selectAll().where('queue_id', 'in', queueIds).orderBy('id').execute();
  return rows.map((x) => toRecipient(x as RecipientRecord));
}

/** The earliest `next_attempt_at` of recipients in `recipientStates` of entries in `entryState` (null when none). */
export async function earliestAttempt(r: Reader, entryState: string, recipientStates: readonly string[]): Promise<number | null> {
  const row = await r
    .selectFrom('outbound_recipients as r')
    .innerJoin('outbound_queue as q', 'q.id', 'r.queue_id')
    .select((eb) => eb.fn.min('r.next_attempt_at').as('at'))
    .where('q.state', '=', entryState)
    .where('r.state', 'in', recipientStates)
    .executeTakeFirst();
  return row?.at === null || row?.at === undefined ? null : Number(row.at);
}

/** Entries not in `exceptState` with a recipient in `bouncedState` not yet notified. */
export async function entriesWithUntoldRecipients(r: Reader, exceptState: string, bouncedState: string): Promise<number[]> {
  const rows = await r
    .selectFrom('outbound_recipients as r')
    .innerJoin('outbound_queue as q', 'q.id', 'r.queue_id')
    .select('q.id')
    .distinct()
    .where('q.state', '<>', exceptState)
    .where('r.state', '=', bouncedState)
    .where('r.notified', '=', 0)
    .execute();
  return rows.map((x) => Number(x.id));
}

/** Entries in `entryState`, created at or before `createdBy`, never warned, with a recipient in `recipientState`. */
export async function unwarnedEntriesWith(r: Reader, entryState: string, createdBy: number, recipientState: string): Promise<number[]> {
  const rows = await r
    .selectFrom('outbound_recipients as r')
    .innerJoin('outbound_queue as q', 'q.id', 'r.queue_id')
    .select('q.id')
    .distinct()
    .where('q.state', '=', entryState)
    .where('q.warned_at', 'is', null)
    .where('q.created_at', '<=', createdBy)
    .where('r.state', '=', recipientState)
    .execute();
  return rows.map((x) => Number(x.id));
}

// ------------------------------------------------------------------ administration

/** Set an entry's state. */
export async function setEntryState(tx: Tx, id: number, state: string): Promise<void> {
  await tx.updateTable('outbound_queue').set({ state }).where('id', '=', id).execute();
}

/** Make an entry's recipients in `states` due at `at`. */
export async function rescheduleRecipients(tx: Tx, queueId: number, states: readonly string[], at: number): Promise<void> {
  await tx.updateTable('outbound_recipients').set({ next_attempt_at: at, updated_at: at }).where('queue_id', '=', queueId).where('state', 'in', states).execute();
}

/** Delete an entry and its recipients. */
export async function deleteEntry(tx: Tx, id: number): Promise<void> {
  await tx.deleteFrom('outbound_recipients').where('queue_id', '=', id).execute();
  await tx.deleteFrom('outbound_queue').where('id', '=', id).execute();
}

// ------------------------------------------------------------------ the delivery worker's lease

/**
 * Up to `limit` recipient ids in `recipientStates` of entries in `entryState` due at `now`,
 * earliest first. Read without a lock: `leaseRecipients` re-checks them.
 */
export async function dueRecipientIds(r: Reader, entryState: string, recipientStates: readonly string[], now: number, limit: number): Promise<number[]> {
  const rows = await r
    .selectFrom('outbound_recipients as r')
    .innerJoin('outbound_queue as q', 'q.id', 'r.queue_id')
    .select(['r.id'])
    .where('q.state', '=', entryState)
    .where('r.state', 'in', recipientStates)
    .where('r.next_attempt_at', '<=', now)
    .orderBy('r.next_attempt_at')
    .orderBy('r.id')
    .limit(limit)
    .execute();
  return rows.map((x) => Number(x.id));
}

/**
 * Move `next_attempt_at` to `leaseUntil` for those of these recipients still in `states` and due
 * at `now`, in one statement (so two claimants never both get one); returns those taken. One
 * statement on its own: it takes the database (autocommit) or a transaction.
 */
export async function leaseRecipients(db: Reader, ids: number[], states: readonly string[], now: number, leaseUntil: number): Promise<LeasedRecipient[]> {
  if (!ids.length) return [];
  const rows = await db
    .updateTable('outbound_recipients')
    .set({ next_attempt_at: leaseUntil })
    .where('id', 'in', ids)
    .where('state', 'in', states)
    .where('next_attempt_at', '<=', now)
    .returning(['id', 'queue_id', 'recipient', 'attempts'])
    .execute();
  return rows.map((x) => ({ id: Number(x.id), queueId: Number(x.queue_id), recipient: x.recipient, attempts: Number(x.attempts) }));
}

/**
 * Move `next_attempt_at` to `leaseUntil` for those of these recipients still in `states`. One
 * statement on its own: it takes the database (autocommit) or a transaction.
 */
export async function renewLease(db: Reader, ids: number[], states: readonly string[], leaseUntil: number): Promise<void> {
  if (!ids.length) return;
  await db.updateTable('outbound_recipients').set({ next_attempt_at: leaseUntil }).where('id', 'in', ids).where('state', 'in', states).execute();
}

/** Record one attempt for one recipient: its new state, one more attempt, and the answer. */
export async function recordAttempt(tx: Tx, a: AttemptRow, at: number): Promise<void> {
  await tx
    .updateTable('outbound_recipients')
    .set((eb) => ({
      state: a.state,
      attempts: eb('attempts', '+', 1),
      next_attempt_at: a.nextAttemptAt,
      last_attempt_at: at,
      last_error: a.error,
      status: a.status,
      remote_mta: a.remoteMta,
      updated_at: at,
    }))
    .where('id', '=', a.id)
    .execute();
}

// ------------------------------------------------------------------ notices and finishing

/** The sender was told: bounced recipients are `notified`, and the delay warning is recorded. */
export async function markNotified(tx: Tx, queueId: number, bouncedIds: number[], warned: boolean, at: number): Promise<void> {
  if (bouncedIds.length) await tx.updateTable('outbound_recipients').set({ notified: 1 }).where('id', 'in', bouncedIds).execute();
  if (warned) await tx.updateTable('outbound_queue').set({ warned_at: at }).where('id', '=', queueId).execute();
}

/**
 * In one statement, set `doneState` on those of these entries not already in it that have no
 * recipient in `openStates` and none in `bouncedState` not yet notified; returns the blob names
 * of the entries changed (one per entry).
 */
export async function markDoneWhereSettled(tx: Tx, ids: number[], doneState: string, openStates: readonly string[], bouncedState: string): Promise<string[]> {
  if (!ids.length) return [];
  const rows = await tx
    .updateTable('outbound_queue')
    .set({ state: doneState })
    .where('id', 'in', ids)
    .where('state', '<>', doneState)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('outbound_recipients as r')
            .select('r.id')
            .whereRef('r.queue_id', '=', 'outbound_queue.id')
            .where((w) => w.or([w('r.state', 'in', openStates), w.and([w('r.state', '=', bouncedState), w('r.notified', '=', 0)])])),
        ),
      ),
    )
    .returning('sha256')
    .execute();
  return rows.map((x) => x.sha256);
}

// ------------------------------------------------------------------ pruning finished entries

// A message in state 'done' keeps its row (queue history for `thutin queue`) for
// `outbound.doneRetentionMs`, then goes with its recipients (core/maintenance.ts).

/** Up to `limit` finished entries created before `cutoff` (index outbound_queue_done). */
export async function doneBefore(r: Reader, cutoff: number, limit = 500): Promise<Array<{ id: number; sha256: string }>> {
  const rows = await r.selectFrom('outbound_queue').select(['id', 'sha256']).where('state', '=', 'done').where('created_at', '<', cutoff).orderBy('id').limit(limit).execute();
  return rows.map((x) => ({ id: Number(x.id), sha256: x.sha256 }));
}

/** Delete these entries if they are still finished; returns the blob names of those deleted. */
export async function deleteDone(tx: Tx, ids: number[]): Promise<string[]> {
  if (!ids.length) return [];
  // Recipients first: PostgreSQL cascades anyway, and so does SQLite with foreign keys on.
  await tx
    .deleteFrom('outbound_recipients')
    .where('queue_id', 'in', (eb) => eb.selectFrom('outbound_queue').select('id').where('id', 'in', ids).where('state', '=', 'done'))
    .execute();
  const rows = await tx.deleteFrom('outbound_queue').where('id', 'in', ids).where('state', '=', 'done').returning('sha256').execute();
  return rows.map((x) => x.sha256);
}

// ------------------------------------------------------------------ accounts

/** An account is going away: its queued messages stay, no longer attributed to it. */
export async function detachQueuedFrom(tx: Tx, accountId: number): Promise<void> {
  await tx.updateTable('outbound_queue').set({ account_id: null }).where('account_id', '=', accountId).execute();
}

/** Recipients of unfinished queue entries, counted by the entry's state and the recipient's (the outbound queue's depth). */
export async function queueDepth(r: Reader, doneState: string): Promise<Array<{ entryState: string; recipientState: string; count: number }>> {
  const rows = await r
    .selectFrom('outbound_recipients as r')
    .innerJoin('outbound_queue as q', 'q.id', 'r.queue_id')
    .select(['q.state as entryState', 'r.state as recipientState', (eb) => eb.fn.countAll<number>().as('n')])
    .where('q.state', '!=', doneState)
    .groupBy(['q.state', 'r.state'])
    .execute();
  return rows.map((row) => ({ entryState: row.entryState, recipientState: row.recipientState, count: Number(row.n) }));
}
