// kill -9 of `thutin serve` under inbound SMTP load loses no accepted message and leaves the
// store consistent (issue 8). The real server runs as a child process on each backend; 20 SMTP
// sessions each send messages one after another (unique Message-ID and subject, some to two
// local recipients, some large) and the server is killed with SIGKILL once ~150 have had their
// 250 — three times, restarting in between while the load starts again at once (so the start
// sweep runs beside new deliveries). After one more restart every message that got 250 is in
// its recipients' mailboxes exactly once (IMAP over TLS with imapflow), no message is there
// twice, and `thutin store check --grace-ms 0 --json` finds nothing: no orphan blob, no temp
// file, no unreferenced contents row, no missing blob, no wrong used_bytes.
// A message without a 250 (in flight at the kill) may or may not be stored, but never twice.
// On PostgreSQL the start sweep is not exclusive and keeps blobs younger than
// store.orphanGraceMs (other processes may be writing them): the test sets it to 1 s and
// restarts the last time after that, so the crash orphans are old enough to go.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ImapFlow } from 'imapflow';
import { backends, PG_URL, TEST_PASSWORD, type Backend } from '../helpers/harness.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/thutin.js');
const SESSIONS = 20;
const KILL_AFTER = 150; // 250s in a round before kill -9
const ROUNDS = 3;
const ORPHAN_GRACE_MS = 1000;
const USERS = ['annv', 'binhlt', 'cuongpm'].map((u) => `${u}@kontum.gov.vn`);
const SENDER = 'vanthu@moha.gov.vn';

interface Ports {
  smtp: number;
  imaps: number;
}

interface Server {
  proc: ChildProcess;
  ports: Promise<Ports>;
  /** Resolves when the server has logged its first store-maintenance pass (needs log level info). */
  maintained: Promise<void>;
  stderr: () => string;
}

function serve(dir: string, logLevel: string): Server {
  const proc = spawn(process.execPath, [BIN, '--data', dir, 'serve'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, THUTIN_LOG_LEVEL: logLevel } });
  let out = '';
  let err = '';
  let onPorts!: (p: Ports) => void;
  let onMaintained!: () => void;
  let fail!: (e: Error) => void;
  const ports = new Promise<Ports>((resolve, reject) => {
    onPorts = resolve;
    fail = reject;
  });
  const maintained = new Promise<void>((resolve) => (onMaintained = resolve));
  ports.catch(() => {});
  proc.stdout!.on('data', (d: Buffer) => {
    if (process.env.DEBUG_CRASH) process.stderr.write(d);
    out += d.toString();
    let i: number;
    while ((i = out.indexOf('\n')) >= 0) {
      const line = out.slice(0, i);
      out = out.slice(i + 1);
      const m = /^thutin: SMTP (\d+),.* IMAP \d+ \(STARTTLS\) (\d+) \(TLS\)/.exec(line);
      if (m) onPorts({ smtp: Number(m[1]), imaps: Number(m[2]) });
      if (line.includes('"maintenance"') && line.includes('store maintenance')) onMaintained();
    }
  });
  proc.stderr!.on('data', (d: Buffer) => {
    if (process.env.DEBUG_CRASH) process.stderr.write(d);
    err += d.toString();
  });
  proc.once('exit', (code, sig) => fail(new Error(`thutin serve exited (${code ?? sig}) before listening: ${err}`)));
  return { proc, ports, maintained, stderr: () => err };
}

async function stopped(p: ChildProcess, sig: NodeJS.Signals): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    p.once('exit', () => resolve());
    p.kill(sig);
  });
}

function thutin(dir: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = execFile(process.execPath, [BIN, '--data', dir, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    if (input !== undefined) c.stdin!.end(input);
  });
}

/** A bare SMTP client: one reply per command, no pipelining, errors when the server goes away. */
class SmtpSession {
  private lines: string[] = [];
  private partial = '';
  private wake: (() => void) | null = null;
  private ended: Error | null = null;

  private constructor(private readonly sock: net.Socket) {
    sock.on('data', (d: Buffer) => {
      this.partial += d.toString('latin1');
      let i: number;
      while ((i = this.partial.indexOf('\n')) >= 0) {
        this.lines.push(this.partial.slice(0, i).replace(/\r$/, ''));
        this.partial = this.partial.slice(i + 1);
      }
      this.wake?.();
    });
    const end = (e?: Error) => {
      this.ended ??= e ?? new Error('connection closed');
      this.wake?.();
    };
    sock.on('error', end);
    sock.on('close', () => end());
  }

