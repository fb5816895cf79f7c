// The delegations repository: the only code that reads or writes the `mailbox_delegations` table.
// Owns: one delegation (owner account, grantee account, rights as stored: space separated) found,
// added, replaced or removed, and the reads front ends need — the delegates of a mailbox, the
// mailboxes shared with an account (active owners, and leavers' retained mailboxes), the state of
// an owner's mailbox, the addresses it may send as. Which rights exist and what they
// allow are core/delegations.ts's.
import type { Reader, Tx } from '../tx.ts';

export interface DelegationRow {
  id: number;
  rights: string; // space separated, as stored
}

export async function findDelegation(r: Reader, ownerAccountId: number, granteeAccountId: number): Promise<DelegationRow | null> {
  const row = await r.selectFrom('mailbox_delegations').select(['id', 'rights']).where('owner_account_id', '=', ownerAccountId).where('grantee_account_id', '=', granteeAccountId).executeTakeFirst();
  return row ? { id: Number(row.id), rights: row.rights } : null;
}

export async function insertDelegation(tx: Tx, d: { ownerAccountId: number; granteeAccountId: number; rights: string; grantedBy: string; createdAt: number }): Promise<void> {
  await tx
    .insertInto('mailbox_delegations')
    .values({ owner_account_id: d.ownerAccountId, grantee_account_id: d.granteeAccountId, rights: d.rights, granted_by: d.grantedBy, created_at: d.createdAt })
    .execute();
}

export async function updateDelegation(tx: Tx, id: number, d: { rights: string; grantedBy: string }): Promise<void> {
  await tx.updateTable('mailbox_delegations').set({ rights: d.rights, granted_by: d.grantedBy }).where('id', '=', id).execute();
}

export async function deleteDelegation(tx: Tx, id: number): Promise<void> {
  await tx.deleteFrom('mailbox_delegations').where('id', '=', id).execute();
}

/** Who has what on an owner's mailbox, by grantee address. */
export async function delegatesOf(r: Reader, ownerAccountId: number): Promise<Array<{ grantee: string; granteeAccountId: number; rights: string }>> {
  const rows = await r
    .selectFrom('mailbox_delegations')
    .innerJoin('accounts', 'accounts.id', 'mailbox_delegations.grantee_account_id')
    .select(['accounts.username', 'mailbox_delegations.grantee_account_id', 'mailbox_delegations.rights'])
    .where('mailbox_delegations.owner_account_id', '=', ownerAccountId)
    .orderBy('accounts.username')
    .execute();
  return rows.map((row) => ({ grantee: row.username, granteeAccountId: Number(row.grantee_account_id), rights: row.rights }));
}

/**
 * What an owner's mailbox is for delegation: 'active'; 'retained' — disabled because its person
 * left (kept for the retention period, readable by a delegate for the handover); 'disabled'
 * (suspended, or an account without a person); null when there is no such account.
 */
export async function ownerState(r: Reader, ownerAccountId: number): Promise<'active' | 'retained' | 'disabled' | null> {
  const row = await r
    .selectFrom('accounts')
    .leftJoin('people', 'people.account_id', 'accounts.id')
    .select(['accounts.status', 'people.status as person_status'])
    .where('accounts.id', '=', ownerAccountId)
    .executeTakeFirst();
  if (!row) return null;
  if (row.status === 'active') return 'active';
  return row.person_status === 'left' ? 'retained' : 'disabled';
}

/** A grantee's delegation on an owner's mailbox with the owner's state (one statement: asked before every IMAP command on a shared folder). */
export async function findDelegationWithOwner(r: Reader, ownerAccountId: number, granteeAccountId: number): Promise<{ rights: string; ownerState: 'active' | 'retained' | 'disabled' } | null> {
  const row = await r
    .selectFrom('mailbox_delegations')
    .innerJoin('accounts', 'accounts.id', 'mailbox_delegations.owner_account_id')
    .leftJoin('people', 'people.account_id', 'mailbox_delegations.owner_account_id')
    .select(['mailbox_delegations.rights', 'accounts.status', 'people.status as person_status'])
    .where('mailbox_delegations.owner_account_id', '=', ownerAccountId)
    .where('mailbox_delegations.grantee_account_id', '=', granteeAccountId)
    .executeTakeFirst();
  if (!row) return null;
  return { rights: row.rights, ownerState: row.status === 'active' ? 'active' : row.person_status === 'left' ? 'retained' : 'disabled' };
}

/** The mailboxes shared with a grantee — of active owners, and retained mailboxes of people who left — by owner address. */
export async function sharedWithGrantee(r: Reader, granteeAccountId: number): Promise<Array<{ ownerAccountId: number; owner: string; rights: string; retained: boolean }>> {
  const rows = await r
    .selectFrom('mailbox_delegations')
    .innerJoin('accounts', 'accounts.id', 'mailbox_delegations.owner_account_id')
    .leftJoin('people', 'people.account_id', 'mailbox_delegations.owner_account_id')
    .select(['accounts.username', 'accounts.status', 'mailbox_delegations.owner_account_id', 'mailbox_delegations.rights'])
    .where('mailbox_delegations.grantee_account_id', '=', granteeAccountId)
    .where((eb) => eb.or([eb('accounts.status', '=', 'active'), eb('people.status', '=', 'left')]))
    .orderBy('accounts.username')
    .execute();
  return rows.map((row) => ({ ownerAccountId: Number(row.owner_account_id), owner: row.username, rights: row.rights, retained: row.status !== 'active' }));
}

/** Every address (primary and aliases) of the active owners that delegated anything to a grantee. */
export async function ownerAddressesOfGrantee(r: Reader, granteeAccountId: number): Promise<Array<{ address: string; ownerAccountId: number; rights: string }>> {
  const rows = await r
    .selectFrom('mailbox_delegations')
    .innerJoin('addresses', 'addresses.account_id', 'mailbox_delegations.owner_account_id')
    .innerJoin('accounts', 'accounts.id', 'mailbox_delegations.owner_account_id')
    .select(['addresses.address', 'mailbox_delegations.owner_account_id', 'mailbox_delegations.rights'])
    .where('mailbox_delegations.grantee_account_id', '=', granteeAccountId)
    .where('accounts.status', '=', 'active')
    .execute();
  return rows.map((row) => ({ address: row.address, ownerAccountId: Number(row.owner_account_id), rights: row.rights }));
}
