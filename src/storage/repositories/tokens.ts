// The API tokens repository: the only code that reads or writes the `api_tokens` table.
// Owns: storing a token's hash with its account and expiry, finding the session a hash opens
// (with the account's name and flags, read from `accounts`), and removing tokens. Hashing,
// lifetimes and caching are core/tokens.ts's.
import type { Reader, Tx } from '../tx.ts';

export interface TokenSessionRow {
  accountId: number;
  expiresAt: number;
  username: string;
  accountStatus: string;
  mustChangePassword: boolean;
}

export async function insertToken(tx: Tx, t: { tokenHash: string; accountId: number; createdAt: number; expiresAt: number }): Promise<void> {
  await tx.insertInto('api_tokens').values({ token_hash: t.tokenHash, account_id: t.accountId, created_at: t.createdAt, expires_at: t.expiresAt }).execute();
}

/** Remove tokens that expired at or before `now`. */
export async function deleteExpiredTokens(tx: Tx, now: number): Promise<void> {
  await tx.deleteFrom('api_tokens').where('expires_at', '<=', now).execute();
}

export async function sessionByTokenHash(r: Reader, tokenHash: string): Promise<TokenSessionRow | null> {
  const row = await r
    .selectFrom('api_tokens')
    .innerJoin('accounts', 'accounts.id', 'api_tokens.account_id')
    .select(['api_tokens.account_id', 'api_tokens.expires_at', 'accounts.username', 'accounts.status', 'accounts.must_change_password'])
    .where('api_tokens.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row) return null;
  return {
    accountId: Number(row.account_id),
    expiresAt: Number(row.expires_at),
    username: row.username,
    accountStatus: row.status,
    mustChangePassword: Number(row.must_change_password) === 1,
  };
}

export async function deleteToken(tx: Tx, tokenHash: string): Promise<void> {
  await tx.deleteFrom('api_tokens').where('token_hash', '=', tokenHash).execute();
}

/** Remove every token of an account, except the one hashed `keepHash` when given. */
export async function deleteAccountTokens(tx: Tx, accountId: number, keepHash?: string): Promise<void> {
  let q = tx.deleteFrom('api_tokens').where('account_id', '=', accountId);
  if (keepHash) q = q.where('token_hash', '<>', keepHash);
  await q.execute();
}
