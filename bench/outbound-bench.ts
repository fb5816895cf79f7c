// Outbound delivery rate (issue 3): thutin's delivery worker against Postfix's queue manager +
// smtp client, both relaying the same kind of messages to the same Postfix `smtp-sink` on
// loopback, in one run. Each side starts with N messages of 10 KB already in its queue and
// the clock runs until its queue is empty (every message accepted by the sink):
//   thutin  — messages queued as submission queues them (blob + queue rows in one transaction),
//             then the worker (the code `thutin serve` runs) delivers through
//             `outbound.relayHost = [127.0.0.1]:sink`, 20 sessions (outbound.concurrency);
//   Postfix — a private instance (postfix -c DIR) with `relayhost = [127.0.0.1]:sink`, fed by
//             `smtp-source` while `defer_transports = smtp` holds delivery back; then
//             `defer_transports` is cleared, `postfix reload`, `postqueue -f`, and the clock runs
//             until its queue directories are empty (Postfix defaults otherwise: 20 per
//             destination, connection cache).
// Run as root (Postfix, smtp-sink): `npm run bench:outbound`; writes its
// section of docs/BENCHMARKS.md. Knobs: BENCH_OUTBOUND_MESSAGES (2000), BENCH_OUTBOUND_RUNS (3).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { spawn, type ChildProcess } from 'node:child_process';
import { assertPortFree, envInt, log, median, run, sleep, waitForPort } from './env.ts';
import { machineInfo, writeOutboundSection } from './report.ts';
import { loadConfig } from '../src/config/config.ts';
import { createApp, type App } from '../src/app.ts';
import { OutboundWorker } from '../src/outbound/worker.ts';
import { startPrivatePostfix, type PrivatePostfix } from '../test/helpers/postfix.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const SINK_PORT = 10027;
const POSTFIX_PORT = 10028;
const SIZE = 10_240;
const SESSIONS = 20;
const SENDER = 'vanthu@kontum.gov.vn';

const N = envInt('BENCH_OUTBOUND_MESSAGES', 2000);
const RUNS = envInt('BENCH_OUTBOUND_RUNS', 3);

/** A 10 KB message like smtp-source's (headers + filler lines), distinct per index. */
function message(i: number, to: string): Buffer {
  const head = `From: <${SENDER}>\r\nTo: <${to}>\r\nSubject: Cong van so ${i}\r\nMessage-ID: <${i}.${Date.now()}@kontum.gov.vn>\r\nDate: ${new Date().toUTCString()}\r\n\r\n`;
  const line = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\r\n';
  let body = '';
  while (head.length + body.length + line.length <= SIZE) body += line;
  return Buffer.from(head + body);
}

// ------------------------------------------------------------------ the sink

