// The retention repository: the only code that writes `retention_policies`, `folder_entries`,
// `legal_holds` and `held_messages` (migration 0021_retention). A `held_messages` row is a
// reference to its blob's `contents` row (repositories/contents.ts counts it): the message left
// its folder (expunge, folder deletion, a policy) while its mailbox was held, and is kept hidden.
// Reads `mailboxes`, `messages`, `people` and `units` to find what a policy covers and whose a mailbox is.
// Owns: the SQL of those tables; no business rules.
import { sql } from 'kysely';
import type { Reader, Tx } from '../tx.ts';
import { chunks } from './messages.ts';

// ---------------------------------------------------------------- policies

export interface PolicyRow {
  id: number;
  folder: string;
  unitId: number | null;
  mailboxType: string;
  kind: string;
  amount: number;
  createdAt: number;
  createdBy: string;
  document: string;
}

export async function insertPolicy(tx: Tx, p: Omit<PolicyRow, 'id'>): Promise<number> {
  const r = await tx
    .insertInto('retention_policies')
    .values({ folder: p.folder, unit_id: p.unitId, mailbox_type: p.mailboxType, kind: p.kind, amount: p.amount, created_at: p.createdAt, created_by: p.createdBy, document: p.document })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

/** The policy with the same folder, unit, mailbox type and kind (one of each: setting again replaces it). */
export async function findPolicy(r: Reader, p: Pick<PolicyRow, 'folder' | 'unitId' | 'mailboxType' | 'kind'>): Promise<PolicyRow | null> {
  let q = r.selectFrom('retention_policies').selectAll().where('folder', '=', p.folder).where('mailbox_type', '=', p.mailboxType).where('kind', '=', p.kind);
  q = p.unitId === null ? q.where('unit_id', 'is', null) : q.where('unit_id', '=', p.unitId);
  const row = await q.executeTakeFirst();
  return row ? toPolicy(row) : null;
}

export async function updatePolicy(tx: Tx, id: number, amount: number, by: string, document: string, at: number): Promise<void> {
  await tx.updateTable('retention_policies').set({ amount, created_by: by, document, created_at: at }).where('id', '=', id).execute();
}

export async function deletePolicy(tx: Tx, id: number): Promise<PolicyRow | null> {
  const row = await tx.selectFrom('retention_policies').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  await tx.deleteFrom('retention_policies').where('id', '=', id).execute();
  return toPolicy(row);
}

export async function listPolicies(r: Reader): Promise<PolicyRow[]> {
  return (await r.selectFrom('retention_policies').selectAll().orderBy('id').execute()).map(toPolicy);
}

function toPolicy(r: { id: number; folder: string; unit_id: number | null; mailbox_type: string; kind: string; amount: number; created_at: number; created_by: string; document: string }): PolicyRow {
  return {
    id: Number(r.id),
    folder: r.folder,
    unitId: r.unit_id === null ? null : Number(r.unit_id),
    mailboxType: r.mailbox_type,
    kind: r.kind,
    amount: Number(r.amount),
    createdAt: Number(r.created_at),
    createdBy: r.created_by,
    document: r.document,
  };
}

// ---------------------------------------------------------------- what a policy covers

/** A folder with whose mailbox it is: a person's (their unit) or a unit's own. */
export interface CoveredFolder {
  mailboxId: number;
  accountId: number;
  name: string;
  specialUse: string | null;
  /** The unit of the person whose mailbox it is (null: none, or not a person's). */
  personUnitId: number | null;
  /** The unit whose own mailbox it is (null: not a unit mailbox). */
  ownUnitId: number | null;
}

export async function allFolders(r: Reader): Promise<CoveredFolder[]> {
  const rows = await r
    .selectFrom('mailboxes')
    .leftJoin('people', 'people.account_id', 'mailboxes.account_id')
    .leftJoin('units', 'units.mailbox_account_id', 'mailboxes.account_id')
    .select(['mailboxes.id', 'mailboxes.account_id', 'mailboxes.name', 'mailboxes.special_use', 'people.unit_id as person_unit', 'units.id as own_unit'])
    .orderBy('mailboxes.id')
    .execute();
  const seen = new Set<number>();
  const out: CoveredFolder[] = [];
  for (const x of rows) {
    const id = Number(x.id);
    if (seen.has(id)) continue; // an account named by two rows (never expected): first one
    seen.add(id);
    out.push({
      mailboxId: id,
      accountId: Number(x.account_id),
      name: x.name,
      specialUse: x.special_use,
      personUnitId: x.person_unit == null ? null : Number(x.person_unit),
      ownUnitId: x.own_unit == null ? null : Number(x.own_unit),
    });
  }
  return out;
}

/** The unit of each account: a person's unit, or the unit whose own mailbox it is. */
export async function unitsOfAccounts(r: Reader, accountIds: number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const chunk of chunks([...new Set(accountIds)], 500)) {
    for (const p of await r.selectFrom('people').select(['account_id', 'unit_id']).where('account_id', 'in', chunk).where('unit_id', 'is not', null).execute())
      out.set(Number(p.account_id), Number(p.unit_id));
    for (const u of await r.selectFrom('units').select(['id', 'mailbox_account_id']).where('mailbox_account_id', 'in', chunk).execute()) out.set(Number(u.mailbox_account_id), Number(u.id));
  }
  return out;
}

