// POP3 benchmark (issue 13): RETR of N messages (BENCH_POP3_MESSAGES, default 1,000), one after
// another over one TLS session, from thutin and from Dovecot's POP3 (Debian's dovecot-pop3d) side
// by side in one run. Both hold the same messages (the bench corpus: Vietnamese provincial mail,
// 2–14 KB): thutin's INBOX filled over IMAP APPEND, Dovecot's Maildir written directly. The same
// Node client signs in (USER/PASS over implicit TLS, the same certificate and the same argon2id
// hash), then times RETR 1..N, reading each answer to its "." line; BENCH_POP3_RUNS runs (default
// 3) after one warm-up pass, median. The bytes each server sent are checked to be the same message
// sizes. Writes its own section of docs/BENCHMARKS.md (BENCH_OUT), kept by the main run.
// Run alone: `npm run bench -- pop3` (bench/run.sh installs dovecot-pop3d and cleans up).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { ImapFlow } from 'imapflow';
import { DOMAIN, IMAP_USER, PASSWORD, PORTS, envInt, log, median, run, sleep, waitForPort } from './env.ts';
import { generateCorpus } from './corpus.ts';
import { addThutinAccount, startThutin, thutinPasswordHash, writeThutinConfig } from './thutin.ts';
import { benchCertificate } from './env.ts';
import { writePop3Section } from './report.ts';

const N = envInt('BENCH_POP3_MESSAGES', 1000);
const RUNS = envInt('BENCH_POP3_RUNS', 3);
const THUTIN_POP3S = 12995;
const DOVECOT_POP3S = 10995;
const OUT = process.env.BENCH_OUT ?? path.resolve(import.meta.dirname, '..', 'docs', 'BENCHMARKS.md');

/** A POP3 client over TLS that reads whole answers: a status line, or a multi-line answer to its end. */
class Pop3Client {
  private buf: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  bytes = 0;
  private constructor(private readonly socket: tls.TLSSocket) {
    socket.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.bytes += d.length;
      this.waiter?.();
    });
  }
  static async connect(port: number): Promise<Pop3Client> {
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
    await new Promise<void>((res, rej) => {
      socket.once('secureConnect', () => res());
      socket.once('error', rej);
    });
    const c = new Pop3Client(socket);
    await c.read(false);
    return c;
  }
  /** The next answer: one line, or (multi) up to CRLF "." CRLF. */
  async read(multi: boolean): Promise<Buffer> {
    for (;;) {
      const lineEnd = this.buf.indexOf('\r\n');
      if (lineEnd >= 0) {
        if (!multi || this.buf[0] === 0x2d) return this.take(lineEnd + 2);
        const end = this.buf.indexOf('\r\n.\r\n', lineEnd - 2);
        if (end >= 0) return this.take(end + 5);
      }
      await new Promise<void>((r) => (this.waiter = r));
      this.waiter = null;
    }
  }
  private take(n: number): Buffer {
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }
  async cmd(line: string, multi = false): Promise<Buffer> {
    this.socket.write(line + '\r\n');
    const a = await this.read(multi);
    if (a[0] !== 0x2b) throw new Error(`${line.split(' ')[0]}: ${a.toString().trim()}`);
    return a;
  }
  close(): void {
    this.socket.destroy();
  }
}

