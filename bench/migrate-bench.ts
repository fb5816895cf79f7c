// `node --import tsx bench/migrate-bench.ts` (as root): the migration rate from an old Dovecot
// into thutin, side by side with mbsync (Debian's isync) copying the same mailbox between the same
// two servers in the same run. The old server is a private Dovecot (test/helpers/dovecot.ts)
// holding one mailbox of BENCH_MIGRATE_MESSAGES messages (bench/corpus.ts: Vietnamese mail, 2-10 KB,
// some with attachments) in four folders, two of them nested, with flags and internal dates.
// thutin runs in this process (IMAP listeners up, for mbsync). Each round copies the whole mailbox
// into a fresh thutin account twice, in alternating order:
//   mbsync        — an IMAP-to-IMAP channel, Far = Dovecot (IMAPS), Near = thutin (IMAPS, APPEND),
//                   Sync Pull, Create Near, Patterns *;
//   thutin migrate — src/migrate (imapflow FETCH from Dovecot, then thutin's core: ingest + commit),
//                   what `thutin migrate imap` runs, in this process.
// Counts are checked after each copy. Rate = messages ÷ wall seconds (median of the rounds); the
// load average (others share the machine) is recorded before and after each copy.
// Writes its section of docs/BENCHMARKS.md between <!-- migrate:start --> and <!-- migrate:end -->.
// Knobs: BENCH_MIGRATE_MESSAGES (5000), BENCH_MIGRATE_ROUNDS (2), BENCH_OUT, BENCH_KEEP=1.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { envInt, log, median } from './env.ts';
import { generateCorpus } from './corpus.ts';
import { machineInfo, writeMigrateSection } from './report.ts';
import { createTestApp, TEST_PASSWORD } from '../test/helpers/harness.ts';
import { startDovecot, type Dovecot } from '../test/helpers/dovecot.ts';
import { startServers } from '../src/server.ts';
import { tlsPaths } from '../src/config/tls.ts';
import { runMigration, parseSourceUrl } from '../src/migrate/run.ts';
import { parseUsersCsv } from '../src/migrate/users-csv.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = process.env.BENCH_OUT ?? path.join(ROOT, 'docs', 'BENCHMARKS.md');
const N = envInt('BENCH_MIGRATE_MESSAGES', 5000);
const ROUNDS = envInt('BENCH_MIGRATE_ROUNDS', 2);
const OLD = { login: 'hopthu.cu', password: 'Mk-cu#2019hopthu' };
const FOLDERS: Array<[string, number]> = [
  ['INBOX', 0.4],
  ['Công văn/Đến', 0.3],
  ['Công văn/Đi', 0.2],
  ['Lưu trữ', 0.1],
];