/** UIDs of a folder's messages dated (INTERNALDATE) before `cutoff`. */
export async function uidsOlderThan(r: Reader, mailboxId: number, cutoff: number): Promise<number[]> {
  const rows = await r.selectFrom('messages').select('uid').where('mailbox_id', '=', mailboxId).where('internal_date', '<', cutoff).orderBy('uid').execute();
  return rows.map((x) => Number(x.uid));
}

/** UIDs of a folder's messages that entered it before `cutoff` (copied or moved in: `folder_entries`; else their INTERNALDATE). */
export async function uidsEnteredBefore(r: Reader, mailboxId: number, cutoff: number): Promise<number[]> {
  const rows = await r
    .selectFrom('messages')
    .leftJoin('folder_entries', (j) => j.onRef('folder_entries.mailbox_id', '=', 'messages.mailbox_id').onRef('folder_entries.uid', '=', 'messages.uid'))
    .select('messages.uid')
    .where('messages.mailbox_id', '=', mailboxId)
    .where(sql<number>`coalesce(folder_entries.entered_at, messages.internal_date)`, '<', cutoff)
    .orderBy('messages.uid')
    .execute();
  return rows.map((x) => Number(x.uid));
}

/** Record when messages entered a folder (a copy or move into it). */
export async function recordEntries(tx: Tx, mailboxId: number, uids: number[], at: number): Promise<void> {
  for (const chunk of chunks(uids, 200)) {
    await tx
      .insertInto('folder_entries')
      .values(chunk.map((uid) => ({ mailbox_id: mailboxId, uid, entered_at: at })))
      .onConflict((oc) => oc.columns(['mailbox_id', 'uid']).doUpdateSet({ entered_at: at }))
      .execute();
  }
}

/** Entries whose message is gone (expunged, moved on): removed, up to `limit`; returns how many. */
export async function pruneEntries(tx: Tx, limit = 5000): Promise<number> {
  const gone = await tx
    .selectFrom('folder_entries')
    .leftJoin('messages', (j) => j.onRef('messages.mailbox_id', '=', 'folder_entries.mailbox_id').onRef('messages.uid', '=', 'folder_entries.uid'))
    .select(['folder_entries.mailbox_id', 'folder_entries.uid'])
    .where('messages.uid', 'is', null)
    .limit(limit)
    .execute();
  for (const g of gone) await tx.deleteFrom('folder_entries').where('mailbox_id', '=', g.mailbox_id).where('uid', '=', g.uid).execute();
  return gone.length;
}

// ---------------------------------------------------------------- legal holds

export interface HoldRow {
  id: number;
  kind: 'mailbox' | 'unit';
  accountId: number | null;
  unitId: number | null;
  label: string;
  document: string;
  setBy: string;
  setAt: number;
  releasedAt: number | null;
  releasedBy: string | null;
  releaseDocument: string | null;
}

type HoldDb = {
  id: number;
  kind: string;
  account_id: number | null;
  unit_id: number | null;
  label: string;
  document: string;
  set_by: string;
  set_at: number;
  released_at: number | null;
  released_by: string | null;
  release_document: string | null;
};

function toHold(r: HoldDb): HoldRow {
  return {
    id: Number(r.id),
    kind: r.kind === 'unit' ? 'unit' : 'mailbox',
    accountId: r.account_id === null ? null : Number(r.account_id),
    unitId: r.unit_id === null ? null : Number(r.unit_id),
    label: r.label,
    document: r.document,
    setBy: r.set_by,
    setAt: Number(r.set_at),
    releasedAt: r.released_at === null ? null : Number(r.released_at),
    releasedBy: r.released_by,
    releaseDocument: r.release_document,
  };
}

