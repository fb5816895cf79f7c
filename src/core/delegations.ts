// Delegations of a mailbox (R8): the owner of a mailbox (usually a unit mailbox, owned by the
// unit's head) lets another account read it, send as it, send on its behalf or manage it.
// Owns table `mailbox_delegations`; every grant and revoke is audited. The IMAP shared
// namespace and SMTP submission ask `rightsOn` / `sharedWith` here, never the table.
// Owns: the rights catalogue and the rules of granting and revoking (with their audit entries);
// rows through storage/repositories/delegations.ts.
import { transactor, type Reader, type Transactor, type Tx } from '../storage/tx.ts';
import {
  delegatesOf,
  deleteDelegation,
  findDelegation,
  findDelegationWithOwner,
  insertDelegation,
  ownerAddressesOfGrantee,
  ownerState,
  sharedWithGrantee,
  updateDelegation,
} from '../storage/repositories/delegations.ts';
import { accountByAddress } from '../storage/repositories/accounts.ts';
import type { ChangeContext, AuditLog, AuditEntry } from './audit.ts';
import { ThutinError } from './errors.ts';
import { normalizeAddress } from './accounts.ts';

export type Right = 'read' | 'send-as' | 'send-on-behalf' | 'manage';
export const RIGHTS: readonly Right[] = ['read', 'send-as', 'send-on-behalf', 'manage'];
/** What the owner of a mailbox has on it. */
export const OWNER_RIGHTS: readonly Right[] = RIGHTS;

export type { ChangeContext };

/** What a delegate may do on a leaver's retained mailbox (R6.3 handover): read it, nothing that changes it or speaks for the leaver. */
export const RETAINED_RIGHTS: readonly Right[] = ['read'];

export function isRight(s: string): s is Right {
  return (RIGHTS as readonly string[]).includes(s);
}

/** Parse and validate rights ('read,send-as' or an array); sorted in catalogue order, no duplicates. */
export function parseRights(input: string | readonly string[]): Right[] {
  const parts = (typeof input === 'string' ? input.split(/[\s,]+/) : input).map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (parts.length === 0) throw new ThutinError('RIGHTS_INVALID', '(none)');
  for (const p of parts) if (!isRight(p)) throw new ThutinError('RIGHTS_INVALID', p);
  return RIGHTS.filter((r) => parts.includes(r));
}

function rightsFromColumn(s: string): Right[] {
  const parts = s.split(' ');
  return RIGHTS.filter((r) => parts.includes(r));
}

export class DelegationService {
  private readonly tx: Transactor;

  constructor(
    private readonly db: Reader,
    private readonly audit: AuditLog,
  ) {
    this.tx = transactor(db);
  }

  private async accountId(r: Reader, address: string): Promise<{ id: number; username: string }> {
    const acct = await accountByAddress(r, normalizeAddress(address));
    if (!acct) throw new ThutinError('ACCOUNT_NOT_FOUND', address);
    return acct;
  }

  private async record(trx: Tx, ctx: ChangeContext, action: string, target: string, details: Record<string, unknown>): Promise<void> {
    // `reason` travels with the entry; the audit log stores it once it knows the column.
    const entry: AuditEntry & { reason: string } = { actor: ctx.actor, action, target, details, reason: ctx.reason ?? '' };
    await this.audit.record(entry, trx);
  }

  /**
   * Give `grantee` exactly `rights` on `owner`'s mailbox (replaces what they had). A leaver's
   * retained mailbox may be delegated `read` only (the handover of their work, R6.3); a suspended
   * or otherwise disabled mailbox is refused, since the grant would do nothing.
   */
  async grant(ownerAddress: string, granteeAddress: string, rights: Right[], ctx: ChangeContext): Promise<void> {
    await this.tx.transaction((trx) => this.grantIn(trx, ownerAddress, granteeAddress, rights, ctx));
  }

