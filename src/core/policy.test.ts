// The role × action table, walked case by case: province-wide roles, subtree scopes, the
// agency head's limits (no top-level units, only clerks to grant), and what nobody may do.
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { authorize, ACTIONS, POLICY, policyTable, type Action, type Target } from './policy.ts';
import type { Principal, Role } from './roles.ts';

// Units: 1 = province (UBND tỉnh), 10 = SNV, 11 = SNV/Văn phòng, 20 = STP, 21 = STP/Phòng.
const SNV = [1, 10];
const SNV_VP = [1, 10, 11];
const STP_P = [1, 20, 21];

const p = (...roles: Array<[Role, number | null]>): Pick<Principal, 'roles'> => ({ roles: roles.map(([role, unitId]) => ({ role, unitId })) });
const sysadmin = p(['sysadmin', null]);
const manager = p(['directory-manager', null]);
const headSNV = p(['agency-head', 10]);
const clerkSNV = p(['agency-clerk', 10]);
const auditor = p(['auditor', null]);
const user = p();

const cases: Array<[string, Pick<Principal, 'roles'>, Action, Target, boolean]> = [
  ['anyone reads the directory', user, 'directory.read', {}, true],
  ['anyone changes their own password', user, 'self.password', {}, true],
  ['a plain user edits nobody', user, 'person.write', { unitPath: SNV_VP }, false],
  ['a plain user reads no audit', user, 'audit.read', {}, false],
  ['sysadmin does everything', sysadmin, 'queue.write', {}, true],
  ['sysadmin grants sysadmin', sysadmin, 'role.grant', { role: 'sysadmin' }, true],
  ['manager edits a person anywhere', manager, 'person.write', { unitPath: STP_P }, true],
  ['manager creates a top-level unit', manager, 'unit.write', {}, true],
  ['manager purges after retention', manager, 'mailbox.purge', { unitPath: SNV_VP }, true],
  ['manager imports CSV', manager, 'directory.import', {}, true],
  ['manager grants no roles', manager, 'role.grant', { role: 'agency-clerk' }, false],
  ['manager does not touch the queue', manager, 'queue.read', {}, false],
  ['manager does not read the audit log', manager, 'audit.read', {}, false],
  ['head edits a person in own subtree', headSNV, 'person.write', { unitPath: SNV_VP }, true],
  ['head edits own unit', headSNV, 'unit.write', { unitPath: SNV }, true],
  ['head creates a sub-unit under own unit', headSNV, 'unit.write', { unitPath: SNV }, true],
  ['head cannot create a top-level unit', headSNV, 'unit.write', {}, false],
  ['head cannot edit a person of another agency', headSNV, 'person.write', { unitPath: STP_P }, false],
  ['head cannot move a person out of the subtree', headSNV, 'person.write', { unitPath: SNV_VP, alsoPaths: [STP_P] }, false],
  ['head moves a person within the subtree', headSNV, 'person.write', { unitPath: SNV_VP, alsoPaths: [SNV] }, true],
  ['head cannot edit the province unit above', headSNV, 'unit.write', { unitPath: [1] }, false],
  ['head cannot edit a person without a unit', headSNV, 'person.write', {}, false],
  ['head delegates in own subtree', headSNV, 'delegation.write', { unitPath: SNV }, true],
  ['head manages lists in own subtree', headSNV, 'list.write', { unitPath: SNV }, true],
  ['head grants clerk in own subtree', headSNV, 'role.grant', { role: 'agency-clerk', unitPath: SNV_VP }, true],
  ['head cannot grant head', headSNV, 'role.grant', { role: 'agency-head', unitPath: SNV_VP }, false],
  ['head cannot grant clerk elsewhere', headSNV, 'role.grant', { role: 'agency-clerk', unitPath: STP_P }, false],
  ['head cannot purge', headSNV, 'mailbox.purge', { unitPath: SNV_VP }, false],
  ['head cannot import', headSNV, 'directory.import', {}, false],
  ['clerk edits a person in own subtree', clerkSNV, 'person.write', { unitPath: SNV_VP }, true],
  ['clerk resets a password in own subtree', clerkSNV, 'person.password', { unitPath: SNV_VP }, true],
  ['clerk suspends a mailbox in own subtree', clerkSNV, 'mailbox.status', { unitPath: SNV_VP }, true],
  ['clerk cannot edit another agency', clerkSNV, 'person.write', { unitPath: STP_P }, false],
  ['clerk cannot purge', clerkSNV, 'mailbox.purge', { unitPath: SNV_VP }, false],
  ['clerk cannot delegate', clerkSNV, 'delegation.write', { unitPath: SNV }, false],
  ['clerk cannot edit units', clerkSNV, 'unit.write', { unitPath: SNV_VP }, false],
  ['clerk cannot manage lists', clerkSNV, 'list.write', { unitPath: SNV }, false],
  ['auditor reads the audit log', auditor, 'audit.read', {}, true],
  ['auditor reads the directory', auditor, 'directory.read', {}, true],
  ['auditor edits nothing', auditor, 'person.write', { unitPath: SNV_VP }, false],
  ['auditor does not see the queue', auditor, 'queue.read', {}, false],
  ['auditor reads the quarantine', auditor, 'quarantine.read', {}, true],
  ['auditor cannot release or delete from the quarantine', auditor, 'quarantine.write', {}, false],
  ['manager does not see the quarantine', manager, 'quarantine.read', {}, false],
  ['clerk cannot reset the password of their agency head', clerkSNV, 'person.password', { unitPath: SNV, holderRoles: ['agency-head', 'user'] }, false],
  ['head resets the password of a clerk', headSNV, 'person.password', { unitPath: SNV_VP, holderRoles: ['agency-clerk', 'user'] }, true],
  ['head cannot suspend another agency head (a sub-unit head)', headSNV, 'mailbox.status', { unitPath: SNV_VP, holderRoles: ['agency-head', 'user'] }, false],
  ['head cannot touch a sysadmin sitting in the agency', headSNV, 'person.write', { unitPath: SNV_VP, holderRoles: ['sysadmin', 'user'] }, false],
  ['head cannot delegate the mailbox of an auditor', headSNV, 'delegation.write', { unitPath: SNV_VP, holderRoles: ['auditor', 'user'] }, false],
  ['manager resets the password of an agency head', manager, 'person.password', { unitPath: SNV, holderRoles: ['agency-head', 'user'] }, true],
  ['manager cannot reset the password of an auditor', manager, 'person.password', { unitPath: SNV, holderRoles: ['auditor', 'user'] }, false],
  ['sysadmin resets the password of another sysadmin', sysadmin, 'person.password', { unitPath: SNV, holderRoles: ['sysadmin', 'user'] }, true],
  ['holders do not matter for reading', user, 'directory.read', { holderRoles: ['sysadmin'] }, true],
  ['roles add up: clerk of SNV and head of STP', p(['agency-clerk', 10], ['agency-head', 20]), 'list.write', { unitPath: STP_P }, true],
  ['roles add up, scopes do not mix', p(['agency-clerk', 10], ['agency-head', 20]), 'list.write', { unitPath: SNV }, false],
];

describe('authorize', () => {
  it.each(cases)('%s', (_name, principal, action, target, allowed) => {
    expect(authorize(principal, action, target).allowed).toBe(allowed);
  });

  it('refuses role.grant without naming the role granted, even to a sysadmin', () => {
    expect(authorize(sysadmin, 'role.grant', {}).allowed).toBe(false);
  });

  it('gives every role at least what a user has', () => {
    for (const r of Object.keys(POLICY) as Role[]) {
      for (const a of ACTIONS) if (POLICY.user[a]) expect(POLICY[r][a], `${r} ${a}`).toBeTruthy();
    }
  });

  it('is the table written in docs/ARCHITECTURE.md', () => {
    const doc = fs.readFileSync(path.resolve(import.meta.dirname, '../../docs/ARCHITECTURE.md'), 'utf8');
    expect(doc).toContain(policyTable());
  });
});
