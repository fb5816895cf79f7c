// The folders repository: the only code that writes the `mailboxes`, `uidvalidity_counters` and
// `subscriptions` tables.
// Owns: the one rule for creating a folder (with its missing parents) and the one rule for
// UIDVALIDITY (seconds since the epoch, strictly increasing per account, never reused for a name), UID and MODSEQ
// allocation, renames, subscriptions, \Recent claims (one session per message) and the change-log floor. No business
// rules beyond those: names are checked by the mail store (core/mailboxes.ts).
import { sql, type Selectable } from 'kysely';
import type { Database } from '../schema.ts';
import type { Reader, Tx } from '../tx.ts';
import { precompiled } from '../precompiled.ts';
/** The hierarchy separator of folder names as stored (core/mailboxes.ts HIERARCHY_SEPARATOR). */
const HIERARCHY_SEPARATOR = '/';

export interface FolderRow {
  id: number;
  accountId: number;
  name: string;
  specialUse: string | null;
  uidvalidity: number;
  uidnext: number;
  highestModseq: number;
  firstRecentUid: number;
  subscribed: boolean;
  /** The change log is complete only for MODSEQs from this one on (older entries were compacted). */
  changesFloor: number;
}

function toFolder(r: Selectable<Database['mailboxes']>): FolderRow {
  return {
    id: Number(r.id),
    accountId: Number(r.account_id),
    name: r.name,
    specialUse: r.special_use,
    uidvalidity: Number(r.uidvalidity),
    uidnext: Number(r.uidnext),
    highestModseq: Number(r.highest_modseq),
    firstRecentUid: Number(r.first_recent_uid),
    subscribed: Number(r.subscribed) === 1,
    changesFloor: Number(r.changes_floor ?? 0),
  };
}

function likePrefix(p: string): string {
  return p.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
}

// Run by every IMAP command that names a folder and by every change-log read: built once (storage/precompiled.ts).
const findFolderQuery = precompiled((r, accountId: number, name: string) => r.selectFrom('mailboxes').selectAll().where('account_id', '=', accountId).where('name', '=', name));
const folderByIdQuery = precompiled((r, id: number) => r.selectFrom('mailboxes').selectAll().where('id', '=', id));

export async function findFolder(r: Reader, accountId: number, name: string): Promise<FolderRow | null> {
  const [row] = (await findFolderQuery(r, accountId, name)).rows;
  return row ? toFolder(row) : null;
}

export async function folderById(r: Reader, id: number): Promise<FolderRow | null> {
  const [row] = (await folderByIdQuery(r, id)).rows;
  return row ? toFolder(row) : null;
}

export async function listFolders(r: Reader, accountId: number): Promise<FolderRow[]> {
  const rows = await r.selectFrom('mailboxes').selectAll().where('account_id', '=', accountId).orderBy('name').execute();
  return rows.map(toFolder);
}

export async function hasChildren(r: Reader, accountId: number, name: string): Promise<boolean> {
  const row = await r
    .selectFrom('mailboxes')
    .select('id')
    .where('account_id', '=', accountId)
    .where('name', 'like', likePrefix(name + HIERARCHY_SEPARATOR))
    .executeTakeFirst();
  return !!row;
}

/**
 * UIDVALIDITY: seconds since the epoch, strictly increasing per account (the one rule). The last
 * value handed out is kept in `uidvalidity_counters`, so deleting the folder that held it and
 * creating the name again in the same second still gets a greater one (RFC 3501 2.3.1.1: a name
 * never gets a UIDVALIDITY again). One UPDATE takes the next value (row-locked in PostgreSQL).
 */
async function nextUidValidity(tx: Tx, accountId: number, now: number): Promise<number> {
  const floor = Math.floor(now / 1000);
  await tx
    .insertInto('uidvalidity_counters')
    .values({ account_id: accountId, last_uidvalidity: 0 })
    .onConflict((oc) => oc.column('account_id').doNothing())
    .execute();
  const r = await tx
    .updateTable('uidvalidity_counters')
    .set({ last_uidvalidity: sql<number>`case when last_uidvalidity + 1 > ${floor} then last_uidvalidity + 1 else ${floor} end` })
    .where('account_id', '=', accountId)
    .returning('last_uidvalidity')
    .executeTakeFirstOrThrow();
  return Number(r.last_uidvalidity);
}

