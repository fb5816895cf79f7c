// Group commit: deliveries that arrive while a transaction is being written join the next one,
// so twenty SMTP sessions finishing at once cost one commit (one fsync) instead of twenty —
// the way databases and Postfix's queue manager amortise durable writes. Each caller still
// resolves only after the transaction holding its work has committed. If a batch fails, its
// members are retried one by one, so one bad delivery never fails the others.
// On SQLite the batch's commit does not hold the event loop while the disk syncs: the WAL file is
// fsynced in the thread pool after the commit, before any caller is told (DeferredCommitSync in
// storage/sqlite-statements.ts), so the other sessions go on meanwhile and join the next batch.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';
import type { DeferredCommitSync } from './sqlite-statements.ts';

type Work<T> = (trx: Transaction<Database>) => Promise<T>;

interface Pending {
  work: Work<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export class GroupCommit {
  private queue: Pending[] = [];
  private running = false;
  /** Transactions committed as batches, and batches that had to be retried one by one. */
  readonly stats = { batches: 0, retried: 0 };

  constructor(
    private readonly db: Kysely<Database>,
    private readonly maxBatch = 64,
    /** SQLite: the batch's commit is synced in the thread pool, not on the event loop (storage/sqlite-statements.ts). */
    private readonly deferred: DeferredCommitSync | null = null,
  ) {}

  /**
   * One batch in one transaction. With a deferred sync, the transaction is armed while this holds
   * the connection (so the next BEGIN is its own) and the WAL is synced after its commit, before
   * anyone is told.
   */
  private async transaction<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    const deferred = this.deferred;
    if (!deferred) return this.db.transaction().execute(work);
    const out = await this.db.connection().execute(async (conn) => {
      deferred.arm();
      try {
        return await conn.transaction().execute(work);
      } finally {
        deferred.disarm();
      }
    });
    this.committed = true;
    await deferred.sync();
    return out;
  }

  /** Set when the current batch's transaction committed (a failed sync then fails it, without retries). */
  private committed = false;

  run<T>(work: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length) {
        // Let pending I/O run first (other sessions finishing their DATA), so they join this
        // batch: with a synchronous driver (better-sqlite3) nothing else runs during a commit.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const batch = this.queue.splice(0, this.maxBatch);
        const results: unknown[] = [];
        this.committed = false;
        try {
          await this.transaction(async (trx) => {
            for (const p of batch) results.push(await p.work(trx));
          });
          this.stats.batches++;
          batch.forEach((p, i) => p.resolve(results[i]));
        } catch (e) {
          // Committed but not known to be on disk (the WAL's fsync failed): no retry, that would write it twice.
          if (batch.length === 1 || this.committed) {
            for (const p of batch) p.reject(e);
            continue;
          }
          this.stats.retried++;
          for (const p of batch) {
            try {
              p.resolve(await this.db.transaction().execute((trx) => p.work(trx)));
            } catch (err) {
              p.reject(err);
            }
          }
        }
      }
    } finally {
      this.running = false;
    }
  }
}
