// The roles repository: the only code that reads or writes the `role_assignments` table.
// Owns: finding, adding and removing one assignment (account, role, unit scope or province-wide),
// and listing assignments with their account's name and their unit's code. Which roles exist
// and where they may be held are core/roles.ts's.
import type { Reader, Tx } from '../tx.ts';

export interface RoleAssignmentRow {
  id: number;
  accountId: number;
  account: string; // the account's primary address
  role: string;
  unitId: number | null; // null: the whole province
  unitCode: string | null;
  grantedBy: string;
  createdAt: number;
}

export interface AssignmentKey {
  accountId: number;
  role: string;
  unitId: number | null;
}

export async function hasAssignment(r: Reader, k: AssignmentKey): Promise<boolean> {
  let q = r.selectFrom('role_assignments').select('id').where('account_id', '=', k.accountId).where('role', '=', k.role);
  q = k.unitId === null ? q.where('unit_id', 'is', null) : q.where('unit_id', '=', k.unitId);
  return !!(await q.executeTakeFirst());
}

export async function insertAssignment(tx: Tx, a: AssignmentKey & { grantedBy: string; createdAt: number }): Promise<void> {
  await tx.insertInto('role_assignments').values({ account_id: a.accountId, role: a.role, unit_id: a.unitId, granted_by: a.grantedBy, created_at: a.createdAt }).execute();
}

/** Remove an assignment; how many rows went (0 when it was not held). */
export async function deleteAssignment(tx: Tx, k: AssignmentKey): Promise<number> {
  let q = tx.deleteFrom('role_assignments').where('account_id', '=', k.accountId).where('role', '=', k.role);
  q = k.unitId === null ? q.where('unit_id', 'is', null) : q.where('unit_id', '=', k.unitId);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Assignments of one account or all, by account name, role, then id. */
export async function listAssignments(r: Reader, accountId?: number): Promise<RoleAssignmentRow[]> {
  let q = r
    .selectFrom('role_assignments')
    .innerJoin('accounts', 'accounts.id', 'role_assignments.account_id')
    .leftJoin('units', 'units.id', 'role_assignments.unit_id')
    .select([
      'role_assignments.id',
      'role_assignments.account_id',
      'accounts.username',
      'role_assignments.role',
      'role_assignments.unit_id',
      'units.code',
      'role_assignments.granted_by',
      'role_assignments.created_at',
    ]);
  if (accountId !== undefined) q = q.where('role_assignments.account_id', '=', accountId);
  const rows = await q.orderBy('accounts.username').orderBy('role_assignments.role').orderBy('role_assignments.id').execute();
  return rows.map((row) => ({
    id: Number(row.id),
    accountId: Number(row.account_id),
    account: row.username,
    role: row.role,
    unitId: row.unit_id === null ? null : Number(row.unit_id),
    unitCode: row.code ?? null,
    grantedBy: row.granted_by,
    createdAt: Number(row.created_at),
  }));
}

/** The (role, unit) pairs an account holds, in the order they were given. */
export async function assignmentsOf(r: Reader, accountId: number): Promise<Array<{ role: string; unitId: number | null }>> {
  const rows = await r.selectFrom('role_assignments').select(['role', 'unit_id']).where('account_id', '=', accountId).orderBy('id').execute();
  return rows.map((row) => ({ role: row.role, unitId: row.unit_id === null ? null : Number(row.unit_id) }));
}
