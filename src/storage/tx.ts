// The one way a transaction is passed around: a `Tx` (kysely's Transaction over our schema),
// given as a parameter to the repository or service method that takes part in it. Reads that
// need no transaction take a `Reader` (the database itself; a Tx is also a Reader).
// Owns: the Tx and Reader types, and `Transactor`, the one way to open a transaction.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';

/** A transaction in progress. Work given one joins it; committing is its opener's business. */
export type Tx = Transaction<Database>;

/** Something to read from: the database, or a transaction in progress. */
export type Reader = Kysely<Database>;

/** Opens transactions: `transaction(work)` commits when `work` resolves, rolls back when it throws. */
export interface Transactor {
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
}

/** A Transactor over a kysely database. */
export function transactor(db: Kysely<Database>): Transactor {
  return { transaction: (work) => db.transaction().execute(work) };
}

const postgresByAdapter = new WeakMap<object, boolean>();

/** Whether `r` runs on PostgreSQL (row locks, advisory locks), learnt once per adapter. */
export function isPostgres(r: Reader): boolean {
  const adapter = r.getExecutor().adapter;
  let v = postgresByAdapter.get(adapter);
  if (v === undefined) {
    v = adapter.constructor.name.toLowerCase().includes('postgres');
    postgresByAdapter.set(adapter, v);
  }
  return v;
}
