// Roles and their scopes (R5.4): who is a system administrator, directory manager, agency head,
// agency clerk or auditor, and over which unit subtree. Owns table `role_assignments`; every
// grant and revoke is audited. An agency head is also whoever heads a unit (units.head_person_id),
// and every account is at least a `user`. What each role may do is in policy.ts.
// Owns: which roles may be held where (scopes), grant/revoke with their audit entries, the
// principal of an account; rows through storage/repositories/roles.ts.
import { transactor, type Reader, type Transactor } from '../storage/tx.ts';
import { assignmentsOf, deleteAssignment, hasAssignment, insertAssignment, listAssignments } from '../storage/repositories/roles.ts';
import { accountByAddress, accountById } from '../storage/repositories/accounts.ts';
import { unitIdByCode, unitsHeadedByAccount } from '../storage/repositories/directory-units.ts';
import type { AuditLog, AuditEntry } from './audit.ts';
import { ThutinError } from './errors.ts';
import { normalizeAddress } from './accounts.ts';
import type { ChangeContext } from './audit.ts';

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
  private readonly tx: Transactor;

  constructor(
    private readonly db: Reader,
    private readonly audit: AuditLog,
  ) {
    this.tx = transactor(db);
  }

  /** Called with the account id whenever its roles change (the token cache forgets its principal). */
  onChange(fn: (accountId: number) => void): void {
    this.listeners.push(fn);
  }

  private async accountId(address: string): Promise<{ id: number; username: string }> {
    const r = await accountByAddress(this.db, normalizeAddress(address));
    if (!r) throw new ThutinError('ACCOUNT_NOT_FOUND', address);
    return r;
  }

  private async unitId(role: string, unitCode: string | null): Promise<number | null> {
    if (!isAssignableRole(role)) throw new ThutinError('ROLE_INVALID', role);
    const provinceWide = PROVINCE_WIDE.includes(role);
    if (provinceWide !== (unitCode === null || unitCode === undefined || unitCode === '')) {
      throw new ThutinError('ROLE_SCOPE_INVALID', `${role}${unitCode ? ` @ ${unitCode}` : ''}`);
    }
    if (provinceWide) return null;
    const id = await unitIdByCode(this.db, unitCode!.toUpperCase());
    if (id === null) throw new ThutinError('UNIT_NOT_FOUND', unitCode!);
    return id;
  }

  /** Give `role` over `unitCode`'s subtree (null: province-wide). Granting what is already held changes nothing. */
  async grant(accountAddress: string, role: Role, unitCode: string | null, ctx: ChangeContext): Promise<void> {
    const acct = await this.accountId(accountAddress);
    const unitId = await this.unitId(role, unitCode);
    const key = { accountId: acct.id, role, unitId };
    const changed = await this.tx.transaction(async (trx) => {
      if (await hasAssignment(trx, key)) return false;
      await insertAssignment(trx, { ...key, grantedBy: ctx.actor, createdAt: Date.now() });
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
    await this.tx.transaction(async (trx) => {
      if ((await deleteAssignment(trx, { accountId: acct.id, role, unitId })) === 0) throw new ThutinError('ROLE_NOT_FOUND', `${acct.username} ${role}${unitCode ? ` @ ${unitCode}` : ''}`);
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
    const accountId = accountAddress ? (await this.accountId(accountAddress)).id : undefined;
    return (await listAssignments(this.db, accountId)).map((r) => ({ ...r, role: r.role as Role }));
  }

  /** Everything an account may act as: its assignments, the units it heads, and `user`. */
  async principal(accountId: number): Promise<Principal> {
    const acct = await accountById(this.db, accountId);
    if (!acct) throw new ThutinError('ACCOUNT_NOT_FOUND', String(accountId));
    const assigned = await assignmentsOf(this.db, accountId);
    const headed = await unitsHeadedByAccount(this.db, accountId);
    const roles: Principal['roles'] = assigned.map((r) => ({ role: r.role as Role, unitId: r.unitId }));
    for (const unitId of headed) {
      if (!roles.some((r) => r.role === 'agency-head' && r.unitId === unitId)) roles.push({ role: 'agency-head', unitId });
    }
    roles.push({ role: 'user', unitId: null });
    return { accountId: acct.id, username: acct.username, roles };
  }
}