  static open(port: number): Promise<SmtpSession> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('error', reject);
      s.once('connect', () => {
        s.off('error', reject);
        resolve(new SmtpSession(s));
      });
    });
  }

  async reply(): Promise<{ code: number; text: string }> {
    const text: string[] = [];
    for (;;) {
      while (!this.lines.length) {
        if (this.ended) throw this.ended;
        await new Promise<void>((r) => (this.wake = r));
        this.wake = null;
      }
      const l = this.lines.shift()!;
      text.push(l);
      if (l[3] !== '-') return { code: Number(l.slice(0, 3)), text: text.join('\n') };
    }
  }

  async cmd(line: string, want: number): Promise<void> {
    this.sock.write(line + '\r\n');
    const r = await this.reply();
    if (r.code !== want) throw new Error(`${line} → ${r.text}`);
  }

  /** Send one message; the final reply (throws when the connection is lost). */
  async send(from: string, to: string[], data: string): Promise<{ code: number; text: string }> {
    await this.cmd(`MAIL FROM:<${from}>`, 250);
    for (const r of to) await this.cmd(`RCPT TO:<${r}>`, 250);
    await this.cmd('DATA', 354);
    this.sock.write(data.replace(/^\./gm, '..') + '\r\n.\r\n');
    return this.reply();
  }

  close(): void {
    this.sock.destroy();
  }
}

interface Sent {
  messageId: string;
  subject: string;
  to: string[];
  /** The body's last line: the whole message was read back. */
  last: string;
  accepted: boolean;
}

