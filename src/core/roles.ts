// Roles and their scopes (R5.4): who is a system administrator, directory manager, agency head,
// agency clerk or auditor, and over which unit subtree. Owns table `role_assignments`; every
// grant and revoke is audited. An agency head is also whoever heads a unit (units.head_person_id),
// and every account is at least a `user`. What each role may do is in policy.ts.
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { AuditLog, AuditEntry } from './audit.ts';
import { ThutinError } from './errors.ts';
import { normalizeAddress } from './accounts.ts';
import type { ChangeContext } from '../directory/service.ts';

export type Role = 'sysadmin' | 'directory-manager' | 'agency-head' | 'agency-clerk' | 'auditor' | 'user';

export const ASSIGNABLE_ROLES = ['sysadmin', 'directory-manager', 'agency-head', 'agency-clerk', 'auditor'] as const;
const PROVINCE_WIDE: readonly string[] = ['sysadmin', 'directory-manager', 'auditor'];

export interface Principal {
  accountId: number;
  username: string;
  roles: Array<{ role: Role; unitId: number | null }>;
}

export interface RoleAssignment {
  id: number;
  accountId: number;
  account: string;
  role: Role;
  unitId: number | null;
  unitCode: string | null;
  grantedBy: string;
  createdAt: number;
}

export function isAssignableRole(r: string): r is (typeof ASSIGNABLE_ROLES)[number] {
  return (ASSIGNABLE_ROLES as readonly string[]).includes(r);
}

export class RoleService {
  private readonly listeners: Array<(accountId: number) => void> = [];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditLog,
  ) {}

  /** Called with the account id whenever its roles change (the token cache forgets its principal). */
  onChange(fn: (accountId: number) => void): void {
    this.listeners.push(fn);
  }

  private async accountId(address: string): Promise<{ id: number; username: string }> {
    const r = await this.db
      .selectFrom('addresses')
      .innerJoin('accounts', 'accounts.id', 'addresses.account_id')
      .select(['accounts.id', 'accounts.username'])
      .where('addresses.address', '=', normalizeAddress(address))
      .executeTakeFirst();
    if (!r) throw new ThutinError('ACCOUNT_NOT_FOUND', address);
    return { id: Number(r.id), username: r.username };
  }

  private async unitId(role: string, unitCode: string | null): Promise<number | null> {
    if (!isAssignableRole(role)) throw new ThutinError('ROLE_INVALID', role);
    const provinceWide = PROVINCE_WIDE.includes(role);
    if (provinceWide !== (unitCode === null || unitCode === undefined || unitCode === '')) {
      throw new ThutinError('ROLE_SCOPE_INVALID', `${role}${unitCode ? ` @ ${unitCode}` : ''}`);
    }
    if (provinceWide) return null;
    const u = await this.db.selectFrom('units').select('id').where('code', '=', unitCode!.toUpperCase()).executeTakeFirst();
    if (!u) throw new ThutinError('UNIT_NOT_FOUND', unitCode!);
    return Number(u.id);
  }

  /** Give `role` over `unitCode`'s subtree (null: province-wide). Granting what is already held changes nothing. */
  async grant(accountAddress: string, role: Role, unitCode: string | null, ctx: ChangeContext): Promise<void> {
    const acct = await this.accountId(accountAddress);
    const unitId = await this.unitId(role, unitCode);
    const changed = await this.db.transaction().execute(async (trx) => {
      let q = trx.selectFrom('role_assignments').select('id').where('account_id', '=', acct.id).where('role', '=', role);
      q = unitId === null ? q.where('unit_id', 'is', null) : q.where('unit_id', '=', unitId);
      if (await q.executeTakeFirst()) return false;
      await trx.insertInto('role_assignments').values({ account_id: acct.id, role, unit_id: unitId, granted_by: ctx.actor, created_at: Date.now() }).execute();
      const entry: AuditEntry & { reason?: string } = {
        actor: ctx.actor,
        action: 'role.grant',
        target: acct.username,
        details: { role, unit: unitCode ? unitCode.toUpperCase() : null },
        reason: ctx.reason ?? '',
      };
      await this.audit.record(entry, trx);
      return true;
    });
    if (changed) for (const l of this.listeners) l(acct.id);
  }

  async revoke(accountAddress: string, role: Role, unitCode: string | null, ctx: ChangeContext): Promise<void> {
    const acct = await this.accountId(accountAddress);
    const unitId = await this.unitId(role, unitCode);
    await this.db.transaction().execute(async (trx) => {
      let q = trx.deleteFrom('role_assignments').where('account_id', '=', acct.id).where('role', '=', role);
      q = unitId === null ? q.where('unit_id', 'is', null) : q.where('unit_id', '=', unitId);
      const r = await q.executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) throw new ThutinError('ROLE_NOT_FOUND', `${acct.username} ${role}${unitCode ? ` @ ${unitCode}` : ''}`);
      const entry: AuditEntry & { reason?: string } = {
        actor: ctx.actor,
        action: 'role.revoke',
        target: acct.username,
        details: { role, unit: unitCode ? unitCode.toUpperCase() : null },
        reason: ctx.reason ?? '',
      };
      await this.audit.record(entry, trx);
    });
    for (const l of this.listeners) l(acct.id);
  }

  /** Assignments (not the derived agency heads), of one account or all, by account then role. */
  async list(accountAddress?: string): Promise<RoleAssignment[]> {
    let q = this.db
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
    if (accountAddress) q = q.where('role_assignments.account_id', '=', (await this.accountId(accountAddress)).id);
    const rows = await q.orderBy('accounts.username').orderBy('role_assignments.role').orderBy('role_assignments.id').execute();
    return rows.map((r) => ({
      id: Number(r.id),
      accountId: Number(r.account_id),
      account: r.username,
      role: r.role as Role,
      unitId: r.unit_id === null ? null : Number(r.unit_id),
      unitCode: r.code ?? null,
      grantedBy: r.granted_by,
      createdAt: Number(r.created_at),
    }));
  }

  /** Everything an account may act as: its assignments, the units it heads, and `user`. */
  async principal(accountId: number): Promise<Principal> {
    const acct = await this.db.selectFrom('accounts').select(['id', 'username']).where('id', '=', accountId).executeTakeFirst();
    if (!acct) throw new ThutinError('ACCOUNT_NOT_FOUND', String(accountId));
    const assigned = await this.db.selectFrom('role_assignments').select(['role', 'unit_id']).where('account_id', '=', accountId).orderBy('id').execute();
    const headed = await this.db
      .selectFrom('units')
      .innerJoin('people', 'people.id', 'units.head_person_id')
      .select('units.id')
      .where('people.account_id', '=', accountId)
      .where('people.status', '=', 'active')
      .orderBy('units.id')
      .execute();
    const roles: Principal['roles'] = assigned.map((r) => ({ role: r.role as Role, unitId: r.unit_id === null ? null : Number(r.unit_id) }));
    for (const u of headed) {
      if (!roles.some((r) => r.role === 'agency-head' && r.unitId === Number(u.id))) roles.push({ role: 'agency-head', unitId: Number(u.id) });
    }
    roles.push({ role: 'user', unitId: null });
    return { accountId: Number(acct.id), username: acct.username, roles };
  }
}
