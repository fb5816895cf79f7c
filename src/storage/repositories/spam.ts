// The spam repository: the only code that reads or writes `spam_lists` (each recipient's allow /
// block entries) and `spam_learn_queue` (messages waiting to be taught to rspamd). Reads a
// folder's special use from `mailboxes` (a move into or out of \Junk) and an account's name from
// `accounts`; writes neither. Rules (what an entry matches, when to learn) are core/spam-lists.ts's
// and core/spam-learning.ts's.
// Owns: spam_lists, spam_learn_queue.
import type { Reader, Tx } from '../tx.ts';

export interface SpamListRow {
  id: number;
  accountId: number;
  kind: 'allow' | 'block';
  entry: string;
  createdAt: number;
  createdBy: string;
}

export interface LearnRow {
  id: number;
  accountId: number;
  mailboxId: number;
  uid: number;
  kind: 'spam' | 'ham';
  attempts: number;
  nextAt: number;
  createdAt: number;
}

const listRow = (r: { id: number; account_id: number; kind: string; entry: string; created_at: number; created_by: string }): SpamListRow => ({
  id: Number(r.id),
  accountId: Number(r.account_id),
  kind: r.kind === 'block' ? 'block' : 'allow',
  entry: r.entry,
  createdAt: Number(r.created_at),
  createdBy: r.created_by,
});

export async function listEntries(r: Reader, accountId: number): Promise<SpamListRow[]> {
  const rows = await r.selectFrom('spam_lists').selectAll().where('account_id', '=', accountId).orderBy('kind').orderBy('entry').execute();
  return rows.map(listRow);
}

/** Entries of these accounts that are one of `entries` (an address and its domains). */
export async function matchingEntries(r: Reader, accountIds: number[], entries: string[]): Promise<SpamListRow[]> {
  if (!accountIds.length || !entries.length) return [];
  const rows = await r.selectFrom('spam_lists').selectAll().where('account_id', 'in', accountIds).where('entry', 'in', entries).execute();
  return rows.map(listRow);
}

/** Add or change an entry (an entry is on one list at a time). Returns its row. */
export async function upsertEntry(tx: Tx, e: { accountId: number; kind: 'allow' | 'block'; entry: string; createdAt: number; createdBy: string }): Promise<SpamListRow> {
  const existing = await tx.selectFrom('spam_lists').selectAll().where('account_id', '=', e.accountId).where('entry', '=', e.entry).executeTakeFirst();
  if (existing) {
    await tx.updateTable('spam_lists').set({ kind: e.kind, created_at: e.createdAt, created_by: e.createdBy }).where('id', '=', existing.id).execute();
    return { ...listRow(existing), kind: e.kind, createdAt: e.createdAt, createdBy: e.createdBy };
  }
  const row = await tx
    .insertInto('spam_lists')
    .values({ account_id: e.accountId, kind: e.kind, entry: e.entry, created_at: e.createdAt, created_by: e.createdBy })
    .returningAll()
    .executeTakeFirstOrThrow();
  return listRow(row);
}

/** Remove an account's entry; returns the removed row, or null. */
export async function deleteEntry(tx: Tx, accountId: number, entry: string): Promise<SpamListRow | null> {
  const row = await tx.selectFrom('spam_lists').selectAll().where('account_id', '=', accountId).where('entry', '=', entry).executeTakeFirst();
  if (!row) return null;
  await tx.deleteFrom('spam_lists').where('id', '=', row.id).execute();
  return listRow(row);
}

/** Special use and owner of two folders (a copy's source and destination). */
export async function foldersOf(r: Reader, ids: number[]): Promise<Map<number, { accountId: number; specialUse: string | null; name: string }>> {
  if (!ids.length) return new Map();
  const rows = await r.selectFrom('mailboxes').select(['id', 'account_id', 'special_use', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((x) => [Number(x.id), { accountId: Number(x.account_id), specialUse: x.special_use, name: x.name }]));
}

export async function enqueueLearn(tx: Tx, rows: Array<{ accountId: number; mailboxId: number; uid: number; kind: 'spam' | 'ham'; at: number }>): Promise<void> {
  if (!rows.length) return;
  await tx
    .insertInto('spam_learn_queue')
    .values(rows.map((x) => ({ account_id: x.accountId, mailbox_id: x.mailboxId, uid: x.uid, kind: x.kind, attempts: 0, next_at: x.at, created_at: x.at })))
    .execute();
}

const learnRow = (r: { id: number; account_id: number; mailbox_id: number; uid: number; kind: string; attempts: number; next_at: number; created_at: number }): LearnRow => ({
  id: Number(r.id),
  accountId: Number(r.account_id),
  mailboxId: Number(r.mailbox_id),
  uid: Number(r.uid),
  kind: r.kind === 'ham' ? 'ham' : 'spam',
  attempts: Number(r.attempts),
  nextAt: Number(r.next_at),
  createdAt: Number(r.created_at),
});

/** Entries due at `now`, oldest first. */
export async function dueLearns(r: Reader, now: number, limit: number): Promise<LearnRow[]> {
  const rows = await r.selectFrom('spam_learn_queue').selectAll().where('next_at', '<=', now).orderBy('id').limit(limit).execute();
  return rows.map(learnRow);
}

/** Take an entry for one attempt: true when this caller got it (another process did not first). */
export async function claimLearn(tx: Tx, row: LearnRow, leaseUntil: number): Promise<boolean> {
  const res = await tx
    .updateTable('spam_learn_queue')
    .set({ next_at: leaseUntil, attempts: row.attempts + 1 })
    .where('id', '=', row.id)
    .where('next_at', '=', row.nextAt)
    .where('attempts', '=', row.attempts)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function retryLearnAt(tx: Tx, id: number, at: number): Promise<void> {
  await tx.updateTable('spam_learn_queue').set({ next_at: at }).where('id', '=', id).execute();
}

export async function deleteLearn(tx: Tx, id: number): Promise<void> {
  await tx.deleteFrom('spam_learn_queue').where('id', '=', id).execute();
}

export async function countLearns(r: Reader): Promise<number> {
  const row = await r
    .selectFrom('spam_learn_queue')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function accountName(r: Reader, accountId: number): Promise<string | null> {
  const row = await r.selectFrom('accounts').select('username').where('id', '=', accountId).executeTakeFirst();
  return row?.username ?? null;
}