/**
 * Create a folder and any missing parent (RFC 3501 CREATE), the only way a `mailboxes` row is
 * made. Returns the folder named `name`; null if it already existed (parents may have existed).
 */
export async function createFolder(tx: Tx, accountId: number, name: string, specialUse: string | null, now = Date.now(), subscribe = false): Promise<FolderRow | null> {
  const parts = name.split(HIERARCHY_SEPARATOR);
  let created: FolderRow | null = null;
  for (let i = 1; i <= parts.length; i++) {
    const p = parts.slice(0, i).join(HIERARCHY_SEPARATOR);
    if (await findFolder(tx, accountId, p)) continue;
    const row = await tx
      .insertInto('mailboxes')
      .values({
        account_id: accountId,
        name: p,
        special_use: i === parts.length ? specialUse : null,
        uidvalidity: await nextUidValidity(tx, accountId, now),
        uidnext: 1,
        highest_modseq: 1,
        first_recent_uid: 1,
        subscribed: subscribe ? 1 : 0,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    // CREATE does not subscribe (RFC 3501 6.3.3; clients SUBSCRIBE themselves); an account's default folders are.
    if (subscribe) await setSubscribed(tx, accountId, p, true);
    if (i === parts.length) created = toFolder(row);
  }
  return created;
}

/** The folders every new account gets (the core's list: INBOX, Sent, Drafts, Junk, Trash, Archive), subscribed. */
export async function createFolders(tx: Tx, accountId: number, list: ReadonlyArray<{ name: string; specialUse: string | null }>, now = Date.now()): Promise<void> {
  for (const mb of list) await createFolder(tx, accountId, mb.name, mb.specialUse, now, true);
}

/** Take the next UID and a new MODSEQ of an account's folder by name, in one statement; null if there is no such folder. */
// Run once per delivered copy: built once (storage/precompiled.ts).
const takeUidQuery = precompiled((tx, accountId: number, name: string) =>
  tx
    .updateTable('mailboxes')
    .set((eb) => ({ uidnext: eb('uidnext', '+', 1), highest_modseq: eb('highest_modseq', '+', 1) }))
    .where('account_id', '=', accountId)
    .where('name', '=', name)
    .returning(['id', 'uidnext', 'highest_modseq', 'uidvalidity']),
);

export async function takeUid(tx: Tx, accountId: number, name: string): Promise<{ id: number; uid: number; modseq: number; uidvalidity: number } | null> {
  const [mb] = (await takeUidQuery(tx, accountId, name)).rows;
  if (!mb) return null;
  return { id: Number(mb.id), uid: Number(mb.uidnext) - 1, modseq: Number(mb.highest_modseq), uidvalidity: Number(mb.uidvalidity) };
}

/** Allocate `count` UIDs and one new MODSEQ in a folder (row-locked in PostgreSQL); null if it is gone. */
export async function takeUids(tx: Tx, mailboxId: number, count: number): Promise<{ firstUid: number; modseq: number; uidvalidity: number } | null> {
  const r = await tx
    .updateTable('mailboxes')
    .set((eb) => ({ uidnext: eb('uidnext', '+', count), highest_modseq: eb('highest_modseq', '+', 1) }))
    .where('id', '=', mailboxId)
    .returning(['uidnext', 'highest_modseq', 'uidvalidity'])
    .executeTakeFirst();
  if (!r) return null;
  return { firstUid: Number(r.uidnext) - count, modseq: Number(r.highest_modseq), uidvalidity: Number(r.uidvalidity) };
}

/**
 * Take the folder row's lock before a read-modify-write of its messages (STORE, EXPUNGE, MOVE): in
 * PostgreSQL a second transaction waits here and then reads what the first committed, so no
 * session's flag change is lost; SQLite writes one transaction at a time anyway.
 */
const lockFolderQuery = precompiled((tx, mailboxId: number) =>
  tx
    .updateTable('mailboxes')
    .set((eb) => ({ highest_modseq: eb.ref('highest_modseq') }))
    .where('id', '=', mailboxId),
);
const bumpModseqQuery = precompiled((tx, mailboxId: number) =>
  tx
    .updateTable('mailboxes')
    .set((eb) => ({ highest_modseq: eb('highest_modseq', '+', 1) }))
    .where('id', '=', mailboxId)
    .returning('highest_modseq'),
);

export async function lockFolder(tx: Tx, mailboxId: number): Promise<void> {
  await lockFolderQuery(tx, mailboxId);
}

export async function bumpModseq(tx: Tx, mailboxId: number): Promise<number> {
  const [r] = (await bumpModseqQuery(tx, mailboxId)).rows;
  if (!r) throw new Error(`no folder ${mailboxId} to move its MODSEQ`);
  return Number(r.highest_modseq);
}

export async function deleteFolderRow(tx: Tx, mailboxId: number): Promise<void> {
  await tx.deleteFrom('mailboxes').where('id', '=', mailboxId).execute();
}

/** Rename a folder and its inferiors (each gets a new UIDVALIDITY), creating missing parents of the new name. */
export async function renameFolderTree(tx: Tx, accountId: number, src: string, dst: string, now = Date.now()): Promise<void> {
  const all = await tx.selectFrom('mailboxes').select(['id', 'name']).where('account_id', '=', accountId).execute();
  for (const r of all) {
    if (r.name === src || r.name.startsWith(src + HIERARCHY_SEPARATOR)) {
      await tx
        .updateTable('mailboxes')
        .set({ name: dst + r.name.slice(src.length), uidvalidity: await nextUidValidity(tx, accountId, now) })
        .where('id', '=', r.id)
        .execute();
    }
  }
  // Subscriptions follow the renamed names.
  for (const n of await listSubscriptions(tx, accountId)) {
    if (n !== src && !n.startsWith(src + HIERARCHY_SEPARATOR)) continue;
    const moved = dst + n.slice(src.length);
    await tx.deleteFrom('subscriptions').where('account_id', '=', accountId).where('name', '=', moved).execute();
    await tx.updateTable('subscriptions').set({ name: moved }).where('account_id', '=', accountId).where('name', '=', n).execute();
  }
  const parent = dst.split(HIERARCHY_SEPARATOR).slice(0, -1).join(HIERARCHY_SEPARATOR);
  if (parent) await createFolder(tx, accountId, parent, null, now);
}

/**
 * Subscribe or unsubscribe a name of an account (the folder row's flag follows when it exists). A
 * subscription is a name: it stays when its folder is deleted (RFC 3501 6.3.6). Returns whether
 * an unsubscribed name was subscribed.
 */
export async function setSubscribed(tx: Tx, accountId: number, name: string, subscribed: boolean): Promise<boolean> {
  await tx
    .updateTable('mailboxes')
    .set({ subscribed: subscribed ? 1 : 0 })
    .where('account_id', '=', accountId)
    .where('name', '=', name)
    .execute();
  if (subscribed) {
    await tx
      .insertInto('subscriptions')
      .values({ account_id: accountId, name })
      .onConflict((oc) => oc.columns(['account_id', 'name']).doNothing())
      .execute();
    return true;
  }
  const r = await tx.deleteFrom('subscriptions').where('account_id', '=', accountId).where('name', '=', name).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The names an account subscribed to, whether their folders exist or not. */
export async function listSubscriptions(r: Reader, accountId: number): Promise<string[]> {
  const rows = await r.selectFrom('subscriptions').select('name').where('account_id', '=', accountId).orderBy('name').execute();
  return rows.map((x) => x.name);
}

/**
 * \Recent (RFC 3501 2.3.2): messages from `first_recent_uid` on are recent to no session yet. A
 * session claims those below `upTo` (the folder's UIDNEXT when it selects; past the new UIDs when
 * it learns of them) and gets back where its claim starts: UIDs in [returned, upTo) are recent to
 * it alone. Compare-and-set, so two sessions never claim the same UID (both backends).
 */
export async function claimRecent(tx: Tx, mailboxId: number, upTo?: number): Promise<{ from: number; to: number }> {
  for (;;) {
    const mb = await tx.selectFrom('mailboxes').select(['first_recent_uid', 'uidnext']).where('id', '=', mailboxId).executeTakeFirst();
    if (!mb) return { from: 0, to: 0 };
    const from = Number(mb.first_recent_uid);
    const to = Math.min(upTo ?? Number(mb.uidnext), Number(mb.uidnext));
    // Nothing new since the last claim: no write (and no fsync) on a plain re-SELECT.
    if (from >= to) return { from: to, to };
    const r = await tx.updateTable('mailboxes').set({ first_recent_uid: to }).where('id', '=', mailboxId).where('first_recent_uid', '=', from).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 1) return { from, to };
  }
}
