// Owns: the mixed-command IMAP stress benchmark (issue 13): BENCH_STRESS_CLIENTS clients (default
// 50) for BENCH_STRESS_SECONDS (default 60) on one folder of one account, each running imaptest's
// mix — SELECT, FETCH, STORE, EXPUNGE, APPEND and IDLE (test/helpers/imap-stress-client.ts, the
// client of test/e2e/imap-conformance-stress.test.ts) — against thutin and against Dovecot (Debian's
// dovecot-imapd, started privately as bench/peers.ts does: implicit TLS on loopback, the same
// certificate, the same argon2id hash) in the same run, the servers taking turns
// (BENCH_STRESS_ROUNDS rounds, default 1, the order swapped each round). Measured: commands
// completed per second, all clients together. Each client checks what it is told (no flag,
// keyword, EXISTS or EXPUNGE contradicting what it saw before, \Recent in one session only) and
// the clients compare their views at the end; a contradiction is reported for that server. The
// folder starts with 20 messages of the bench corpus (bench/corpus.ts); APPEND adds others from it.
// Writes its section of docs/BENCHMARKS.md (BENCH_OUT) with the load average before and after.
// Run alone: `npm run bench -- imap-stress` (bench/run.sh installs the peers and cleans up).
// BENCH_THUTIN_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" profiles thutin (bench/cpuprofile-top.ts).
// BENCH_STRESS_PEER=0 runs thutin alone (a development run: logged, nothing written).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IMAP_USER, PASSWORD, PORTS, assertPortFree, benchCertificate, envInt, log, processTree } from './env.ts';
import { generateCorpus } from './corpus.ts';
import { startDovecot, type DovecotInstance } from './peers.ts';
import { addThutinAccount, startThutin, thutinPasswordHash, writeThutinConfig, type ThutinInstance } from './thutin.ts';
import { writeImapStressSection } from './report.ts';
import { ImapConn } from './imap-client.ts';
import { StressClient, checkpointAll, type StressShared } from '../test/helpers/imap-stress-client.ts';
import { rng } from '../test/helpers/rng.ts';

const CLIENTS = envInt('BENCH_STRESS_CLIENTS', 50);
const SECONDS = envInt('BENCH_STRESS_SECONDS', 60);
const ROUNDS = envInt('BENCH_STRESS_ROUNDS', 1);
const WITH_PEER = process.env.BENCH_STRESS_PEER !== '0';
const FOLDER = 'Stress';
const SEED_MESSAGES = 20;
const OUT = process.env.BENCH_OUT ?? path.resolve(import.meta.dirname, '..', 'docs', 'BENCHMARKS.md');

interface Target {
  name: 'thutin' | 'Dovecot';
  port: number;
  /** The server's main process: its tree's CPU time is read from /proc. */
  pid: () => number;
}

/** CPU seconds used by a process tree: each process's own, and what it reaped of its children (Dovecot's ended imap processes). */
function cpuSeconds(root: number): number {
  let ticks = 0;
  for (const pid of processTree(root)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]); // utime stime cutime cstime
    } catch {
      /* ended meanwhile */
    }
  }
  return ticks / 100; // USER_HZ
}

interface StressRun {
  /** CPU seconds the server used during the mix. */
  cpu: number;
  /** STORE echoes showing another session's later change (not a contradiction; see StressShared). */
  echoLater: number;
  commands: number;
  seconds: number;
  rate: number;
  errors: string[];
  messagesAtEnd: number;
  load: string;
}

const loadavg = (): string =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

/** The folder with its first messages, over one connection. */
async function seed(t: Target, corpus: Buffer[]): Promise<void> {
  const c = await ImapConn.connect(t.port);
  try {
    await c.login(IMAP_USER, PASSWORD);
    await c.ok(`CREATE ${FOLDER}`);
    for (const m of corpus) await c.ok([`APPEND ${FOLDER} () `, m]);
  } finally {
    await c.logout();
  }
}

