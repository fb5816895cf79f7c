// Owns: the peak-memory benchmark of issue 8 — `FETCH 1:* BODY.PEEK[]` over 2 GB of mail must
// peak below 300 MB RSS in thutin's server process.
//
// `npm run bench:fetch-rss` (no root, no peers: the aim is thutin's own figure). It starts
// `thutin serve` in its own process on a temp data directory (bench/thutin.ts), APPENDs
// BENCH_RSS_MB of mail (default 2048) as BENCH_RSS_MSG_MB-sized messages (default 8; distinct
// bytes per message, so nothing is shared), restarts the server so the loading leaves nothing
// behind, then one TLS client sends `FETCH 1:* BODY.PEEK[]` and reads every byte (discarding
// them as it goes). The server's RSS is sampled every 20 ms from /proc/PID/status during the
// FETCH, and its VmHWM (the kernel's own peak, reset with /proc/PID/clear_refs just before the
// FETCH) is read at the end; the larger of the two is the peak. Writes its own section of
// docs/BENCHMARKS.md (BENCH_OUT to write elsewhere). BENCH_KEEP=1 keeps the temp folder.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IMAP_USER, PASSWORD, PORTS, assertPortFree, benchCertificate, envInt, log, sleep } from './env.ts';
import { ImapConn } from './imap-client.ts';
import { addThutinAccount, startThutin, writeThutinConfig, type ThutinInstance } from './thutin.ts';
import { machineInfo, sourceStamp, writeFetchRssSection } from './report.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const TOTAL_MB = envInt('BENCH_RSS_MB', 2048);
const MSG_MB = envInt('BENCH_RSS_MSG_MB', 8);
const AIM_MB = 300;

function kb(pid: number, key: string): number {
  try {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** One message of about `bytes`: a text part and a base64 attachment of pseudo-random bytes. */
function message(i: number, bytes: number, seed: Buffer): Buffer {
  const rawLen = Math.floor((bytes * 3) / 4);
  const raw = Buffer.alloc(rawLen);
  // Distinct bytes per message, cheaply: the seed block XOR-ed with the message number.
  for (let o = 0; o < rawLen; o += seed.length) {
    const n = Math.min(seed.length, rawLen - o);
    seed.copy(raw, o, 0, n);
    raw.writeUInt32BE(i, o);
  }
  const b64 = raw.toString('base64').replace(/.{76}/g, '$&\r\n');
  const head = [
    `From: Văn thư <vanthu@kontum.gov.vn>`,
    `To: ${IMAP_USER}`,
    `Subject: Hồ sơ ${i}`,
    `Date: ${new Date(Date.UTC(2026, 10, 1) + i * 60_000).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <rss-${i}@bench.test>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Kính gửi, hồ sơ số ${i} đính kèm.`,
    '--b',
    `Content-Type: application/octet-stream; name="ho-so-${i}.bin"`,
    'Content-Transfer-Encoding: base64',
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head), Buffer.from(b64), Buffer.from('\r\n--b--\r\n')]);
}

