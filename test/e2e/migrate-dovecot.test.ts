// Migration from a real Dovecot (Debian's dovecot-imapd, started here with its own config): 2,000
// messages in nested folders with Vietnamese names (modified UTF-7 on the wire), flags, keywords and
// internal dates. A first run is interrupted mid-way and resumed; the result holds every message
// byte for byte with its flags, keywords and date, and a message already in thutin is skipped as a
// duplicate; a second pass copies only the new messages; SASL PLAIN proxy-auth with Dovecot's master
// user; then imaplib and mbsync (clients we did not write) see the same folders and counts on both sides.
// On each store backend (SQLite, and PostgreSQL when THUTIN_TEST_PG_URL is set).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, createTestApp, TEST_PASSWORD, type Backend, type TestApp } from '../helpers/harness.ts';
import { missingTool } from '../helpers/tools.ts';
import { appendFixtures, fixtureMessage, startDovecot, type Dovecot, type DovecotUser } from '../helpers/dovecot.ts';
import { startServers, type RunningServers } from '../../src/server.ts';
import { tlsPaths } from '../../src/config/tls.ts';
import { flagNames } from '../../src/core/flags.ts';
import { encodeMailboxName } from '../../src/imap/protocol/mutf7.ts';
import { runMigration, parseSourceUrl } from '../../src/migrate/run.ts';
import { parseUsersCsv } from '../../src/migrate/users-csv.ts';
import type { MigrationProgress } from '../../src/migrate/progress.ts';
import { BIN, REPO, thutin } from '../helpers/cli.ts';
import { spawn } from 'node:child_process';
import { loadConfig } from '../../src/config/config.ts';
import { createApp } from '../../src/app.ts';
import pino from 'pino';

const run = promisify(execFile);

const AN: DovecotUser = { login: 'an.nguyen', password: 'Mk-cu#2019an' };
const BINH: DovecotUser = { login: 'binh.le', password: 'Mk-cu#2019binh' };
const CHI: DovecotUser = { login: 'chi.tran', password: 'Mk-cu#2019chi' };
const AN_NEW = 'an@kontum.gov.vn';
const BINH_NEW = 'binh@kontum.gov.vn';
/** Source folder → messages, 2,000 in all; "Đã gửi" is Dovecot's \Sent. */
const FOLDERS: Array<[string, number]> = [
  ['INBOX', 600],
  ['Công văn', 300],
  ['Công văn/Đến 2026', 400],
  ['Công văn/Đi', 300],
  ['Lưu trữ/Năm 2024/Quý I', 200],
  ['Đã gửi', 200],
];
/** Where each lands in thutin. */
const TARGET: Record<string, string> = { 'Đã gửi': 'Sent', 'Thùng rác': 'Trash' };
const target = (f: string) => TARGET[f] ?? f;

const skip =
  missingTool('/usr/sbin/dovecot', 'migration from Dovecot') || missingTool('mbsync', 'migration from Dovecot (mbsync check)') || missingTool('python3', 'migration from Dovecot (imaplib check)');

