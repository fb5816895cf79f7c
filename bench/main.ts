// The benchmark run (started by bench/run.sh, which installs the packages, raises the file limit
// and owns the temp folder): thutin, Dovecot and Postfix side by side on loopback, the same data
// in both, then SMTP accept-and-store, IMAP operations on a 20,000-message mailbox and memory
// per idle IMAP connection; prints the table and writes docs/BENCHMARKS.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EMPTY_USER, IMAP_USER, PORTS, SMTP_USER, assertPortFree, envInt, log, processTree, benchCertificate } from './env.ts';
import { countMaildir, startDovecot, startPostfix, type DovecotInstance, type PostfixInstance } from './peers.ts';
import { addThutinAccount, startThutin, thutinPasswordHash, writeThutinConfig, type ThutinInstance } from './thutin.ts';
import { generateCorpus, SUBJECT_WORD, TEXT_WORD } from './corpus.ts';
import { emptyInbox, imapMessageCount, smtpBench } from './smtp-bench.ts';
import { IMAP_OPS, imapOpsBench, loadMailbox } from './imap-bench.ts';
import { idleBench } from './idle-bench.ts';
import { machineInfo, sourceStamp, textTable, writeMarkdown, type Row } from './report.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

const P = {
  messages: envInt('BENCH_MESSAGES', 20_000),
  smtpMessages: envInt('BENCH_SMTP_MESSAGES', 2000),
  smtpRuns: envInt('BENCH_SMTP_RUNS', 3),
  smtpSessions: 20,
  smtpSize: 10_240,
  reps: envInt('BENCH_REPS', 11),
  idleConnections: envInt('BENCH_IDLE_CONNECTIONS', 1000),
  idleConcurrency: envInt('BENCH_IDLE_CONCURRENCY', 20),
};