async function main(): Promise<void> {
  const work = process.env.BENCH_WORK || fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-fetch-rss-'));
  const out = path.resolve(ROOT, process.env.BENCH_OUT || 'docs/BENCHMARKS.md');
  for (const [what, port] of [
    ['thutin SMTP', PORTS.thutin.smtp],
    ['thutin IMAPS', PORTS.thutin.imaps],
  ] as const)
    await assertPortFree(port, what);
  const count = Math.max(1, Math.round(TOTAL_MB / MSG_MB));
  log(`FETCH peak RSS: ${count} × ${MSG_MB} MB = ${count * MSG_MB} MB, work ${work}`);
  const stamp = await sourceStamp(ROOT);
  const { cert, key } = await benchCertificate(path.join(work, 'tls'));
  const dataDir = path.join(work, 'thutin');
  writeThutinConfig(dataDir, { cert, key });
  // The default quota is 2 GiB: room for the whole load.
  const cfgFile = path.join(dataDir, 'thutin.json');
  const cfg = JSON.parse(fs.readFileSync(cfgFile, 'utf8')) as Record<string, unknown>;
  cfg.quota = { defaultBytes: (TOTAL_MB + 1024) * 1024 * 1024 };
  fs.writeFileSync(cfgFile, JSON.stringify(cfg, null, 2) + '\n');
  await addThutinAccount(dataDir, IMAP_USER);

  let thutin: ThutinInstance | null = null;
  try {
    // 1. Load.
    thutin = await startThutin(dataDir, work);
    const seed = crypto.randomBytes(64 * 1024);
    let loadedBytes = 0;
    const t0 = performance.now();
    {
      const c = await ImapConn.connect(PORTS.thutin.imaps);
      await c.login(IMAP_USER, PASSWORD);
      for (let i = 0; i < count; i++) {
        const m = message(i, MSG_MB * 1024 * 1024, seed);
        loadedBytes += m.length;
        const r = await c.send(['APPEND INBOX () ', m]);
        if (r.status !== 'OK') throw new Error(`APPEND ${i}: ${r.status} ${r.text}`);
        if (i % 32 === 31) log(`  ${i + 1} / ${count} appended`);
      }
      await c.logout();
    }
    const loadMs = performance.now() - t0;
    await thutin.stop();

    // 2. A fresh server, one FETCH of everything.
    thutin = await startThutin(dataDir, work);
    const pid = thutin.pid;
    await sleep(2000);
    const idleKb = kb(pid, 'VmRSS');
    try {
      fs.writeFileSync(`/proc/${pid}/clear_refs`, '5'); // reset VmHWM
    } catch (e) {
      log(`could not reset VmHWM (${(e as Error).message}); sampling only`);
    }
    const c = await ImapConn.connect(PORTS.thutin.imaps);
    await c.login(IMAP_USER, PASSWORD);
    await c.ok('EXAMINE INBOX');
    let sampledKb = kb(pid, 'VmRSS');
    const timer = setInterval(() => {
      sampledKb = Math.max(sampledKb, kb(pid, 'VmRSS'));
    }, 20);
    const f0 = performance.now();
    const r = await c.send(['FETCH 1:* BODY.PEEK[]']);
    const fetchMs = performance.now() - f0;
    clearInterval(timer);
    sampledKb = Math.max(sampledKb, kb(pid, 'VmRSS'));
    const hwmKb = kb(pid, 'VmHWM');
    await c.logout();
    if (r.status !== 'OK') throw new Error(`FETCH: ${r.status} ${r.text}`);
    if (r.untagged !== count) throw new Error(`FETCH answered ${r.untagged} messages, expected ${count}`);
    if (r.literalBytes < loadedBytes) throw new Error(`FETCH sent ${r.literalBytes} bytes of literals, expected at least ${loadedBytes}`);
    const peakKb = Math.max(sampledKb, hwmKb);
    const mb = (k: number) => (k / 1024).toFixed(0);
    const met = peakKb / 1024 < AIM_MB;
    log(
      `idle ${mb(idleKb)} MB, peak ${mb(peakKb)} MB (sampled ${mb(sampledKb)}, VmHWM ${mb(hwmKb)}); FETCH ${(r.literalBytes / 1e9).toFixed(2)} GB in ${(fetchMs / 1000).toFixed(1)} s ${met ? '✅' : '❌'}`,
    );

    const m = await machineInfo(ROOT);
    writeFetchRssSection(
      out,
      [
        '## Peak memory of one large FETCH (issue 8)',
        '',
        `\`npm run bench:fetch-rss\` (bench/fetch-rss.ts) — ${m.date}, ${m.nproc} CPUs, ${m.memory} RAM; source ${stamp}.`,
        '',
        `| case | thutin | aim | met |`,
        `|---|---|---|:-:|`,
        `| \`FETCH 1:* BODY.PEEK[]\` over ${(loadedBytes / 2 ** 30).toFixed(2)} GiB (${count} × ${MSG_MB} MB), peak server RSS | ${mb(peakKb)} MB | < ${AIM_MB} MB | ${met ? '✅' : '❌'} |`,
        '',
        `Server RSS before the FETCH (fresh process, logged-in client): ${mb(idleKb)} MB. Peak = max(RSS sampled every 20 ms, VmHWM reset just before the FETCH): sampled ${mb(sampledKb)} MB, VmHWM ${mb(hwmKb)} MB.`,
        `The FETCH sent ${(r.literalBytes / 1e9).toFixed(2)} GB in ${(fetchMs / 1000).toFixed(1)} s (${(r.literalBytes / 1e6 / (fetchMs / 1000)).toFixed(0)} MB/s over TLS on loopback); loading by APPEND took ${(loadMs / 1000).toFixed(1)} s.`,
      ].join('\n'),
    );
    log(`wrote ${out}`);
    if (!met) process.exitCode = 1;
  } finally {
    await thutin?.stop();
    if (process.env.BENCH_KEEP === '1' || process.env.BENCH_WORK) log(`kept ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
