// The forwarding repository: the only code that reads or writes `forwarding` (migration
// 0013_forwarding_send_limits): one forward address per account and whether a copy stays.
// No rules: core/forwarding.ts decides what may be forwarded where.
// Owns: the rows of `forwarding`.
import type { Reader, Tx } from '../tx.ts';
import { precompiled } from '../precompiled.ts';

export interface ForwardRow {
  accountId: number;
  address: string;
  keepCopy: boolean;
  updatedAt: number;
  updatedBy: string;
}

type Raw = { account_id: number | string; address: string; keep_copy: number | string; updated_at: number | string; updated_by: string };

function toRow(r: Raw): ForwardRow {
  return { accountId: Number(r.account_id), address: r.address, keepCopy: Number(r.keep_copy) === 1, updatedAt: Number(r.updated_at), updatedBy: r.updated_by };
}

/** The forward of one account, or null. */
export async function forwardOf(r: Reader, accountId: number): Promise<ForwardRow | null> {
  const row = await r.selectFrom('forwarding').selectAll().where('account_id', '=', accountId).executeTakeFirst();
  return row ? toRow(row) : null;
}

/** The forwards of these accounts (those that have one). */
// Asked for the local recipients of every message: built once per number of them (storage/precompiled.ts).
const forwardsOfQuery = precompiled((r, accountIds: readonly number[]) => r.selectFrom('forwarding').selectAll().where('account_id', 'in', accountIds));

export async function forwardsOf(r: Reader, accountIds: number[]): Promise<ForwardRow[]> {
  if (!accountIds.length) return [];
  const { rows } = await forwardsOfQuery(r, accountIds);
  return rows.map(toRow);
}

/** Set (insert or replace) an account's forward. */
export async function putForward(tx: Tx, f: ForwardRow): Promise<void> {
  const values = { account_id: f.accountId, address: f.address, keep_copy: f.keepCopy ? 1 : 0, updated_at: f.updatedAt, updated_by: f.updatedBy };
  await tx
    .insertInto('forwarding')
    .values(values)
    .onConflict((oc) => oc.column('account_id').doUpdateSet({ address: values.address, keep_copy: values.keep_copy, updated_at: values.updated_at, updated_by: values.updated_by }))
    .execute();
}

/** Remove an account's forward; whether there was one. */
export async function deleteForward(tx: Tx, accountId: number): Promise<boolean> {
  const res = await tx.deleteFrom('forwarding').where('account_id', '=', accountId).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}
