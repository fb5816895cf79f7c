// Purges after retention, on their own (issue 11, R6.3): `serve` runs `runDue(now)` at start and
// every `directory.purgeIntervalMs` (0 = never; purges by hand only). Each leaver whose retention
// has passed (directory/retention.ts: 6 months, 12 for leaders) is purged through the directory —
// the account with its folders, messages, contents (their folded search text) and then blobs, the
// addresses into quarantine, a tombstone in the history — audited `person.purge` by actor
// `retention` with the reason saying so. One that cannot go yet (a legal hold, issue 14) is left for
// the next run and logged. The clock is a parameter (tests pass a fake one).
// Owns: the schedule and the run of due purges.
import type { Logger } from 'pino';
import { ThutinError } from '../core/errors.ts';
import { formatDate } from './csv.ts';

export interface PurgeTarget {
  duePurges(now: number): Promise<number[]>;
  purgeableFrom(id: number): Promise<number | null>;
  purgePerson(id: number, ctx: { actor: string; reason?: string }, now?: number): Promise<void>;
}

export class PurgeSchedule {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly directory: PurgeTarget,
    private readonly opts: { intervalMs: number; log: Logger; now?: () => number },
  ) {}

  /** Purge every leaver whose retention has passed at `now`; what could not go is named with its error. */
  async runDue(now = (this.opts.now ?? Date.now)()): Promise<{ purged: number[]; failed: Array<{ id: number; error: string }> }> {
    const out = { purged: [] as number[], failed: [] as Array<{ id: number; error: string }> };
    for (const id of await this.directory.duePurges(now)) {
      const from = await this.directory.purgeableFrom(id);
      try {
        await this.directory.purgePerson(id, { actor: 'retention', reason: `Hết thời hạn lưu giữ ngày ${from === null ? '-' : formatDate(from)} / retention ended` }, now);
        out.purged.push(id);
      } catch (e) {
        const error = e instanceof ThutinError ? `${e.code}: ${e.message}` : String(e);
        out.failed.push({ id, error });
        this.opts.log.warn({ person: id, error }, 'xoá hộp thư hết hạn lưu giữ thất bại / purge after retention failed');
      }
    }
    if (out.purged.length) this.opts.log.info({ purged: out.purged }, 'đã xoá hộp thư hết hạn lưu giữ / purged after retention');
    return out;
  }

  start(): void {
    if (this.timer || this.opts.intervalMs <= 0) return;
    const tick = () => {
      this.running = this.runDue()
        .catch((e: unknown) => this.opts.log.warn({ err: e }, 'xoá hộp thư hết hạn lưu giữ thất bại / purges after retention failed'))
        .finally(() => {
          this.running = null;
          if (this.timer) this.timer = setTimeout(tick, this.opts.intervalMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
