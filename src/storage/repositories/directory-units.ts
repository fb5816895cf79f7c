// The units repository: the only code that reads or writes the `units` table (the organisation
// tree). Owns: a unit found by id or code (with its mailbox's address, read from `accounts`),
// units listed, the parent map, inserting and updating a unit, and the tree reads other parts
// need (units a person or an account heads, valid children, heads of child units). Validation,
// naming and history are the directory's (src/directory/).
import type { Updateable } from 'kysely';
import type { Database } from '../schema.ts';
import type { Reader, Tx } from '../tx.ts';

export interface UnitRow {
  id: number;
  code: string;
  name: string;
  abbreviation: string;
  kind: string;
  parentId: number | null;
  headPersonId: number | null;
  mailboxAccountId: number | null;
  mailbox: string | null; // the unit mailbox's primary address
  validFrom: number | null;
  validTo: number | null;
  successorId: number | null;
}

/** The stored columns of a unit (camelCase); `searchName` is the folded text search matches. */
export interface UnitValues {
  code: string;
  name: string;
  abbreviation: string;
  kind: string;
  parentId: number | null;
  headPersonId: number | null;
  mailboxAccountId: number | null;
  validFrom: number | null;
  validTo: number | null;
  successorId: number | null;
  searchName: string;
  createdAt: number;
  updatedAt: number;
}

export type UnitPatch = Partial<Omit<UnitValues, 'code' | 'createdAt'>>;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function unitQuery(r: Reader) {
  return r.selectFrom('units').leftJoin('accounts', 'accounts.id', 'units.mailbox_account_id').selectAll('units').select('accounts.username as mailbox');
}

function toUnit(r: Awaited<ReturnType<ReturnType<typeof unitQuery>['executeTakeFirstOrThrow']>>): UnitRow {
  return {
    id: Number(r.id),
    code: r.code,
    name: r.name,
    abbreviation: r.abbreviation,
    kind: r.kind,
    parentId: num(r.parent_id),
    headPersonId: num(r.head_person_id),
    mailboxAccountId: num(r.mailbox_account_id),
    mailbox: r.mailbox ?? null,
    validFrom: num(r.valid_from),
    validTo: num(r.valid_to),
    successorId: num(r.successor_id),
  };
}

export async function unitById(r: Reader, id: number): Promise<UnitRow | null> {
  const row = await unitQuery(r).where('units.id', '=', id).executeTakeFirst();
  return row ? toUnit(row) : null;
}

/** `code` as stored (upper case). */
export async function unitByCode(r: Reader, code: string): Promise<UnitRow | null> {
  const row = await unitQuery(r).where('units.code', '=', code).executeTakeFirst();
  return row ? toUnit(row) : null;
}

export async function unitIdByCode(r: Reader, code: string): Promise<number | null> {
  const row = await r.selectFrom('units').select('id').where('code', '=', code).executeTakeFirst();
  return row ? Number(row.id) : null;
}

/** Every unit, or those with these ids, or the children of these parents. */
export async function listUnitRows(r: Reader, filter: { ids?: number[]; parentIds?: number[] } = {}): Promise<UnitRow[]> {
  let q = unitQuery(r);
  if (filter.ids) {
    if (filter.ids.length === 0) return [];
    q = q.where('units.id', 'in', filter.ids);
  }
  if (filter.parentIds) {
    if (filter.parentIds.length === 0) return [];
    q = q.where('units.parent_id', 'in', filter.parentIds);
  }
  return (await q.execute()).map(toUnit);
}

export async function unitCodes(r: Reader): Promise<string[]> {
  return (await r.selectFrom('units').select('code').execute()).map((row) => row.code);
}

/** unit id → parent id for the whole tree. */
export async function unitParents(r: Reader): Promise<Map<number, number | null>> {
  const rows = await r.selectFrom('units').select(['id', 'parent_id']).execute();
  return new Map(rows.map((row) => [Number(row.id), num(row.parent_id)]));
}

export async function hasAnyUnit(r: Reader): Promise<boolean> {
  return !!(await r.selectFrom('units').select('id').limit(1).executeTakeFirst());
}

export async function insertUnit(tx: Tx, u: UnitValues): Promise<number> {
  const row = await tx
    .insertInto('units')
    .values({
      code: u.code,
      name: u.name,
      abbreviation: u.abbreviation,
      kind: u.kind,
      parent_id: u.parentId,
      head_person_id: u.headPersonId,
      mailbox_account_id: u.mailboxAccountId,
      valid_from: u.validFrom,
      valid_to: u.validTo,
      successor_id: u.successorId,
      search_name: u.searchName,
      created_at: u.createdAt,
      updated_at: u.updatedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function updateUnit(tx: Tx, id: number, p: UnitPatch): Promise<void> {
  const set: Updateable<Database['units']> = {};
  if (p.name !== undefined) set.name = p.name;
  if (p.abbreviation !== undefined) set.abbreviation = p.abbreviation;
  if (p.kind !== undefined) set.kind = p.kind;
  if (p.parentId !== undefined) set.parent_id = p.parentId;
  if (p.headPersonId !== undefined) set.head_person_id = p.headPersonId;
  if (p.mailboxAccountId !== undefined) set.mailbox_account_id = p.mailboxAccountId;
  if (p.validFrom !== undefined) set.valid_from = p.validFrom;
  if (p.validTo !== undefined) set.valid_to = p.validTo;
  if (p.successorId !== undefined) set.successor_id = p.successorId;
  if (p.searchName !== undefined) set.search_name = p.searchName;
  if (p.updatedAt !== undefined) set.updated_at = p.updatedAt;
  if (Object.keys(set).length === 0) return;
  await tx.updateTable('units').set(set).where('id', '=', id).execute();
}

/** Ids of the units a person heads. */
export async function unitsHeadedBy(r: Reader, personId: number): Promise<number[]> {
  const rows = await r.selectFrom('units').select('id').where('head_person_id', '=', personId).execute();
  return rows.map((row) => Number(row.id));
}

/** Ids of the units headed by an active person whose mailbox is this account, by id. */
export async function unitsHeadedByAccount(r: Reader, accountId: number): Promise<number[]> {
  const rows = await r
    .selectFrom('units')
    .innerJoin('people', 'people.id', 'units.head_person_id')
    .select('units.id')
    .where('people.account_id', '=', accountId)
    .where('people.status', '=', 'active')
    .orderBy('units.id')
    .execute();
  return rows.map((row) => Number(row.id));
}

/** Ids of the children of these units that are valid at `at` (no end date, or one after it). */
export async function validChildIds(r: Reader, parentIds: number[], at: number): Promise<number[]> {
  if (parentIds.length === 0) return [];
  const rows = await r
    .selectFrom('units')
    .select('id')
    .where('parent_id', 'in', parentIds)
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', at)]))
    .execute();
  return rows.map((row) => Number(row.id));
}

/** Mailbox addresses of the active heads (active accounts) of a unit's children valid at `at`, sorted. */
export async function childHeadAddresses(r: Reader, unitId: number, at: number): Promise<string[]> {
  const rows = await r
    .selectFrom('units')
    .innerJoin('people', 'people.id', 'units.head_person_id')
    .innerJoin('accounts', 'accounts.id', 'people.account_id')
    .select('accounts.username')
    .where('units.parent_id', '=', unitId)
    .where((eb) => eb.or([eb('units.valid_to', 'is', null), eb('units.valid_to', '>', at)]))
    .where('people.status', '=', 'active')
    .where('accounts.status', '=', 'active')
    .orderBy('accounts.username')
    .execute();
  return rows.map((row) => row.username);
}