/** "05-Mar-2026 08:30:00 +0700" → Date. */
function imapDate(s: string): Date {
  const m = /^(\d{1,2})-(\w{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(s.trim());
  if (!m) return new Date();
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].indexOf(m[2]);
  const off = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
  return new Date(Date.UTC(Number(m[3]), mon, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) - off * 60_000);
}

const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

interface Measure {
  tool: 'mbsync' | 'thutin migrate';
  round: number;
  seconds: number;
  loadBefore: string;
  loadAfter: string;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('needs root (a private Dovecot)');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-migrate-bench-'));
  fs.chmodSync(work, 0o755);
  const loadAtStart = load();
  log(`load average at start: ${loadAtStart}`);
  const t = await createTestApp({ config: { log: { level: 'warn' } } });
  let dc: Dovecot | undefined;
  let servers: Awaited<ReturnType<typeof startServers>> | undefined;
  try {
    servers = await startServers(t.app, t.tls);
    const cert = tlsPaths(t.app.config);
    dc = await startDovecot(work, { cert: cert.cert, key: cert.key, users: [OLD] });
    // The old mailbox.
    const corpus = generateCorpus(N);
    const bytes = corpus.reduce((a, m) => a + m.raw.length, 0);
    const plan: Array<{ folder: string; from: number; to: number }> = [];
    let at = 0;
    for (const [i, [folder, share]] of FOLDERS.entries()) {
      const n = i === FOLDERS.length - 1 ? N - at : Math.round(N * share);
      plan.push({ folder, from: at, to: at + n });
      at += n;
    }
    const setup = await dc.client(OLD);
    for (const p of plan) if (p.folder !== 'INBOX') await setup.mailboxCreate(p.folder);
    await setup.logout();
    const began = Date.now();
    await Promise.all(
      plan.map(async (p) => {
        const c = await dc!.client(OLD);
        for (let i = p.from; i < p.to; i++) {
          const flags = i % 3 === 0 ? [] : i % 7 === 0 ? ['\\Seen', '\\Flagged', '$Label1'] : ['\\Seen'];
          await c.append(p.folder, corpus[i].raw, flags, imapDate(corpus[i].internalDate));
        }
        await c.logout();
      }),
    );
    log(`Dovecot holds ${N} messages (${(bytes / 1048576).toFixed(1)} MB) in ${plan.length} folders (${((Date.now() - began) / 1000).toFixed(0)} s to fill)`);

    const measures: Measure[] = [];
    const count = async (address: string) => {
      const acct = (await t.app.accounts.byAddress(address))!;
      let n = 0;
      for (const p of plan) {
        const mb = await t.app.store.getMailbox(acct.id, p.folder);
        const c = mb ? await t.app.store.mailboxCounts(mb.id) : null;
        if ((c?.messages ?? 0) !== p.to - p.from) throw new Error(`${address} ${p.folder}: ${c?.messages ?? 0} messages, expected ${p.to - p.from}`);
        n += c!.messages;
      }
      return n;
    };
    const viaMbsync = async (round: number) => {
      const address = `mbsync${round}@kontum.gov.vn`;
      await t.app.accounts.create(address, TEST_PASSWORD, 'bench');
      const rc = path.join(work, `mbsyncrc-${round}`);
      const stateDir = path.join(work, `mbsync-state-${round}`);
      fs.mkdirSync(stateDir);
      fs.writeFileSync(
        rc,
        [
          'IMAPAccount old',
          'Host 127.0.0.1',
          `Port ${dc!.imapsPort}`,
          `User ${OLD.login}`,
          `Pass "${OLD.password}"`,
          'SSLType IMAPS',
          `CertificateFile ${cert.cert}`,
          '',
          'IMAPAccount new',
          'Host 127.0.0.1',
          `Port ${servers!.ports.imaps}`,
          `User ${address}`,
          `Pass "${TEST_PASSWORD}"`,
          'SSLType IMAPS',
          `CertificateFile ${cert.cert}`,
          // mbsync's default depth is unlimited: a folder's APPENDs all at once. thutin's session
          // reads such a client at its own pace past 256 queued commands (e021bfa; it used to end the
          // connection past 1,000); the depth stays 100 so runs compare with the earlier ones.
          'PipelineDepth 100',
          '',
          'IMAPStore old',
          'Account old',
          '',
          'IMAPStore new',
          'Account new',
          '',
          'Channel move',
          'Far :old:',
          'Near :new:',
          // thutin's own default folders are not on the old side: leave them out
          'Patterns * !Archive !Drafts !Junk !Sent !Trash',
          'Create Near',
          'Sync Pull',
          `SyncState ${stateDir}/`,
          '',
        ].join('\n'),
      );
      const loadBefore = load();
      const t0 = process.hrtime.bigint();
      await run('mbsync', ['-q', '-c', rc, 'move'], { maxBuffer: 16 << 20 });
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      measures.push({ tool: 'mbsync', round, seconds, loadBefore, loadAfter: load() });
      await count(address);
      log(`round ${round}: mbsync ${seconds.toFixed(1)} s (${(N / seconds).toFixed(0)} msg/s)`);
    };
    const viaMigrate = async (round: number) => {
      const address = `migrate${round}@kontum.gov.vn`;
      await t.app.accounts.create(address, TEST_PASSWORD, 'bench');
      const mappings = parseUsersCsv(`${OLD.login},${OLD.password},${address}\n`, { proxyAuth: false });
      const loadBefore = load();
      const t0 = process.hrtime.bigint();
      const [r] = await runMigration(t.app, {
        server: parseSourceUrl(`imaps://127.0.0.1:${dc!.imapsPort}`, { insecure: true }),
        mappings,
        stateDir: path.join(work, `state-${round}`),
        actor: 'bench',
      });
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      if (r.error || r.copied !== N) throw new Error(`migrate round ${round}: ${JSON.stringify(r)}`);
      measures.push({ tool: 'thutin migrate', round, seconds, loadBefore, loadAfter: load() });
      await count(address);
      log(`round ${round}: thutin migrate ${seconds.toFixed(1)} s (${(N / seconds).toFixed(0)} msg/s)`);
    };
    for (let round = 1; round <= ROUNDS; round++) {
      if (round % 2) {
        await viaMbsync(round);
        await viaMigrate(round);
      } else {
        await viaMigrate(round);
        await viaMbsync(round);
      }
    }
    const rate = (tool: Measure['tool']) => median(measures.filter((m) => m.tool === tool).map((m) => N / m.seconds));
    const ours = rate('thutin migrate');
    const theirs = rate('mbsync');
    const machine = await machineInfo(ROOT);
    const mbsyncVersion = (await run('mbsync', ['--version'])).stdout.trim();
    const mb = bytes / 1048576;
    const body = `## Migration from Dovecot: \`thutin migrate imap\` against mbsync

${machine.date} — ${machine.nproc} CPUs, ${machine.cpu}; thutin ${machine.versions.thutin}, ${machine.versions.Dovecot.split(' ')[0] ? `Dovecot ${machine.versions.Dovecot}` : ''}, ${mbsyncVersion}.
**The machine was shared with other engineers' builds and tests: load average ${loadAtStart} at the start** (per copy below).
\`bench/migrate-bench.ts\`: one mailbox of ${N} messages (${mb.toFixed(1)} MB, bench/corpus.ts) in ${plan.length} folders (${plan.map((p) => `${p.folder} ${p.to - p.from}`).join(', ')}) on a private Dovecot, copied into a fresh thutin account by each tool, ${ROUNDS} round(s), alternating which goes first; counts checked after each copy.

| copy | round | seconds | msg/s | MB/s | load avg before → after |
|---|---:|---:|---:|---:|---|
${measures.map((m) => `| ${m.tool} | ${m.round} | ${m.seconds.toFixed(1)} | ${(N / m.seconds).toFixed(0)} | ${(mb / m.seconds).toFixed(2)} | ${m.loadBefore} → ${m.loadAfter} |`).join('\n')}

| measure | thutin migrate | mbsync (Dovecot → thutin IMAP) | ratio | aim | met |
|---|---:|---:|---:|---|:-:|
| migration rate, median | ${ours.toFixed(0)} msg/s | ${theirs.toFixed(0)} msg/s | **${(ours / theirs).toFixed(2)}** | ≥ 1.0× | ${ours / theirs >= 1 ? '✅' : '❌'} |

mbsync: Far = Dovecot over IMAPS, Near = thutin over IMAPS (its APPENDs go through thutin's IMAP
server into the same core), \`Sync Pull\`, \`Create Near\`, \`Patterns *\` less thutin's own default folders,
\`PipelineDepth 100\` on the thutin side (with mbsync's default, unlimited, it sends every APPEND of a folder at
once; thutin's IMAP session then reads it at its own pace past 256 queued commands, as Dovecot does — it
used to end the connection past 1,000 —; the depth is kept so runs compare). thutin migrate: imapflow
FETCH from Dovecot (the messages' metadata and Message-IDs first, then bodies in batches of 200),
each message ingested (blob fsynced) while the ones before it are still being written, committed in
UID order with group commit, no IMAP on the thutin side. Both copy flags; thutin also keeps
internal dates and skips duplicates by Message-ID and size.`;
    writeMigrateSection(OUT, body);
    log(`thutin migrate ${ours.toFixed(0)} msg/s, mbsync ${theirs.toFixed(0)} msg/s: ${(ours / theirs).toFixed(2)}×; written to ${OUT}`);
  } finally {
    await servers?.close().catch(() => undefined);
    await dc?.stop().catch(() => undefined);
    await t.cleanup().catch(() => undefined);
    if (process.env.BENCH_KEEP !== '1') fs.rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`migrate-bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