export async function insertHold(tx: Tx, h: Pick<HoldRow, 'kind' | 'accountId' | 'unitId' | 'label' | 'document' | 'setBy' | 'setAt'>): Promise<number> {
  const r = await tx
    .insertInto('legal_holds')
    .values({ kind: h.kind, account_id: h.accountId, unit_id: h.unitId, label: h.label, document: h.document, set_by: h.setBy, set_at: h.setAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

/** Release an active hold (compare-and-set: a hold is released once); the row as it was, or null. */
export async function releaseHold(tx: Tx, id: number, by: string, document: string, at: number): Promise<HoldRow | null> {
  const row = await tx.selectFrom('legal_holds').selectAll().where('id', '=', id).where('released_at', 'is', null).executeTakeFirst();
  if (!row) return null;
  const n = await tx.updateTable('legal_holds').set({ released_at: at, released_by: by, release_document: document }).where('id', '=', id).where('released_at', 'is', null).executeTakeFirst();
  return Number(n.numUpdatedRows) ? toHold(row) : null;
}

export async function holdById(r: Reader, id: number): Promise<HoldRow | null> {
  const row = await r.selectFrom('legal_holds').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toHold(row) : null;
}

/** Whether any hold is in force. */
export async function anyHold(r: Reader): Promise<boolean> {
  return !!(await r.selectFrom('legal_holds').select('id').where('released_at', 'is', null).limit(1).executeTakeFirst());
}

/** Holds in force (`all`: released ones too, newest first). */
export async function listHolds(r: Reader, all = false): Promise<HoldRow[]> {
  let q = r.selectFrom('legal_holds').selectAll();
  if (!all) q = q.where('released_at', 'is', null);
  return (await q.orderBy('id', 'desc').execute()).map(toHold);
}

// ---------------------------------------------------------------- held messages

export interface HeldRow {
  id: number;
  accountId: number;
  folder: string;
  mailboxId: number;
  uid: number;
  sha256: string;
  size: number;
  internalDate: number;
  flags: number;
  keywords: string;
  headerPrefix: Buffer | null;
  prefixReplaces: number;
  cause: string;
  heldAt: number;
}

/** Copy messages of a folder into `held_messages` (before they are removed from it, in the same transaction). */
export async function holdMessages(tx: Tx, mailboxId: number, uids: number[], cause: string, at: number): Promise<number> {
  let n = 0;
  for (const chunk of chunks(uids, 500)) {
    const rows = await tx
      .selectFrom('messages')
      .innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id')
      .select([
        'mailboxes.account_id',
        'mailboxes.name',
        'messages.uid',
        'messages.sha256',
        'messages.size',
        'messages.internal_date',
        'messages.flags',
        'messages.keywords',
        'messages.header_prefix',
        'messages.prefix_replaces',
      ])
      .where('messages.mailbox_id', '=', mailboxId)
      .where('messages.uid', 'in', chunk)
      .execute();
    if (!rows.length) continue;
    await tx
      .insertInto('held_messages')
      .values(
        rows.map((m) => ({
          account_id: m.account_id,
          folder: m.name,
          mailbox_id: mailboxId,
          uid: m.uid,
          sha256: m.sha256,
          size: m.size,
          internal_date: m.internal_date,
          flags: m.flags,
          keywords: m.keywords,
          header_prefix: m.header_prefix,
          prefix_replaces: m.prefix_replaces,
          cause,
          held_at: at,
        })),
      )
      .execute();
    n += rows.length;
  }
  return n;
}

export async function heldOfAccount(r: Reader, accountId: number): Promise<HeldRow[]> {
  const rows = await r.selectFrom('held_messages').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
  return rows.map((m) => ({
    id: Number(m.id),
    accountId: Number(m.account_id),
    folder: m.folder,
    mailboxId: Number(m.mailbox_id),
    uid: Number(m.uid),
    sha256: m.sha256,
    size: Number(m.size),
    internalDate: Number(m.internal_date),
    flags: Number(m.flags),
    keywords: m.keywords,
    headerPrefix: m.header_prefix ? Buffer.from(m.header_prefix, 'latin1') : null,
    prefixReplaces: Number(m.prefix_replaces ?? 0),
    cause: m.cause,
    heldAt: Number(m.held_at),
  }));
}

/** The accounts that have held messages, with how many. */
export async function heldAccounts(r: Reader): Promise<Map<number, number>> {
  const rows = await r
    .selectFrom('held_messages')
    .select(['account_id', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('account_id')
    .execute();
  return new Map(rows.map((x) => [Number(x.account_id), Number(x.n)]));
}

/** Delete an account's held messages; returns the blobs they named (to drop contents nothing else references). */
export async function dropHeldOfAccount(tx: Tx, accountId: number): Promise<string[]> {
  const rows = await tx.selectFrom('held_messages').select('sha256').distinct().where('account_id', '=', accountId).execute();
  await tx.deleteFrom('held_messages').where('account_id', '=', accountId).execute();
  return rows.map((x) => x.sha256);
}
