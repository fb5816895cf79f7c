// The messages repository: the only code that writes the `messages` table (a message in a
// folder: UID, MODSEQ, flags, the blob it shows and the header prefix served in front of it) and
// the `changes` log (expunges per MODSEQ, for sessions and QRESYNC), and the usage counter of
// accounts that moves with them (`accounts.used_bytes`, kept in the same transaction).
// Owns: the SQL of those; no business rules.
import { sql } from 'kysely';
import type { Reader, Tx } from '../tx.ts';
import { precompiled } from '../precompiled.ts';
/** The \\Seen bit of `messages.flags` (core/flags.ts SEEN). */
const SEEN_BIT = 1;

export interface MessageRow {
  uid: number;
  modseq: number;
  flags: number;
  keywords: string;
  /** Served size: header prefix + blob bytes after `prefixReplaces`. */
  size: number;
  internalDate: number;
  /** The INTERNALDATE's zone, minutes east of UTC (what APPEND gave; 0 for delivered mail). */
  internalDateZone: number;
  sha256: string;
  headerPrefix: Buffer | null;
  prefixReplaces: number;
  /** "<folder id>_<uid>" of the message's first copy when a MOVE made this one (its JMAP id); null otherwise. */
  origin?: string | null;
  /** "<folder id>_<uid>" of the Email that started its thread (0025_threads); null until the backfill gives it one. */
  threadId?: string | null;
}

/** What a flag change reads and reports of a message. */
export type FlagRow = Pick<MessageRow, 'uid' | 'modseq' | 'flags' | 'keywords'>;

export interface NewMessage {
  mailboxId: number;
  uid: number;
  modseq: number;
  sha256: string;
  size: number;
  internalDate: number;
  flags: number;
  keywords: string;
  headerPrefix: Buffer | null;
  prefixReplaces: number;
  internalDateZone?: number;
  origin?: string | null;
  threadId?: string | null;
}

const COLUMNS = ['uid', 'modseq', 'flags', 'keywords', 'size', 'internal_date', 'internal_date_zone', 'sha256', 'header_prefix', 'prefix_replaces', 'origin', 'thread_id'] as const;

type Row = {
  uid: number;
  modseq: number;
  flags: number;
  keywords: string;
  size: number;
  internal_date: number;
  internal_date_zone: number;
  sha256: string;
  header_prefix: string | null;
  prefix_replaces: number;
  origin?: string | null;
  thread_id?: string | null;
};

function toMessage(r: Row): MessageRow {
  return {
    uid: Number(r.uid),
    modseq: Number(r.modseq),
    flags: Number(r.flags),
    keywords: r.keywords,
    size: Number(r.size),
    internalDate: Number(r.internal_date),
    internalDateZone: Number(r.internal_date_zone ?? 0),
    sha256: r.sha256,
    headerPrefix: r.header_prefix ? Buffer.from(r.header_prefix, 'latin1') : null,
    prefixReplaces: Number(r.prefix_replaces ?? 0),
    origin: r.origin ?? null,
    threadId: r.thread_id ?? null,
  };
}

export function chunks<T>(arr: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < arr.length; i += n) out.push(arr.slice(i, i + n));
  return out;
}

// One delivered copy, the common case: built once (storage/precompiled.ts).
const insertMessageQuery = precompiled(
  (
    tx,
    mailboxId: number,
    uid: number,
    modseq: number,
    sha256: string,
    size: number,
    internalDate: number,
    internalDateZone: number,
    flags: number,
    keywords: string,
    headerPrefix: string | null,
    prefixReplaces: number,
    origin: string | null,
    threadId: string | null,
  ) =>
    tx.insertInto('messages').values({
      mailbox_id: mailboxId,
      uid,
      modseq,
      sha256,
      size,
      internal_date: internalDate,
      internal_date_zone: internalDateZone,
      flags,
      keywords,
      header_prefix: headerPrefix,
      prefix_replaces: prefixReplaces,
      origin,
      thread_id: threadId,
    }),
);

