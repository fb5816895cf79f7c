// Owns: how a migration's progress is shown — on a terminal, one bar per mailbox being migrated
// and one for the whole run, redrawn in place (at most every 100 ms); elsewhere (a log, a pipe)
// plain lines: each mailbox's start and end and the whole run every 10 %.

export interface MigrationProgress {
  /** A mailbox begins: how many messages this run will look at in it. */
  start(mailbox: string, total: number): void;
  advance(mailbox: string, n: number): void;
  /** A mailbox is done; `line` sums it up. */
  end(mailbox: string, line: string): void;
  /** The run is over. */
  close(): void;
}

export const silentMigrationProgress: MigrationProgress = { start() {}, advance() {}, end() {}, close() {} };

interface Bar {
  total: number;
  done: number;
  began: number;
}

function bar(label: string, b: Bar, now: number, width = 24): string {
  const frac = b.total > 0 ? Math.min(1, b.done / b.total) : 1;
  const fill = Math.round(frac * width);
  const secs = (now - b.began) / 1000;
  const rate = secs > 0 ? b.done / secs : 0;
  const eta = rate > 0 ? Math.max(0, (b.total - b.done) / rate) : NaN;
  const two = (x: number) => String(Math.floor(x)).padStart(2, '0');
  const etaText = Number.isFinite(eta) ? `${two(eta / 60)}:${two(eta % 60)}` : '--:--';
  return `${label.padEnd(32).slice(0, 32)} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${String(Math.floor(frac * 100)).padStart(3)}% ${b.done}/${b.total} ${rate.toFixed(0)}/s ETA ${etaText}`;
}

/** Progress on `out` (standard error): bars on a TTY, lines otherwise. `mailboxes`: how many the run has. */
export function migrationProgress(mailboxes: number, out: { write(s: string): unknown; isTTY?: boolean } = process.stderr, now: () => number = Date.now): MigrationProgress {
  const tty = Boolean(out.isTTY);
  const active = new Map<string, Bar>();
  const overall: Bar = { total: 0, done: 0, began: now() };
  let finished = 0;
  let drawn = 0; // lines drawn last time (TTY)
  let lastDraw = 0;
  let lastTenth = -1;
  const overallLabel = () => `Tất cả / all (${finished}/${mailboxes})`;
  const draw = (force = false) => {
    const t = now();
    if (!tty) {
      const tenth = overall.total ? Math.floor((overall.done / overall.total) * 10) : 0;
      if (tenth > lastTenth) {
        lastTenth = tenth;
        out.write(bar(overallLabel(), overall, t) + '\n');
      }
      return;
    }
    if (!force && t - lastDraw < 100) return;
    lastDraw = t;
    const lines = [...[...active].map(([name, b]) => bar(name, b, t)), bar(overallLabel(), overall, t)];
    out.write((drawn ? `\x1b[${drawn}A\r` : '') + lines.map((l) => `${l}\x1b[K`).join('\n') + '\n' + (drawn > lines.length ? '\x1b[J' : ''));
    drawn = lines.length;
  };
  const say = (line: string) => {
    if (tty && drawn) out.write(`\x1b[${drawn}A\r\x1b[J`);
    drawn = 0;
    out.write(line + '\n');
    draw(true);
  };
  return {
    start(mailbox, total) {
      active.set(mailbox, { total, done: 0, began: now() });
      overall.total += total;
      if (!tty) out.write(`${mailbox}: bắt đầu / started, ${total} thư / messages\n`);
      draw(true);
    },
    advance(mailbox, n) {
      const b = active.get(mailbox);
      if (b) b.done += n;
      overall.done += n;
      draw();
    },
    end(mailbox, line) {
      active.delete(mailbox);
      finished++;
      say(line);
    },
    close() {
      overall.done = Math.max(overall.done, overall.total);
      if (tty) draw(true);
      else out.write(bar(overallLabel(), overall, now()) + '\n');
    },
  };
}
