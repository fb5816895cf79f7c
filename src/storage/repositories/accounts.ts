// The accounts repository: the only code that reads or writes the `accounts` and `addresses`
// tables (other repositories may join them to read). Owns: making an account and its addresses,
// changing its login name, password hash, status, deleting it (folders, messages and addresses
// cascade), and the reads by id, by address, of its addresses, of every account and of its usage.
// No business rules: address syntax, local domains, the password policy, hashing, the one address
// space with lists and auditing are core/accounts.ts's.
import type { Selectable } from 'kysely';
import type { Database } from '../schema.ts';
import type { Reader, Tx } from '../tx.ts';
import { precompiled } from '../precompiled.ts';

export interface AccountRow {
  id: number;
  username: string; // the primary address, lower case
  status: string; // 'active' | 'disabled'
  quotaBytes: number;
  usedBytes: number;
  mustChangePassword: boolean;
}

/** What a login is checked against. */
export interface AccountCredentials {
  id: number;
  passwordHash: string;
  status: string;
}

export interface NewAccount {
  username: string;
  passwordHash: string;
  status: string;
  quotaBytes: number;
  mustChangePassword: boolean;
  createdAt: number;
}

function toAccount(r: Selectable<Database['accounts']>): AccountRow {
  return {
    id: Number(r.id),
    username: r.username,
    status: r.status,
    quotaBytes: Number(r.quota_bytes),
    usedBytes: Number(r.used_bytes),
    mustChangePassword: Number(r.must_change_password) === 1,
  };
}

// ---- writes ----

/** Insert an account row (its addresses are inserted separately); its id. */
export async function insertAccount(tx: Tx, a: NewAccount): Promise<number> {
  const row = await tx
    .insertInto('accounts')
    .values({
      username: a.username,
      password_hash: a.passwordHash,
      status: a.status,
      quota_bytes: a.quotaBytes,
      must_change_password: a.mustChangePassword ? 1 : 0,
      created_at: a.createdAt,
      updated_at: a.createdAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function insertAddress(tx: Tx, address: string, accountId: number, createdAt = Date.now()): Promise<void> {
  await tx.insertInto('addresses').values({ address, account_id: accountId, created_at: createdAt }).execute();
}

export async function deleteAddress(tx: Tx, address: string): Promise<void> {
  await tx.deleteFrom('addresses').where('address', '=', address).execute();
}

/** Change the login name (primary address); the address row itself is the caller's. */
export async function setUsername(tx: Tx, accountId: number, username: string, now = Date.now()): Promise<void> {
  await tx.updateTable('accounts').set({ username, updated_at: now }).where('id', '=', accountId).execute();
}

export async function setPasswordHash(tx: Tx, accountId: number, passwordHash: string, mustChangePassword: boolean, now = Date.now()): Promise<void> {
  await tx
    .updateTable('accounts')
    .set({ password_hash: passwordHash, must_change_password: mustChangePassword ? 1 : 0, updated_at: now })
    .where('id', '=', accountId)
    .execute();
}

export async function setStatus(tx: Tx, accountId: number, status: string, now = Date.now()): Promise<void> {
  await tx.updateTable('accounts').set({ status, updated_at: now }).where('id', '=', accountId).execute();
}

/** Delete the account row; addresses, folders and messages cascade. */
export async function deleteAccount(tx: Tx, accountId: number): Promise<void> {
  await tx.deleteFrom('accounts').where('id', '=', accountId).execute();
}

// ---- reads ----

export async function accountById(r: Reader, id: number): Promise<AccountRow | null> {
  const row = await r.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toAccount(row) : null;
}

/** The account an address (primary or alias, exact lower case) belongs to. */
// Asked for every recipient of every message: built once (storage/precompiled.ts).
const accountByAddressQuery = precompiled((r, address: string) =>
  r.selectFrom('addresses').innerJoin('accounts', 'accounts.id', 'addresses.account_id').selectAll('accounts').where('addresses.address', '=', address),
);
const usageBytesQuery = precompiled((r, accountId: number) => r.selectFrom('accounts').select('used_bytes').where('id', '=', accountId));

export async function accountByAddress(r: Reader, address: string): Promise<AccountRow | null> {
  const [row] = (await accountByAddressQuery(r, address)).rows;
  return row ? toAccount(row) : null;
}

/** The password hash and status of the account an address (exact lower case) belongs to. */
export async function credentialsByAddress(r: Reader, address: string): Promise<AccountCredentials | null> {
  const row = await r
    .selectFrom('addresses')
    .innerJoin('accounts', 'accounts.id', 'addresses.account_id')
    .select(['accounts.id', 'accounts.password_hash', 'accounts.status'])
    .where('addresses.address', '=', address)
    .executeTakeFirst();
  return row ? { id: Number(row.id), passwordHash: row.password_hash, status: row.status } : null;
}

/** The id of the account an address (exact lower case) belongs to, or null when it is free. */
export async function addressOwner(r: Reader, address: string): Promise<number | null> {
  const row = await r.selectFrom('addresses').select('account_id').where('address', '=', address).executeTakeFirst();
  return row ? Number(row.account_id) : null;
}

/** Whether an address (exact lower case) is an account's primary address or alias. */
export async function isAccountAddress(r: Reader, address: string): Promise<boolean> {
  return (await addressOwner(r, address)) !== null;
}

/** Of these addresses (exact lower case), those of active accounts, with the account id. */
export async function activeAccountsByAddress(r: Reader, addresses: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < addresses.length; i += 500) {
    const rows = await r
      .selectFrom('addresses')
      .innerJoin('accounts', 'accounts.id', 'addresses.account_id')
      .select(['addresses.address', 'accounts.id'])
      .where('addresses.address', 'in', addresses.slice(i, i + 500))
      .where('accounts.status', '=', 'active')
      .execute();
    for (const row of rows) out.set(row.address, Number(row.id));
  }
  return out;
}

/** An account's addresses (primary and aliases), in order. */
export async function addressesOf(r: Reader, accountId: number): Promise<string[]> {
  const rows = await r.selectFrom('addresses').select('address').where('account_id', '=', accountId).orderBy('address').execute();
  return rows.map((row) => row.address);
}

/** Every account by login name, each with its addresses in order. */
export async function listAccounts(r: Reader): Promise<Array<AccountRow & { addresses: string[] }>> {
  const rows = await r.selectFrom('accounts').selectAll().orderBy('username').execute();
  const addrs = await r.selectFrom('addresses').select(['address', 'account_id']).orderBy('address').execute();
  const byAccount = new Map<number, string[]>();
  for (const a of addrs) {
    const id = Number(a.account_id);
    const list = byAccount.get(id);
    if (list) list.push(a.address);
    else byAccount.set(id, [a.address]);
  }
  return rows.map((row) => ({ ...toAccount(row), addresses: byAccount.get(Number(row.id)) ?? [] }));
}

/** Bytes the account's messages take (0 for no such account). */
export async function usageBytes(r: Reader, accountId: number): Promise<number> {
  const [row] = (await usageBytesQuery(r, accountId)).rows;
  return Number(row?.used_bytes ?? 0);
}

/** Every account's status and the bytes its messages take (the console's numbers, core/console-stats.ts). */
export async function accountUsage(r: Reader): Promise<Array<{ id: number; status: string; usedBytes: number }>> {
  const rows = await r.selectFrom('accounts').select(['id', 'status', 'used_bytes']).execute();
  return rows.map((row) => ({ id: Number(row.id), status: row.status, usedBytes: Number(row.used_bytes) }));
}