async function stress(t: Target, pool: Buffer[], round: number): Promise<StressRun> {
  const shared: StressShared = { recentOwner: new Map(), errors: [], lenientEcho: true, echoLater: 0 };
  const clients: StressClient[] = [];
  for (let i = 0; i < CLIENTS; i++) clients.push(await StressClient.connect(i + 1, t.port, shared));
  // One login after another, as clients arriving over time do.
  for (const c of clients) await c.run(`LOGIN ${IMAP_USER} "${PASSWORD}"`);
  const before = clients.reduce((a, c) => a + c.commands, 0);
  let next = round * 100_003;
  const message = () => pool[next++ % pool.length];
  const cpu0 = cpuSeconds(t.pid());
  const t0 = performance.now();
  const deadline = Date.now() + SECONDS * 1000;
  await Promise.all(
    clients.map(async (c) => {
      const rnd = rng(c.id * 7919 + round);
      await c.select(FOLDER);
      while (Date.now() < deadline) await c.mixOnce(rnd, FOLDER, message);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(t.pid()) - cpu0;
  const commands = clients.reduce((a, c) => a + c.commands, 0) - before;
  const load = loadavg();
  await checkpointAll(clients, shared.errors);
  const messagesAtEnd = clients[0].exists;
  for (const c of clients) await c.run('LOGOUT').catch(() => undefined);
  for (const c of clients) c.close();
  return { cpu, commands, seconds, rate: commands / seconds, errors: shared.errors, echoLater: shared.echoLater ?? 0, messagesAtEnd, load };
}

async function main(): Promise<void> {
  const work = process.env.BENCH_WORK ?? fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-stress-bench-'));
  fs.chmodSync(work, 0o755); // Dovecot's unprivileged processes reach their dirs inside
  for (const [what, port] of [
    ['thutin IMAPS', PORTS.thutin.imaps],
    ['thutin SMTP', PORTS.thutin.smtp],
    ['Dovecot IMAPS', PORTS.dovecot.imaps],
  ] as const)
    await assertPortFree(port, what);
  const { cert, key } = await benchCertificate(path.join(work, 'tls'));
  const corpus = generateCorpus(SEED_MESSAGES + 2000).map((m) => m.raw);
  const loadAtStart = loadavg();
  log(`IMAP stress: ${CLIENTS} clients × ${SECONDS} s, ${ROUNDS} round(s); load ${loadAtStart}`);
  let thutin: ThutinInstance | null = null;
  let dovecot: DovecotInstance | null = null;
  try {
    const dataDir = path.join(work, 'thutin');
    writeThutinConfig(dataDir, { cert, key });
    await addThutinAccount(dataDir, IMAP_USER);
    const hash = await thutinPasswordHash(dataDir, IMAP_USER);
    thutin = await startThutin(dataDir, work);
    if (WITH_PEER) dovecot = await startDovecot(work, { cert, key, passwordHash: hash });
    const targets: Target[] = [{ name: 'thutin', port: PORTS.thutin.imaps, pid: () => thutin!.pid }];
    if (WITH_PEER) targets.push({ name: 'Dovecot', port: PORTS.dovecot.imaps, pid: () => dovecot!.masterPid() });
    for (const t of targets) await seed(t, corpus.slice(0, SEED_MESSAGES));
    const pool = corpus.slice(SEED_MESSAGES);
    const runs = new Map<string, StressRun[]>(targets.map((t) => [t.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const t of round % 2 ? [...targets].reverse() : targets) {
        const r = await stress(t, pool, round);
        runs.get(t.name)!.push(r);
        log(
          `${t.name} round ${round + 1}: ${r.commands} commands in ${r.seconds.toFixed(1)} s = ${r.rate.toFixed(0)}/s, server CPU ${r.cpu.toFixed(1)} s = ${((r.cpu * 1000) / r.commands).toFixed(2)} ms/command, ${r.errors.length} contradictions, ${r.echoLater} echoes of a later change, ${r.messagesAtEnd} messages at the end; load ${r.load}`,
        );
        for (const e of r.errors.slice(0, 10)) log(`  ${t.name}: ${e}`);
      }
    }
    const total = (name: string) => {
      const rs = runs.get(name)!;
      const commands = rs.reduce((a, r) => a + r.commands, 0);
      const seconds = rs.reduce((a, r) => a + r.seconds, 0);
      const echoLater = rs.reduce((a, r) => a + r.echoLater, 0);
      const cpu = rs.reduce((a, r) => a + r.cpu, 0);
      const cpuMs = (cpu * 1000) / commands;
      const cpuShare = (100 * cpu) / seconds;
      return { commands, seconds, rate: commands / seconds, errors: rs.reduce((a, r) => a + r.errors.length, 0), echoLater, cpuMs, cpuShare, loads: rs.map((r) => r.load).join('; ') };
    };
    if (!WITH_PEER) return;
    const th = total('thutin');
    const dc = total('Dovecot');
    const ratio = th.rate / dc.rate;
    const body = `## IMAP mixed-command stress: ${CLIENTS} clients × ${SECONDS} s (issue 13)

${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC — ${os.cpus().length} CPUs (shared with other work), load average
${loadAtStart} at the start and ${loadavg()} at the end (1, 5, 15 min). ${CLIENTS} TLS clients on one folder of one account, each
running imaptest's mix one command after another: SELECT 5 %, FETCH 1:* (UID FLAGS MODSEQ) 25 %,
FETCH of a Subject header 10 %, STORE ± a flag or keyword on 1–3 messages 25 %, STORE \\Deleted +
EXPUNGE 10 %, APPEND of a bench-corpus message 12 %, IDLE of 20–170 ms 8 %, NOOP 5 %; the folder
starts with ${SEED_MESSAGES} messages. Each client checks every answer against what it was told before, and
all compare their views at the end. ${ROUNDS} round(s), the servers taking turns.

| | thutin | Dovecot | ratio¹ |
|---|---|---|---|
| commands per second | ${th.rate.toFixed(0)} | ${dc.rate.toFixed(0)} | ${ratio.toFixed(2)}× ${ratio >= 1 ? '✅' : '❌'} |
| server CPU per command (ms)³ | ${th.cpuMs.toFixed(2)} | ${dc.cpuMs.toFixed(2)} | ${(dc.cpuMs / th.cpuMs).toFixed(2)}× |
| server on a CPU during the mix (% of one CPU)³ | ${th.cpuShare.toFixed(0)} % | ${dc.cpuShare.toFixed(0)} % | |
| commands completed | ${th.commands} in ${th.seconds.toFixed(1)} s | ${dc.commands} in ${dc.seconds.toFixed(1)} s | |
| contradictions seen by the clients | ${th.errors} | ${dc.errors} | |
| STORE echoes showing a later change² | ${th.echoLater} | ${dc.echoLater} | |
| load average after each run | ${th.loads} | ${dc.loads} | |

¹ thutin's rate ÷ Dovecot's: > 1.0 means thutin answered more commands; the aim is ≥ 1.0×.
² A STORE's FETCH echo that shows another session's change made after it (the flags as they are
when the answer is written) rather than the STORE's own result: not a contradiction, counted apart.
³ User + system CPU time of the server's processes during the mix (/proc: thutin's one node process; Dovecot's
master and every child, the imap processes it reaped included) ÷ commands: what a command costs, whatever else
the machine runs. The ratio is Dovecot's ÷ thutin's (> 1.0: thutin spends less).
The load average is the machine's, shared with other work: both servers ran in the same run, one after the other.

**What limits thutin here.** One node process serves all 50 connections, so its event loop is
the ceiling: a CPU profile of thutin alone under this mix (BENCH_STRESS_PEER=0, 50 clients, 60 s,
before the folder tables below) found the main thread busy 91 % of the time. Of that busy time:
SQLite statements 22 % (most of it FETCH 1:* reading every row of a folder that grows to ~750
messages), TLS encryption and socket writes 10 %, the blob files handled synchronously on the event
loop 15 % (unlink of expunged messages' blobs 7 %, fsync of new blobs and their folder 3.6 %, opens
and closes), garbage collection 7 %, FLAGS text per message 5 %, kysely's own code 4 % (the hot
queries already precompiled: \`storage/precompiled.ts\` builds them once and runs their SQL text with
new values). FETCH 1:* of metadata is now answered from a table per folder kept
in memory and brought up to date from the change log (\`imap/flag-tables.ts\`), its FLAGS text
built from a string per flag mask (thutin alone, the same day, 50 clients × 60 s: 430 commands/s at
1.07 ms of CPU each before the tables, 749 at 0.83 ms after). Flag changes and expunges are group-committed with their WAL
sync in the thread pool. What is left: the blob files' synchronous calls (storage/blobs.ts), TLS in
the one process (Dovecot spreads connections over processes: the "% of one CPU" row), and parsing
and indexing APPENDed messages.
Written by \`bench/imap-stress-bench.ts\` (\`npm run bench -- imap-stress\`; knobs BENCH_STRESS_CLIENTS, BENCH_STRESS_SECONDS,
BENCH_STRESS_ROUNDS).`;
    console.log(`\n${body}\n`);
    if (process.env.BENCH_STRESS_WRITE !== '0') writeImapStressSection(OUT, body);
  } finally {
    await dovecot?.stop();
    await thutin?.stop();
    if (!process.env.BENCH_WORK && process.env.BENCH_KEEP !== '1') fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
