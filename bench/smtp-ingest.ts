// SMTP ingest (issue 8): Postfix's smtp-source as the load for thutin and for Postfix→LMTP→Dovecot,
// 5,000 × 10 KB messages, 20 parallel sessions, one message per connection (smtp-source's
// default: it disconnects after each message unless given -d). Cases, run in turns in one run:
//   peer                 — Postfix accepts, queues (fsync) and delivers over LMTP to Dovecot
//                          (Maildir, fsync); the clock runs until Dovecot's Maildir holds all.
//   thutin, resolver OK  — default inbound stages (size, loop, auth, dmarc); `dns.servers` is a
//                          loopback DNS server (test/helpers/dns-server.ts) answering the sender
//                          domain's SPF and DMARC records; the clock runs until smtp-source ends
//                          (thutin answers 250 only after the commit), the count is then checked.
//   thutin, dead resolver — the same stages, `dns.servers` is a loopback UDP port where a socket
//                          reads every query and never answers. Capped (BENCH_INGEST_CAP_S): if
//                          smtp-source has not finished by then it is stopped and the rate is the
//                          messages stored ÷ the time.
//   thutin, size+loop    — (info) only the accept-and-store stages, as the older bench ran it.
// Besides the rate, each batch reports the servers' CPU time per message (bench/proc-cpu.ts): thutin's
// process, against every Postfix and Dovecot process (their masters' trees, reaped children
// included), from just before smtp-source starts until the last message is stored. On a machine
// shared with other work, the wall-clock rate follows the load; the CPU per message much less,
// and on 2 CPUs it bounds the rate.
// Each thutin case is a fresh `thutin serve` (config rewritten), warmed up, measured once, stopped;
// the peer stays up. Before each batch the recipient's INBOX is emptied over IMAP.
// Run as root: `npm run bench -- smtp` (bench/run.sh installs the peers) or
// `node --import tsx bench/smtp-ingest.ts`. Writes its section of docs/BENCHMARKS.md.
// Knobs: BENCH_INGEST_MESSAGES (5000), BENCH_INGEST_RUNS (5), BENCH_INGEST_CAP_S (120),
// BENCH_INGEST_CASES (comma list of peer,ok,dead,plain), BENCH_THUTIN_NODE_ARGS (e.g. --cpu-prof).
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { PORTS, SENDER, SMTP_USER, IMAP_USER, EMPTY_USER, assertPortFree, envInt, log, median, run, sleep, benchCertificate } from './env.ts';
import { countMaildir, startDovecot, startPostfix, type DovecotInstance, type PostfixInstance } from './peers.ts';
import { addThutinAccount, startThutin, thutinPasswordHash, writeThutinConfig, type ThutinInstance } from './thutin.ts';
import { emptyInbox, imapMessageCount } from './smtp-bench.ts';
import { machineInfo, sourceStamp, writeSmtpIngestSection } from './report.ts';
import { startDnsServer, type TestDnsServer } from '../test/helpers/dns-server.ts';
import { treeCpuMs } from './proc-cpu.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const N = envInt('BENCH_INGEST_MESSAGES', 5000);
const RUNS = envInt('BENCH_INGEST_RUNS', 5);
const CAP_S = envInt('BENCH_INGEST_CAP_S', 120);
const WARMUP = envInt('BENCH_INGEST_WARMUP', 300);
const SESSIONS = 20;
const SIZE = 10_240;
const HELO = 'mx.bench.test';
/** The peer's recipient in each batch (warm-up first): a fresh mailbox every time. */
const PEER_USERS = Array.from({ length: RUNS + 1 }, (_, i) => `ingest${i}@kontum.gov.vn`);

/**
 * Before a batch: the previous one's dirty pages written out (sync), so no case pays for the one
 * before it (after a peer batch the kernel still flushed its 5,000 Maildir files).
 */
async function settle(): Promise<void> {
  await run('sync', []);
}