/** The stored form of a copy's header prefix: its bytes as latin1 text, or null when there is none. */
function prefixText(m: NewMessage): string | null {
  return m.headerPrefix && m.headerPrefix.length ? m.headerPrefix.toString('latin1') : null;
}

export async function insertMessages(tx: Tx, rows: NewMessage[]): Promise<void> {
  if (rows.length === 1) {
    const m = rows[0];
    await insertMessageQuery(
      tx,
      m.mailboxId,
      m.uid,
      m.modseq,
      m.sha256,
      m.size,
      m.internalDate,
      m.internalDateZone ?? 0,
      m.flags,
      m.keywords,
      prefixText(m),
      m.prefixReplaces,
      m.origin ?? null,
      m.threadId ?? null,
    );
    return;
  }
  for (const chunk of chunks(rows, 200)) {
    await tx
      .insertInto('messages')
      .values(
        chunk.map((m) => ({
          mailbox_id: m.mailboxId,
          uid: m.uid,
          modseq: m.modseq,
          sha256: m.sha256,
          size: m.size,
          internal_date: m.internalDate,
          internal_date_zone: m.internalDateZone ?? 0,
          flags: m.flags,
          keywords: m.keywords,
          header_prefix: prefixText(m),
          prefix_replaces: m.prefixReplaces,
          origin: m.origin ?? null,
          thread_id: m.threadId ?? null,
        })),
      )
      .execute();
  }
}

/** Add `delta` bytes to an account's usage. */
const addUsageQuery = precompiled((tx, accountId: number, delta: number) =>
  tx
    .updateTable('accounts')
    .set((eb) => ({ used_bytes: eb('used_bytes', '+', delta) }))
    .where('id', '=', accountId),
);

export async function addUsage(tx: Tx, accountId: number, delta: number): Promise<void> {
  if (!delta) return;
  await addUsageQuery(tx, accountId, delta);
}

/** Add `delta` bytes to the usage of the account that owns a folder. */
export async function addFolderUsage(tx: Tx, mailboxId: number, delta: number): Promise<void> {
  if (!delta) return;
  await tx
    .updateTable('accounts')
    .set((eb) => ({ used_bytes: eb('used_bytes', '+', delta) }))
    .where('id', '=', (eb) => eb.selectFrom('mailboxes').select('account_id').where('id', '=', mailboxId))
    .execute();
}

export async function listMessages(r: Reader, mailboxId: number): Promise<MessageRow[]> {
  const rows = await r.selectFrom('messages').select(COLUMNS).where('mailbox_id', '=', mailboxId).orderBy('uid').execute();
  return rows.map(toMessage);
}

/** One page of a folder newest first (by INTERNALDATE, then UID, both descending), through the (mailbox_id, internal_date, uid) index. */
export async function newestPage(r: Reader, mailboxId: number, offset: number, limit: number): Promise<MessageRow[]> {
  const rows = await r.selectFrom('messages').select(COLUMNS).where('mailbox_id', '=', mailboxId).orderBy('internal_date', 'desc').orderBy('uid', 'desc').limit(limit).offset(offset).execute();
  return rows.map(toMessage);
}

/**
 * How many messages a folder holds, with the folder's HIGHESTMODSEQ read in the same statement (one
 * snapshot on both backends: a count kept at that MODSEQ is that MODSEQ's count); null if it is gone.
 */
export async function messageCount(r: Reader, mailboxId: number): Promise<{ messages: number; highestModseq: number } | null> {
  const res = await sql<{ n: number; highest_modseq: number }>`
    select f.highest_modseq, (select count(*) from messages m where m.mailbox_id = f.id) as n
    from mailboxes f where f.id = ${mailboxId}`.execute(r);
  const row = res.rows[0];
  return row ? { messages: Number(row.n), highestModseq: Number(row.highest_modseq) } : null;
}

