// The results table (printed, and written to docs/BENCHMARKS.md with the date, the machine and
// the versions). Ratios are always oriented so that > 1.0 means thutin is better: rates are
// thutin / peer, latencies and memory are peer / thutin. The hand-written part of
// BENCHMARKS.md between the "notes" markers is kept when the file is rewritten.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { run } from './env.ts';

export interface Row {
  section: string;
  name: string;
  unit: string;
  thutin: number;
  peer: number;
  peerName: string;
  /** 'rate': higher is better; 'cost': lower is better (latency, memory). */
  kind: 'rate' | 'cost';
  /** Minimum ratio aimed at (ratio oriented so > 1 is thutin better), or an absolute bound on thutin. */
  aim?: { ratio?: number; thutinMax?: number; text: string };
  answers?: { thutin: string; peer: string };
  info?: boolean;
}

export function ratio(r: Row): number {
  return r.kind === 'rate' ? r.thutin / r.peer : r.peer / r.thutin;
}

export function aimMet(r: Row): boolean | null {
  if (!r.aim) return null;
  if (r.aim.ratio !== undefined) return ratio(r) >= r.aim.ratio;
  if (r.aim.thutinMax !== undefined) return r.thutin <= r.aim.thutinMax;
  return null;
}

function fmt(n: number, unit: string): string {
  if (!Number.isFinite(n)) return 'n/a';
  if (unit === 'ms') return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
  if (unit === 'KB') return n.toFixed(1);
  return n >= 100 ? n.toFixed(0) : n.toFixed(1);
}

export interface Machine {
  date: string;
  nproc: number;
  memory: string;
  cpu: string;
  kernel: string;
  os: string;
  versions: Record<string, string>;
}

async function firstLine(cmd: string, args: string[]): Promise<string> {
  try {
    const r = await run(cmd, args, { allowFail: true });
    return (r.stdout || r.stderr).trim().split('\n')[0];
  } catch {
    return '?';
  }
}

/**
 * What thutin code is in the tree: commit plus a digest of uncommitted changes under src/.
 * The bench compares it at the start and the end, since thutin is restarted mid-run.
 */
export async function sourceStamp(root: string): Promise<string> {
  const commit = await firstLine('git', ['-C', root, 'rev-parse', '--short', 'HEAD']);
  try {
    const diff = await run('git', ['-C', root, 'diff', 'HEAD', '--', 'src'], { allowFail: true });
    const untracked = await run('git', ['-C', root, 'ls-files', '--others', '--exclude-standard', '--', 'src'], { allowFail: true });
    const dirty = diff.stdout.length > 0 || untracked.stdout.trim().length > 0;
    const digest = crypto.createHash('sha256').update(diff.stdout).update(untracked.stdout).digest('hex').slice(0, 8);
    return dirty ? `${commit}+dirty:${digest}` : commit;
  } catch {
    return commit;
  }
}

export async function machineInfo(root: string): Promise<Machine> {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const osRelease = fs.existsSync('/etc/os-release') ? fs.readFileSync('/etc/os-release', 'utf8') : '';
  const pkg = JSON.parse(fs.readFileSync(`${root}/package.json`, 'utf8')) as { version: string };
  const commit = await sourceStamp(root);
  return {
    date: new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC',
    nproc: Number(await firstLine('nproc', [])) || os.cpus().length,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? '?',
    kernel: os.release(),
    os: /^PRETTY_NAME="?([^"\n]+)"?/m.exec(osRelease)?.[1] ?? os.type(),
    versions: {
      thutin: `${pkg.version} (${commit})`,
      'Node.js': process.version,
      Dovecot: await firstLine('dovecot', ['--version']),
      Postfix: await firstLine('postconf', ['-h', '-d', 'mail_version']),
      OpenSSL: (await firstLine('openssl', ['version'])).replace(/^OpenSSL /, '').replace(/ \(Library:.*\)$/, ''),
    },
  };
}

