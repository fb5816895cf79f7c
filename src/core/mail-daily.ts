// Mail per day (issue 11, R5.9): the history behind the console's "mail per day in and out" chart.
// Fed by the same mail flow as /metrics' thutin_mail_messages_total (core/events.ts): `in` copies
// delivered into local mailboxes (mail imported, migrated or restored is not received mail and is
// not counted), `out` recipients accepted by remote servers. Counts wait in memory and are added
// to the day's row at most every `flushMs` (one upsert per day and direction, not one per message),
// before every read, and when the app closes. The day is the server's local calendar day.
// Owns: when the daily counters are written and how they are read (rows through repositories/mail-daily.ts).
import type { Reader } from '../storage/tx.ts';
import { addDaily, dailyBetween } from '../storage/repositories/mail-daily.ts';
import type { MailEvents } from './events.ts';

export interface MailDay {
  day: string;
  in: number;
  out: number;
}

/** YYYY-MM-DD of a time, in the server's local calendar. */
export function localDay(t: number): string {
  const d = new Date(t);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export class MailDaily {
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private readonly off: () => void;

  constructor(
    private readonly db: Reader,
    events: MailEvents,
    private readonly opts: { now?: () => number; flushMs?: number } = {},
  ) {
    this.off = events.onMailFlow((direction: 'in' | 'out', n: number, ...rest: unknown[]) => {
      const origin = (rest[0] as string | undefined) ?? 'delivery';
      if (direction === 'in' && origin !== 'delivery') return;
      this.add(direction, n);
    });
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  add(direction: 'in' | 'out', n: number): void {
    const key = `${localDay(this.now())}|${direction}`;
    this.pending.set(key, (this.pending.get(key) ?? 0) + n);
    this.timer ??= setTimeout(() => {
      this.timer = null;
      void this.flush().catch(() => undefined);
    }, this.opts.flushMs ?? 10_000).unref();
  }

  /** Write what waits in memory (chained: two flushes never add the same counts twice). */
  flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    const run = this.flushing.then(async () => {
      for (const [key, n] of batch) {
        const [day, direction] = key.split('|') as [string, 'in' | 'out'];
        try {
          await addDaily(this.db, day, direction, n);
        } catch (e) {
          this.pending.set(key, (this.pending.get(key) ?? 0) + n); // kept for the next flush
          throw e;
        }
      }
    });
    this.flushing = run.catch(() => undefined);
    return run;
  }

  /** The last `days` days up to today, oldest first, every day named (0 when nothing passed). */
  async lastDays(days: number): Promise<MailDay[]> {
    await this.flush();
    const today = this.now();
    const names: string[] = [];
    for (let i = days - 1; i >= 0; i--) {
      const d = new Date(today);
      d.setDate(d.getDate() - i);
      names.push(localDay(d.getTime()));
    }
    const rows = await dailyBetween(this.db, names[0], names[names.length - 1]);
    const by = new Map(names.map((day) => [day, { day, in: 0, out: 0 }]));
    for (const r of rows) {
      const d = by.get(r.day);
      if (d) d[r.direction] += r.messages;
    }
    return [...by.values()];
  }

  async stop(): Promise<void> {
    this.off();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush().catch(() => undefined);
  }
}