// The queries every IMAP session runs after each change or on FETCH 1:*, built once (storage/precompiled.ts).
const listFlagsQuery = precompiled((r, mailboxId: number) =>
  r.selectFrom('messages').select(['uid', 'modseq', 'flags', 'keywords', 'size', 'internal_date', 'internal_date_zone', 'origin', 'thread_id']).where('mailbox_id', '=', mailboxId).orderBy('uid'),
);
const getMessagesQuery = precompiled((r, mailboxId: number, uids: readonly number[]) =>
  r.selectFrom('messages').select(COLUMNS).where('mailbox_id', '=', mailboxId).where('uid', 'in', uids).orderBy('uid'),
);
const changedSinceQuery = precompiled((r, mailboxId: number, modseq: number) =>
  r.selectFrom('messages').select(COLUMNS).where('mailbox_id', '=', mailboxId).where('modseq', '>', modseq).orderBy('uid'),
);
const expungedSinceQuery = precompiled((r, mailboxId: number, modseq: number) =>
  r.selectFrom('changes').select('uid').where('mailbox_id', '=', mailboxId).where('modseq', '>', modseq).where('kind', '=', 'expunge'),
);

/** Flags, sizes and dates only (metadata FETCH, SEARCH): no blob names or prefixes. */
export async function listFlags(r: Reader, mailboxId: number): Promise<MessageRow[]> {
  const { rows } = await listFlagsQuery(r, mailboxId);
  // One object per message, built directly (FETCH 1:* of a large folder makes thousands).
  const out: MessageRow[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const m = rows[i];
    out[i] = {
      uid: Number(m.uid),
      modseq: Number(m.modseq),
      flags: Number(m.flags),
      keywords: m.keywords,
      size: Number(m.size),
      internalDate: Number(m.internal_date),
      internalDateZone: Number(m.internal_date_zone ?? 0),
      sha256: '',
      headerPrefix: null,
      prefixReplaces: 0,
      origin: m.origin ?? null,
      threadId: m.thread_id ?? null,
    };
  }
  return out;
}

/** The smallest and largest of some UIDs. */
function bounds(uids: readonly number[]): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const u of uids) {
    if (u < lo) lo = u;
    if (u > hi) hi = u;
  }
  return { lo, hi };
}

const rangeQuery = precompiled((r, mailboxId: number, lo: number, hi: number) =>
  r.selectFrom('messages').select(COLUMNS).where('mailbox_id', '=', mailboxId).where('uid', '>=', lo).where('uid', '<=', hi).orderBy('uid'),
);

const FLAG_COLUMNS = ['uid', 'modseq', 'flags', 'keywords'] as const;
const flagRowsQuery = precompiled((r, mailboxId: number, uids: readonly number[]) =>
  r.selectFrom('messages').select(FLAG_COLUMNS).where('mailbox_id', '=', mailboxId).where('uid', 'in', uids).orderBy('uid'),
);
const flagRangeQuery = precompiled((r, mailboxId: number, lo: number, hi: number) =>
  r.selectFrom('messages').select(FLAG_COLUMNS).where('mailbox_id', '=', mailboxId).where('uid', '>=', lo).where('uid', '<=', hi).orderBy('uid'),
);

/** The flags of these UIDs' messages, in UID order (a dense set read as its range, as getMessages does). */
export async function getFlagRows(r: Reader, mailboxId: number, uids: number[]): Promise<FlagRow[]> {
  const out: FlagRow[] = [];
  const add = (row: { uid: number; modseq: number; flags: number; keywords: string }) =>
    out.push({ uid: Number(row.uid), modseq: Number(row.modseq), flags: Number(row.flags), keywords: row.keywords });
  const { lo, hi } = bounds(uids);
  if (uids.length > 500 && uids.length * 2 >= hi - lo + 1) {
    const want = new Set(uids);
    for (const row of (await flagRangeQuery(r, mailboxId, lo, hi)).rows) if (want.has(Number(row.uid))) add(row);
    return out;
  }
  for (const chunk of chunks(uids, 500)) for (const row of (await flagRowsQuery(r, mailboxId, chunk)).rows) add(row);
  return out;
}

/**
 * The rows of these UIDs, in UID order. Many UIDs that fill most of their range (a "STORE 1:*" or
 * a FETCH of a whole folder) are read as the range, in one statement, and the others left out;
 * otherwise 500 at a time by UID.
 */
