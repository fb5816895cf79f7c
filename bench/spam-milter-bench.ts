// SMTP accept-and-store with spam checking, side by side (issue 12): thutin with its `spam` stage
// against Postfix + rspamd (its proxy worker as a milter, smtpd_milters) + LMTP → Dovecot, the same
// rspamd (test/helpers/rspamd.ts: Debian's rspamd, default modules, DNS at a closed port, Bayes on
// a private Redis, greylisting off) serving both, the same load: Postfix's smtp-source, N × 10 KB
// messages, 20 parallel sessions, one message per connection. The clock runs until every message
// is stored: for thutin until smtp-source ends (250 only after the commit; the count is checked),
// for Postfix until Dovecot's Maildir holds them all. Cases in turns, BENCH_SPAM_MILTER_RUNS each
// (default 2), BENCH_SPAM_MILTER_MESSAGES per batch (default 1000), after a warm-up of each.
// rspamd runs BENCH_SPAM_RSPAMD_WORKERS processes (default: one per CPU, Debian's default) of its
// normal worker (thutin asks it) and as many of its milter proxy (Postfix asks it): the same
// configuration for both sides.
// CPU ms per message (bench/proc-cpu.ts), over each batch until the last message is stored: thutin
// (this process: the server runs in it; smtp-source is a child process and not counted) + rspamd
// and its Redis, against every Postfix and Dovecot process + rspamd and its Redis.
// Viruses too (the measure: spam and virus stages on; BENCH_SPAM_MILTER_VIRUS=0 leaves them
// out): one clamd (test/helpers/clamd.ts, the tests' small signature database) serves both sides —
// thutin's `virus` stage streams each message to it; rspamd's antivirus module asks it for the
// peer (clamav, the whole message, `scan_mime_parts = false`, as thutin's stage does; `no_cache`:
// smtp-source's messages are alike, and rspamd's verdict cache by digest scanned only the first of
// them, a first run found: thutin keeps no such cache). clamd logs every
// clean scan, so the bench checks that both sides had every message scanned, and counts clamd's
// CPU on both sides with rspamd's.
// Run as root (Postfix's master): node --import tsx bench/spam-milter-bench.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createTestApp, TEST_PASSWORD } from '../test/helpers/harness.ts';
import { configSchema } from '../src/config/schema.ts';
import { startRspamd } from '../test/helpers/rspamd.ts';
import { removeClamdDir, startClamd } from '../test/helpers/clamd.ts';
import { startPrivatePostfix } from '../test/helpers/postfix.ts';
import { startServers } from '../src/server.ts';
import { DOMAIN, PORTS, SENDER, SMTP_USER, IMAP_USER, EMPTY_USER, benchCertificate, envInt, log, median, sleep } from './env.ts';
import { countMaildir, startDovecot } from './peers.ts';
import { thutinPasswordHash } from './thutin.ts';
import { RspamdClient } from '../src/hygiene/rspamd.ts';
import { selfCpuMs, treeCpuMs } from './proc-cpu.ts';

const N = envInt('BENCH_SPAM_MILTER_MESSAGES', 1000);
const RUNS = envInt('BENCH_SPAM_MILTER_RUNS', 2);
const SESSIONS = 20;
const WORKERS = envInt('BENCH_SPAM_RSPAMD_WORKERS', os.cpus().length);
/** thutin's blob-writer threads as `thutin serve` has them (the test harness turns them off). */
const INGEST_WORKERS = configSchema.parse({}).store.ingestWorkers;
const VIRUS = process.env.BENCH_SPAM_MILTER_VIRUS !== '0';

