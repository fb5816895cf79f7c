// The maildrop-lock repository: the only code that reads or writes `maildrop_locks` (migration
// 0010): one row per account whose maildrop a POP3 session holds, naming the holder and when the
// hold lapses unless renewed. Every statement is one atomic write, so two processes (several
// `serve` on PostgreSQL) cannot both take a lock. No rules: core/maildrop-locks.ts decides.
// Owns: taking (insert, or take over a lapsed row), renewing, releasing and reading the rows.
import type { Reader } from '../tx.ts';

/** Take the lock of an account for `holder` until `expiresAt`, if no one holds it or the hold lapsed before `now`. */
export async function tryTake(r: Reader, accountId: number, holder: string, now: number, expiresAt: number): Promise<boolean> {
  const row = await r
    .insertInto('maildrop_locks')
    .values({ account_id: accountId, holder, expires_at: expiresAt })
    .onConflict((oc) => oc.column('account_id').doUpdateSet({ holder, expires_at: expiresAt }).where('maildrop_locks.expires_at', '<', now))
    .returning('holder')
    .executeTakeFirst();
  return row?.holder === holder;
}

/** Push the lapse time of a lock `holder` has; false when it is no longer theirs. */
export async function renew(r: Reader, accountId: number, holder: string, expiresAt: number): Promise<boolean> {
  const res = await r.updateTable('maildrop_locks').set({ expires_at: expiresAt }).where('account_id', '=', accountId).where('holder', '=', holder).executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** Let go of a lock `holder` has (nothing when another took it over). */
export async function release(r: Reader, accountId: number, holder: string): Promise<void> {
  await r.deleteFrom('maildrop_locks').where('account_id', '=', accountId).where('holder', '=', holder).execute();
}

/** Who holds an account's lock, and until when (tests, diagnostics). */
export async function holderOf(r: Reader, accountId: number): Promise<{ holder: string; expiresAt: number } | null> {
  const row = await r.selectFrom('maildrop_locks').select(['holder', 'expires_at']).where('account_id', '=', accountId).executeTakeFirst();
  return row ? { holder: row.holder, expiresAt: Number(row.expires_at) } : null;
}