function startSink(work: string): ChildProcess {
  const out = fs.openSync(path.join(work, 'smtp-sink.log'), 'a');
  const p = spawn('smtp-sink', ['-u', 'nobody', '-m', '1000', `127.0.0.1:${SINK_PORT}`, '1024'], { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  fs.writeFileSync(path.join(work, 'smtp-sink.pid'), String(p.pid));
  return p;
}

// ------------------------------------------------------------------ thutin

async function thutinRun(app: App, run_: number): Promise<number> {
  // queue N messages, 20 at a time (as 20 submission sessions would, sharing commits)
  let next = 0;
  await Promise.all(
    Array.from({ length: SESSIONS }, async () => {
      for (let i = next++; i < N; i = next++) {
        const to = `user${i}@sink.test`;
        const content = await app.store.ingest([message(run_ * N + i, to)]);
        await app.store.commit(content, { copies: [{ remote: { sender: SENDER, recipients: [to], accountId: null } }] });
      }
    }),
  );
  const queued = (await app.queue.list()).length;
  if (queued !== N) throw new Error(`thutin: ${queued} queued, expected ${N}`);
  const worker = new OutboundWorker(app, { pollMs: 200 });
  const t0 = performance.now();
  worker.start();
  for (;;) {
    const left = await app.db.kysely
      .selectFrom('outbound_queue')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('state', '<>', 'done')
      .executeTakeFirstOrThrow();
    if (Number(left.n) === 0) break;
    await sleep(20);
  }
  const ms = performance.now() - t0;
  await worker.stop();
  const bad = await app.db.kysely.selectFrom('outbound_recipients').select('state').where('state', '<>', 'delivered').execute();
  if (bad.length) throw new Error(`thutin: ${bad.length} recipients not delivered`);
  await app.db.kysely.deleteFrom('outbound_recipients').execute();
  await app.db.kysely.deleteFrom('outbound_queue').execute();
  return ms;
}

// ------------------------------------------------------------------ Postfix

/** The relaying Postfix: delivery held back (`defer_transports = smtp`) until postfixRun lets it go. */
function startRelayPostfix(work: string): Promise<PrivatePostfix> {
  return startPrivatePostfix({
    dir: path.join(work, 'postfix-relay'),
    port: POSTFIX_PORT,
    hostname: 'mx.kontum.gov.vn',
    domain: 'kontum.gov.vn',
    mainCf: `relayhost = [127.0.0.1]:${SINK_PORT}
defer_transports = smtp
`,
  });
}

function countFiles(dir: string): number {
  let n = 0;
  try {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? countFiles(path.join(dir, e.name)) : 1;
  } catch {
    /* not there */
  }
  return n;
}

async function postfixRun(p: PrivatePostfix): Promise<number> {
  const inQueue = () => ['maildrop', 'incoming', 'active', 'deferred'].reduce((a, q) => a + countFiles(path.join(p.queue, q)), 0);
  await run('smtp-source', ['-s', String(SESSIONS), '-l', String(SIZE), '-m', String(N), '-f', SENDER, '-t', 'user@sink.test', `127.0.0.1:${POSTFIX_PORT}`]);
  // every message deferred by `defer_transports = smtp` (none in incoming/active any more)
  for (let i = 0; ; i++) {
    const deferred = countFiles(path.join(p.queue, 'deferred'));
    const moving = countFiles(path.join(p.queue, 'incoming')) + countFiles(path.join(p.queue, 'active')) + countFiles(path.join(p.queue, 'maildrop'));
    if (deferred === N && moving === 0) break;
    if (i > 3000) throw new Error(`Postfix: ${deferred} deferred, ${moving} moving, expected ${N} deferred`);
    await sleep(100);
  }
  await run('postconf', ['-c', p.etc, '-e', 'defer_transports =']);
  await run('postfix', ['-c', p.etc, 'reload']);
  const t0 = performance.now();
  await run('postqueue', ['-c', p.etc, '-f']);
  while (inQueue() > 0) await sleep(20);
  const ms = performance.now() - t0;
  await run('postconf', ['-c', p.etc, '-e', 'defer_transports = smtp']);
  await run('postfix', ['-c', p.etc, 'reload']);
  await sleep(500);
  return ms;
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  process.env.PATH = `${process.env.PATH ?? ''}:/usr/sbin:/sbin`; // postfix, smtp-source, smtp-sink
  const own = !process.env.BENCH_WORK; // a temp folder of our own is removed at the end
  const work = process.env.BENCH_WORK || fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-outbound-bench-'));
  fs.chmodSync(work, 0o755);
  const out = path.resolve(ROOT, process.env.BENCH_OUT || 'docs/BENCHMARKS.md');
  log(`outbound bench: ${RUNS} runs × ${N} messages of ${SIZE} B; work dir ${work}`);
  await assertPortFree(SINK_PORT, 'smtp-sink');
  await assertPortFree(POSTFIX_PORT, 'Postfix (relay)');
  const sink = startSink(work);
  let postfix: PrivatePostfix | null = null;
  let app: App | null = null;
  try {
    await waitForPort(SINK_PORT, 'smtp-sink', 10_000);
    postfix = await startRelayPostfix(work);
    const dataDir = path.join(work, 'thutin-outbound');
    fs.mkdirSync(dataDir, { recursive: true });
    const cfg = loadConfig(dataDir, {
      hostname: 'mail.kontum.gov.vn',
      outbound: { enabled: false, relayHost: `[127.0.0.1]:${SINK_PORT}`, concurrency: SESSIONS },
      log: { level: 'warn' },
    });
    app = await createApp(cfg, { log: pino({ level: 'warn' }) });
    const loadBefore = os.loadavg()[0];
    const thutinMs: number[] = [];
    const postfixMs: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      // alternate who goes first
      const order = r % 2 === 0 ? ['thutin', 'Postfix'] : ['Postfix', 'thutin'];
      for (const who of order) {
        const ms = who === 'thutin' ? await thutinRun(app, r) : await postfixRun(postfix);
        (who === 'thutin' ? thutinMs : postfixMs).push(ms);
        log(`  run ${r + 1}: ${who} ${(ms / 1000).toFixed(2)} s, ${((N * 1000) / ms).toFixed(0)} msg/s`);
      }
    }
    const tRate = (N * 1000) / median(thutinMs);
    const pRate = (N * 1000) / median(postfixMs);
    const ratio = tRate / pRate;
    log(`thutin ${tRate.toFixed(0)} msg/s, Postfix ${pRate.toFixed(0)} msg/s, ratio ${ratio.toFixed(2)}`);
    const loadAfter = os.loadavg()[0];
    const m = await machineInfo(ROOT);
    writeOutboundSection(
      out,
      `## Outbound delivery (issue 3)

\`npm run bench:outbound\` (\`bench/outbound-bench.ts\`; root, Postfix from Debian's package) — ${m.date}, ${m.nproc} CPUs,
${m.memory} RAM, ${m.cpu}; thutin ${m.versions.thutin}, Postfix ${m.versions.Postfix}. Load average
(1 min) ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after the runs: other work shared the machine, so
absolute rates are low and noisy; both sides ran under the same conditions, in turns.

| measure | thutin | Postfix | thutin ÷ Postfix | aim | met |
|---|---:|---:|---:|---|:-:|
| relay ${N} queued messages of 10 KB to \`smtp-sink\` on loopback, until the queue is empty | ${tRate.toFixed(0)} msg/s | ${pRate.toFixed(0)} msg/s | **${ratio.toFixed(2)}** | ≥ 1.0× | ${ratio >= 1 ? '✅' : '❌'} |

Median of ${RUNS} runs, the two taking turns (seconds per run: thutin ${thutinMs.map((x) => (x / 1000).toFixed(2)).join(', ')}; Postfix ${postfixMs
        .map((x) => (x / 1000).toFixed(2))
        .join(', ')}). Both relay every message to the same \`smtp-sink -m 1000 127.0.0.1:${SINK_PORT}\`
through their relay-host setting (no DNS), one recipient per message, STARTTLS not offered by the sink.
thutin: the messages are queued as submission queues them (blob fsynced, queue rows committed),
then the delivery worker (the code \`thutin serve\` runs; SQLite, \`outbound.concurrency = ${SESSIONS}\`,
sessions reused per destination, results committed in groups) is started and the clock runs until no
queue entry is left. Postfix: \`smtp-source -s ${SESSIONS} -l ${SIZE} -m ${N}\` fills its queue while
\`defer_transports = smtp\` holds delivery back; then \`defer_transports\` is cleared, \`postfix
reload\`, \`postqueue -f\`, and the clock runs until its queue directories are empty (defaults
otherwise: destination concurrency 20 with slow start, connection cache on demand).`,
    );
    log(`wrote the outbound section of ${out}`);
  } finally {
    await app?.close();
    await postfix?.stop();
    sink.kill('SIGTERM');
    if (own && process.env.BENCH_KEEP !== '1') {
      await sleep(500);
      fs.rmSync(work, { recursive: true, force: true });
    }
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`outbound bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