/** One pass: sign in, RETR 1..N, QUIT (nothing deleted). Milliseconds for the RETRs, and the sizes. */
async function retrAll(port: number): Promise<{ ms: number; sizes: number[] }> {
  const c = await Pop3Client.connect(port);
  await c.cmd(`USER ${IMAP_USER}`);
  await c.cmd(`PASS ${PASSWORD}`);
  const stat = (await c.cmd('STAT')).toString().split(' ');
  if (Number(stat[1]) !== N) throw new Error(`port ${port}: ${stat[1]} messages, expected ${N}`);
  const sizes: number[] = [];
  const t0 = process.hrtime.bigint();
  for (let i = 1; i <= N; i++) {
    const a = await c.cmd(`RETR ${i}`, true);
    sizes.push(a.length - a.indexOf('\r\n') - 2);
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await c.cmd('QUIT');
  c.close();
  return { ms, sizes };
}

async function startDovecotPop3(work: string, cert: { cert: string; key: string }, hash: string, messages: Buffer[]): Promise<() => Promise<void>> {
  const dir = path.join(work, 'dovecot-pop3');
  const runDir = path.join(dir, 'run');
  const mail = path.join(dir, 'mail');
  fs.mkdirSync(runDir, { recursive: true, mode: 0o755 });
  const uid = Number((await run('id', ['-u', 'nobody'])).stdout.trim());
  const gid = Number((await run('getent', ['group', 'nogroup'])).stdout.split(':')[2]);
  const [local] = IMAP_USER.split('@');
  const maildir = path.join(mail, DOMAIN, local);
  for (const sub of ['cur', 'new', 'tmp']) fs.mkdirSync(path.join(maildir, sub), { recursive: true });
  const base = Math.floor(Date.now() / 1000) - N;
  messages.forEach((m, i) => fs.writeFileSync(path.join(maildir, 'cur', `${base + i}.M${i}P1.bench,S=${m.length}:2,`), m));
  await run('chown', ['-R', `${uid}:${gid}`, mail]);
  const users = path.join(dir, 'users');
  fs.writeFileSync(users, `${IMAP_USER}:{ARGON2ID}${hash}:${uid}:${gid}::${path.join(dir, 'home')}::\n`, { mode: 0o600 });
  const internal = Number((await run('id', ['-u', 'dovecot'])).stdout.trim());
  fs.chownSync(users, internal, internal);
  const conf = path.join(dir, 'dovecot.conf');
  fs.writeFileSync(
    conf,
    `# thutin POP3 bench: a private Dovecot instance (not /etc/dovecot)
instance_name = thutin-bench-pop3
protocols = pop3
listen = 127.0.0.1
base_dir = ${runDir}
state_dir = ${path.join(dir, 'state')}
log_path = ${path.join(dir, 'dovecot.log')}
ssl = required
ssl_cert = <${cert.cert}
ssl_key = <${cert.key}
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=ARGON2ID ${users}
}
userdb {
  driver = passwd-file
  args = ${users}
}
mail_location = maildir:${mail}/%d/%n
pop3_uidl_format = %08Xu%08Xv
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = ${DOVECOT_POP3S}
    ssl = yes
  }
}
`,
  );
  await run('dovecot', ['-c', conf], { daemonizes: true });
  await waitForPort(DOVECOT_POP3S, 'Dovecot POP3', 20_000);
  log(`Dovecot ${(await run('dovecot', ['--version'])).stdout.trim()} POP3 on 127.0.0.1:${DOVECOT_POP3S}`);
  return async () => {
    await run('doveadm', ['-c', conf, 'stop'], { allowFail: true });
    for (let i = 0; i < 50 && fs.existsSync(path.join(runDir, 'master.pid')); i++) await sleep(100);
  };
}

async function main(): Promise<void> {
  const work = process.env.BENCH_WORK ?? fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-pop3-bench-'));
  fs.chmodSync(work, 0o755); // Dovecot's auth process (user dovecot) reads the users file inside
  const cert = await benchCertificate(path.join(work, 'tls'));
  const messages = generateCorpus(N).map((m) => m.raw);
  const dataDir = path.join(work, 'thutin-pop3');
  writeThutinConfig(dataDir, cert);
  const cfgFile = path.join(dataDir, 'thutin.json');
  const cfg = JSON.parse(fs.readFileSync(cfgFile, 'utf8')) as Record<string, unknown>;
  cfg.pop3 = { host: '127.0.0.1', port: 0, tlsPort: THUTIN_POP3S };
  cfg.ldap = { host: '127.0.0.1', port: 0, tlsPort: 0 };
  cfg.http = { host: '127.0.0.1', port: 0, tlsPort: 0 };
  fs.writeFileSync(cfgFile, JSON.stringify(cfg, null, 2));
  await addThutinAccount(dataDir, IMAP_USER);
  const hash = await thutinPasswordHash(dataDir, IMAP_USER);
  const thutin = await startThutin(dataDir, work);
  let stopDovecot: (() => Promise<void>) | null = null;
  try {
    await waitForPort(THUTIN_POP3S, 'thutin POP3', 30_000);
    const imap = new ImapFlow({ host: '127.0.0.1', port: PORTS.thutin.imaps, secure: true, tls: { rejectUnauthorized: false }, auth: { user: IMAP_USER, pass: PASSWORD }, logger: false });
    await imap.connect();
    for (const m of messages) await imap.append('INBOX', m);
    await imap.logout();
    log(`thutin INBOX: ${N} messages`);
    stopDovecot = await startDovecotPop3(work, cert, hash, messages);
    const times: Record<'thutin' | 'dovecot', number[]> = { thutin: [], dovecot: [] };
    const expected = messages.map((m) => m.length);
    for (let r = 0; r <= RUNS; r++) {
      for (const [name, port] of [
        ['thutin', THUTIN_POP3S],
        ['dovecot', DOVECOT_POP3S],
      ] as const) {
        const { ms, sizes } = await retrAll(port);
        // Each answer is the message, dot-stuffed, then ".\r\n": at least the message's size.
        const short = sizes.findIndex((s, i) => s < expected[i] + 3);
        if (short >= 0) throw new Error(`${name}: RETR ${short + 1} gave ${sizes[short]} bytes for a ${expected[short]}-byte message`);
        if (r > 0) times[name].push(ms); // run 0 warms up
        log(`${name}: RETR 1..${N} in ${ms.toFixed(0)} ms${r === 0 ? ' (warm-up)' : ''}`);
      }
    }
    const t = median(times.thutin);
    const d = median(times.dovecot);
    const mb = expected.reduce((a, b) => a + b, 0) / 1e6;
    const ratio = d / t;
    const body = `## POP3: RETR of ${N.toLocaleString('en')} messages (issue 13)

${new Date().toISOString().slice(0, 10)} — ${os.cpus().length} CPUs, load ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}. One TLS session each (USER/PASS, the same certificate and argon2id hash), RETR 1..${N}
one after another, each answer read to its "." line; ${mb.toFixed(1)} MB of the bench corpus
(Vietnamese provincial mail, 2–14 KB). Median of ${RUNS} runs after a warm-up.

| | thutin | Dovecot POP3 | ratio¹ |
|---|---|---|---|
| RETR 1..${N} (ms) | ${t.toFixed(0)} | ${d.toFixed(0)} | ${ratio.toFixed(2)}× ${ratio >= 1 ? '✅' : '❌'} |
| messages per second | ${((N * 1000) / t).toFixed(0)} | ${((N * 1000) / d).toFixed(0)} | |

¹ Dovecot's time ÷ thutin's: > 1.0 means thutin is faster; the aim is ≥ 1.0×.
Written by \`bench/pop3-bench.ts\` (\`npm run bench -- pop3\`; knobs BENCH_POP3_MESSAGES, BENCH_POP3_RUNS).`;
    console.log(`\n${body}\n`);
    writePop3Section(OUT, body);
  } finally {
    await stopDovecot?.();
    await thutin.stop();
    if (!process.env.BENCH_WORK && process.env.BENCH_KEEP !== '1') fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
