// Authorisation (R5.4), as one pure function: may this principal do this action on this target?
// The role × action table below is the whole policy; scopes are unit subtrees. No I/O here:
// callers resolve the target unit's path (ids root → unit) first, from the directory.
// Owns: the role × action table and `authorize`; no storage.
import type { Principal, Role } from './roles.ts';

export const ACTIONS = [
  'self.read', // own profile, logout
  'self.password', // change one's own password
  'self.spam', // one's own spam allow / block lists
  'directory.read', // search, units, people, lists: the directory is open to everyone logged in
  'unit.write', // create (under a parent), rename, move, set the head
  'person.write', // create, edit, move a person (and their mailbox)
  'person.password', // set or reset someone else's password
  'mailbox.status', // suspend, enable, remove (= disable and retain)
  'mailbox.purge', // delete for good, only after retention
  'mailbox.export', // export someone's mail (mbox, zip of .eml): a leaver's, a handover (issue 14)
  'mailbox.import', // import mail into someone's mailbox (mbox, zip of .eml)
  'delegation.read', // who may use a mailbox
  'delegation.write', // grant, revoke rights on a mailbox
  'list.write', // distribution lists and their members
  'role.read', // role assignments
  'role.grant', // grant, revoke roles
  'directory.import', // CSV import (dry-run or applied)
  'directory.export', // CSV export of the whole directory
  'request.file', // file, submit (a head; a clerk's waits for the head's sign-off), withdraw requests (issue 11)
  'request.approve', // approve or reject requests: the Provincial Office
  'request.read', // read requests and their documents
  'request.execute', // execute an approved request now, or retry a failed one
  'audit.read', // audit log and directory history
  'queue.read', // outbound queue
  'queue.write', // retry, hold, release, delete queued mail
  'quarantine.read', // infected messages kept by the virus stage: list, header section
  'quarantine.write', // release a kept message to its recipients, delete it
  'spam.lists', // anyone's spam allow / block lists
  'self.forwarding', // set or stop forwarding one's own mail (never to free-mail, Article 9)
  'self.sieve', // one's own Sieve scripts (filters, vacation): list, store, activate, delete
  'report.free-mail', // the per-unit report of mail exchanged with free-mail domains (Article 9)
  'send-limit.read', // accounts held for bursting past the sending limits
  'send-limit.write', // lift a sending hold and release the held mail
  'security.read', // sign-in lockouts in force
  'security.write', // lift a sign-in lockout
  'ticket.read', // every incident ticket, its internal notes and the reported message (a user sees their own without it)
  'ticket.write', // work tickets: take, assign, answer, close, reopen, internal notes; an assignee must hold it
  'metrics.read', // GET /metrics: the console's dashboard numbers (storage, mailboxes, requests, queue, mail flow)
  'report.capacity', // the capacity report: storage per agency, growth, next year's disk and budget
  'retention.read', // retention policies, the journal's units (issue 14)
  'retention.write', // set and remove retention policies, journal a unit, run the policies now
  'hold.read', // legal holds in force and released
  'hold.write', // set and release a legal hold, export a held mailbox: auditors only (a sysadmin must not lift a hold and purge)
  'journal.read', // search and export the journal archive, with a reason: auditors only (R10.1)
] as const;
export type Action = (typeof ACTIONS)[number];

export const ROLES: readonly Role[] = ['sysadmin', 'directory-manager', 'agency-head', 'agency-clerk', 'auditor', 'user'];

/**
 * 'any': the role allows it whatever the target. 'scope': allowed when every unit the target
 * touches lies in the subtree of the assignment's unit (a province-wide assignment covers all;
 * a target with no unit needs a province-wide assignment). Absent: refused.
 */
export type Grant = 'any' | 'scope';

/** Actions only an auditor holds, not even a sysadmin: the legal hold and the journal's contents (separation of duties). */
export const AUDITOR_ONLY: readonly Action[] = ['hold.write', 'journal.read'];