export function textTable(rows: Row[]): string {
  const head = ['measure', 'unit', 'thutin', 'peer', 'peer value', 'ratio', 'aim', 'met'];
  const body = rows.map((r) => {
    const met = aimMet(r);
    return [r.name, r.unit, fmt(r.thutin, r.unit), r.peerName, fmt(r.peer, r.unit), ratio(r).toFixed(2), r.aim?.text ?? (r.info ? '(info)' : ''), met === null ? '' : met ? 'yes' : 'NO'];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 && i !== 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

function mdTable(rows: Row[]): string {
  const out = ['| measure | thutin | peer | thutin ÷ peer¹ | aim | met |', '|---|---:|---:|---:|---|:-:|'];
  for (const r of rows) {
    const met = aimMet(r);
    out.push(
      `| ${r.name} | ${fmt(r.thutin, r.unit)} ${r.unit} | ${fmt(r.peer, r.unit)} ${r.unit} (${r.peerName}) | **${ratio(r).toFixed(2)}** | ${r.aim?.text ?? (r.info ? 'info' : '')} | ${met === null ? '' : met ? '✅' : '❌'} |`,
    );
  }
  return out.join('\n');
}

function answersTable(rows: Row[]): string {
  const out = ['| operation | thutin answered | Dovecot answered | same |', '|---|---|---|:-:|'];
  for (const r of rows) if (r.answers) out.push(`| ${r.name} | ${r.answers.thutin} | ${r.answers.peer} | ${r.answers.thutin === r.answers.peer ? '✅' : '❌'} |`);
  return out.join('\n');
}

const NOTES_START = '<!-- notes:start (kept when bench/run.sh rewrites this file) -->';
const NOTES_END = '<!-- notes:end -->';
// Sections other benches write between their own markers (bench/directory-bench.ts,
// bench/outbound-bench.ts): each bench replaces only its own, and the main run keeps them when it
// rewrites the file.
interface KeptSection {
  start: string;
  end: string;
}
const DIRECTORY: KeptSection = { start: '<!-- directory:start (written by npm run bench:directory) -->', end: '<!-- directory:end -->' };
const OUTBOUND: KeptSection = { start: '<!-- outbound:start (written by bench/outbound-bench.ts) -->', end: '<!-- outbound:end -->' };
const SMTP_INGEST: KeptSection = { start: '<!-- smtp-ingest:start (written by bench/smtp-ingest.ts) -->', end: '<!-- smtp-ingest:end -->' };
const FETCH_RSS: KeptSection = { start: '<!-- fetch-rss:start (written by bench/fetch-rss.ts) -->', end: '<!-- fetch-rss:end -->' };
const POP3: KeptSection = { start: '<!-- pop3:start (written by bench/pop3-bench.ts) -->', end: '<!-- pop3:end -->' };
const IMAP_STRESS: KeptSection = { start: '<!-- imap-stress:start (written by bench/imap-stress-bench.ts) -->', end: '<!-- imap-stress:end -->' };
const MIGRATE: KeptSection = { start: '<!-- migrate:start -->', end: '<!-- migrate:end -->' }; // bench/migrate-bench.ts

function keptSection(old: string, k: KeptSection): string {
  const s = old.indexOf(k.start);
  const e = old.indexOf(k.end);
  return s >= 0 && e > s ? old.slice(s, e + k.end.length) : '';
}

/** Write (or replace) a kept section, before the notes; the rest of the file is untouched. */
function writeKeptSection(file: string, k: KeptSection, body: string): void {
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const section = `${k.start}\n${body.trim()}\n${k.end}`;
  const current = keptSection(old, k);
  let md: string;
  if (current) md = old.replace(current, () => section);
  else {
    const notes = old.indexOf('\n## Notes\n');
    md = notes >= 0 ? `${old.slice(0, notes)}\n${section}\n${old.slice(notes)}` : `${old.trimEnd()}\n\n${section}\n`;
  }
  fs.writeFileSync(file, md);
}

/** The outbound benchmark's section. */
export function writeOutboundSection(file: string, body: string): void {
  writeKeptSection(file, OUTBOUND, body);
}

/** The SMTP ingest benchmark's section (issue 8: smtp-source, 5,000 messages, resolver cases). */
export function writeSmtpIngestSection(file: string, body: string): void {
  writeKeptSection(file, SMTP_INGEST, body);
}

/** The peak-memory FETCH benchmark's section (issue 8: FETCH 1:* BODY.PEEK[] over 2 GB). */
export function writeFetchRssSection(file: string, body: string): void {
  writeKeptSection(file, FETCH_RSS, body);
}

/** The POP3 benchmark's section (issue 13: RETR of 1,000 messages against Dovecot's POP3). */
export function writePop3Section(file: string, body: string): void {
  writeKeptSection(file, POP3, body);
}

/** The mixed-command IMAP stress section (issue 13: 50 clients × 60 s against Dovecot). */
export function writeImapStressSection(file: string, body: string): void {
  writeKeptSection(file, IMAP_STRESS, body);
}

/** The migration benchmark's section (issue 14: thutin migrate imap against mbsync, from Dovecot). */
export function writeMigrateSection(file: string, body: string): void {
  writeKeptSection(file, MIGRATE, body);
}

/** The directory benchmark's section. */
export function writeDirectorySection(file: string, body: string): void {
  writeKeptSection(file, DIRECTORY, body);
}

export function writeMarkdown(file: string, opts: { rows: Row[]; machine: Machine; params: Record<string, string | number>; extra: string[] }): void {
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const s = old.indexOf(NOTES_START);
  const e = old.indexOf(NOTES_END);
  const notes = s >= 0 && e > s ? old.slice(s + NOTES_START.length, e).trim() : '_(no notes yet)_';
  const directory = keptSection(old, DIRECTORY);
  const outbound = keptSection(old, OUTBOUND);
  const smtpIngest = keptSection(old, SMTP_INGEST);
  const fetchRss = keptSection(old, FETCH_RSS);
  const pop3 = keptSection(old, POP3);
  const imapStress = keptSection(old, IMAP_STRESS);
  const migrate = keptSection(old, MIGRATE);
  const m = opts.machine;
  const head = `# thutin — hiệu năng so với Dovecot và Postfix / benchmarks against Dovecot and Postfix

\`npm run bench\` (\`bench/run.sh\`; not part of the tests, needs root for \`apt-get\` and the peers)
installs Dovecot and Postfix from Debian's packages, runs them on loopback next to thutin, puts the
same data into both and measures both in one run. This file is rewritten by each run; the notes
at the end are kept.

## Last run

${m.date} — ${m.nproc} CPUs (\`nproc\`), ${m.memory} RAM, ${m.cpu}, ${m.os}, Linux ${m.kernel}.
Versions: ${Object.entries(m.versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(' · ')}.

${mdTable(opts.rows)}

¹ **> 1.0 means thutin is better.** For rates it is thutin ÷ peer; for latencies and memory it is
peer ÷ thutin (e.g. 2.0 = thutin answers in half the time, or uses half the memory per connection).
Latencies are medians of ${opts.params.reps} repetitions after one warm-up; the SMTP rate is the
median of ${opts.params.smtpRuns} runs.

What each server answered (the same data, so the answers must agree):

${answersTable(opts.rows)}

${opts.extra.join('\n')}

## What is measured, and how

Parameters of this run: ${Object.entries(opts.params)
    .map(([k, v]) => `\`${k}=${v}\``)
    .join(', ')}.

1. **SMTP accept-and-store.** Postfix's \`smtp-source -s 20 -l 10240 -m N -f sender@bench.test -t
   user@kontum.gov.vn\` (10 KB messages, 20 parallel sessions, one message per connection) to
   thutin's inbound (MX) port and to Postfix. The clock runs until every message is **stored**:
   thutin answers 250 only after its transaction committed, and the harness still checks the
   count over IMAP; Postfix queues the message and delivers it over LMTP to Dovecot, and the
   harness polls Dovecot's Maildir until all messages are there. One warm-up of 500 messages each;
   before each batch the recipient empties the INBOX over IMAP (\\Deleted, EXPUNGE) on both
   servers, so every batch is delivered into the same, empty folder.
2. **IMAP on a 20,000-message mailbox.** The generator (\`bench/corpus.ts\`, fixed seed) makes
   realistic provincial mail: Vietnamese subjects, names and bodies; 8bit, quoted-printable and
   base64 text; multipart/alternative with HTML; multipart/mixed with a PDF-like attachment;
   about 2–14 KB, median about 5.5 KB. The same bytes, in the same order, with the same internal
   dates, are APPENDed to both servers over one TLS connection each with INBOX selected, as a
   client does (LITERAL+, 16 commands in flight). The operations then run over **TLS for both**
   (thutin refuses LOGIN in clear; Dovecot gets the same certificate and key), with the same
   raw-socket client (\`bench/imap-client.ts\`): a fresh connection per repetition, the two
   servers taking turns. SEARCH uses \`CHARSET UTF-8\` with a one-word literal: SUBJECT
   \`Giấy\`, TEXT \`Krông\` (words chosen so that thutin's accent-insensitive match and
   Dovecot's exact match select the same messages). STORE sets \\Seen on all messages, and the
   next command clears it again.
3. **Memory per idle IMAP connection.** ${opts.params.idleConnections} TLS connections, each
   logged in with INBOX selected, then quiet (no IDLE command): once with the 20,000-message
   INBOX, once with an empty INBOX (a third account), so the fixed cost of a connection and the
   part that grows with the folder show separately. Each server is restarted before each of these
   tests (so memory kept from earlier tests neither counts nor hides anything), and its memory is
   read from \`/proc\` 5 s before and 5 s after opening the connections: thutin's node process;
   for Dovecot the master and all its children (imap, imap-login, auth, …). RSS is what the aim refers to; summed over Dovecot's
   processes it counts the pages they share (libraries, the mmapped index) once per process, so
   PSS (proportional set size) is given too: for Dovecot the fairer figure.

### Configuration of the peers
- **Dovecot** (\`bench/peers.ts\`): own \`dovecot.conf\` and \`base_dir\` in the temp folder,
  IMAP only on 127.0.0.1:10993 (implicit TLS), Maildir, a passwd-file user whose password hash is
  **the argon2id hash thutin stored** for the same account (\`{ARGON2ID}\`, m=19456, t=2, p=1), so
  both do the same work at LOGIN. \`imap-login\` in Dovecot's high-performance mode
  (\`service_count = 0\`), \`maildir_very_dirty_syncs = yes\` (only Dovecot touches the
  Maildir), \`mail_fsync\` at its default, no FTS plugin (Debian's default), limits raised for
  1,000 connections of one user.
- **Postfix**: own config dir (\`postfix -c DIR\`), SMTP on 127.0.0.1:10025, \`mydestination =
  kontum.gov.vn\`, \`local_transport = lmtp:unix:…\` into Dovecot's LMTP socket, no DNS
  (\`disable_dns_lookups\`, \`smtp_host_lookup = native\`, \`smtpd_peername_lookup = no\`),
  otherwise Postfix defaults (queue files fsynced).
- **thutin**: \`node --import tsx src/cli/main.ts --data DIR serve\` (what \`npx thutin serve\`
  runs), SQLite backend, default settings, log level info to a file, the same certificate.

Everything listens on 127.0.0.1 only, on non-standard ports; processes and the temp folder are
removed at the end (\`trap\` in \`bench/run.sh\`). The smaller knobs are environment variables:
\`BENCH_MESSAGES\`, \`BENCH_SMTP_MESSAGES\`, \`BENCH_SMTP_RUNS\`, \`BENCH_REPS\`,
\`BENCH_IDLE_CONNECTIONS\`, \`BENCH_KEEP=1\` (keep the temp folder and logs).

`;
  // An existing file keeps everything after its "What is measured" section as it is: the other
  // benches' sections, and those written by hand (spam, virus, backup, JMAP, webmail …).
  const measured = old.indexOf('\n## What is measured, and how');
  const after = measured >= 0 ? old.slice(measured + 1).search(/\n(## |<!-- )/) : -1;
  if (after >= 0) {
    fs.writeFileSync(file, head + old.slice(measured + 1 + after + 1));
    return;
  }
  const md = `${head}${smtpIngest ? `${smtpIngest}\n\n` : ''}${fetchRss ? `${fetchRss}\n\n` : ''}${directory ? `${directory}\n\n` : ''}${outbound ? `${outbound}\n\n` : ''}${pop3 ? `${pop3}\n\n` : ''}${imapStress ? `${imapStress}\n\n` : ''}${migrate ? `${migrate}\n\n` : ''}## Notes
${NOTES_START}
${notes}
${NOTES_END}
`;
  fs.writeFileSync(file, md);
}