function message(m: Sent, n: number): string {
  // Every tenth message is ~200 KB, so a kill can land in the middle of a blob being written.
  const lines = n % 10 === 3 ? 2800 : 3 + (n % 7);
  const body: string[] = [];
  for (let i = 0; i < lines; i++) body.push(`Noi dung thu ${m.subject}, dong so ${i} ${'x'.repeat(40)}`);
  m.last = body[lines - 1];
  return [
    `From: Van thu <${SENDER}>`,
    `To: ${m.to.map((t) => `<${t}>`).join(', ')}`,
    `Subject: ${m.subject}`,
    'Date: Sat, 28 Nov 2026 09:15:00 +0700',
    `Message-ID: <${m.messageId}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    ...body,
    '',
  ].join('\r\n');
}

describe.each(backends())('kill -9 of thutin serve under SMTP load (%s)', (backend: Backend) => {
  let dir: string;
  let dropPg: (() => Promise<void>) | null = null;
  const children: ChildProcess[] = [];
  const sent = new Map<string, Sent>();

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-store-crash-'));
    let database: Record<string, string> | undefined;
    if (backend === 'postgres') {
      const name = `thutin_test_${crypto.randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const u = new URL(PG_URL!);
      u.pathname = `/${name}`;
      database = { driver: 'postgres', url: u.toString() };
      dropPg = async () => {
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      };
    }
    fs.writeFileSync(
      path.join(dir, 'thutin.json'),
      JSON.stringify({
        hostname: 'mail.test.local',
        ...(database ? { database } : {}),
        smtp: { host: '127.0.0.1', inboundPort: 0, submissionPort: 0, submissionTlsPort: 0 },
        imap: { host: '127.0.0.1', port: 0, tlsPort: 0 },
        http: { host: '127.0.0.1', port: 0, tlsPort: 0 },
        ldap: { host: '127.0.0.1', port: 0, tlsPort: 0 },
        pop3: { host: '127.0.0.1', port: 0, tlsPort: 0 },
        sieve: { host: '127.0.0.1', port: 0 }, // every listener on a free port: test files run side by side
        // A closed loopback port: SPF/DKIM/DMARC answer temperror at once, nothing asks the real DNS.
        dns: { servers: ['127.0.0.1:1'] },
        outbound: { enabled: false },
        store: { orphanGraceMs: ORPHAN_GRACE_MS },
      }),
    );
    for (const u of USERS) {
      const r = await thutin(dir, ['account', 'add', u, '--password-stdin'], TEST_PASSWORD + '\n');
      expect(r.code, r.stderr).toBe(0);
    }
  }, 120_000);

  afterAll(async () => {
    for (const c of children) await stopped(c, 'SIGKILL');
    await dropPg?.();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** One round: start the server, put 20 sessions on it at once, kill -9 after KILL_AFTER 250s. */
  async function round(r: number): Promise<{ accepted: number; attempted: number; refused: string[] }> {
    const server = serve(dir, 'warn');
    children.push(server.proc);
    const ports = await server.ports;
    let accepted = 0;
    let attempted = 0;
    let killed = false;
    const refused: string[] = [];
    const session = async (s: number) => {
      let c: SmtpSession;
      try {
        c = await SmtpSession.open(ports.smtp);
        const g = await c.reply();
        if (g.code !== 220) throw new Error(g.text);
        await c.cmd('EHLO client.moha.gov.vn', 250);
      } catch (e) {
        if (!killed) refused.push(`session ${s}: ${(e as Error).message}`);
        return;
      }
      for (let n = 0; !killed; n++) {
        const i = r * 10_000 + s * 100 + n;
        const to = n % 5 === 4 ? [USERS[i % USERS.length], USERS[(i + 1) % USERS.length]] : [USERS[i % USERS.length]];
        const m: Sent = { messageId: `crash-${backend}-r${r}-s${s}-n${n}@moha.gov.vn`, subject: `crash ${backend} r${r} s${s} n${n}`, to, last: '', accepted: false };
        sent.set(m.messageId, m);
        attempted++;
        try {
          const reply = await c.send(SENDER, to, message(m, n));
          if (reply.code === 250) {
            m.accepted = true;
            if (++accepted >= KILL_AFTER && !killed) {
              killed = true;
              server.proc.kill('SIGKILL');
            }
          } else if (!killed) refused.push(`${m.subject}: ${reply.text}`);
        } catch (e) {
          if (!killed) refused.push(`${m.subject}: ${(e as Error).message}`);
          break;
        }
      }
      c.close();
    };
    await Promise.all(Array.from({ length: SESSIONS }, (_, s) => session(s)));
    if (!killed) server.proc.kill('SIGKILL');
    await stopped(server.proc, 'SIGKILL');
    expect(server.proc.signalCode).toBe('SIGKILL');
    return { accepted, attempted, refused };
  }

  /** Message-ID → how many times it is in the account's mailboxes (all folders); `cut`: read back without its last body line. */
  async function mailboxCounts(ports: Ports, user: string, cut: string[]): Promise<Map<string, number>> {
    const c = new ImapFlow({ host: '127.0.0.1', port: ports.imaps, secure: true, tls: { rejectUnauthorized: false }, auth: { user, pass: TEST_PASSWORD }, logger: false });
    await c.connect();
    const counts = new Map<string, number>();
    try {
      for (const box of await c.list()) {
        const st = await c.status(box.path, { messages: true });
        if (!st || !st.messages) continue;
        await c.mailboxOpen(box.path, { readOnly: true });
        for await (const m of c.fetch('1:*', { envelope: true, source: true })) {
          const id = (m.envelope?.messageId ?? '').replace(/^<|>$/g, '');
          counts.set(id, (counts.get(id) ?? 0) + 1);
          const sentAs = sent.get(id);
          if (sentAs && !m.source!.toString().includes(`\r\n${sentAs.last}\r\n`)) cut.push(`${user}: ${id} (${m.source!.length} B)`);
        }
      }
    } finally {
      await c.logout();
    }
    return counts;
  }

  it('every message that got 250 is there exactly once and store check finds nothing', { timeout: 180_000 }, async () => {
    const rounds = [];
    for (let r = 1; r <= ROUNDS; r++) rounds.push(await round(r));
    // The server answered every message before the kill: no refusals, no dropped sessions.
    expect(rounds.flatMap((x) => x.refused)).toEqual([]);
    for (const x of rounds) expect(x.accepted).toBeGreaterThanOrEqual(KILL_AFTER);

    // PostgreSQL: the start sweep keeps blobs younger than the orphan grace; let the last crash's age past it.
    await new Promise((res) => setTimeout(res, ORPHAN_GRACE_MS + 500));
    const server = serve(dir, 'info');
    children.push(server.proc);
    const ports = await server.ports;
    await server.maintained; // the start sweep has run

    const missing: string[] = [];
    const duplicated: string[] = [];
    const unknown: string[] = [];
    const cut: string[] = [];
    for (const user of USERS) {
      const counts = await mailboxCounts(ports, user, cut);
      for (const [id, n] of counts) {
        const m = sent.get(id);
        if (!m || !m.to.includes(user)) unknown.push(`${user}: ${id} ×${n}`);
        else if (n > 1) duplicated.push(`${user}: ${id} ×${n}${m.accepted ? '' : ' (no 250)'}`);
      }
      for (const m of sent.values()) if (m.accepted && m.to.includes(user) && !counts.has(m.messageId)) missing.push(`${user}: ${m.messageId}`);
    }
    const accepted = [...sent.values()].filter((m) => m.accepted).length;
    expect(accepted).toBeGreaterThanOrEqual(ROUNDS * KILL_AFTER);
    expect({ missing, duplicated, unknown, cut }).toEqual({ missing: [], duplicated: [], unknown: [], cut: [] });

    await stopped(server.proc, 'SIGTERM');
    expect(server.proc.exitCode, server.stderr()).toBe(0);

    const check = await thutin(dir, ['store', 'check', '--grace-ms', '0', '--json']);
    const report = JSON.parse(check.stdout);
    const summary = {
      exit: check.code,
      orphanBlobs: report.orphanBlobs.count,
      youngBlobs: report.youngBlobs.count,
      tempFiles: report.tempFiles.count,
      unreferencedContents: report.unreferencedContents.count,
      missingBlobs: report.missingBlobs.count,
      messagesWithoutContent: report.messagesWithoutContent.count,
      queueWithoutContent: report.queueWithoutContent.count,
      usageMismatches: report.usageMismatches.count,
      ok: report.ok,
    };
    expect(summary, check.stdout).toEqual({
      exit: 0,
      orphanBlobs: 0,
      youngBlobs: 0,
      tempFiles: 0,
      unreferencedContents: 0,
      missingBlobs: 0,
      messagesWithoutContent: 0,
      queueWithoutContent: 0,
      usageMismatches: 0,
      ok: true,
    });
    expect(report.contents).toBeGreaterThanOrEqual(accepted);
  });
});
