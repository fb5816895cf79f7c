// The sending-limit repository: the only code that reads or writes `send_log` and `send_holds`
// (migration 0013_forwarding_send_limits): accepted submissions with their recipient counts, the
// sums over a window, and the accounts held for bursting. It reads `units` (is an account a unit
// mailbox) and `role_assignments` / `people` (who is told) without writing them.
// No rules: core/send-limits.ts decides.
// Owns: the rows of `send_log` and `send_holds`.
import type { Reader, Tx } from '../tx.ts';

export interface HoldRow {
  accountId: number;
  username: string;
  heldAt: number;
  messages: number;
  recipients: number;
  limitKind: string;
}

/** Record one accepted submission. */
export async function logSend(tx: Tx, accountId: number, at: number, recipients: number): Promise<void> {
  await tx.insertInto('send_log').values({ account_id: accountId, at, recipients }).execute();
}

/** Messages and recipients an account submitted at or after `since`. */
export async function sentSince(r: Reader, accountId: number, since: number): Promise<{ messages: number; recipients: number }> {
  const row = await r
    .selectFrom('send_log')
    .select((eb) => [eb.fn.countAll().as('messages'), eb.fn.sum<number>('recipients').as('recipients')])
    .where('account_id', '=', accountId)
    .where('at', '>=', since)
    .executeTakeFirst();
  return { messages: Number(row?.messages ?? 0), recipients: Number(row?.recipients ?? 0) };
}

/** Forget an account's submissions older than `before`; how many rows went. */
export async function pruneSends(tx: Tx, accountId: number, before: number): Promise<number> {
  const res = await tx.deleteFrom('send_log').where('account_id', '=', accountId).where('at', '<', before).executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** Hold an account (nothing when it is held already); whether this call held it. */
export async function insertHold(tx: Tx, h: Omit<HoldRow, 'username'>): Promise<boolean> {
  const row = await tx
    .insertInto('send_holds')
    .values({ account_id: h.accountId, held_at: h.heldAt, messages: h.messages, recipients: h.recipients, limit_kind: h.limitKind })
    .onConflict((oc) => oc.column('account_id').doNothing())
    .returning('account_id')
    .executeTakeFirst();
  return !!row;
}

/** Lift an account's hold; whether it was held. */
export async function deleteHold(tx: Tx, accountId: number): Promise<boolean> {
  const res = await tx.deleteFrom('send_holds').where('account_id', '=', accountId).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

const holdColumns = ['send_holds.account_id', 'accounts.username', 'send_holds.held_at', 'send_holds.messages', 'send_holds.recipients', 'send_holds.limit_kind'] as const;
type HoldRaw = { account_id: number | string; username: string; held_at: number | string; messages: number | string; recipients: number | string; limit_kind: string };
const toHold = (r: HoldRaw): HoldRow => ({
  accountId: Number(r.account_id),
  username: r.username,
  heldAt: Number(r.held_at),
  messages: Number(r.messages),
  recipients: Number(r.recipients),
  limitKind: r.limit_kind,
});

/** The hold of one account, or null. */
export async function holdOf(r: Reader, accountId: number): Promise<HoldRow | null> {
  const row = await r.selectFrom('send_holds').innerJoin('accounts', 'accounts.id', 'send_holds.account_id').select(holdColumns).where('send_holds.account_id', '=', accountId).executeTakeFirst();
  return row ? toHold(row) : null;
}

/** Every held account, oldest hold first. */
export async function allHolds(r: Reader): Promise<HoldRow[]> {
  const rows = await r.selectFrom('send_holds').innerJoin('accounts', 'accounts.id', 'send_holds.account_id').select(holdColumns).orderBy('send_holds.held_at').execute();
  return rows.map(toHold);
}

/** Whether the account is the mailbox of a unit. */
export async function isUnitMailbox(r: Reader, accountId: number): Promise<boolean> {
  const row = await r.selectFrom('units').select('id').where('mailbox_account_id', '=', accountId).executeTakeFirst();
  return !!row;
}

/** Accounts holding the sysadmin role (any scope). */
export async function sysadminAccounts(r: Reader): Promise<number[]> {
  const rows = await r.selectFrom('role_assignments').select('account_id').where('role', '=', 'sysadmin').distinct().execute();
  return rows.map((x) => Number(x.account_id));
}
