// Delegations of a mailbox (R8): the owner of a mailbox (usually a unit mailbox, owned by the
// unit's head) lets another account read it, send as it, send on its behalf or manage it.
// Owns table `mailbox_delegations`; every grant and revoke is audited. The IMAP shared
// namespace and SMTP submission ask `rightsOn` / `sharedWith` here, never the table.
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { AuditLog, AuditEntry } from './audit.ts';
import { ThutinError } from './errors.ts';
import { normalizeAddress } from './accounts.ts';

export type Right = 'read' | 'send-as' | 'send-on-behalf' | 'manage';
export const RIGHTS: readonly Right[] = ['read', 'send-as', 'send-on-behalf', 'manage'];
/** What the owner of a mailbox has on it. */
export const OWNER_RIGHTS: readonly Right[] = RIGHTS;

/** Same shape as `ChangeContext` in src/directory/service.ts (actor; reason = the official document). */
export interface ChangeContext {
  actor: string;
  reason?: string;
}

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
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditLog,
  ) {}

  private async accountId(trx: Kysely<Database>, address: string): Promise<{ id: number; username: string }> {
    const r = await trx
      .selectFrom('addresses')
      .innerJoin('accounts', 'accounts.id', 'addresses.account_id')
      .select(['accounts.id', 'accounts.username'])
      .where('addresses.address', '=', normalizeAddress(address))
      .executeTakeFirst();
    if (!r) throw new ThutinError('ACCOUNT_NOT_FOUND', address);
    return { id: Number(r.id), username: r.username };
  }

  private async record(trx: Kysely<Database>, ctx: ChangeContext, action: string, target: string, details: Record<string, unknown>): Promise<void> {
    // `reason` travels with the entry; the audit log stores it once it knows the column.
    const entry: AuditEntry & { reason: string } = { actor: ctx.actor, action, target, details, reason: ctx.reason ?? '' };
    await this.audit.record(entry, trx);
  }

  /** Give `grantee` exactly `rights` on `owner`'s mailbox (replaces what they had). */
  async grant(ownerAddress: string, granteeAddress: string, rights: Right[], ctx: ChangeContext): Promise<void> {
    const clean = parseRights(rights);
    await this.db.transaction().execute(async (trx) => {
      const owner = await this.accountId(trx, ownerAddress);
      const grantee = await this.accountId(trx, granteeAddress);
      if (owner.id === grantee.id) throw new ThutinError('DELEGATION_SELF', owner.username);
      const value = clean.join(' ');
      const existing = await trx.selectFrom('mailbox_delegations').select(['id', 'rights']).where('owner_account_id', '=', owner.id).where('grantee_account_id', '=', grantee.id).executeTakeFirst();
      if (existing) {
        await trx.updateTable('mailbox_delegations').set({ rights: value, granted_by: ctx.actor }).where('id', '=', existing.id).execute();
      } else {
        await trx.insertInto('mailbox_delegations').values({ owner_account_id: owner.id, grantee_account_id: grantee.id, rights: value, granted_by: ctx.actor, created_at: Date.now() }).execute();
      }
      await this.record(trx, ctx, 'delegation.grant', owner.username, {
        grantee: grantee.username,
        rights: clean,
        previous: existing ? rightsFromColumn(existing.rights) : [],
      });
    });
  }

  /** Take away everything `grantee` had on `owner`'s mailbox (no-op, still audited, when nothing). */
  async revoke(ownerAddress: string, granteeAddress: string, ctx: ChangeContext): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const owner = await this.accountId(trx, ownerAddress);
      const grantee = await this.accountId(trx, granteeAddress);
      const existing = await trx.selectFrom('mailbox_delegations').select(['id', 'rights']).where('owner_account_id', '=', owner.id).where('grantee_account_id', '=', grantee.id).executeTakeFirst();
      if (!existing) throw new ThutinError('DELEGATION_NOT_FOUND', `${grantee.username} → ${owner.username}`);
      await trx.deleteFrom('mailbox_delegations').where('id', '=', existing.id).execute();
      await this.record(trx, ctx, 'delegation.revoke', owner.username, { grantee: grantee.username, previous: rightsFromColumn(existing.rights) });
    });
  }

  /** Who has what on `owner`'s mailbox. */
  async list(ownerAddress: string): Promise<Array<{ grantee: string; granteeAccountId: number; rights: Right[] }>> {
    const owner = await this.accountId(this.db, ownerAddress);
    const rows = await this.db
      .selectFrom('mailbox_delegations')
      .innerJoin('accounts', 'accounts.id', 'mailbox_delegations.grantee_account_id')
      .select(['accounts.username', 'mailbox_delegations.grantee_account_id', 'mailbox_delegations.rights'])
      .where('mailbox_delegations.owner_account_id', '=', owner.id)
      .orderBy('accounts.username')
      .execute();
    return rows.map((r) => ({ grantee: r.username, granteeAccountId: Number(r.grantee_account_id), rights: rightsFromColumn(r.rights) }));
  }

  /** The mailboxes shared with an account (active owners only), by owner address. */
  async sharedWith(granteeAccountId: number): Promise<Array<{ ownerAccountId: number; owner: string; rights: Right[] }>> {
    const rows = await this.db
      .selectFrom('mailbox_delegations')
      .innerJoin('accounts', 'accounts.id', 'mailbox_delegations.owner_account_id')
      .select(['accounts.username', 'mailbox_delegations.owner_account_id', 'mailbox_delegations.rights'])
      .where('mailbox_delegations.grantee_account_id', '=', granteeAccountId)
      .where('accounts.status', '=', 'active')
      .orderBy('accounts.username')
      .execute();
    return rows.map((r) => ({ ownerAccountId: Number(r.owner_account_id), owner: r.username, rights: rightsFromColumn(r.rights) }));
  }

  /** What `grantee` may do on `owner`'s mailbox: [] if nothing; the owner itself has every right. */
  async rightsOn(ownerAccountId: number, granteeAccountId: number): Promise<Right[]> {
    if (ownerAccountId === granteeAccountId) return [...OWNER_RIGHTS];
    const r = await this.db.selectFrom('mailbox_delegations').select('rights').where('owner_account_id', '=', ownerAccountId).where('grantee_account_id', '=', granteeAccountId).executeTakeFirst();
    return r ? rightsFromColumn(r.rights) : [];
  }

  /** The owner accounts whose address `grantee` may put in From (send-as or send-on-behalf), by address. */
  async sendableAddresses(granteeAccountId: number): Promise<Map<string, { ownerAccountId: number; rights: Right[] }>> {
    const rows = await this.db
      .selectFrom('mailbox_delegations')
      .innerJoin('addresses', 'addresses.account_id', 'mailbox_delegations.owner_account_id')
      .innerJoin('accounts', 'accounts.id', 'mailbox_delegations.owner_account_id')
      .select(['addresses.address', 'mailbox_delegations.owner_account_id', 'mailbox_delegations.rights'])
      .where('mailbox_delegations.grantee_account_id', '=', granteeAccountId)
      .where('accounts.status', '=', 'active')
      .execute();
    const out = new Map<string, { ownerAccountId: number; rights: Right[] }>();
    for (const r of rows) {
      const rights = rightsFromColumn(r.rights);
      if (rights.includes('send-as') || rights.includes('send-on-behalf')) out.set(r.address, { ownerAccountId: Number(r.owner_account_id), rights });
    }
    return out;
  }
}