  /** `grant` inside the caller's transaction (the directory's head handover). */
  async grantIn(trx: Tx, ownerAddress: string, granteeAddress: string, rights: Right[], ctx: ChangeContext): Promise<void> {
    const clean = parseRights(rights);
    const owner = await this.accountId(trx, ownerAddress);
    const grantee = await this.accountId(trx, granteeAddress);
    if (owner.id === grantee.id) throw new ThutinError('DELEGATION_SELF', owner.username);
    const state = await ownerState(trx, owner.id);
    if (state === 'disabled') throw new ThutinError('DELEGATION_OWNER_INACTIVE', owner.username);
    if (state === 'retained' && clean.some((r) => !RETAINED_RIGHTS.includes(r))) {
      throw new ThutinError('RIGHTS_INVALID', `${owner.username}: hộp thư lưu giữ của người đã nghỉ chỉ uỷ quyền được quyền đọc (read) / a leaver's retained mailbox can only be delegated read`);
    }
    const value = clean.join(' ');
    const existing = await findDelegation(trx, owner.id, grantee.id);
    if (existing) await updateDelegation(trx, existing.id, { rights: value, grantedBy: ctx.actor });
    else await insertDelegation(trx, { ownerAccountId: owner.id, granteeAccountId: grantee.id, rights: value, grantedBy: ctx.actor, createdAt: Date.now() });
    await this.record(trx, ctx, 'delegation.grant', owner.username, {
      grantee: grantee.username,
      rights: clean,
      previous: existing ? rightsFromColumn(existing.rights) : [],
      ...(state === 'retained' ? { retainedMailbox: true } : {}),
    });
  }

  /** Take away everything `grantee` had on `owner`'s mailbox (DELEGATION_NOT_FOUND when nothing). */
  async revoke(ownerAddress: string, granteeAddress: string, ctx: ChangeContext): Promise<void> {
    await this.tx.transaction((trx) => this.revokeIn(trx, ownerAddress, granteeAddress, ctx));
  }

  /** `revoke` inside the caller's transaction. */
  async revokeIn(trx: Tx, ownerAddress: string, granteeAddress: string, ctx: ChangeContext): Promise<void> {
    const owner = await this.accountId(trx, ownerAddress);
    const grantee = await this.accountId(trx, granteeAddress);
    const existing = await findDelegation(trx, owner.id, grantee.id);
    if (!existing) throw new ThutinError('DELEGATION_NOT_FOUND', `${grantee.username} → ${owner.username}`);
    await deleteDelegation(trx, existing.id);
    await this.record(trx, ctx, 'delegation.revoke', owner.username, { grantee: grantee.username, previous: rightsFromColumn(existing.rights) });
  }

  /** Who has what on `owner`'s mailbox. */
  async list(ownerAddress: string): Promise<Array<{ grantee: string; granteeAccountId: number; rights: Right[] }>> {
    const owner = await this.accountId(this.db, ownerAddress);
    return (await delegatesOf(this.db, owner.id)).map((r) => ({ ...r, rights: rightsFromColumn(r.rights) }));
  }

  /** The mailboxes shared with an account (active owners, and leavers' retained mailboxes read-only), by owner address. */
  async sharedWith(granteeAccountId: number): Promise<Array<{ ownerAccountId: number; owner: string; rights: Right[] }>> {
    return (await sharedWithGrantee(this.db, granteeAccountId)).map((r) => ({
      ownerAccountId: r.ownerAccountId,
      owner: r.owner,
      rights: rightsFromColumn(r.rights).filter((x) => !r.retained || RETAINED_RIGHTS.includes(x)),
    }));
  }

  /**
   * What `grantee` may do on `owner`'s mailbox: [] if nothing (or the owner is suspended); on a
   * leaver's retained mailbox only `read`; the owner itself has every right.
   */
  async rightsOn(ownerAccountId: number, granteeAccountId: number): Promise<Right[]> {
    if (ownerAccountId === granteeAccountId) return [...OWNER_RIGHTS];
    const r = await findDelegationWithOwner(this.db, ownerAccountId, granteeAccountId);
    if (!r || r.ownerState === 'disabled') return [];
    const rights = rightsFromColumn(r.rights);
    return r.ownerState === 'retained' ? rights.filter((x) => RETAINED_RIGHTS.includes(x)) : rights;
  }

  /** The owner accounts whose address `grantee` may put in From (send-as or send-on-behalf), by address. */
  async sendableAddresses(granteeAccountId: number): Promise<Map<string, { ownerAccountId: number; rights: Right[] }>> {
    const out = new Map<string, { ownerAccountId: number; rights: Right[] }>();
    for (const r of await ownerAddressesOfGrantee(this.db, granteeAccountId)) {
      const rights = rightsFromColumn(r.rights);
      if (rights.includes('send-as') || rights.includes('send-on-behalf')) out.set(r.address, { ownerAccountId: r.ownerAccountId, rights });
    }
    return out;
  }
}
