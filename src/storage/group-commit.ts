// Group commit: deliveries that arrive while a transaction is being written join the next one,
// so twenty SMTP sessions finishing at once cost one commit (one fsync) instead of twenty —
// the way databases and Postfix's queue manager amortise durable writes. Each caller still
// resolves only after the transaction holding its work has committed. If a batch fails, its
// members are retried one by one, so one bad delivery never fails the others.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';

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
  ) {}

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
        try {
          await this.db.transaction().execute(async (trx) => {
            for (const p of batch) results.push(await p.work(trx));
          });
          this.stats.batches++;
          batch.forEach((p, i) => p.resolve(results[i]));
        } catch (e) {
          if (batch.length === 1) {
            batch[0].reject(e);
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
