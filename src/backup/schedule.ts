// The backup schedule of `serve` (`backup.schedule`: 'daily 02:00' or '02:00'; '' = none), in the
// server's local time: when the next backup is due (pure, `nextRun`), and the scheduler that waits
// for it with an injectable clock and timer, makes the set (`backup.dir`, `backup.passphraseFile`),
// then rotates the folder by `backup.keep`. A failure is logged and recorded for `thutin doctor`.
// Owns: parsing the schedule, the next run, the scheduled run.
import fs from 'node:fs';
import type { Logger } from 'pino';
import type { BackupService } from './backup.ts';
import { rotateFolder, type Keep } from './rotation.ts';

export interface Schedule {
  hour: number;
  minute: number;
}

/** 'daily HH:MM' or 'HH:MM' → the time of day; '' → null (no schedule). Throws on anything else. */
export function parseSchedule(s: string): Schedule | null {
  const t = s.trim();
  if (!t) return null;
  const m = /^(?:daily\s+)?([01]?\d|2[0-3]):([0-5]\d)$/i.exec(t);
  if (!m) throw new Error(`backup.schedule "${s}": cần 'daily HH:MM' / expected 'daily HH:MM'`);
  return { hour: Number(m[1]), minute: Number(m[2]) };
}

/** The first time after `now` at the schedule's time of day, in a zone `offsetMin` minutes east of UTC. */
export function nextRun(now: Date, s: Schedule, offsetMin: number): Date {
  const local = new Date(now.getTime() + offsetMin * 60_000);
  let at = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), s.hour, s.minute) - offsetMin * 60_000;
  if (at <= now.getTime()) at += 86_400_000;
  return new Date(at);
}

export interface SchedulerOptions {
  schedule: string;
  dir: string;
  keep: Keep;
  passphraseFile?: string;
  /** A public key's PEM file: the sets are encrypted to it (recipient-key.ts). */
  recipientKeyFile?: string;
  log: Logger;
  now?: () => Date;
  /** Minutes east of UTC (default: this machine's zone). */
  offsetMin?: number;
  setTimer?: (fn: () => void, ms: number) => { cancel(): void };
}

export class BackupScheduler {
  private timer: { cancel(): void } | null = null;
  private current: Promise<void> | null = null;
  private stopped = false;
  private readonly now: () => Date;
  private readonly at: Schedule | null;

  constructor(
    private readonly backup: BackupService,
    private readonly o: SchedulerOptions,
  ) {
    this.now = o.now ?? (() => new Date());
    this.at = parseSchedule(o.schedule);
  }

  get enabled(): boolean {
    return this.at !== null && this.o.dir !== '';
  }

  /** When the next backup is due (null: no schedule). */
  next(): Date | null {
    return this.at ? nextRun(this.now(), this.at, this.o.offsetMin ?? -new Date().getTimezoneOffset()) : null;
  }

  start(): void {
    if (!this.enabled || this.stopped) return;
    const due = this.next()!;
    const set =
      this.o.setTimer ??
      ((fn, ms) => {
        const t = setTimeout(fn, ms);
        t.unref();
        return { cancel: () => clearTimeout(t) };
      });
    // Timers cannot wait more than 2^31 ms; a day is far below.
    this.timer = set(
      () => {
        this.current = this.runOnce().finally(() => {
          this.current = null;
          this.start();
        });
      },
      Math.max(0, due.getTime() - this.now().getTime()),
    );
  }

  /** One scheduled backup and rotation now. */
  async runOnce(): Promise<void> {
    try {
      const passphrase = this.o.passphraseFile ? fs.readFileSync(this.o.passphraseFile, 'utf8').split(/\r?\n/)[0] : undefined;
      const recipientKey = this.o.recipientKeyFile ? fs.readFileSync(this.o.recipientKeyFile, 'utf8') : undefined;
      const r = await this.backup.create({ dir: this.o.dir, passphrase, recipientKey, actor: 'system:backup-schedule' });
      const rot = await rotateFolder(this.o.dir, this.o.keep, { offsetMin: this.o.offsetMin, passphrase });
      this.o.log.info({ set: r.set, storedBytes: r.manifest.totals.storedBytes, removed: rot.removed }, 'đã sao lưu / backup made');
    } catch (e) {
      this.o.log.error({ err: e }, 'sao lưu theo lịch thất bại / scheduled backup failed');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
    await this.current;
  }
}
