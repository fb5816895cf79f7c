// The directory side's read-only view of `accounts` and `addresses`, which only core/accounts.ts
// writes: which account an address belongs to, whether an address is taken, which addresses
// deliver to an active account. Owns: no table (reads only; move these beside the accounts
// repository when there is one).
import type { Reader } from '../tx.ts';

export interface AccountRef {
  id: number;
  username: string;
}

/** The account an address (primary or alias, exact lower case) belongs to. */
export async function accountByAddress(r: Reader, address: string): Promise<AccountRef | null> {
  const row = await r
    .selectFrom('addresses')
    .innerJoin('accounts', 'accounts.id', 'addresses.account_id')
    .select(['accounts.id', 'accounts.username'])
    .where('addresses.address', '=', address)
    .executeTakeFirst();
  return row ? { id: Number(row.id), username: row.username } : null;
}

export async function accountById(r: Reader, id: number): Promise<AccountRef | null> {
  const row = await r.selectFrom('accounts').select(['id', 'username']).where('id', '=', id).executeTakeFirst();
  return row ? { id: Number(row.id), username: row.username } : null;
}

/** Whether an address (exact lower case) is an account's primary address or alias. */
export async function isAccountAddress(r: Reader, address: string): Promise<boolean> {
  return !!(await r.selectFrom('addresses').select('address').where('address', '=', address).executeTakeFirst());
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
