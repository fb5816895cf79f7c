// `thutin serve` with inbound processes (smtp.inboundProcesses, smtp/inbound-processes.ts): the
// main process hands MX connections to two more processes over the same store (issue 8: one event
// loop was the ceiling). Python's smtplib sends 40 messages over 10 threads, one per connection;
// then every message is in the INBOX exactly once (imapflow), an IMAP IDLE in the main process saw
// them arrive without a new SELECT, more than one process said "message accepted", /metrics in the
// main process counts all 40, and `thutin store check` finds nothing wrong. SIGTERM ends the
// processes with the main one; after kill -9 of the main one they end by themselves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { loopbackEnv, serve, thutin, type Serving } from '../helpers/cli.ts';
import { backends, createPgDatabase, TEST_PASSWORD } from '../helpers/harness.ts';

const USER = 'annv@kontum.gov.vn';
const MESSAGES = 40;
const TOKEN = 'inbound-processes-scrape-token-0123456789';

/** The pids of a process's inbound processes (Linux /proc: its children running `inbound-process`). */
function inboundOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== pid) continue;
      if (fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').includes('inbound-process')) out.push(Number(d));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

const alive = (pid: number) => fs.existsSync(`/proc/${pid}`) && !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));

async function until(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  for (const t0 = Date.now(); !ok();) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** 40 messages from 10 threads of Python's smtplib, each on its own connection; the subjects that got 250. */
function sendWithSmtplib(port: number): Promise<string[]> {
  const script = `
import smtplib, sys, threading
from email.message import EmailMessage
ok = []
def worker(t):
    for i in range(t, ${MESSAGES}, 10):
        m = EmailMessage()
        m['From'] = 'vanthu@moha.gov.vn'; m['To'] = '${USER}'; m['Subject'] = f'Công văn số {i}'
        m['Message-ID'] = f'<inbound-{i}@moha.gov.vn>'
        m.set_content('Kính gửi đồng chí,\\n' + 'nội dung ' * 500)
        with smtplib.SMTP('127.0.0.1', ${port}, timeout=60) as s:
            s.send_message(m)
            ok.append(m['Subject'])
ts = [threading.Thread(target=worker, args=(t,)) for t in range(10)]
[t.start() for t in ts]; [t.join() for t in ts]
print('\\n'.join(ok))
`;
  return new Promise((resolve, reject) => {
    const p = spawn('python3', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(out.split('\n').filter(Boolean)) : reject(new Error(`smtplib: ${err}`))));
  });
}

describe.each(backends())('thutin serve with inbound processes (%s)', { timeout: 180_000 }, (backend) => {
  let root: string;
  let dir: string;
  let env: Record<string, string>;
  let server: Serving;
  let dropDb: (() => Promise<void>) | null = null;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-inbound-'));
    dir = path.join(root, 'data');
    env = loopbackEnv({ THUTIN_SMTP_INBOUND_PROCESSES: '2', THUTIN_LOG_LEVEL: 'info' });
    if (backend === 'postgres') {
      const pg = await createPgDatabase('thutin_inbound');
      dropDb = pg.drop;
      Object.assign(env, { THUTIN_DATABASE_DRIVER: 'postgres', THUTIN_DATABASE_URL: pg.url });
    }
    expect((await thutin(dir, ['init', '--domain', 'kontum.gov.vn'], { env })).code).toBe(0);
    const cfgFile = path.join(dir, 'thutin.json');
    fs.writeFileSync(cfgFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(cfgFile, 'utf8')), metrics: { token: TOKEN } }, null, 2));
    expect((await thutin(dir, ['account', 'add', USER, '--password-stdin'], { env, input: `${TEST_PASSWORD}\n` })).code).toBe(0);
  });
  afterAll(async () => {
    await server?.stop();
    await dropDb?.();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('spreads MX sessions over the processes; every message arrives once, announced and counted in the main process', async () => {
    server = serve(dir, env);
    const { ports } = await server.ready;
    const main = server.proc.pid!;
    await until('two inbound processes', () => inboundOf(main).length === 2);

    const imap = new ImapFlow({ host: '127.0.0.1', port: ports.imaps, secure: true, tls: { rejectUnauthorized: false }, auth: { user: USER, pass: TEST_PASSWORD }, logger: false });
    await imap.connect();
    await imap.mailboxOpen('INBOX');
    let announced = 0;
    imap.on('exists', (e: { count: number }) => (announced = e.count));
    const idle = imap.idle();

    const sent = await sendWithSmtplib(ports.smtp);
    expect(sent).toHaveLength(MESSAGES);
    // IDLE in the main process hears of messages committed by the others (no new SELECT).
    await until('IDLE to announce every message', () => announced === MESSAGES);
    await imap.noop(); // ends the IDLE
    await idle;

    const subjects: string[] = [];
    for await (const m of imap.fetch('1:*', { envelope: true })) subjects.push(m.envelope!.subject!);
    expect(subjects.sort()).toEqual([...sent].sort());
    expect(new Set(subjects).size).toBe(MESSAGES);
    await imap.logout();

    // More than one process took connections (each logs "message accepted" with its pid).
    await until('every accepted line', () => logLines(server).filter((l) => l.msg === 'message accepted').length === MESSAGES);
    const pids = new Set(
      logLines(server)
        .filter((l) => l.msg === 'message accepted')
        .map((l) => l.pid),
    );
    expect(pids.size).toBeGreaterThanOrEqual(2);

    // /metrics (the main process) counts the deliveries of every process.
    const res = await fetch(`http://127.0.0.1:${ports.http}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    const delivered = /^thutin_mail_messages_total\{direction="in"\} (\d+)/m.exec(text);
    expect(Number(delivered?.[1])).toBe(MESSAGES);

    const check = await thutin(dir, ['store', 'check', '--json'], { env });
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });

  it('SIGTERM ends the inbound processes with the main one', async () => {
    const main = server.proc.pid!;
    const kids = inboundOf(main);
    expect(kids).toHaveLength(2);
    await server.stop();
    await until('the inbound processes to end', () => kids.every((p) => !alive(p)));
  });

  it('after kill -9 of the main process, the inbound processes end by themselves', async () => {
    server = serve(dir, env);
    await server.ready;
    const main = server.proc.pid!;
    await until('two inbound processes', () => inboundOf(main).length === 2);
    const kids = inboundOf(main);
    server.proc.kill('SIGKILL');
    await server.exited;
    await until('the orphaned inbound processes to end', () => kids.every((p) => !alive(p)));
  });
});

interface LogLine {
  msg: string;
  pid: number;
}

/** The JSON log lines `thutin serve` printed so far (its own and its inbound processes'). */
function logLines(s: Serving): LogLine[] {
  return s
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);
}
