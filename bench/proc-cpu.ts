// Owns: the CPU time a set of process trees has used, read from /proc (Linux), for the benches'
// "CPU ms per message" column. On a machine shared by many, wall-clock rates swing with the load;
// the CPU a server spends per accepted message does much less, and on a small machine it bounds
// the throughput. A tree's CPU is, over every live process under its roots, utime + stime (its own)
// + cutime + cstime (its children that ended and were reaped: Postfix's smtpd and cleanup, a
// Dovecot lmtp that exited). A process that ended is counted once, in its parent's c-fields; so
// take the difference of two readings taken around a batch, with the roots alive through it.
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';

let ticks = 0;
/** Clock ticks per second of /proc's times (CLK_TCK, 100 on Linux almost always). */
function clockTicks(): number {
  if (!ticks) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

interface Stat {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime, in clock ticks. */
  total: number;
}

function readStat(pid: number): Stat | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // ended meanwhile
  }
  // The command name is in parentheses and may hold spaces: the fields start after the last ')'.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // f[0] state (field 3), f[1] ppid (4), f[11..14] utime stime cutime cstime (14..17)
  return { pid, ppid: Number(f[1]), total: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) };
}

/** CPU milliseconds used so far by the trees rooted at `roots` (live processes and their reaped children). */
export function treeCpuMs(roots: number[]): number {
  const all: Stat[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) all.push(s);
  }
  const children = new Map<number, Stat[]>();
  for (const s of all) {
    const list = children.get(s.ppid);
    if (list) list.push(s);
    else children.set(s.ppid, [s]);
  }
  const byPid = new Map(all.map((s) => [s.pid, s]));
  const seen = new Set<number>();
  let sum = 0;
  const walk = (s: Stat) => {
    if (seen.has(s.pid)) return;
    seen.add(s.pid);
    sum += s.total;
    for (const c of children.get(s.pid) ?? []) walk(c);
  };
  for (const r of roots) {
    const s = byPid.get(r);
    if (s) walk(s);
  }
  return (sum * 1000) / clockTicks();
}

/** This process's own CPU milliseconds (user + system): for a server running inside the bench process. */
export function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** A meter over named parts: `start()` reads them all, `stop()` returns each part's CPU ms since. */
export function cpuMeter<K extends string>(parts: Record<K, () => number>): { start(): void; stop(): Record<K, number> } {
  let base: Record<string, number> = {};
  const read = () => Object.fromEntries(Object.entries<() => number>(parts).map(([k, f]) => [k, f()]));
  return {
    start() {
      base = read();
    },
    stop() {
      const now = read();
      return Object.fromEntries(Object.keys(parts).map((k) => [k, now[k] - base[k]])) as Record<K, number>;
    },
  };
}