export async function getMessages(r: Reader, mailboxId: number, uids: number[]): Promise<MessageRow[]> {
  const out: MessageRow[] = [];
  if (uids.length > 500) {
    const { lo, hi } = bounds(uids);
    if (uids.length * 2 >= hi - lo + 1) {
      const want = new Set(uids);
      const { rows } = await rangeQuery(r, mailboxId, lo, hi);
      for (const row of rows) if (want.has(Number(row.uid))) out.push(toMessage(row));
      return out;
    }
  }
  for (const chunk of chunks(uids, 500)) {
    const { rows } = await getMessagesQuery(r, mailboxId, chunk);
    for (const row of rows) out.push(toMessage(row));
  }
  return out;
}

export async function changedSince(r: Reader, mailboxId: number, modseq: number): Promise<MessageRow[]> {
  const { rows } = await changedSinceQuery(r, mailboxId, modseq);
  return rows.map(toMessage);
}

export async function expungedSince(r: Reader, mailboxId: number, modseq: number): Promise<number[]> {
  const { rows } = await expungedSinceQuery(r, mailboxId, modseq);
  return [...new Set(rows.map((e) => Number(e.uid)))].sort((a, b) => a - b);
}

/** The origins of the moved messages expunged after `modseq` (UID → origin; those that never moved are not listed). */
export async function expungedOriginsSince(r: Reader, mailboxId: number, modseq: number): Promise<Map<number, string>> {
  const rows = await r
    .selectFrom('changes')
    .select(['uid', 'origin'])
    .where('mailbox_id', '=', mailboxId)
    .where('modseq', '>', modseq)
    .where('kind', '=', 'expunge')
    .where('origin', 'is not', null)
    .execute();
  return new Map(rows.map((e) => [Number(e.uid), e.origin!]));
}

/** The threads of the messages expunged after `modseq` (UID → thread, "<folder id>_<uid>"; those without one are not listed). */
export async function expungedThreadsSince(r: Reader, mailboxId: number, modseq: number): Promise<Map<number, string>> {
  const rows = await r
    .selectFrom('changes')
    .select(['uid', 'thread_id'])
    .where('mailbox_id', '=', mailboxId)
    .where('modseq', '>', modseq)
    .where('kind', '=', 'expunge')
    .where('thread_id', 'is not', null)
    .execute();
  return new Map(rows.map((e) => [Number(e.uid), e.thread_id!]));
}

/** The messages of an account's folders whose origin is one of `origins` (moved messages, by their first place). */
export async function messagesByOrigin(r: Reader, accountId: number, origins: string[]): Promise<Array<MessageRow & { mailboxId: number }>> {
  const out: Array<MessageRow & { mailboxId: number }> = [];
  for (const chunk of chunks(origins, 500)) {
    const rows = await r
      .selectFrom('messages')
      .innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id')
      .select(COLUMNS.map((c) => `messages.${c}` as const))
      .select('messages.mailbox_id')
      .where('mailboxes.account_id', '=', accountId)
      .where('messages.origin', 'in', chunk)
      .execute();
    out.push(...rows.map((x) => ({ ...toMessage(x as Row), mailboxId: Number(x.mailbox_id) })));
  }
  return out;
}

/** UIDs of the messages flagged \Deleted. */
export async function deletedUids(r: Reader, mailboxId: number): Promise<number[]> {
  const rows = await r
    .selectFrom('messages')
    .select('uid')
    .where('mailbox_id', '=', mailboxId)
    .where(sql<boolean>`(flags & 8) <> 0`)
    .orderBy('uid')
    .execute();
  return rows.map((r) => Number(r.uid));
}

export async function allUids(r: Reader, mailboxId: number): Promise<number[]> {
  const rows = await r.selectFrom('messages').select('uid').where('mailbox_id', '=', mailboxId).orderBy('uid').execute();
  return rows.map((r) => Number(r.uid));
}

/**
 * Remove messages from a folder at `modseq`, log their expunge, and move the account's usage.
 * Returns the blobs they showed (for reclaiming contents nothing references any more).
 */