async function main(): Promise<void> {
  const started = performance.now();
  const work = process.env.BENCH_WORK || fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-bench-'));
  fs.chmodSync(work, 0o755); // Dovecot's unprivileged processes must reach their dirs
  const out = path.resolve(ROOT, process.env.BENCH_OUT || 'docs/BENCHMARKS.md');
  log(`work dir ${work}; results to ${out}`);
  log(`parameters: ${JSON.stringify(P)}`);
  const stampAtStart = await sourceStamp(ROOT);
  log(`thutin source: ${stampAtStart}`);

  for (const [what, port] of [
    ['thutin SMTP', PORTS.thutin.smtp],
    ['thutin IMAPS', PORTS.thutin.imaps],
    ['thutin IMAP', PORTS.thutin.imap],
    ['thutin submission', PORTS.thutin.submission],
    ['thutin submission TLS', PORTS.thutin.submissionTls],
    ['thutin HTTP', PORTS.thutin.http],
    ['Dovecot IMAPS', PORTS.dovecot.imaps],
    ['Postfix SMTP', PORTS.postfix.smtp],
  ] as const)
    await assertPortFree(port, what);

  // One certificate and key for both IMAP servers: the same TLS work on both sides.
  const { cert, key } = await benchCertificate(path.join(work, 'tls'));

  let thutin: ThutinInstance | null = null;
  let dovecot: DovecotInstance | null = null;
  let postfix: PostfixInstance | null = null;
  try {
    const dataDir = path.join(work, 'thutin');
    writeThutinConfig(dataDir, { cert, key });
    log('creating thutin accounts (CLI)');
    await addThutinAccount(dataDir, SMTP_USER);
    await addThutinAccount(dataDir, IMAP_USER);
    await addThutinAccount(dataDir, EMPTY_USER);
    const hash = await thutinPasswordHash(dataDir, IMAP_USER);
    thutin = await startThutin(dataDir, work);
    dovecot = await startDovecot(work, { cert, key, passwordHash: hash });
    postfix = await startPostfix(work, dovecot);
    const dc = dovecot;

    log(`generating ${P.messages} messages`);
    const corpus = generateCorpus(P.messages);
    const bytes = corpus.reduce((a, m) => a + m.raw.length, 0);
    const expectSubject = corpus.filter((m) => m.subjectHit).length;
    const expectText = corpus.filter((m) => m.textHit).length;
    log(`corpus: ${(bytes / 1e6).toFixed(1)} MB, ${expectSubject} subjects with "${SUBJECT_WORD}", ${expectText} bodies with "${TEXT_WORD}"`);

    // 1. SMTP accept-and-store
    log(`SMTP: ${P.smtpRuns} × ${P.smtpMessages} messages of ${P.smtpSize} B, ${P.smtpSessions} sessions`);
    const smtp = await smtpBench(
      [
        { name: 'thutin', port: PORTS.thutin.smtp, count: () => imapMessageCount(PORTS.thutin.imaps, SMTP_USER), prepare: () => emptyInbox(PORTS.thutin.imaps, SMTP_USER) },
        {
          name: 'Postfix→Dovecot',
          port: PORTS.postfix.smtp,
          count: async () => countMaildir(dc.maildir(SMTP_USER)),
          prepare: () => emptyInbox(PORTS.dovecot.imaps, SMTP_USER),
        },
      ],
      { messages: P.smtpMessages, sessions: P.smtpSessions, size: P.smtpSize, runs: P.smtpRuns },
    );

    // 2. IMAP: load the same mailbox into both, then the operations
    log(`loading ${P.messages} messages into thutin (IMAP APPEND)`);
    const loadThutin = await loadMailbox({ name: 'thutin', port: PORTS.thutin.imaps }, IMAP_USER, corpus);
    log(`  thutin: ${(loadThutin.ms / 1000).toFixed(1)} s, ${loadThutin.rate.toFixed(0)} msg/s`);
    log(`loading ${P.messages} messages into Dovecot (IMAP APPEND)`);
    const loadDovecot = await loadMailbox({ name: 'Dovecot', port: PORTS.dovecot.imaps }, IMAP_USER, corpus);
    log(`  Dovecot: ${(loadDovecot.ms / 1000).toFixed(1)} s, ${loadDovecot.rate.toFixed(0)} msg/s`);

    log(`IMAP operations: ${P.reps} repetitions + 1 warm-up, servers alternating`);
    const ops = await imapOpsBench(
      [
        { name: 'thutin', port: PORTS.thutin.imaps },
        { name: 'Dovecot', port: PORTS.dovecot.imaps },
      ],
      IMAP_USER,
      P.messages,
      P.reps,
    );

    // 3. memory per idle connection: INBOX of 20,000 messages, then an empty INBOX
    // The server under test is restarted before each idle test, so "before" is a clean server:
    // memory kept from earlier tests (thutin's heap, Dovecot's login process) is neither
    // mistaken for the connections' cost nor reused to hide it.
    const restart = async (name: string) => {
      if (name === 'thutin') {
        await thutin!.stop();
        thutin = await startThutin(dataDir, work);
      } else {
        await dovecot!.stop();
        dovecot = await startDovecot(work, { cert, key, passwordHash: hash });
      }
    };
    const idle = async (name: string, port: number, user: string, pids: () => number[]) => {
      await restart(name);
      log(`idle memory: ${P.idleConnections} connections to ${name}, ${user}`);
      const r = await idleBench({ name, port, user, connections: P.idleConnections, concurrency: P.idleConcurrency, pids });
      log(`  ${name}: ${r.rssPerConnKb.toFixed(1)} KB RSS, ${r.pssPerConnKb.toFixed(1)} KB PSS per connection (opened in ${(r.openMs / 1000).toFixed(1)} s)`);
      return r;
    };
    const thutinPids = () => [thutin!.pid];
    const dovecotPids = () => processTree(dovecot!.masterPid());
    const idleThutin = await idle('thutin', PORTS.thutin.imaps, IMAP_USER, thutinPids);
    const idleDovecot = await idle('Dovecot', PORTS.dovecot.imaps, IMAP_USER, dovecotPids);
    const emptyThutin = await idle('thutin', PORTS.thutin.imaps, EMPTY_USER, thutinPids);
    const emptyDovecot = await idle('Dovecot', PORTS.dovecot.imaps, EMPTY_USER, dovecotPids);

    // table
    const st = smtp.get('thutin')!;
    const sp = smtp.get('Postfix→Dovecot')!;
    const rows: Row[] = [
      {
        section: 'SMTP',
        name: `SMTP accept-and-store, ${P.smtpMessages} × 10 KB, ${P.smtpSessions} sessions, until all stored`,
        unit: 'msg/s',
        thutin: st.storedRate,
        peer: sp.storedRate,
        peerName: 'Postfix→LMTP→Dovecot',
        kind: 'rate',
        aim: { ratio: 1.0, text: '≥ 1.0×' },
      },
      {
        section: 'SMTP',
        name: 'SMTP accepted (smtp-source finished; Postfix still delivering)',
        unit: 'msg/s',
        thutin: st.acceptRate,
        peer: sp.acceptRate,
        peerName: 'Postfix',
        kind: 'rate',
        info: true,
      },
      {
        section: 'IMAP',
        name: `IMAP APPEND of the ${P.messages}-message mailbox (16 in flight)`,
        unit: 'msg/s',
        thutin: loadThutin.rate,
        peer: loadDovecot.rate,
        peerName: 'Dovecot',
        kind: 'rate',
        info: true,
      },
    ];
    const ot = ops.get('thutin')!;
    const od = ops.get('Dovecot')!;
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    rows.push({ section: 'IMAP', name: 'connect: TCP + TLS handshake + greeting', unit: 'ms', thutin: med(ot.connectMs), peer: med(od.connectMs), peerName: 'Dovecot', kind: 'cost', info: true });
    for (const o of IMAP_OPS) {
      const label =
        o === 'SEARCH SUBJECT' ? `SEARCH SUBJECT ${SUBJECT_WORD}` : o === 'SEARCH TEXT' ? `SEARCH TEXT ${TEXT_WORD}` : o === 'UID FETCH 500 × BODY.PEEK[]' ? 'UID FETCH (500 UIDs) (BODY.PEEK[])' : o;
      rows.push({
        section: 'IMAP',
        name: label,
        unit: 'ms',
        thutin: ot.medians.get(o)!,
        peer: od.medians.get(o)!,
        peerName: 'Dovecot',
        kind: 'cost',
        // Issue 8's rows: FETCH (FLAGS), ENVELOPE, 500 bodies, SEARCH SUBJECT and STORE ≥ 1.0×, SEARCH TEXT ≥ 20×; LOGIN and SELECT are shown.
        ...(o === 'LOGIN' || o === 'SELECT INBOX' ? { info: true } : { aim: o === 'SEARCH TEXT' ? { ratio: 20, text: '≥ 20×' } : { ratio: 1.0, text: '≥ 1.0×' } }),
        answers: { thutin: ot.samples.get(o)![0]?.check ?? '', peer: od.samples.get(o)![0]?.check ?? '' },
      });
    }
    for (const [label, t, d] of [
      [`${P.messages}-message INBOX`, idleThutin, idleDovecot],
      ['empty INBOX', emptyThutin, emptyDovecot],
    ] as const) {
      rows.push(
        {
          section: 'Memory',
          name: `RSS per idle IMAP connection (${P.idleConnections} open, ${label} selected)`,
          unit: 'KB',
          thutin: t.rssPerConnKb,
          peer: d.rssPerConnKb,
          peerName: 'Dovecot',
          kind: 'cost',
          aim: { thutinMax: 64, text: 'thutin ≤ 64 KB' },
        },
        { section: 'Memory', name: `PSS per idle IMAP connection (${label})`, unit: 'KB', thutin: t.pssPerConnKb, peer: d.pssPerConnKb, peerName: 'Dovecot', kind: 'cost', info: true },
      );
    }

    const differ = rows.filter((r) => r.answers && r.answers.thutin !== r.answers.peer);
    const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
    const extra = [
      `Expected answers from the generator: ${expectSubject} subjects with “${SUBJECT_WORD}”, ${expectText} bodies with “${TEXT_WORD}”; corpus ${(bytes / 1e6).toFixed(1)} MB.`,
      `TLS negotiated: thutin ${ot.tls}; Dovecot ${od.tls}.`,
      `SMTP runs (accepted / stored, seconds): thutin ${st.runs.map((r) => `${(r.acceptMs / 1000).toFixed(2)}/${(r.storedMs / 1000).toFixed(2)}`).join(', ')}; Postfix→Dovecot ${sp.runs.map((r) => `${(r.acceptMs / 1000).toFixed(2)}/${(r.storedMs / 1000).toFixed(2)}`).join(', ')}.`,
      `Loading ${P.messages} messages by APPEND: thutin ${(loadThutin.ms / 1000).toFixed(1)} s, Dovecot ${(loadDovecot.ms / 1000).toFixed(1)} s.`,
      ...(
        [
          [`${P.messages}-message INBOX`, idleThutin, idleDovecot],
          ['empty INBOX', emptyThutin, emptyDovecot],
        ] as const
      ).map(
        ([label, t, d]) =>
          `Idle test, ${label}: thutin ${mb(t.before.rssKb)} → ${mb(t.after.rssKb)} RSS (1 process), ${P.idleConnections} connections opened in ${(t.openMs / 1000).toFixed(1)} s; ` +
          `Dovecot ${mb(d.before.rssKb)} → ${mb(d.after.rssKb)} RSS, PSS ${mb(d.before.pssKb)} → ${mb(d.after.pssKb)} (${d.before.processes} → ${d.after.processes} processes), opened in ${(d.openMs / 1000).toFixed(1)} s.`,
      ),
    ];
    const stampAtEnd = await sourceStamp(ROOT);
    if (stampAtEnd !== stampAtStart) {
      const w = `thutin's source changed during this run (${stampAtStart} → ${stampAtEnd}): the idle tests, after a restart, may have run newer code than the rest. Run again on a quiet tree.`;
      extra.unshift(`**Warning:** ${w}`);
      log(`WARNING: ${w}`);
    }
    if (differ.length) extra.push(`**The servers' answers differ for: ${differ.map((r) => r.name).join(', ')}** — see the table above.`);
    const raw = IMAP_OPS.map(
      (o) =>
        `| ${o} | ${ot.samples
          .get(o)!
          .map((s) => s.ms.toFixed(0))
          .join(' ')} | ${od.samples
          .get(o)!
          .map((s) => s.ms.toFixed(0))
          .join(' ')} |`,
    );
    extra.push('', 'All IMAP samples (ms, in order):', '', '| operation | thutin | Dovecot |', '|---|---|---|', ...raw);

    const machine = await machineInfo(ROOT);
    const table = textTable(rows);
    process.stdout.write(`\nthutin vs Dovecot/Postfix — ${machine.date}, ${machine.nproc} CPUs, ${machine.memory}\n`);
    process.stdout.write('ratio > 1.0 means thutin is better (rates: thutin/peer; latencies and memory: peer/thutin)\n\n');
    process.stdout.write(table + '\n\n');
    if (differ.length) process.stdout.write(`WARNING: answers differ for ${differ.map((r) => r.name).join(', ')}\n`);
    writeMarkdown(out, {
      rows,
      machine,
      params: { messages: P.messages, smtpMessages: P.smtpMessages, smtpRuns: P.smtpRuns, reps: P.reps, idleConnections: P.idleConnections },
      extra,
    });
    log(`wrote ${out}; total ${((performance.now() - started) / 60000).toFixed(1)} min`);
  } finally {
    log('stopping servers');
    await Promise.allSettled([thutin?.stop(), postfix?.stop()]);
    await dovecot?.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
