// The distribution lists repository: the only code that reads or writes `distribution_lists` and
// `list_members`. Owns: a list found by address, all lists, adding and removing a list (with its
// members), its change time, and its members or allowed senders (role 'member' | 'sender').
// Kinds, sender policies and expansion are src/directory/lists.ts's.
import type { Selectable } from 'kysely';
import type { Database } from '../schema.ts';
import type { Reader, Tx } from '../tx.ts';
import { precompiled } from '../precompiled.ts';

export interface ListRow {
  id: number;
  address: string;
  name: string;
  kind: string;
  unitId: number | null;
  senders: string;
}

export type ListMemberRole = 'member' | 'sender';

function toList(r: Selectable<Database['distribution_lists']>): ListRow {
  return { id: Number(r.id), address: r.address, name: r.name, kind: r.kind, unitId: r.unit_id === null ? null : Number(r.unit_id), senders: r.senders };
}

/** `address` exact, lower case. */
// Asked for every recipient of every message: built once (storage/precompiled.ts).
const listByAddressQuery = precompiled((r, address: string) => r.selectFrom('distribution_lists').selectAll().where('address', '=', address));

export async function listByAddress(r: Reader, address: string): Promise<ListRow | null> {
  const [row] = (await listByAddressQuery(r, address)).rows;
  return row ? toList(row) : null;
}

/** Every list, by address. */
export async function allLists(r: Reader): Promise<ListRow[]> {
  return (await r.selectFrom('distribution_lists').selectAll().orderBy('address').execute()).map(toList);
}

export async function insertList(tx: Tx, l: Omit<ListRow, 'id'> & { createdAt: number }): Promise<number> {
  const row = await tx
    .insertInto('distribution_lists')
    .values({ address: l.address, name: l.name, kind: l.kind, unit_id: l.unitId, senders: l.senders, created_at: l.createdAt, updated_at: l.createdAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** Remove a list with its members and senders. */
export async function deleteList(tx: Tx, id: number): Promise<void> {
  await tx.deleteFrom('list_members').where('list_id', '=', id).execute();
  await tx.deleteFrom('distribution_lists').where('id', '=', id).execute();
}

/** Note that a list changed (its members, its senders) at `at`. */
export async function touchList(tx: Tx, id: number, at: number): Promise<void> {
  await tx.updateTable('distribution_lists').set({ updated_at: at }).where('id', '=', id).execute();
}

/** `address` exact, lower case. */
export async function hasListMember(r: Reader, listId: number, address: string, role: ListMemberRole): Promise<boolean> {
  const row = await r.selectFrom('list_members').select('address').where('list_id', '=', listId).where('address', '=', address).where('role', '=', role).executeTakeFirst();
  return !!row;
}

export async function insertListMember(tx: Tx, listId: number, address: string, role: ListMemberRole): Promise<void> {
  await tx.insertInto('list_members').values({ list_id: listId, address, role }).execute();
}

/** Remove a member or sender; how many rows went (0 when it was not there). */
export async function deleteListMember(tx: Tx, listId: number, address: string, role: ListMemberRole): Promise<number> {
  const r = await tx.deleteFrom('list_members').where('list_id', '=', listId).where('address', '=', address).where('role', '=', role).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** A list's members or senders, by address. */
export async function listMemberAddresses(r: Reader, listId: number, role: ListMemberRole): Promise<string[]> {
  const rows = await r.selectFrom('list_members').select('address').where('list_id', '=', listId).where('role', '=', role).orderBy('address').execute();
  return rows.map((row) => row.address);
}