const CASES = (process.env.BENCH_INGEST_CASES || 'peer,ok,dead,plain').split(',').map((s) => s.trim());

type CaseId = 'peer' | 'ok' | 'dead' | 'plain';
const LABEL: Record<CaseId, string> = {
  peer: 'Postfix→LMTP→Dovecot, end to end',
  ok: 'thutin, stages size, loop, auth, dmarc; resolver answers',
  dead: 'thutin, stages size, loop, auth, dmarc; resolver never answers',
  plain: 'thutin, stages size, loop only (info)',
};

interface Sample {
  messages: number;
  acceptMs: number;
  storedMs: number;
  stored: number;
  capped: boolean;
  load: string;
  /** CPU ms the server(s) used over the batch (accept to stored). */
  cpuMs: number;
}

function load1(): string {
  return os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
}

/** smtp-source with a cap: resolves when it exits or when the cap stops it. */
function smtpSource(port: number, messages: number, capMs: number, to = SMTP_USER): Promise<{ code: number | null; ms: number; capped: boolean; stderr: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const args = ['-s', String(SESSIONS), '-l', String(SIZE), '-m', String(messages), '-M', HELO, '-f', SENDER, '-t', to, `127.0.0.1:${port}`];
    const p = spawn('smtp-source', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let capped = false;
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      capped = true;
      p.kill('SIGTERM');
    }, capMs);
    p.on('error', reject);
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, ms: performance.now() - t0, capped, stderr });
    });
  });
}

/** A loopback UDP "resolver" that reads every query and never answers (nor refuses: no ICMP). */
async function deadResolver(): Promise<{ address: string; received: () => number; close: () => void }> {
  const s = dgram.createSocket('udp4');
  let n = 0;
  s.on('message', () => n++);
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  // c-ares falls back to TCP only on truncation; a TCP port nobody listens on would refuse at
  // once, so nothing listens there either way.
  return { address: `127.0.0.1:${port}`, received: () => n, close: () => s.close() };
}

