// The work-queue repository: the only code that reads or writes `message_assignments` and
// `message_assignment_events` (migration 0020_work_queue). Reads `messages` (a message's row id by
// folder + UID), `units` and `people` (is an account a unit mailbox, who heads it) and `accounts`
// (addresses). No rules: core/work-queue.ts decides who may see and change what.
// Owns: assignment rows by message, the rows of a folder or of a unit mailbox, their history, moving
// a row to a moved message's new row.
import type { Reader, Tx } from '../tx.ts';

export interface AssignmentRow {
  id: number;
  mailboxId: number;
  uid: number;
  ownerAccountId: number;
  assigneeAccountId: number | null;
  assignee: string | null; // the assignee's address
  handled: boolean;
  note: string;
  updatedAt: number;
  updatedBy: string;
}

export interface AssignmentEventRow {
  at: number;
  actor: string;
  kind: string;
  value: string;
}

function baseQuery(r: Reader) {
  return r
    .selectFrom('message_assignments')
    .innerJoin('messages', 'messages.id', 'message_assignments.message_id')
    .leftJoin('accounts', 'accounts.id', 'message_assignments.assignee_account_id')
    .select([
      'message_assignments.id',
      'messages.mailbox_id',
      'messages.uid',
      'message_assignments.owner_account_id',
      'message_assignments.assignee_account_id',
      'accounts.username',
      'message_assignments.handled',
      'message_assignments.note',
      'message_assignments.updated_at',
      'message_assignments.updated_by',
    ]);
}

type BaseRow = {
  id: number;
  mailbox_id: number;
  uid: number;
  owner_account_id: number;
  assignee_account_id: number | null;
  username: string | null;
  handled: number;
  note: string;
  updated_at: number;
  updated_by: string;
};

function toRow(x: BaseRow): AssignmentRow {
  return {
    id: Number(x.id),
    mailboxId: Number(x.mailbox_id),
    uid: Number(x.uid),
    ownerAccountId: Number(x.owner_account_id),
    assigneeAccountId: x.assignee_account_id === null ? null : Number(x.assignee_account_id),
    assignee: x.username ?? null,
    handled: Number(x.handled) === 1,
    note: x.note,
    updatedAt: Number(x.updated_at),
    updatedBy: x.updated_by,
  };
}

/** The `messages` row id of a folder's message, null when it is not there. */
export async function messageRowId(r: Reader, mailboxId: number, uid: number): Promise<number | null> {
  const row = await r.selectFrom('messages').select('id').where('mailbox_id', '=', mailboxId).where('uid', '=', uid).executeTakeFirst();
  return row ? Number(row.id) : null;
}

export async function assignmentsOf(r: Reader, mailboxId: number, uids?: number[]): Promise<AssignmentRow[]> {
  if (uids && !uids.length) return [];
  let q = baseQuery(r).where('messages.mailbox_id', '=', mailboxId);
  if (uids) q = q.where('messages.uid', 'in', uids);
  return (await q.orderBy('messages.uid').execute()).map(toRow);
}

/** Every assignment row of a unit mailbox (all its folders), optionally of one assignee. */
export async function assignmentsOfOwner(r: Reader, ownerAccountId: number, assigneeAccountId?: number): Promise<AssignmentRow[]> {
  let q = baseQuery(r).where('message_assignments.owner_account_id', '=', ownerAccountId);
  if (assigneeAccountId !== undefined) q = q.where('message_assignments.assignee_account_id', '=', assigneeAccountId);
  return (await q.orderBy('messages.mailbox_id').orderBy('messages.uid').execute()).map(toRow);
}

