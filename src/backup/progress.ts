// Progress of a backup, a verify or a restore: a bar with the rate and an ETA redrawn in place on
// a terminal, plain lines (each phase's start, every 10 %, its end) when the output is not a TTY.
// Owns: how progress is told; the backup code only says phases and amounts.

export interface Progress {
  /** A phase begins: its label and its total (bytes, or items). */
  start(label: string, total: number, unit: 'B' | 'items'): void;
  advance(n: number): void;
  end(): void;
  /** A line of its own (a retry, a warning). */
  note(line: string): void;
}

export const silentProgress: Progress = { start() {}, advance() {}, end() {}, note() {} };

function amount(n: number, unit: 'B' | 'items'): string {
  if (unit === 'items') return String(Math.round(n));
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(0)} KB`;
  return `${n} B`;
}

function duration(s: number): string {
  if (!Number.isFinite(s)) return '--:--';
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const two = (x: number) => String(x).padStart(2, '0');
  return h ? `${h}:${two(m % 60)}:${two(Math.floor(s % 60))}` : `${two(m)}:${two(Math.floor(s % 60))}`;
}

/** Progress on `out` (standard error by default): a bar on a TTY, plain lines otherwise. `now` for tests. */
export function streamProgress(out: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean } = process.stderr, now: () => number = Date.now): Progress {
  const tty = Boolean(out.isTTY);
  let label = '';
  let unit: 'B' | 'items' = 'B';
  let total = 0;
  let done = 0;
  let began = 0;
  let lastDraw = 0;
  let lastTenth = -1;
  const draw = (final: boolean) => {
    const t = now();
    if (tty && !final && t - lastDraw < 100) return;
    lastDraw = t;
    const secs = (t - began) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    const eta = rate > 0 ? (total - done) / rate : Infinity;
    const tail = `${amount(done, unit)}/${amount(total, unit)} ${unit === 'B' ? amount(rate, 'B') + '/s' : Math.round(rate) + '/s'} ETA ${final ? duration(0) : duration(eta)}`;
    if (tty) {
      const width = 30;
      const fill = Math.round(frac * width);
      out.write(`\r${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${Math.floor(frac * 100)}% ${tail}\x1b[K${final ? '\n' : ''}`);
    } else {
      const tenth = Math.floor(frac * 10);
      if ((final && lastTenth < 10) || tenth > lastTenth) {
        lastTenth = tenth;
        out.write(`${label}: ${Math.floor(frac * 100)}% ${tail}\n`);
      }
    }
  };
  return {
    start(l, t, u) {
      label = l;
      total = t;
      unit = u;
      done = 0;
      began = now();
      lastTenth = -1;
      lastDraw = 0;
      draw(false);
    },
    advance(n) {
      done += n;
      draw(false);
    },
    end() {
      done = Math.max(done, total);
      draw(true);
    },
    note(line) {
      out.write(`${tty ? '\r\x1b[K' : ''}${line}\n`);
    },
  };
}