function smtpSource(port: number, messages: number): Promise<{ code: number; ms: number; stderr: string }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const p = spawn('smtp-source', ['-s', String(SESSIONS), '-l', '10240', '-m', String(messages), '-M', 'mx.bench.test', '-f', SENDER, '-t', SMTP_USER, `127.0.0.1:${port}`]);
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code: code ?? 1, ms: performance.now() - t0, stderr }));
  });
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('run as root (Postfix)');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-spam-milter-'));
  fs.chmodSync(work, 0o755); // Postfix's and Dovecot's own users walk into it
  log(`spam milter bench: ${N} × 10 KB, ${SESSIONS} sessions, ${RUNS} runs per case; work ${work}`);
  const cleanup: Array<() => Promise<unknown>> = [];
  try {
    await measure(work, cleanup);
  } finally {
    for (const c of cleanup.reverse()) await c().catch((e: unknown) => log(`cleanup: ${(e as Error).message}`));
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function measure(work: string, cleanup: Array<() => Promise<unknown>>): Promise<void> {
  const load = os.loadavg().map((x) => x.toFixed(2));
  const clamd = VIRUS ? await startClamd({ logClean: true }) : null;
  if (clamd)
    cleanup.push(async () => {
      await clamd.stop();
      removeClamdDir(clamd);
    });
  const antivirus: Record<string, string> = clamd
    ? {
        'antivirus.conf': `clamav {\n  type = "clamav";\n  servers = "127.0.0.1:${clamd.port}";\n  scan_mime_parts = false;\n  no_cache = true;\n  symbol = "CLAM_VIRUS";\n  action = "reject";\n  max_size = 20000000;\n  timeout = 10;\n}\n`,
      }
    : {};
  const rspamd = await startRspamd({ milter: true, workers: WORKERS, extraLocal: antivirus });
  cleanup.push(() => rspamd.close());
  const stages = VIRUS ? ['size', 'loop', 'virus', 'auth', 'dmarc'] : ['size', 'loop', 'auth', 'dmarc'];
  const virusConfig = clamd ? { virus: { enabled: true, socket: '', host: '127.0.0.1', port: clamd.port } } : {};
  /** Clean scans clamd has logged so far. */
  const scans = () => (clamd ? (fs.readFileSync(path.join(clamd.dir, 'clamd.log'), 'utf8').match(/: OK$/gm) ?? []).length : 0);
  const clamdCpu = () => (clamd?.pid() ? treeCpuMs([clamd.pid()!]) : 0);
  const { cert, key } = await benchCertificate(path.join(work, 'tls'));
  const t = await createTestApp({
    config: {
      smtp: { inboundStages: [...stages, 'spam'] },
      hygiene: { spam: { enabled: true, url: rspamd.url, controllerUrl: rspamd.controllerUrl }, ...virusConfig },
      store: { ingestWorkers: INGEST_WORKERS },
    },
  });
  cleanup.push(() => t.cleanup());
  await t.app.accounts.create(SMTP_USER, TEST_PASSWORD, 'bench');
  const servers = await startServers(t.app, t.tls);
  cleanup.push(() => servers.close());
  // The same thutin without the spam stage (info: what the stage costs in this run).
  const plain = await createTestApp({ config: { smtp: { inboundStages: ['size', 'loop', 'auth', 'dmarc'] }, store: { ingestWorkers: INGEST_WORKERS } } });
  cleanup.push(() => plain.cleanup());
  await plain.app.accounts.create(SMTP_USER, TEST_PASSWORD, 'bench');
  const plainServers = await startServers(plain.app, plain.tls);
  cleanup.push(() => plainServers.close());
  const acct = (await t.app.accounts.byAddress(SMTP_USER))!;
  const inbox = (await t.app.store.getMailbox(acct.id, 'INBOX'))!;
  const junk = (await t.app.store.getMailbox(acct.id, 'Junk'))!;
  const thutinCount = async () => (await t.app.store.listMessages(inbox.id)).length + (await t.app.store.listMessages(junk.id)).length;

  // The peer: Dovecot (LMTP, Maildir) behind a private Postfix asking rspamd's milter.
  const dataDir = path.join(work, 'hash');
  fs.mkdirSync(dataDir);
  const dovecot = await startDovecot(work, { cert, key, passwordHash: await thutinPasswordHash(dataDir, IMAP_USER) });
  cleanup.push(() => dovecot.stop());
  const lmtpSocket = path.join(dovecot.dir, 'run', 'lmtp');
  const postfix = await startPrivatePostfix({
    dir: path.join(work, 'postfix'),
    port: PORTS.postfix.smtp,
    hostname: 'mx.bench.test',
    domain: 'bench.test',
    mydestination: DOMAIN,
    mainCf: `lmtp_host_lookup = native
local_transport = lmtp:unix:${lmtpSocket}
local_recipient_maps =
smtpd_milters = inet:127.0.0.1:${rspamd.milterPort}
milter_protocol = 6
milter_mail_macros = i {mail_addr} {client_addr} {client_name} {auth_authen}
milter_default_action = accept
`,
    masterCf: `local     unix  -       n       n       -       -       local
lmtp      unix  -       -       n       -       -       lmtp
`,
  });
  cleanup.push(() => postfix.stop());
  void EMPTY_USER;
  const box = dovecot.maildir(SMTP_USER);

  // CPU ms per message of the last batch of each side.
  const cpu = { peer: [] as number[], thutin: [] as number[], plain: [] as number[], thutinOwn: [] as number[], peerRspamd: [] as number[], thutinRspamd: [] as number[] };
  // The daemons both sides ask: rspamd (and its Redis), and clamd when viruses are on.
  const rspamdCpu = () => treeCpuMs(rspamd.pids()) + clamdCpu();
  const scanned = { peer: [] as number[], thutin: [] as number[] };
  const peerBatch = async (messages: number) => {
    const before = countMaildir(box);
    const roots = [postfix.masterPid(), dovecot.masterPid()];
    const [p0, r0, v0] = [treeCpuMs(roots), rspamdCpu(), scans()];
    const r = await smtpSource(PORTS.postfix.smtp, messages);
    if (r.code !== 0) throw new Error(`smtp-source → Postfix: ${r.code} ${r.stderr.slice(0, 300)}`);
    const t0 = performance.now() - r.ms;
    while (countMaildir(box) - before < messages && performance.now() - t0 < 600_000) await sleep(20);
    const rate = messages / ((performance.now() - t0) / 1000);
    const [p1, r1] = [treeCpuMs(roots), rspamdCpu()];
    scanned.peer.push(scans() - v0);
    cpu.peer.push((p1 - p0 + r1 - r0) / messages);
    cpu.peerRspamd.push((r1 - r0) / messages);
    return rate;
  };
  const thutinBatch = async (messages: number, port = servers.ports.smtp) => {
    const before = port === servers.ports.smtp ? await thutinCount() : 0;
    const [s0, r0, v0] = [selfCpuMs(), rspamdCpu(), scans()];
    const r = await smtpSource(port, messages);
    const [s1, r1] = [selfCpuMs(), rspamdCpu()];
    if (port === servers.ports.smtp) scanned.thutin.push(scans() - v0);
    if (r.code !== 0) throw new Error(`smtp-source → thutin: ${r.code} ${r.stderr.slice(0, 300)}`);
    const stored = port === servers.ports.smtp ? (await thutinCount()) - before : messages;
    if (stored !== messages) throw new Error(`thutin: ${stored} of ${messages} stored`);
    if (port === servers.ports.smtp) {
      cpu.thutin.push((s1 - s0 + r1 - r0) / messages);
      cpu.thutinOwn.push((s1 - s0) / messages);
      cpu.thutinRspamd.push((r1 - r0) / messages);
    } else cpu.plain.push((s1 - s0) / messages);
    return messages / (r.ms / 1000);
  };
  const stats = new RspamdClient({ url: rspamd.url, controllerUrl: rspamd.controllerUrl, timeoutMs: 5000 });

  const rates: Record<'peer' | 'thutin' | 'plain', number[]> = { peer: [], thutin: [], plain: [] };
  const s0 = await stats.stat();
  await peerBatch(Math.min(200, N));
  const s1 = await stats.stat();
  // The milter did scan: rspamd's count grew by the warm-up batch.
  log(`rspamd scanned ${s1.scanned - s0.scanned} of the peer's ${Math.min(200, N)} warm-up messages`);
  await thutinBatch(Math.min(200, N));
  await thutinBatch(Math.min(200, N), plainServers.ports.smtp);
  for (const xs of Object.values(cpu)) xs.length = 0; // the warm-ups do not count
  for (let i = 0; i < RUNS; i++) {
    rates.peer.push(await peerBatch(N));
    log(`run ${i + 1} Postfix+rspamd milter→Dovecot: ${rates.peer.at(-1)!.toFixed(0)} msg/s, CPU ${cpu.peer.at(-1)!.toFixed(2)} ms/msg (rspamd ${cpu.peerRspamd.at(-1)!.toFixed(2)})`);
    rates.thutin.push(await thutinBatch(N));
    log(`run ${i + 1} thutin + spam stage: ${rates.thutin.at(-1)!.toFixed(0)} msg/s, CPU ${cpu.thutin.at(-1)!.toFixed(2)} ms/msg (rspamd ${cpu.thutinRspamd.at(-1)!.toFixed(2)})`);
    rates.plain.push(await thutinBatch(N, plainServers.ports.smtp));
    log(`run ${i + 1} thutin without it: ${rates.plain.at(-1)!.toFixed(0)} msg/s, CPU ${cpu.plain.at(-1)!.toFixed(2)} ms/msg`);
  }
  const peer = median(rates.peer);
  const thutin = median(rates.thutin);
  const c = (xs: number[]) => median(xs).toFixed(2);
  const peerCpu = median(cpu.peer);
  process.stdout.write(
    [
      '| case | median rate until stored | ÷ Postfix+rspamd→Dovecot | each run (msg/s) | CPU ms per message | peer CPU ÷ this |',
      '|---|---:|---:|---|---:|---:|',
      `| Postfix + rspamd (milter${VIRUS ? ', antivirus → clamd' : ''}) → LMTP → Dovecot | **${peer.toFixed(0)} msg/s** | 1.00 | ${rates.peer.map((x) => x.toFixed(0)).join(', ')} | ${c(cpu.peer)} (rspamd ${c(cpu.peerRspamd)}) | 1.00 |`,
      `| thutin, stages ${[...stages, 'spam'].join(', ')} | **${thutin.toFixed(0)} msg/s** | **${(thutin / peer).toFixed(2)}** | ${rates.thutin.map((x) => x.toFixed(0)).join(', ')} | ${c(cpu.thutin)} (rspamd ${c(cpu.thutinRspamd)}) | **${(peerCpu / median(cpu.thutin)).toFixed(2)}** |`,
      `| thutin, stages size, loop, auth, dmarc (info: no spam stage) | ${median(rates.plain).toFixed(0)} msg/s | ${(median(rates.plain) / peer).toFixed(2)} | ${rates.plain.map((x) => x.toFixed(0)).join(', ')} | ${c(cpu.plain)} | ${(peerCpu / median(cpu.plain)).toFixed(2)} |`,
      '',
      `CPU ms per message: user + system CPU over each batch until the last message is stored ÷ messages (median of the runs); each side with rspamd and its Redis${VIRUS ? ' and clamd' : ''} (in parentheses: their part); thutin is this process. rspamd: ${WORKERS} normal and ${WORKERS} milter proxy processes.`,
      ...(VIRUS ? [`Messages clamd scanned (clean) in each measured batch: peer ${scanned.peer.slice(1).join(', ')}; thutin ${scanned.thutin.slice(1).join(', ')} (of ${N}).`] : []),
      `Load average at the start: ${load.join(' ')}; ${os.cpus().length} CPUs.`,
      '',
    ].join('\n'),
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
