// The people repository: the only code that reads or writes the `people` table.
// Owns: a person found by id, account or address (with their unit's code and name and their
// mailbox's address), pages of people in Vietnamese order (`sort_key`), the rows the search index
// loads, the aliases of people's mailboxes (read from `addresses`), likely duplicates (folded name
// in a unit, phone digits), leavers among addresses, inserting, updating and deleting a person. Name splitting, sort keys and the lifecycle are src/directory/'s.
import type { Updateable } from 'kysely';
import type { Database } from '../schema.ts';
import type { Reader, Tx } from '../tx.ts';

export interface PersonRow {
  id: number;
  fullName: string;
  familyName: string;
  middleName: string;
  givenName: string;
  title: string;
  unitId: number | null;
  unitCode: string | null;
  unitName: string | null;
  phone: string;
  status: string; // 'active' | 'suspended' | 'left'
  accountId: number | null;
  email: string | null; // the personal mailbox's primary address
  leftAt: number | null;
}

/** The stored columns of a person (camelCase); `searchName` and `sortKey` are derived by the directory. */
export interface PersonValues {
  fullName: string;
  familyName: string;
  middleName: string;
  givenName: string;
  searchName: string;
  sortKey: string;
  title: string;
  unitId: number | null;
  phone: string;
  status: string;
  accountId: number | null;
  leftAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export type PersonPatch = Partial<Omit<PersonValues, 'createdAt'>>;

/** What the search index needs of a person. */
export interface PersonIndexRow {
  id: number;
  fullName: string;
  familyName: string;
  middleName: string;
  givenName: string;
  title: string;
  unitId: number | null;
  phone: string;
  status: string;
  accountId: number | null;
  sortKey: string;
  email: string | null;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function personQuery(r: Reader) {
  return r
    .selectFrom('people')
    .leftJoin('units', 'units.id', 'people.unit_id')
    .leftJoin('accounts', 'accounts.id', 'people.account_id')
    .selectAll('people')
    .select(['units.code as unit_code', 'units.name as unit_name', 'accounts.username as email']);
}

function toPerson(r: Awaited<ReturnType<ReturnType<typeof personQuery>['executeTakeFirstOrThrow']>>): PersonRow {
  return {
    id: Number(r.id),
    fullName: r.full_name,
    familyName: r.family_name,
    middleName: r.middle_name,
    givenName: r.given_name,
    title: r.title,
    unitId: num(r.unit_id),
    unitCode: r.unit_code ?? null,
    unitName: r.unit_name ?? null,
    phone: r.phone,
    status: r.status,
    accountId: num(r.account_id),
    email: r.email ?? null,
    leftAt: num(r.left_at),
  };
}

export async function personById(r: Reader, id: number): Promise<PersonRow | null> {
  const row = await personQuery(r).where('people.id', '=', id).executeTakeFirst();
  return row ? toPerson(row) : null;
}

/** People with these ids (any order). */
export async function peopleByIds(r: Reader, ids: number[]): Promise<PersonRow[]> {
  const chunks: number[][] = [];
  for (let i = 0; i < ids.length; i += 1000) chunks.push(ids.slice(i, i + 1000));
  const rows = await Promise.all(chunks.map((c) => personQuery(r).where('people.id', 'in', c).execute()));
  return rows.flat().map(toPerson);
}

export async function personIdByAccount(r: Reader, accountId: number): Promise<number | null> {
  const row = await r.selectFrom('people').select('id').where('account_id', '=', accountId).executeTakeFirst();
  return row ? Number(row.id) : null;
}

/** The person whose mailbox has this address (primary or alias; exact lower case). */
export async function personIdByAddress(r: Reader, address: string): Promise<number | null> {
  const row = await r.selectFrom('addresses').innerJoin('people', 'people.account_id', 'addresses.account_id').select('people.id').where('addresses.address', '=', address).executeTakeFirst();
  return row ? Number(row.id) : null;
}

/** People of a unit whose folded full name is this one (`search_name` starts with it), for the duplicate warning. */
export async function peopleWithFoldedName(r: Reader, unitId: number | null, foldedName: string): Promise<PersonRow[]> {
  let q = personQuery(r).where('people.search_name', 'like', `${foldedName.replace(/[%_\\]/g, '')} | %`);
  q = unitId === null ? q.where('people.unit_id', 'is', null) : q.where('people.unit_id', '=', unitId);
  return (await q.orderBy('people.id').limit(20).execute()).map(toPerson);
}

/** People whose phone holds these digits in this order (separators between them allowed): the caller compares exactly. */
export async function peopleWithPhoneDigits(r: Reader, digits: string): Promise<PersonRow[]> {
  if (!/^\d+$/.test(digits)) return [];
  const rows = await personQuery(r)
    .where('people.phone', 'like', `%${digits.split('').join('%')}%`)
    .orderBy('people.id')
    .limit(50)
    .execute();
  return rows.map(toPerson);
}

/** Of these addresses (exact, lower case), the ones that are a mailbox of a person who has left. */
export async function leaverAddresses(r: Reader, addresses: string[]): Promise<Set<string>> {
  if (addresses.length === 0) return new Set();
  const rows = await r
    .selectFrom('addresses')
    .innerJoin('people', 'people.account_id', 'addresses.account_id')
    .select('addresses.address')
    .where('addresses.address', 'in', addresses.slice(0, 1000))
    .where('people.status', '=', 'left')
    .execute();
  return new Set(rows.map((row) => row.address));
}

/** Aliases (addresses other than the primary) of people's mailboxes: of these accounts, or of every person's (null). */
export async function aliasesOfPeople(r: Reader, accountIds: number[] | null): Promise<Map<number, string[]>> {
  let q = r
    .selectFrom('addresses')
    .innerJoin('accounts', 'accounts.id', 'addresses.account_id')
    .innerJoin('people', 'people.account_id', 'accounts.id')
    .select(['addresses.address', 'addresses.account_id'])
    .whereRef('addresses.address', '<>', 'accounts.username');
  if (accountIds && accountIds.length <= 500) {
    if (accountIds.length === 0) return new Map();
    q = q.where('addresses.account_id', 'in', accountIds);
  }
  const out = new Map<number, string[]>();
  for (const row of await q.orderBy('addresses.address').execute()) {
    const id = Number(row.account_id);
    out.set(id, [...(out.get(id) ?? []), row.address]);
  }
  return out;
}

/**
 * Ids of a page of people in Vietnamese order (sort key, then id), optionally of some units and
 * of one status. Pages over `people` alone (its sort_key index): the database never sorts a join.
 */
export async function pagePersonIds(r: Reader, opts: { unitIds?: number[]; status?: string; limit?: number; offset: number }): Promise<number[]> {
  let q = r.selectFrom('people').select('people.id');
  if (opts.unitIds) {
    if (opts.unitIds.length === 0) return [];
    q = q.where('people.unit_id', 'in', opts.unitIds);
  }
  if (opts.status) q = q.where('people.status', '=', opts.status);
  q = q.orderBy('people.sort_key').orderBy('people.id');
  if (opts.limit !== undefined) q = q.limit(opts.limit).offset(opts.offset);
  else if (opts.offset) q = q.limit(Number.MAX_SAFE_INTEGER).offset(opts.offset);
  return (await q.execute()).map((row) => Number(row.id));
}

export async function personIdsInUnits(r: Reader, unitIds: number[]): Promise<number[]> {
  if (unitIds.length === 0) return [];
  const rows = await r.selectFrom('people').select('id').where('unit_id', 'in', unitIds).execute();
  return rows.map((row) => Number(row.id));
}

/** The search index's rows: of these people, or of everyone (null). */
export async function personIndexRows(r: Reader, ids: number[] | null): Promise<PersonIndexRow[]> {
  let q = r
    .selectFrom('people')
    .leftJoin('accounts', 'accounts.id', 'people.account_id')
    .select([
      'people.id',
      'people.full_name',
      'people.family_name',
      'people.given_name',
      'people.middle_name',
      'people.title',
      'people.unit_id',
      'people.phone',
      'people.status',
      'people.account_id',
      'people.sort_key',
      'accounts.username as email',
    ]);
  if (ids) {
    if (ids.length === 0) return [];
    q = q.where('people.id', 'in', ids);
  }
  return (await q.execute()).map((row) => ({
    id: Number(row.id),
    fullName: row.full_name,
    familyName: row.family_name,
    middleName: row.middle_name,
    givenName: row.given_name,
    title: row.title,
    unitId: num(row.unit_id),
    phone: row.phone,
    status: row.status,
    accountId: num(row.account_id),
    sortKey: row.sort_key,
    email: row.email ?? null,
  }));
}

/** Mailbox addresses of active people with an active mailbox in these units, sorted. */
export async function activeMailboxesInUnits(r: Reader, unitIds: number[]): Promise<string[]> {
  if (unitIds.length === 0) return [];
  const rows = await r
    .selectFrom('people')
    .innerJoin('accounts', 'accounts.id', 'people.account_id')
    .select('accounts.username')
    .where('people.unit_id', 'in', unitIds)
    .where('people.status', '=', 'active')
    .where('accounts.status', '=', 'active')
    .orderBy('accounts.username')
    .execute();
  return rows.map((row) => row.username);
}

export async function insertPerson(tx: Tx, p: PersonValues): Promise<number> {
  const row = await tx
    .insertInto('people')
    .values({
      full_name: p.fullName,
      family_name: p.familyName,
      middle_name: p.middleName,
      given_name: p.givenName,
      search_name: p.searchName,
      sort_key: p.sortKey,
      title: p.title,
      unit_id: p.unitId,
      phone: p.phone,
      status: p.status,
      account_id: p.accountId,
      left_at: p.leftAt,
      created_at: p.createdAt,
      updated_at: p.updatedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function updatePerson(tx: Tx, id: number, p: PersonPatch): Promise<void> {
  const set: Updateable<Database['people']> = {};
  if (p.fullName !== undefined) set.full_name = p.fullName;
  if (p.familyName !== undefined) set.family_name = p.familyName;
  if (p.middleName !== undefined) set.middle_name = p.middleName;
  if (p.givenName !== undefined) set.given_name = p.givenName;
  if (p.searchName !== undefined) set.search_name = p.searchName;
  if (p.sortKey !== undefined) set.sort_key = p.sortKey;
  if (p.title !== undefined) set.title = p.title;
  if (p.unitId !== undefined) set.unit_id = p.unitId;
  if (p.phone !== undefined) set.phone = p.phone;
  if (p.status !== undefined) set.status = p.status;
  if (p.accountId !== undefined) set.account_id = p.accountId;
  if (p.leftAt !== undefined) set.left_at = p.leftAt;
  if (p.updatedAt !== undefined) set.updated_at = p.updatedAt;
  if (Object.keys(set).length === 0) return;
  await tx.updateTable('people').set(set).where('id', '=', id).execute();
}

export async function deletePerson(tx: Tx, id: number): Promise<void> {
  await tx.deleteFrom('people').where('id', '=', id).execute();
}

/** The unit and status of every person with a mailbox (the console's numbers, core/console-stats.ts). */
export async function peopleMailboxes(r: Reader): Promise<Array<{ accountId: number; unitId: number | null; status: string }>> {
  const rows = await r.selectFrom('people').select(['account_id', 'unit_id', 'status']).where('account_id', 'is not', null).execute();
  return rows.map((row) => ({ accountId: Number(row.account_id), unitId: row.unit_id === null ? null : Number(row.unit_id), status: row.status }));
}

/** People who have left and when (the purges due after retention, directory/retention.ts). */
export async function leavers(r: Reader): Promise<Array<{ id: number; leftAt: number | null }>> {
  const rows = await r.selectFrom('people').select(['id', 'left_at']).where('status', '=', 'left').orderBy('left_at').execute();
  return rows.map((row) => ({ id: Number(row.id), leftAt: row.left_at === null ? null : Number(row.left_at) }));
}
