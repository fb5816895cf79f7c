// Addresses that answer for the province rather than for one official: postmaster@ and abuse@ of
// every local domain (RFC 5321 §4.5.1 requires postmaster, unauthenticated and never refused;
// RFC 2142 expects abuse), delivered to the Provincial Office's role mailbox
// (`directory.postmasterMailbox`, `directory.abuseMailbox`); and what a leaver's address answers:
// whom to contact instead (the mailbox of their unit, or of the nearest unit above that has one).
// Owns: the role-address rule, the holding mailbox (postmaster@<primary domain>, made when the
// role mailbox does not exist yet, so role mail is never lost) and the leaver's contact.
import { generatePassword, hashPassword, normalizeAddress } from '../core/accounts.ts';
import { isThutinError } from '../core/errors.ts';
import type { DirectoryContext } from './common.ts';
import type { People } from './people.ts';
import type { Units } from './units.ts';

export const ROLE_LOCAL_PARTS = ['postmaster', 'abuse'] as const;
export type RoleLocalPart = (typeof ROLE_LOCAL_PARTS)[number];

export class RoleAddresses {
  constructor(
    private readonly c: DirectoryContext,
    private readonly units: Units,
    private readonly people: People,
  ) {}

  /** The role an address of a local domain stands for (postmaster, abuse), or null. */
  roleOf(address: string): RoleLocalPart | null {
    const a = normalizeAddress(address);
    const at = a.lastIndexOf('@');
    if (at <= 0) return null;
    const local = a.slice(0, at);
    if (!this.c.deps.accounts.isLocalDomain(a.slice(at + 1))) return null;
    return (ROLE_LOCAL_PARTS as readonly string[]).includes(local) ? (local as RoleLocalPart) : null;
  }

  /** The configured target of a role: an address, or a local part on the primary domain. */
  targetOf(role: RoleLocalPart): string {
    const rules = this.c.deps.rules;
    const t = (role === 'abuse' ? (rules.abuseMailbox ?? rules.postmasterMailbox) : rules.postmasterMailbox) ?? 'vpubnd';
    return normalizeAddress(t.includes('@') ? t : `${t}@${this.c.domain}`);
  }

  /**
   * The account mail to a role address is delivered to, or null when the address is not a role
   * address. The configured role mailbox when it exists and is active; otherwise the holding
   * mailbox postmaster@<primary domain>, created on first need (an ordinary mailbox with a random
   * password nobody is told: an administrator reads it by `thutin delegate grant … --rights read`
   * or resets its password).
   */
  async recipientAccount(address: string): Promise<{ accountId: number; role: RoleLocalPart; target: string; held: boolean } | null> {
    const role = this.roleOf(address);
    if (!role) return null;
    const target = this.targetOf(role);
    const acct = await this.c.deps.accounts.resolveRecipient(target);
    if (acct) return { accountId: acct.id, role, target, held: false };
    const holding = `postmaster@${this.c.domain}`;
    let box = await this.c.deps.accounts.byAddress(holding);
    if (!box) {
      try {
        box = await this.c.deps.accounts.create(holding, '', 'system:role-addresses', {
          passwordHash: await hashPassword(generatePassword()),
          mustChangePassword: true,
          reason: `RFC 5321 §4.5.1: hộp thư giữ thư postmaster/abuse khi chưa có ${target} / holding mailbox for postmaster/abuse until ${target} exists`,
        });
      } catch (e) {
        if (!isThutinError(e, 'ACCOUNT_EXISTS')) throw e;
        box = await this.c.deps.accounts.byAddress(holding);
      }
    }
    return { accountId: box!.id, role, target: holding, held: true };
  }

  /** For the address of a person who has left: the address to contact instead (their unit's mailbox, else the nearest one above, else postmaster@). */
  async leaverContact(address: string): Promise<{ contact: string } | null> {
    const a = normalizeAddress(address);
    const p = await this.people.personByAddress(a);
    if (!p || p.status !== 'left') return null;
    let unitId = p.unitId;
    for (let depth = 0; unitId !== null && depth < 50; depth++) {
      const u = await this.units.unitIn(this.c.db, unitId);
      if (!u) break;
      if (u.mailbox) return { contact: u.mailbox };
      unitId = u.parentId;
    }
    return { contact: `postmaster@${a.slice(a.lastIndexOf('@') + 1)}` };
  }
}