export const POLICY: Record<Role, Partial<Record<Action, Grant>>> = {
  sysadmin: Object.fromEntries(ACTIONS.filter((a) => !AUDITOR_ONLY.includes(a)).map((a) => [a, 'any'])) as Record<Action, Grant>,
  'directory-manager': {
    'self.read': 'any',
    'self.password': 'any',
    'self.spam': 'any',
    'self.forwarding': 'any',
    'self.sieve': 'any',
    'report.free-mail': 'any',
    'metrics.read': 'any',
    'report.capacity': 'any',
    'directory.read': 'any',
    'unit.write': 'scope',
    'person.write': 'scope',
    'person.password': 'scope',
    'mailbox.status': 'scope',
    'mailbox.purge': 'scope',
    'mailbox.export': 'scope',
    'delegation.read': 'scope',
    'delegation.write': 'scope',
    'list.write': 'scope',
    'role.read': 'scope',
    'directory.import': 'scope',
    'directory.export': 'scope',
    'request.file': 'scope',
    'request.approve': 'scope',
    'request.read': 'scope',
  },
  'agency-head': {
    'self.read': 'any',
    'self.password': 'any',
    'self.spam': 'any',
    'self.forwarding': 'any',
    'self.sieve': 'any',
    'directory.read': 'any',
    'unit.write': 'scope',
    'person.write': 'scope',
    'person.password': 'scope',
    'mailbox.status': 'scope',
    'delegation.read': 'scope',
    'delegation.write': 'scope',
    'list.write': 'scope',
    'role.read': 'scope',
    'role.grant': 'scope', // only agency-clerk, see GRANTABLE
    'request.file': 'scope',
    'request.read': 'scope',
  },
  'agency-clerk': {
    'self.read': 'any',
    'self.password': 'any',
    'self.spam': 'any',
    'self.forwarding': 'any',
    'self.sieve': 'any',
    'directory.read': 'any',
    'person.write': 'scope',
    'person.password': 'scope',
    'mailbox.status': 'scope',
    'delegation.read': 'scope',
    'request.file': 'scope', // submitted for the head's sign-off
    'request.read': 'scope',
  },
  auditor: {
    'self.read': 'any',
    'self.password': 'any',
    'self.spam': 'any',
    'self.forwarding': 'any',
    'self.sieve': 'any',
    'directory.read': 'any',
    'audit.read': 'scope',
    'role.read': 'scope',
    'directory.export': 'scope',
    'request.read': 'scope',
    'security.read': 'any',
    'ticket.read': 'any',
    'quarantine.read': 'any', // what was kept and why, not the power to let it through
    'report.free-mail': 'any',
    'metrics.read': 'any',
    'report.capacity': 'any',
    'send-limit.read': 'any',
    'retention.read': 'any',
    'hold.read': 'any',
    'hold.write': 'any',
    'journal.read': 'any',
  },
  user: {
    'self.read': 'any',
    'self.password': 'any',
    'self.spam': 'any',
    'self.forwarding': 'any',
    'self.sieve': 'any',
    'directory.read': 'any',
  },
};

/** Roles a holder of `role.grant` may hand out (and take back). */
export const GRANTABLE: Partial<Record<Role, readonly Role[]>> = {
  sysadmin: ['sysadmin', 'directory-manager', 'agency-head', 'agency-clerk', 'auditor'],
  'agency-head': ['agency-clerk'],
};

/** Roles that are always province-wide. */
export const PROVINCE_ROLES: readonly Role[] = ['sysadmin', 'directory-manager', 'auditor'];

export interface Target {
  /** Ids from the root down to the unit the action touches (e.g. the person's unit); absent = province-wide. */
  unitPath?: number[] | null;
  /** Further units the action touches (a move's destination, a new parent); each must be in scope too. */
  alsoPaths?: number[][];
  /** For role.grant: the role being granted or revoked. */
  role?: Role;
  /** The roles of the account the action touches (a person's, a mailbox owner's), when it has one. */
  holderRoles?: Role[];
}

/**
 * Acting on someone's account (their data, password, status, mailbox) needs a role that outranks
 * every role they hold: an agency clerk cannot reset the password of their agency head, an agency
 * head cannot suspend a sysadmin who sits in their agency. Only a sysadmin acts on equals.
 */
export const RANK: Record<Role, number> = { sysadmin: 4, 'directory-manager': 3, auditor: 3, 'agency-head': 2, 'agency-clerk': 1, user: 0 };
export const ON_HOLDER: readonly Action[] = ['person.write', 'person.password', 'mailbox.status', 'mailbox.purge', 'mailbox.export', 'mailbox.import', 'delegation.write'];

function outranks(role: Role, holder: readonly Role[] | undefined): boolean {
  if (role === 'sysadmin' || !holder) return true;
  return holder.every((h) => RANK[h] < RANK[role]);
}

export type Decision = { allowed: true; via: Role } | { allowed: false };

function inScope(scopeUnit: number | null, path: number[] | null | undefined): boolean {
  if (scopeUnit === null) return true;
  return !!path && path.includes(scopeUnit);
}

export function authorize(principal: Pick<Principal, 'roles'>, action: Action, target: Target = {}): Decision {
  const roles = [...principal.roles, { role: 'user' as Role, unitId: null }];
  for (const { role, unitId } of roles) {
    const grant = POLICY[role]?.[action];
    if (!grant) continue;
    if (action === 'role.grant' && (!target.role || !GRANTABLE[role]?.includes(target.role))) continue;
    if (ON_HOLDER.includes(action) && !outranks(role, target.holderRoles)) continue;
    if (grant === 'any') return { allowed: true, via: role };
    const paths = [target.unitPath ?? null, ...(target.alsoPaths ?? [])];
    if (paths.every((p) => inScope(unitId, p))) return { allowed: true, via: role };
  }
  return { allowed: false };
}

/** The policy as a Markdown table (docs/ARCHITECTURE.md is written from it; a test keeps them equal). */
export function policyTable(): string {
  const head = `| action | ${ROLES.join(' | ')} |\n|---|${ROLES.map(() => '---').join('|')}|`;
  const rows = ACTIONS.map((a) => {
    const cells = ROLES.map((r) => {
      const g = POLICY[r][a];
      if (!g) return '—';
      if (a === 'role.grant') return `${g === 'any' ? 'all' : 'own subtree'}: ${GRANTABLE[r]!.join(', ')}`;
      return g === 'any' || PROVINCE_ROLES.includes(r) || r === 'user' ? '✓' : 'own subtree';
    });
    return `| \`${a}\` | ${cells.join(' | ')} |`;
  });
  return [head, ...rows].join('\n');
}
