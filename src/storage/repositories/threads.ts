// The threads repository: the only code that writes `thread_keys` and `messages.thread_id`
// (migration 0025_threads): the keys a new message finds its thread by, the thread each message
// joined, and the reads of threads (members, per-folder thread counts, the backfill's rows).
// Owns: the SQL of those; no business rules (core/threads.ts decides which thread a message joins).
import { sql } from 'kysely';
import { isPostgres, type Reader, type Tx } from '../tx.ts';
import { chunks } from './messages.ts';
import { precompiled } from '../precompiled.ts';

/** The threads some keys name in an account (key → thread). */
// Run for every delivered copy (its thread): built once per number of keys (storage/precompiled.ts).
const threadsByKeyQuery = precompiled((r, accountId: number, keys: readonly string[]) =>
  r.selectFrom('thread_keys').select(['key', 'thread_id']).where('account_id', '=', accountId).where('key', 'in', keys),
);

export async function threadsByKey(r: Reader, accountId: number, keys: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const chunk of chunks(keys, 500)) {
    const { rows } = await threadsByKeyQuery(r, accountId, chunk);
    for (const x of rows) out.set(x.key, x.thread_id);
  }
  return out;
}

/** File keys under a thread; a key already filed keeps its thread (the first message with it decided). */
export async function saveKeys(tx: Tx, accountId: number, keys: string[], threadId: string): Promise<void> {
  for (const chunk of chunks([...new Set(keys)], 200)) {
    await tx
      .insertInto('thread_keys')
      .values(chunk.map((key) => ({ account_id: accountId, key, thread_id: threadId })))
      .onConflict((oc) => oc.columns(['account_id', 'key']).doNothing())
      .execute();
  }
}

/** Give messages (by `messages.id`) their thread. */
export async function setThreads(tx: Tx, rows: Array<{ id: number; threadId: string }>): Promise<void> {
  for (const x of rows) await tx.updateTable('messages').set({ thread_id: x.threadId }).where('id', '=', x.id).where('thread_id', 'is', null).execute();
}

export interface UnthreadedRow {
  id: number;
  accountId: number;
  mailboxId: number;
  uid: number;
  origin: string | null;
  messageId: string | null;
  subject: string;
  /** The In-Reply-To and References lines as the folded header text keeps them (lower case), or null. */
  inReplyTo: string | null;
  references: string | null;
}

/** The In-Reply-To and References lines of a contents row's folded header text (`c.search_headers`), `cap` characters each at most. */
function headerLineColumns(r: Reader, cap: number) {
  const text = sql<string>`(${'\n'} || c.search_headers)`;
  const pos = (name: string) => (isPostgres(r) ? sql`strpos(${text}, ${name})` : sql`instr(${text}, ${name})`);
  return [sql<string>`substr(${text}, ${pos('\nin-reply-to:')}, ${cap})`.as('irt'), sql<string>`substr(${text}, ${pos('\nreferences:')}, ${cap})`.as('refs')] as const;
}

function headerLine(v: string | null, name: string): string | null {
  if (!v || !v.startsWith(name)) return null;
  const rest = v.slice(name.length);
  const nl = rest.indexOf('\n');
  return nl >= 0 ? rest.slice(0, nl) : rest.slice(0, rest.lastIndexOf('>') + 1);
}

/** Messages with no thread yet (stored before 0025_threads), oldest row first, after `afterId`. */
export async function unthreaded(r: Reader, afterId: number, limit: number, cap = 4000): Promise<UnthreadedRow[]> {
  const rows = await r
    .selectFrom('messages as m')
    .innerJoin('mailboxes as b', 'b.id', 'm.mailbox_id')
    .innerJoin('contents as c', 'c.sha256', 'm.sha256')
    .select(['m.id', 'b.account_id', 'm.mailbox_id', 'm.uid', 'm.origin', 'c.message_id', 'c.subject', ...headerLineColumns(r, cap)])
    .where('m.thread_id', 'is', null)
    .where('m.id', '>', afterId)
    .orderBy('m.id')
    .limit(limit)
    .execute();
  return rows.map((x) => ({
    id: Number(x.id),
    accountId: Number(x.account_id),
    mailboxId: Number(x.mailbox_id),
    uid: Number(x.uid),
    origin: x.origin ?? null,
    messageId: x.message_id ?? null,
    subject: x.subject ?? '',
    inReplyTo: headerLine(x.irt, '\nin-reply-to:'),
    references: headerLine(x.refs, '\nreferences:'),
  }));
}

/** The thread fields of a stored content (a kept message committed again: a quarantine release), as the backfill reads them; null without its row. */
export async function storedThreadFields(r: Reader, sha256: string, cap = 4000): Promise<{ messageId: string | null; subject: string; inReplyTo: string | null; references: string | null } | null> {
  const x = await r
    .selectFrom('contents as c')
    .select(['c.message_id', 'c.subject', ...headerLineColumns(r, cap)])
    .where('c.sha256', '=', sha256)
    .executeTakeFirst();
  return x ? { messageId: x.message_id ?? null, subject: x.subject ?? '', inReplyTo: headerLine(x.irt, '\nin-reply-to:'), references: headerLine(x.refs, '\nreferences:') } : null;
}

export interface ThreadMember {
  threadId: string;
  mailboxId: number;
  uid: number;
  origin: string | null;
  internalDate: number;
  /** `messages.id`: the order they were stored in. */
  id: number;
}

/** The messages of some threads in an account's folders, oldest first (by date, then as stored). */
export async function threadMembers(r: Reader, accountId: number, threadIds: string[]): Promise<ThreadMember[]> {
  const out: ThreadMember[] = [];
  for (const chunk of chunks(threadIds, 500)) {
    const rows = await r
      .selectFrom('messages as m')
      .innerJoin('mailboxes as b', 'b.id', 'm.mailbox_id')
      .select(['m.thread_id', 'm.mailbox_id', 'm.uid', 'm.origin', 'm.internal_date', 'm.id'])
      .where('m.thread_id', 'in', chunk)
      .where('b.account_id', '=', accountId)
      .execute();
    for (const x of rows) out.push({ threadId: x.thread_id!, mailboxId: Number(x.mailbox_id), uid: Number(x.uid), origin: x.origin ?? null, internalDate: Number(x.internal_date), id: Number(x.id) });
  }
  return out.sort((a, b) => a.internalDate - b.internalDate || a.id - b.id);
}

/** A folder's threads (Mailbox totalThreads) and those with an unseen message in it (unreadThreads); a message without a thread yet counts as one. */
export async function folderThreadCounts(r: Reader, mailboxId: number): Promise<{ threads: number; unread: number }> {
  const res = await sql<{ threads: number; unread: number; lone: number; lone_unread: number }>`
    select count(distinct thread_id) as threads,
      count(distinct case when (flags & 1) = 0 then thread_id end) as unread,
      coalesce(sum(case when thread_id is null then 1 else 0 end), 0) as lone,
      coalesce(sum(case when thread_id is null and (flags & 1) = 0 then 1 else 0 end), 0) as lone_unread
    from messages where mailbox_id = ${mailboxId}`.execute(r);
  const x = res.rows[0];
  return { threads: Number(x?.threads ?? 0) + Number(x?.lone ?? 0), unread: Number(x?.unread ?? 0) + Number(x?.lone_unread ?? 0) };
}
