// Summarise a V8 .cpuprofile (from `node --cpu-prof`, e.g. BENCH_THUTIN_NODE_ARGS="--cpu-prof
// --cpu-prof-dir=/tmp/prof" on bench/smtp-ingest.ts): self time by function and by where the code
// lives (a node_modules package, a src/ folder, node: internals, GC, idle), and, given a message
// count, the self time per message.
// `node --import tsx bench/cpuprofile-top.ts FILE.cpuprofile [messages] [top]`
import fs from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function place(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  if (url.startsWith('node:')) return url.split('/')[0];
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 14).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const src = /\/(src|bench|test)\/(.*)$/.exec(url);
  if (src) {
    const parts = src[2].split('/');
    return `${src[1]}/${parts.length > 1 ? parts[0] + '/' : ''}${parts.length > 2 ? parts[1] + '/' : ''}`.replace(/\/$/, '') || src[1];
  }
  return url;
}

export function summarise(p: Profile): { totalMs: number; byFn: Map<string, number>; byPlace: Map<string, number> } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  const byFn = new Map<string, number>();
  const byPlace = new Map<string, number>();
  let totalMs = 0;
  for (const [id, ms] of self) {
    const n = byId.get(id)!;
    const f = n.callFrame;
    const file = f.url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules|src)\//, '$1/');
    const key = `${f.functionName || '(anonymous)'} ${file ? `${file}:${f.lineNumber + 1}` : ''}`.trim();
    byFn.set(key, (byFn.get(key) ?? 0) + ms);
    const pl = place(f.url, f.functionName);
    byPlace.set(pl, (byPlace.get(pl) ?? 0) + ms);
    totalMs += ms;
  }
  return { totalMs, byFn, byPlace };
}

function main(): void {
  const [file, msgs, topArg] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: cpuprofile-top.ts FILE.cpuprofile [messages] [top]\n');
    process.exit(2);
  }
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const { totalMs, byFn, byPlace } = summarise(p);
  const idle = byFn.get('(idle)') ?? 0;
  const busy = totalMs - idle;
  const n = Number(msgs) || 0;
  const top = Number(topArg) || 30;
  const per = (ms: number) => (n ? `  ${((ms * 1000) / n).toFixed(0).padStart(6)} µs/msg` : '');
  const line = (k: string, ms: number) => `${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / busy).toFixed(1).padStart(5)} %${per(ms)}  ${k}`;
  process.stdout.write(
    `profile ${file}: ${(totalMs / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s busy (not idle)${n ? `, ${n} messages: ${((busy * 1000) / n).toFixed(0)} µs busy per message` : ''}\n\n`,
  );
  process.stdout.write('self time by place (% of busy):\n');
  for (const [k, ms] of [...byPlace]
    .filter(([k]) => k !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, top))
    process.stdout.write(line(k, ms) + '\n');
  process.stdout.write('\nself time by function (% of busy):\n');
  for (const [k, ms] of [...byFn]
    .filter(([k]) => k !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, top))
    process.stdout.write(line(k, ms) + '\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) main();