export async function removeMessages(tx: Tx, mailboxId: number, uids: number[], modseq: number, now = Date.now(), logChanges = true): Promise<string[]> {
  const shas = new Set<string>();
  for (const chunk of chunks(uids, 500)) {
    const rows = await tx.selectFrom('messages').select(['uid', 'sha256', 'size', 'origin', 'thread_id']).where('mailbox_id', '=', mailboxId).where('uid', 'in', chunk).execute();
    for (const r of rows) shas.add(r.sha256);
    await addFolderUsage(tx, mailboxId, -rows.reduce((a, r) => a + Number(r.size), 0));
    await tx.deleteFrom('messages').where('mailbox_id', '=', mailboxId).where('uid', 'in', chunk).execute();
    const byUid = new Map(rows.map((r) => [Number(r.uid), r]));
    if (logChanges)
      await tx
        .insertInto('changes')
        .values(chunk.map((uid) => ({ mailbox_id: mailboxId, modseq, uid, kind: 'expunge', created_at: now, origin: byUid.get(uid)?.origin ?? null, thread_id: byUid.get(uid)?.thread_id ?? null })))
        .execute();
  }
  return [...shas];
}

/** Drop a folder's whole change log (the folder itself is going away). */
export async function dropChangeLog(tx: Tx, mailboxId: number): Promise<void> {
  await tx.deleteFrom('changes').where('mailbox_id', '=', mailboxId).execute();
}

/** Keep the zone an APPEND's date-time gave the INTERNALDATE of a message just stored. */
export async function setInternalDateZone(tx: Tx, mailboxId: number, uid: number, zone: number): Promise<void> {
  await tx.updateTable('messages').set({ internal_date_zone: zone }).where('mailbox_id', '=', mailboxId).where('uid', '=', uid).execute();
}

const setFlagsQuery = precompiled((tx, mailboxId: number, uids: readonly number[], flags: number, keywords: string, modseq: number) =>
  tx.updateTable('messages').set({ flags, keywords, modseq }).where('mailbox_id', '=', mailboxId).where('uid', 'in', uids),
);

const setFlagsRangeQuery = precompiled((tx, mailboxId: number, lo: number, hi: number, flags: number, keywords: string, modseq: number) =>
  tx.updateTable('messages').set({ flags, keywords, modseq }).where('mailbox_id', '=', mailboxId).where('uid', '>=', lo).where('uid', '<=', hi),
);
const countRangeQuery = precompiled((tx, mailboxId: number, lo: number, hi: number) =>
  tx
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('mailbox_id', '=', mailboxId)
    .where('uid', '>=', lo)
    .where('uid', '<=', hi),
);

/**
 * Set flags and keywords of some messages at `modseq`. `uids`: distinct UIDs of messages present in
 * the folder, read in this transaction under the folder's lock (storeFlags). When they are every
 * message of their UID range (a "STORE 1:*"), one UPDATE of the range; otherwise 500 at a time.
 */
export async function setFlags(tx: Tx, mailboxId: number, uids: number[], flags: number, keywords: string, modseq: number): Promise<void> {
  if (uids.length > 500) {
    const { lo, hi } = bounds(uids);
    const [row] = (await countRangeQuery(tx, mailboxId, lo, hi)).rows;
    if (Number(row?.n) === uids.length) {
      await setFlagsRangeQuery(tx, mailboxId, lo, hi, flags, keywords, modseq);
      return;
    }
  }
  for (const chunk of chunks(uids, 500)) await setFlagsQuery(tx, mailboxId, chunk, flags, keywords, modseq);
}

/** Blobs shown by any message of an account (purging an account reclaims them). */
export async function accountBlobs(r: Reader, accountId: number): Promise<string[]> {
  const rows = await r
    .selectFrom('messages')
    .innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id')
    .select('messages.sha256')
    .distinct()
    .where('mailboxes.account_id', '=', accountId)
    .execute();
  return rows.map((r) => r.sha256);
}

export interface FolderStatus {
  messages: number;
  unseen: number;
  /** Messages no session has claimed as \Recent yet. */
  recent: number;
  size: number;
  uidnext: number;
  uidvalidity: number;
  highestModseq: number;
}

