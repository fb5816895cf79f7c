// The account usage side of `thutin store check`: `accounts.used_bytes` against the sum of the
// sizes of the account's messages, and recomputing it (--repair).
// Owns: these two queries only. The owner of `accounts` is src/core/accounts.ts (and the mail
// store keeps `used_bytes` in step with every insert and delete); the UPDATE lives here until it
// is folded into the accounts repository.
import { sql } from 'kysely';
import type { Reader, Tx } from '../tx.ts';

export interface UsageMismatch {
  accountId: number;
  username: string;
  usedBytes: number;
  actualBytes: number;
}

/** Accounts whose `used_bytes` differs from the sum of their messages' sizes. */
export async function usageMismatches(r: Reader, limit = 1000): Promise<UsageMismatch[]> {
  const rows = await r
    .selectFrom('accounts')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('messages')
          .innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id')
          .select(['mailboxes.account_id', (e) => e.fn.sum<number>('messages.size').as('total')])
          .groupBy('mailboxes.account_id')
          .as('u'),
      (j) => j.onRef('u.account_id', '=', 'accounts.id'),
    )
    .select(['accounts.id', 'accounts.username', 'accounts.used_bytes', sql<number>`coalesce(u.total, 0)`.as('actual')])
    .where(sql<boolean>`accounts.used_bytes <> coalesce(u.total, 0)`)
    .orderBy('accounts.id')
    .limit(limit)
    .execute();
  return rows.map((x) => ({ accountId: Number(x.id), username: x.username, usedBytes: Number(x.used_bytes), actualBytes: Number(x.actual) }));
}

/**
 * Set an account's `used_bytes` to the sum of its messages' sizes. On PostgreSQL the account row
 * is locked first, so the sum (a later statement, a later snapshot) sees every delivery that
 * committed before: deliveries update that row in their own transaction. Returns the new value.
 */
export async function recomputeUsage(tx: Tx, accountId: number, dialect: 'sqlite' | 'postgres'): Promise<number> {
  if (dialect === 'postgres') await tx.selectFrom('accounts').select('id').where('id', '=', accountId).forUpdate().execute();
  const row = await tx
    .selectFrom('messages')
    .innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id')
    .select((e) => e.fn.sum<number>('messages.size').as('total'))
    .where('mailboxes.account_id', '=', accountId)
    .executeTakeFirst();
  const total = Number(row?.total ?? 0);
  await tx.updateTable('accounts').set({ used_bytes: total }).where('id', '=', accountId).execute();
  return total;
}
