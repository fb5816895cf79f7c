// Periodic upkeep of the store: the sweep (core/reclaim.ts), compacting the `changes` log,
// pruning finished outbound queue entries, and forgetting old sign-ins, usual addresses and idle
// throttle buckets (core/sign-in.ts). One pass at start (grace 0 where this process alone
// writes the data directory — SQLite — else the orphan grace), then every interval, on an
// injectable clock and timer so tests need no sleeps.
// Owns: when upkeep runs and what one pass does; its SQL is in the repositories it calls.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../storage/schema.ts';
import { compactableMailboxes, compactMailbox } from '../storage/repositories/change-log.ts';
import { deleteDone, doneBefore } from '../storage/repositories/queue.ts';
import { dropUnreferenced } from '../storage/repositories/contents.ts';
import type { Reclaimer, SweepResult } from './reclaim.ts';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface MaintenanceOptions {
  /** Blob and temp files without a row younger than this are left alone (store.orphanGraceMs). */
  orphanGraceMs: number;
  /** Between passes (store.maintenanceIntervalMs). */
  intervalMs: number;
  /** Expunge records older than this are compacted away (store.changesRetentionMs). */
  changesRetentionMs: number;
  /** Finished queue entries older than this are pruned (outbound.doneRetentionMs). */
  doneRetentionMs: number;
  /** Only this process writes the data directory (SQLite): the first sweep may use grace 0. */
  exclusive: boolean;
  now?: () => number;
  timers?: Timers;
  log?: Logger;
}

export interface MaintenanceReport {
  sweep: SweepResult;
  changes: { mailboxes: number; removed: number };
  queue: { removed: number };
  signIns?: Record<string, number>;
  quarantine?: { removed: number };
  vacationReplies?: number;
}

/** What maintenance prunes of the sign-in records (core/sign-in.ts). */
export interface SignInPruner {
  prune(): Promise<Record<string, number>>;
}

export class StoreMaintenance {
  private readonly now: () => number;
  private readonly timers: Timers;
  private timer: unknown = null;
  private running: Promise<MaintenanceReport | null> | null = null;
  private stopped = true;
  /** Set by the composition root: sign-ins, usual addresses and idle throttle buckets past their time. */
  signIns: SignInPruner | null = null;
  /** Set by the composition root: quarantined messages past hygiene.virus.quarantineDays (core/quarantine.ts). */
  quarantine: { prune(): Promise<{ removed: number }> } | null = null;
  /** Set by the composition root: Sieve vacation replies past the longest period (core/sieve-scripts.ts). */
  vacationReplies: { pruneVacationReplies(): Promise<number> } | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly reclaimer: Reclaimer,
    private readonly opts: MaintenanceOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.timers = opts.timers ?? realTimers;
  }

  /** One pass: sweep (with `graceMs`, default the orphan grace), compact the change log, prune the queue. */
  async runOnce(o: { graceMs?: number } = {}): Promise<MaintenanceReport> {
    // Queue first: the contents rows its entries held may go with them, and the sweep then sees their blobs.
    const queue = await this.pruneQueue();
    const quarantine = this.quarantine ? await this.quarantine.prune() : undefined;
    const changes = await this.compactChanges();
    const sweep = await this.reclaimer.sweep({ graceMs: o.graceMs ?? this.opts.orphanGraceMs });
    const signIns = this.signIns ? await this.signIns.prune() : undefined;
    const vacationReplies = this.vacationReplies ? await this.vacationReplies.pruneVacationReplies() : undefined;
    return { sweep, changes, queue, signIns, ...(quarantine ? { quarantine } : {}), ...(vacationReplies !== undefined ? { vacationReplies } : {}) };
  }

  /**
   * Delete `changes` rows created more than `changesRetentionMs` ago, per mailbox up to the highest
   * such MODSEQ, and raise the mailbox's `changes_floor` above it in the same transaction.
   */
  async compactChanges(): Promise<{ mailboxes: number; removed: number }> {
    const cutoff = this.now() - this.opts.changesRetentionMs;
    let mailboxes = 0;
    let removed = 0;
    for (;;) {
      const due = await compactableMailboxes(this.db, cutoff, 500);
      for (const d of due) {
        removed += await this.db.transaction().execute((tx) => compactMailbox(tx, d.mailboxId, d.maxModseq));
        mailboxes++;
      }
      if (due.length < 500) return { mailboxes, removed };
    }
  }

  /** Delete finished queue entries created more than `doneRetentionMs` ago (their recipients go with them). */
  async pruneQueue(): Promise<{ removed: number }> {
    const cutoff = this.now() - this.opts.doneRetentionMs;
    let removed = 0;
    for (;;) {
      const due = await doneBefore(this.db, cutoff, 500);
      if (!due.length) return { removed };
      const freed = await this.db.transaction().execute(async (tx) => {
        const shas = await deleteDone(
          tx,
          due.map((d) => d.id),
        );
        removed += shas.length;
        // A finished entry no longer references its content; should a row still be there, it goes now.
        return dropUnreferenced(tx, shas);
      });
      await this.reclaimer.release(freed);
      if (due.length < 500) return { removed };
    }
  }

  /** Run a pass now (grace 0 when exclusive, else the orphan grace), then every `intervalMs`, until `stop`. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0, this.opts.exclusive ? 0 : this.opts.orphanGraceMs);
  }

  /** Stop the timer and wait for a pass in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** The pass in progress, if any (tests). */
  get idle(): Promise<unknown> {
    return this.running ?? Promise.resolve(null);
  }

  private schedule(delayMs: number, graceMs: number): void {
    if (this.stopped) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.running = this.runOnce({ graceMs })
        .then((r) => {
          this.opts.log?.info({ maintenance: r }, 'bảo trì kho thư / store maintenance');
          return r;
        })
        .catch((e: unknown) => {
          this.opts.log?.warn({ err: e }, 'bảo trì kho thư thất bại / store maintenance failed');
          return null;
        })
        .finally(() => {
          this.running = null;
          this.schedule(this.opts.intervalMs, this.opts.orphanGraceMs);
        });
    }, delayMs);
  }
}