describe.skipIf(skip).each(backends())('thutin migrate imap from a real Dovecot (%s)', { timeout: 300_000 }, (backend: Backend) => {
  let t: TestApp;
  let work: string;
  let dc: Dovecot;
  let servers: RunningServers | undefined;
  let stateDir: string;
  let offset = 0; // first fixture number of each folder

  const csv = () => parseUsersCsv(`source,password,target\n${AN.login},${AN.password},${AN_NEW}\n`, { proxyAuth: false });
  const server = () => parseSourceUrl(`imaps://127.0.0.1:${dc.imapsPort}`, { insecure: true });

  /** Every message of a source folder as "sha256 flags date". */
  async function sourceSet(u: DovecotUser, folder: string): Promise<string[]> {
    const c = await dc.client(u);
    const out: string[] = [];
    try {
      const lock = await c.getMailboxLock(folder, { readOnly: true });
      try {
        if ((c.mailbox && typeof c.mailbox === 'object' ? c.mailbox.exists : 0) > 0)
          for await (const m of c.fetch('1:*', { flags: true, internalDate: true, source: true })) {
            const flags = [...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort();
            out.push(`${crypto.createHash('sha256').update(m.source!).digest('hex')} ${flags.join(',')} ${Math.floor(new Date(m.internalDate!).getTime() / 1000)}`);
          }
      } finally {
        lock.release();
      }
    } finally {
      await c.logout();
    }
    return out.sort();
  }

  async function thutinSet(address: string, folder: string): Promise<string[]> {
    const acct = (await t.app.accounts.byAddress(address))!;
    const mb = await t.app.store.getMailbox(acct.id, folder);
    if (!mb) return [];
    const out: string[] = [];
    for (const m of await t.app.store.listMessages(mb.id)) {
      const bytes = await t.app.store.readMessage(m);
      out.push(`${crypto.createHash('sha256').update(bytes).digest('hex')} ${flagNames(m.flags, m.keywords).sort().join(',')} ${Math.floor(m.internalDate / 1000)}`);
    }
    return out.sort();
  }

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-migrate-'));
    fs.chmodSync(work, 0o755); // Dovecot's mail processes run as nobody
    t = await createTestApp({ backend });
    stateDir = path.join(t.dataDir, 'migrate-state');
    const tls = tlsPaths(t.app.config);
    dc = await startDovecot(work, { cert: tls.cert, key: tls.key, users: [AN, BINH, CHI] });
    await t.app.accounts.create(AN_NEW, TEST_PASSWORD, 'test');
    await t.app.accounts.create(BINH_NEW, TEST_PASSWORD, 'test');
    // The old mailbox, written by imapflow's APPEND into Dovecot (three connections at once).
    const plan = FOLDERS.map(([f, n]) => {
      const first = offset;
      offset += n;
      return { f, n, first };
    });
    const setup = await dc.client(AN);
    for (const { f } of plan) if (f !== 'INBOX' && f !== 'Đã gửi') await setup.mailboxCreate(f);
    await setup.logout();
    await Promise.all(
      [0, 1, 2].map(async (k) => {
        const c = await dc.client(AN);
        for (const p of plan.filter((_, i) => i % 3 === k)) await appendFixtures(c, p.f, p.first, p.n);
        await c.logout();
      }),
    );
    const b = await dc.client(BINH);
    await appendFixtures(b, 'INBOX', 5000, 20);
    await appendFixtures(b, 'Thùng rác', 5100, 5);
    await b.logout();
    const ch = await dc.client(CHI);
    await ch.mailboxCreate('Hồ sơ/Đề án');
    await Promise.all([
      appendFixtures(ch, 'Hồ sơ/Đề án', 7000, 400),
      (async () => {
        const c2 = await dc.client(CHI);
        await appendFixtures(c2, 'INBOX', 7500, 400);
        await c2.logout();
      })(),
    ]);
    await ch.logout();
    // Already in thutin before the migration: the first INBOX message (same bytes): a duplicate to skip.
    const an = (await t.app.accounts.byAddress(AN_NEW))!;
    await t.app.store.append(an.id, 'INBOX', fixtureMessage(0, 'INBOX'), ['\\Seen'], new Date(Date.UTC(2018, 0, 1)));
  }, 240_000);
  afterAll(async () => {
    await servers?.close();
    await dc?.stop();
    await t?.cleanup();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('an interrupted run resumes; every message arrives once, byte for byte, with its flags, keywords and date', async () => {
    // First run: interrupted after 700 messages.
    const stop = new AbortController();
    let seen = 0;
    const interrupt: MigrationProgress = {
      start() {},
      advance(_m, n) {
        seen += n;
        if (seen >= 700) stop.abort();
      },
      end() {},
      close() {},
    };
    const [first] = await runMigration(t.app, { server: server(), mappings: csv(), stateDir, actor: 'test', signal: stop.signal, progress: interrupt });
    expect(first.error).toBeUndefined();
    expect(first.interrupted).toBe(true);
    expect(first.found).toBe(2000);
    expect(first.copied + first.skipped).toBeGreaterThanOrEqual(700);
    expect(first.copied + first.skipped).toBeLessThan(2000);
    expect(fs.readdirSync(stateDir)).toHaveLength(1);

    // Resumed: the rest, nothing twice.
    const [second] = await runMigration(t.app, { server: server(), mappings: csv(), stateDir, actor: 'test', parallel: 2 });
    expect(second).toMatchObject({ found: 2000, failed: 0 });
    expect(second.error).toBeUndefined();
    expect(second.interrupted).toBeUndefined();
    expect(second.earlier + second.copied + second.skipped).toBe(2000);
    expect(first.skipped + second.skipped).toBe(1); // the message thutin already had
    expect(first.copied + second.copied).toBe(1999);

    for (const [f, n] of FOLDERS) {
      const want = await sourceSet(AN, f);
      expect(want).toHaveLength(n);
      const got = await thutinSet(AN_NEW, target(f));
      // INBOX: the message that was already there keeps its own flags (\Seen); the others are equal.
      if (f === 'INBOX') expect(got.filter((x) => !want.includes(x))).toHaveLength(1);
      else expect(got).toEqual(want);
      expect(got).toHaveLength(n);
    }
    // nested folders exist with their parents; the special-use folder mapped onto thutin's own
    const acct = (await t.app.accounts.byAddress(AN_NEW))!;
    const names = (await t.app.store.listMailboxes(acct.id)).map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(['Lưu trữ', 'Lưu trữ/Năm 2024', 'Lưu trữ/Năm 2024/Quý I', 'Công văn/Đến 2026', 'Sent', 'Trash']));
    expect(names).not.toContain('Đã gửi');
    const audit = await t.app.audit.list(10, { action: 'mailbox.migrate' });
    expect(audit[0]).toMatchObject({ target: AN_NEW, actor: 'test' });
  });

  it('a second pass copies only the new messages', async () => {
    const c = await dc.client(AN);
    await appendFixtures(c, 'Công văn/Đi', 9000, 15);
    await appendFixtures(c, 'Đã gửi', 9100, 10);
    await c.logout();
    const [r] = await runMigration(t.app, { server: server(), mappings: csv(), stateDir, actor: 'test' });
    expect(r).toMatchObject({ found: 2025, copied: 25, skipped: 0, failed: 0, earlier: 2000 });
    expect(await thutinSet(AN_NEW, 'Công văn/Đi')).toEqual(await sourceSet(AN, 'Công văn/Đi'));
    expect(await thutinSet(AN_NEW, 'Sent')).toEqual(await sourceSet(AN, 'Đã gửi'));
  });

  it("signs in with Dovecot's master user (SASL PLAIN authzid) when administrator credentials are given; a wrong password is reported", async () => {
    const admin = { user: dc.master.login, password: dc.master.password };
    const mappings = parseUsersCsv(`${BINH.login},,${BINH_NEW}\n`, { proxyAuth: true });
    const [r] = await runMigration(t.app, { server: parseSourceUrl(`imaps://127.0.0.1:${dc.imapsPort}`, { insecure: true, admin }), mappings, stateDir, actor: 'test' });
    expect(r).toMatchObject({ found: 25, copied: 25, failed: 0 });
    expect(await thutinSet(BINH_NEW, 'Trash')).toEqual(await sourceSet(BINH, 'Thùng rác'));
    const bad = parseUsersCsv(`${BINH.login},sai-mat-khau,${BINH_NEW}\n`, { proxyAuth: false });
    const [w] = await runMigration(t.app, { server: parseSourceUrl(`imap://127.0.0.1:${dc.imapPort}`, { insecure: true }), mappings: bad, stateDir, actor: 'test' });
    expect(w.error).toBeTruthy();
    expect(w.copied).toBe(0);
  });

  it('imaplib and mbsync see the same folders and counts on both servers', async () => {
    servers = await startServers(t.app, t.tls);
    const py = `
import imaplib, ssl, sys, json, re
def counts(port, user, pw):
    ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
    m = imaplib.IMAP4_SSL('127.0.0.1', int(port), ssl_context=ctx)
    m.login(user, pw)
    out = {}
    for line in m.list()[1]:
        flags, sep, name = re.match(r'\\((.*?)\\) (NIL|"[^"]*") (.*)$', line.decode()).groups()
        if '\\\\Noselect' in flags or '\\\\NonExistent' in flags: continue
        name = name[1:-1] if name.startswith('"') else name
        typ, data = m.select('"%s"' % name, readonly=True)
        out[name] = int(data[0])
    m.logout()
    return out
print(json.dumps([counts(sys.argv[1], sys.argv[2], sys.argv[3]), counts(sys.argv[4], sys.argv[5], sys.argv[6])]))
`;
    const { stdout } = await run('python3', ['-c', py, String(dc.imapsPort), AN.login, AN.password, String(servers.ports.imaps), AN_NEW, TEST_PASSWORD], { timeout: 60_000 });
    const [old, now] = JSON.parse(stdout) as [Record<string, number>, Record<string, number>];
    const mapped = Object.fromEntries(Object.entries(old).map(([k, v]) => [k === '&ARAA4w- g&Hu0-i' ? 'Sent' : k === 'Th&APk-ng r&AOE-c' ? 'Trash' : k, v]));
    for (const [k, v] of Object.entries(mapped)) expect([k, now[k]]).toEqual([k, v]);
    expect(Object.values(now).reduce((a, b) => a + b, 0)).toBe(2025);

    // mbsync pulls both into local Maildirs: the same folders with the same number of messages.
    const pull = async (name: string, port: number, user: string, pass: string) => {
      const dir = path.join(work, `mbsync-${name}`);
      fs.mkdirSync(dir);
      const rc = path.join(work, `mbsyncrc-${name}`);
      fs.writeFileSync(
        rc,
        [
          `IMAPAccount ${name}`,
          'Host 127.0.0.1',
          `Port ${port}`,
          `User ${user}`,
          `Pass "${pass}"`,
          'SSLType IMAPS',
          'CertificateFile ' + tlsPaths(t.app.config).cert,
          '',
          `IMAPStore ${name}-remote`,
          `Account ${name}`,
          '',
          `MaildirStore ${name}-local`,
          `Path ${dir}/`,
          `Inbox ${dir}/INBOX`,
          'SubFolders Verbatim',
          '',
          `Channel ${name}`,
          `Far :${name}-remote:`,
          `Near :${name}-local:`,
          'Patterns *',
          'Create Near',
          'Sync Pull',
          'SyncState *',
          '',
        ].join('\n'),
      );
      await run('mbsync', ['-c', rc, name], { timeout: 120_000 });
      const out: Record<string, number> = {};
      const walk = (d: string, rel: string) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
          if (!e.isDirectory()) continue;
          const p = path.join(d, e.name);
          if (e.name === 'cur' || e.name === 'new' || e.name === 'tmp') continue;
          if (fs.existsSync(path.join(p, 'cur'))) out[rel ? `${rel}/${e.name}` : e.name] = fs.readdirSync(path.join(p, 'cur')).length + fs.readdirSync(path.join(p, 'new')).length;
          walk(p, rel ? `${rel}/${e.name}` : e.name);
        }
      };
      walk(dir, '');
      return out;
    };
    const a = await pull('old', dc.imapsPort, AN.login, AN.password);
    const b = await pull('new', servers.ports.imaps, AN_NEW, TEST_PASSWORD);
    // mbsync keeps the names as the servers list them (modified UTF-7)
    const get = (counts: Record<string, number>, f: string) => counts[f] ?? counts[f.split('/').map(encodeMailboxName).join('/')];
    for (const [f, n] of FOLDERS) {
      const want = n + (f === 'Công văn/Đi' ? 15 : f === 'Đã gửi' ? 10 : 0);
      expect([f, get(a, f)]).toEqual([f, want]);
      expect([f, get(b, target(f))]).toEqual([f, want]);
    }
  });

  // The command's own resume (a data directory `thutin init` makes, SQLite): once, not per backend.
  it.skipIf(backend !== 'sqlite')('thutin migrate imap killed with SIGKILL mid-way resumes from its state file without copying anything twice', async () => {
    const data = path.join(work, 'cli-data');
    expect((await thutin(data, ['init', '--domain', 'kontum.gov.vn'])).code).toBe(0);
    expect((await thutin(data, ['account', 'add', 'chi@kontum.gov.vn', '--password-stdin'], { input: TEST_PASSWORD + '\n' })).code).toBe(0);
    const map = path.join(work, 'users.csv');
    fs.writeFileSync(map, `# old login,password,thutin account\n${CHI.login},${CHI.password},chi@kontum.gov.vn\n`);
    const args = ['--data', data, 'migrate', 'imap', '--from', `imaps://127.0.0.1:${dc.imapsPort}`, '--insecure', '--map', map, '--parallel', '2'];
    const stateDir = path.join(data, 'migrate-state');
    // Killed as soon as its state file shows part of a folder copied.
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (_c, sig) => resolve(sig === 'SIGKILL' ? -9 : _c)));
    let killedAt = 0;
    for (let i = 0; i < 1200 && child.exitCode === null; i++) {
      const files = fs.existsSync(stateDir) ? fs.readdirSync(stateDir).filter((f) => f.endsWith('.json')) : [];
      const st = files.length ? JSON.parse(fs.readFileSync(path.join(stateDir, files[0]), 'utf8')) : null;
      const done = st ? Object.values(st.folders as Record<string, { lastUid: number }>).reduce((a, f) => a + f.lastUid, 0) : 0;
      if (done > 0) {
        killedAt = done;
        child.kill('SIGKILL');
        break;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(await exited).toBe(-9);
    expect(killedAt).toBeGreaterThan(0);
    expect(killedAt).toBeLessThan(800);
    const again = await thutin(null, [...args, '--report', path.join(work, 'report.json')]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/chi\.tran/);
    const [r] = JSON.parse(fs.readFileSync(path.join(work, 'report.json'), 'utf8'));
    expect(r.found).toBe(800);
    expect(r.earlier).toBeGreaterThanOrEqual(killedAt);
    expect(r.earlier + r.copied + r.skipped).toBe(800); // what the killed run committed after its last save is skipped, not copied again
    const app = await createApp(loadConfig(data), { log: pino({ level: 'silent' }) });
    try {
      const acct = (await app.accounts.byAddress('chi@kontum.gov.vn'))!;
      for (const [f, want] of [
        ['INBOX', 'INBOX'],
        ['Hồ sơ/Đề án', 'Hồ sơ/Đề án'],
      ]) {
        const mb = await app.store.getMailbox(acct.id, want);
        expect([f, (await app.store.listMessages(mb!.id)).length]).toEqual([f, 400]);
      }
    } finally {
      await app.close();
    }
  });
});