async function main(): Promise<void> {
  const work = process.env.BENCH_WORK || fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-ingest-'));
  fs.chmodSync(work, 0o755);
  const out = path.resolve(ROOT, process.env.BENCH_OUT || 'docs/BENCHMARKS.md');
  log(`SMTP ingest: ${RUNS} × ${N} × ${SIZE} B, ${SESSIONS} sessions, cases ${CASES.join(',')}, work ${work}`);
  const stamp = await sourceStamp(ROOT);
  for (const [what, port] of [
    ['thutin SMTP', PORTS.thutin.smtp],
    ['thutin IMAPS', PORTS.thutin.imaps],
    ['Dovecot IMAPS', PORTS.dovecot.imaps],
    ['Postfix SMTP', PORTS.postfix.smtp],
  ] as const)
    await assertPortFree(port, what);

  const { cert, key } = await benchCertificate(path.join(work, 'tls'));

  // The sender domain's records, as a working resolver would return them.
  const dns: TestDnsServer = await startDnsServer({
    'bench.test': { TXT: ['v=spf1 ip4:127.0.0.0/8 -all'], MX: [{ exchange: HELO }], A: ['127.0.0.1'] },
    [HELO]: { A: ['127.0.0.1'], TXT: ['v=spf1 a -all'] },
    '_dmarc.bench.test': { TXT: ['v=DMARC1; p=none'] },
  });
  const dead = await deadResolver();

  let thutin: ThutinInstance | null = null;
  let dovecot: DovecotInstance | null = null;
  let postfix: PostfixInstance | null = null;
  const samples = new Map<CaseId, Sample[]>();
  let peerSettings: string[] = [];
  let queriesPerMessage = NaN;
  let deadQueries = 0;
  try {
    const dataDir = path.join(work, 'thutin');
    writeThutinConfig(dataDir, { cert, key });
    for (const u of [SMTP_USER, IMAP_USER, EMPTY_USER]) await addThutinAccount(dataDir, u);
    const hash = await thutinPasswordHash(dataDir, IMAP_USER);
    const wantPeer = CASES.includes('peer');
    if (wantPeer) {
      dovecot = await startDovecot(work, { cert, key, passwordHash: hash, extraUsers: PEER_USERS });
      postfix = await startPostfix(work, dovecot);
      peerSettings = await describePeer(postfix, dovecot);
    }
    const dc = dovecot;

    let peerBatches = 0;
    const peerBatch = async (messages: number): Promise<Sample> => {
      // A mailbox of its own for each batch: a Maildir emptied by expunge keeps its index, cache
      // and transaction log, and Dovecot's later batches slowed (354 → 152–171 msg/s in one run).
      const to = PEER_USERS[peerBatches++];
      await settle();
      const box = dc!.maildir(to);
      const before = countMaildir(box);
      const l = load1();
      const roots = [postfix!.masterPid(), dc!.masterPid()];
      const cpu0 = treeCpuMs(roots);
      const r = await smtpSource(PORTS.postfix.smtp, messages, 600_000, to);
      if (r.code !== 0) throw new Error(`smtp-source → Postfix: ${r.code} ${r.stderr.slice(0, 300)}`);
      const t0 = performance.now() - r.ms;
      let n = countMaildir(box) - before;
      while (n < messages && performance.now() - t0 < 600_000) {
        await sleep(20);
        n = countMaildir(box) - before;
      }
      const storedMs = performance.now() - t0;
      return { messages, acceptMs: r.ms, storedMs, stored: n, capped: false, load: l, cpuMs: treeCpuMs(roots) - cpu0 };
    };

    const thutinBatch = async (messages: number, capMs: number): Promise<Sample> => {
      await emptyInbox(PORTS.thutin.imaps, SMTP_USER);
      await settle();
      const l = load1();
      const pid = thutin!.pid;
      const cpu0 = treeCpuMs([pid]);
      const r = await smtpSource(PORTS.thutin.smtp, messages, capMs);
      const cpuMs = treeCpuMs([pid]) - cpu0;
      if (r.code !== 0 && !r.capped) throw new Error(`smtp-source → thutin: ${r.code} ${r.stderr.slice(0, 300)}`);
      const stored = await imapMessageCount(PORTS.thutin.imaps, SMTP_USER);
      if (!r.capped && stored !== messages) throw new Error(`thutin: smtp-source finished but ${stored} of ${messages} are stored`);
      return { messages, acceptMs: r.ms, storedMs: r.ms, stored, capped: r.capped, load: l, cpuMs };
    };

    const startCase = async (c: CaseId) => {
      const stages = c === 'plain' ? ['size', 'loop'] : ['size', 'loop', 'auth', 'dmarc'];
      const servers = c === 'dead' ? [dead.address] : [dns.address];
      writeThutinConfig(dataDir, { cert, key }, { inboundStages: stages, dnsServers: servers });
      thutin = await startThutin(dataDir, work);
    };

    if (wantPeer) {
      log('warm-up: Postfix→Dovecot');
      await peerBatch(WARMUP);
    }
    for (let i = 0; i < RUNS; i++) {
      for (const c of ['peer', 'ok', 'dead', 'plain'] as CaseId[]) {
        if (!CASES.includes(c)) continue;
        let s: Sample;
        if (c === 'peer') s = await peerBatch(N);
        else {
          await startCase(c);
          await thutinBatch(c === 'dead' ? Math.min(WARMUP, 100) : WARMUP, 60_000);
          const q0 = dns.queries.length;
          const d0 = dead.received();
          s = await thutinBatch(N, c === 'dead' ? CAP_S * 1000 : 600_000);
          if (c === 'ok') queriesPerMessage = (dns.queries.length - q0) / s.stored;
          if (c === 'dead') deadQueries = dead.received() - d0;
          await thutin!.stop();
          thutin = null;
        }
        samples.set(c, [...(samples.get(c) ?? []), s]);
        log(
          `${LABEL[c]} run ${i + 1}: ${s.stored}/${s.messages} stored in ${(s.storedMs / 1000).toFixed(2)} s (accepted ${(s.acceptMs / 1000).toFixed(2)} s) = ${((s.stored * 1000) / s.storedMs).toFixed(0)} msg/s${s.capped ? ' (capped)' : ''}, CPU ${(s.cpuMs / s.stored).toFixed(2)} ms/msg; load ${s.load}`,
        );
      }
    }

    const rate = (s: Sample) => (s.stored * 1000) / s.storedMs;
    const med = (c: CaseId) => median((samples.get(c) ?? []).map(rate));
    const peer = med('peer');
    const cpuPer = (s: Sample) => s.cpuMs / Math.max(1, s.stored);
    const cpuMed = (c: CaseId) => median((samples.get(c) ?? []).map(cpuPer));
    const peerCpu = cpuMed('peer');
    const m = await machineInfo(ROOT);
    const row = (c: CaseId, aim: string, want?: number) => {
      const r = med(c);
      const ratio = r / peer;
      const met = want === undefined ? '' : ratio >= want ? '✅' : '❌';
      const runs = (samples.get(c) ?? []).map((s) => `${rate(s).toFixed(0)}${s.capped ? ` (capped: ${s.stored} in ${(s.storedMs / 1000).toFixed(0)} s)` : ''}`).join(', ');
      const cpu = cpuMed(c);
      const cpuRatio = c === 'peer' ? '1.00' : Number.isFinite(peerCpu) ? `**${(peerCpu / cpu).toFixed(2)}**` : '';
      return `| ${LABEL[c]} | **${r.toFixed(0)} msg/s** | ${c === 'peer' ? '1.00' : `**${ratio.toFixed(2)}**`} | ${aim} | ${met} | ${runs} | ${cpu.toFixed(2)} | ${cpuRatio} |`;
    };
    const lines: string[] = [];
    lines.push(`## SMTP ingest: smtp-source into thutin and into Postfix→Dovecot (issue 8)`);
    lines.push('');
    lines.push(
      `\`npm run bench -- smtp\` (or \`node --import tsx bench/smtp-ingest.ts\`, as root) — ${m.date}, ${m.nproc} CPUs, ${m.memory} RAM, ${m.cpu}; thutin ${m.versions.thutin}${stamp !== (await sourceStamp(ROOT)) ? ' (**source changed during the run**)' : ''}, Node.js ${m.versions['Node.js']}, Postfix ${m.versions.Postfix}, Dovecot ${m.versions.Dovecot}.`,
    );
    lines.push('');
    lines.push(
      `Load: \`smtp-source -s ${SESSIONS} -m ${N} -l ${SIZE} -M ${HELO} -f ${SENDER} -t ${SMTP_USER}\` (one message per connection), ${RUNS} runs per case, the cases in turns. Each peer batch delivers to a mailbox of its own (\`ingest0\`… — a Maildir emptied by expunge kept slowing Dovecot from one batch to the next); thutin's INBOX is emptied before each; \`sync\` before every batch.`,
    );
    lines.push('');
    lines.push('| case | median rate until stored | ÷ Postfix→Dovecot | aim | met | each run (msg/s) | CPU ms per message | Postfix+Dovecot CPU ÷ this |');
    lines.push('|---|---:|---:|---|:-:|---|---:|---:|');
    if (samples.has('peer')) lines.push(row('peer', '', undefined));
    if (samples.has('ok')) lines.push(row('ok', '≥ 1.5×', 1.5));
    if (samples.has('dead')) lines.push(row('dead', '≥ 1.0×', 1.0));
    if (samples.has('plain')) lines.push(row('plain', 'info', undefined));
    lines.push('');
    lines.push(
      "CPU ms per message: the server processes' user + system CPU time over a batch (thutin: its one process; the peer: every Postfix and Dovecot process, exited children included, until Dovecot holds the last message) ÷ messages stored, median of the runs; the last column is the peer's CPU per message ÷ thutin's (> 1: thutin spends less). smtp-source's own CPU is in neither.",
    );
    lines.push(
      "Reading the two measures: thutin receives on one event-loop thread (two blob-writer threads write, hash, index and fsync each message; the thread pool syncs the database), while Postfix and Dovecot spread each message over several processes (smtpd, cleanup, qmgr, lmtp, Dovecot's lmtp); on a 2-CPU machine shared with other work the scheduler gives those many processes a larger share of the CPUs, so the wall-clock ratio understates thutin; the CPU per message is what each side costs.",
    );
    lines.push(`CPU ms per message in each run: ${[...samples.entries()].map(([c, ss]) => `${c} ${ss.map((s) => cpuPer(s).toFixed(2)).join(', ')}`).join('; ')}.`);
    lines.push('');
    const acc = (c: CaseId) => (samples.get(c) ?? []).map((s) => `${((s.messages * 1000) / s.acceptMs).toFixed(0)}`).join(', ');
    if (samples.has('peer')) lines.push(`Postfix's acceptance alone (smtp-source finished, delivery still running): ${acc('peer')} msg/s.`);
    lines.push(`Load average (1, 5, 15 min) at the start of each measured batch: ${[...samples.entries()].map(([c, ss]) => `${c} ${ss.map((s) => `[${s.load}]`).join(' ')}`).join('; ')}.`);
    if (Number.isFinite(queriesPerMessage)) lines.push(`DNS queries per message with the working resolver: ${queriesPerMessage.toFixed(2)}.`);
    if (samples.has('dead')) lines.push(`Queries the dead resolver received during the measured batches (last run): ${deadQueries}.`);
    if (peerSettings.length) {
      lines.push('');
      lines.push('Peer settings as the running instances report them (`postconf -c DIR`, `doveconf -c FILE`):');
      lines.push('');
      for (const s of peerSettings) lines.push(`- \`${s}\``);
    }
    writeSmtpIngestSection(out, lines.join('\n'));
    process.stdout.write(lines.join('\n') + '\n');
    log(`wrote ${out}`);
  } finally {
    await (thutin as ThutinInstance | null)?.stop();
    await postfix?.stop();
    await dovecot?.stop();
    await dns.stop();
    dead.close();
  }
}