export async function insertAssignment(
  tx: Tx,
  a: { messageId: number; ownerAccountId: number; assigneeAccountId: number | null; handled: boolean; note: string; updatedAt: number; updatedBy: string },
): Promise<number> {
  const row = await tx
    .insertInto('message_assignments')
    .values({
      message_id: a.messageId,
      owner_account_id: a.ownerAccountId,
      assignee_account_id: a.assigneeAccountId,
      handled: a.handled ? 1 : 0,
      note: a.note,
      updated_at: a.updatedAt,
      updated_by: a.updatedBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function updateAssignment(tx: Tx, id: number, a: { assigneeAccountId: number | null; handled: boolean; note: string; updatedAt: number; updatedBy: string }): Promise<void> {
  await tx
    .updateTable('message_assignments')
    .set({ assignee_account_id: a.assigneeAccountId, handled: a.handled ? 1 : 0, note: a.note, updated_at: a.updatedAt, updated_by: a.updatedBy })
    .where('id', '=', id)
    .execute();
}

export async function insertEvents(tx: Tx, assignmentId: number, events: AssignmentEventRow[]): Promise<void> {
  if (!events.length) return;
  await tx
    .insertInto('message_assignment_events')
    .values(events.map((e) => ({ assignment_id: assignmentId, at: e.at, actor: e.actor, kind: e.kind, value: e.value })))
    .execute();
}

export async function eventsOf(r: Reader, assignmentId: number): Promise<AssignmentEventRow[]> {
  const rows = await r.selectFrom('message_assignment_events').select(['at', 'actor', 'kind', 'value']).where('assignment_id', '=', assignmentId).orderBy('at').orderBy('id').execute();
  return rows.map((x) => ({ at: Number(x.at), actor: x.actor, kind: x.kind, value: x.value }));
}

/**
 * A copy or move between folders (the mail store's copy hook): the assignment rows of the source
 * messages, and the destination rows' ids, for the caller to carry over.
 */
export async function pairsToCarry(
  tx: Tx,
  srcMailboxId: number,
  dstMailboxId: number,
  pairs: ReadonlyArray<[number, number]>,
): Promise<Array<{ assignmentId: number; ownerAccountId: number; dstMessageId: number }>> {
  const src = await assignmentsOf(
    tx,
    srcMailboxId,
    pairs.map(([s]) => s),
  );
  if (!src.length) return [];
  const dstUids = new Map(pairs.map(([s, d]) => [s, d]));
  const wanted = src.map((a) => dstUids.get(a.uid)!);
  const dst = await tx.selectFrom('messages').select(['id', 'uid']).where('mailbox_id', '=', dstMailboxId).where('uid', 'in', wanted).execute();
  const byUid = new Map(dst.map((x) => [Number(x.uid), Number(x.id)]));
  const out: Array<{ assignmentId: number; ownerAccountId: number; dstMessageId: number }> = [];
  for (const a of src) {
    const id = byUid.get(dstUids.get(a.uid)!);
    if (id !== undefined) out.push({ assignmentId: a.id, ownerAccountId: a.ownerAccountId, dstMessageId: id });
  }
  return out;
}

/** The account a folder belongs to (null: no such folder). */
export async function folderAccount(r: Reader, mailboxId: number): Promise<number | null> {
  const row = await r.selectFrom('mailboxes').select('account_id').where('id', '=', mailboxId).executeTakeFirst();
  return row ? Number(row.account_id) : null;
}

/** Point an assignment at another message row (a move keeps the work and its history). */
export async function repointAssignment(tx: Tx, assignmentId: number, messageId: number): Promise<void> {
  await tx.updateTable('message_assignments').set({ message_id: messageId }).where('id', '=', assignmentId).execute();
}

/** A copy gets its own assignment with the same state and history. */
export async function duplicateAssignment(tx: Tx, assignmentId: number, messageId: number): Promise<void> {
  const a = await tx.selectFrom('message_assignments').selectAll().where('id', '=', assignmentId).executeTakeFirst();
  if (!a) return;
  const id = await insertAssignment(tx, {
    messageId,
    ownerAccountId: Number(a.owner_account_id),
    assigneeAccountId: a.assignee_account_id === null ? null : Number(a.assignee_account_id),
    handled: Number(a.handled) === 1,
    note: a.note,
    updatedAt: Number(a.updated_at),
    updatedBy: a.updated_by,
  });
  await insertEvents(tx, id, await eventsOf(tx, assignmentId));
}

/** The unit whose mailbox an account is (null: not a unit mailbox), with its head's personal account. */
export async function unitOfMailbox(r: Reader, accountId: number): Promise<{ unitId: number; code: string; name: string; headAccountId: number | null } | null> {
  const row = await r
    .selectFrom('units')
    .leftJoin('people', 'people.id', 'units.head_person_id')
    .select(['units.id', 'units.code', 'units.name', 'people.account_id as head_account_id'])
    .where('units.mailbox_account_id', '=', accountId)
    .executeTakeFirst();
  return row ? { unitId: Number(row.id), code: row.code, name: row.name, headAccountId: row.head_account_id === null || row.head_account_id === undefined ? null : Number(row.head_account_id) } : null;
}

/** Full names of the people whose personal mailboxes these accounts are. */
export async function namesOfAccounts(r: Reader, accountIds: number[]): Promise<Map<number, string>> {
  if (!accountIds.length) return new Map();
  const rows = await r.selectFrom('people').select(['account_id', 'full_name']).where('account_id', 'in', accountIds).execute();
  return new Map(rows.map((x) => [Number(x.account_id), x.full_name]));
}