/**
 * STATUS of a folder in ONE statement, so one snapshot (both backends): the counts and the folder
 * row's UIDNEXT/HIGHESTMODSEQ can never disagree because a delivery committed between two reads.
 * Null if the folder is gone.
 */
export async function folderStatus(r: Reader, mailboxId: number): Promise<FolderStatus | null> {
  const res = await sql<{ messages: number; unseen: number; recent: number; size: number; uidnext: number; uidvalidity: number; highest_modseq: number }>`
    select f.uidnext, f.uidvalidity, f.highest_modseq,
      count(m.uid) as messages,
      coalesce(sum(case when (m.flags & ${SEEN_BIT}) = 0 then 1 else 0 end), 0) as unseen,
      coalesce(sum(case when m.uid >= f.first_recent_uid then 1 else 0 end), 0) as recent,
      coalesce(sum(m.size), 0) as size
    from mailboxes f left join messages m on m.mailbox_id = f.id
    where f.id = ${mailboxId}
    group by f.id, f.uidnext, f.uidvalidity, f.highest_modseq, f.first_recent_uid`.execute(r);
  const row = res.rows[0];
  if (!row) return null;
  return {
    messages: Number(row.messages),
    unseen: Number(row.unseen),
    recent: Number(row.recent),
    size: Number(row.size),
    uidnext: Number(row.uidnext),
    uidvalidity: Number(row.uidvalidity),
    highestModseq: Number(row.highest_modseq),
  };
}

/** What opening a folder needs: UIDs as runs of consecutive UIDs, the first unseen UID, the distinct stored keyword lists. */
export async function openSummary(r: Reader, mailboxId: number): Promise<{ uidRuns: Array<[first: number, count: number]>; firstUnseenUid: number | null; keywordLists: string[] }> {
  // One pass for the count, the UID range and the first unseen message.
  const agg = await sql<{ n: number; lo: number | null; hi: number | null; unseen: number | null }>`
    select count(*) as n, min(uid) as lo, max(uid) as hi, min(case when (flags & 1) = 0 then uid end) as unseen
    from messages where mailbox_id = ${mailboxId}`.execute(r);
  const a = agg.rows[0];
  const n = Number(a?.n ?? 0);
  let uidRuns: Array<[number, number]> = [];
  if (n > 0 && Number(a.hi) - Number(a.lo) + 1 === n) {
    uidRuns = [[Number(a.lo), n]]; // no gaps: one run, nothing more to read
  } else if (n > 0) {
    // Runs of consecutive UIDs ("gaps and islands"): a folder with few expunges is a few rows.
    const runs = await sql<{ first: number; n: number }>`
      select min(uid) as first, count(*) as n
      from (select uid, uid - row_number() over (order by uid) as grp from messages where mailbox_id = ${mailboxId}) as numbered
      group by grp order by first`.execute(r);
    uidRuns = runs.rows.map((x) => [Number(x.first), Number(x.n)]);
  }
  const kw = await r.selectFrom('messages').select('keywords').distinct().where('mailbox_id', '=', mailboxId).where('keywords', '<>', '').execute();
  return { uidRuns, firstUnseenUid: a?.unseen == null ? null : Number(a.unseen), keywordLists: kw.map((row) => row.keywords) };
}

/** Bytes and count of the messages each account received since `since` (by INTERNALDATE): the capacity report's growth. */
export async function receivedSinceByAccount(r: Reader, since: number): Promise<Array<{ accountId: number; bytes: number; count: number }>> {
  const rows = await r
    .selectFrom('messages as m')
    .innerJoin('mailboxes as b', 'b.id', 'm.mailbox_id')
    .select(['b.account_id as accountId', (eb) => eb.fn.sum<number>('m.size').as('bytes'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('m.internal_date', '>=', since)
    .groupBy('b.account_id')
    .execute();
  return rows.map((row) => ({ accountId: Number(row.accountId), bytes: Number(row.bytes ?? 0), count: Number(row.n) }));
}