async function describePeer(pf: PostfixInstance, dc: DovecotInstance): Promise<string[]> {
  const pfKeys = [
    'default_process_limit',
    'default_destination_concurrency_limit',
    'lmtp_destination_concurrency_limit',
    'initial_destination_concurrency',
    'lmtp_destination_recipient_limit',
    'in_flow_delay',
    'smtpd_client_connection_rate_limit',
    'smtpd_client_connection_count_limit',
    'smtpd_client_message_rate_limit',
    'smtpd_peername_lookup',
    'local_transport',
    'lmtp_connection_cache_on_demand',
  ];
  const out: string[] = [];
  const p = await run('postconf', ['-c', pf.configDir, ...pfKeys], { allowFail: true });
  out.push(...p.stdout.trim().split('\n').filter(Boolean));
  const d = await run(
    'doveconf',
    [
      '-c',
      dc.conf,
      'mail_fsync',
      'mail_location',
      'maildir_very_dirty_syncs',
      'default_process_limit',
      'service/lmtp/process_limit',
      'service/lmtp/client_limit',
      'service/lmtp/service_count',
      'lmtp_save_to_detail_mailbox',
    ],
    {
      allowFail: true,
    },
  );
  out.push(...d.stdout.trim().split('\n').filter(Boolean));
  return out;
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`smtp ingest bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
