// Backup round trips through the real `thutin` command: an encrypted backup (no message text in any
// stored file; a wrong passphrase refused by verify and restore; the right one restores every byte),
// a restore refused into a non-empty directory, a backup whose pool is linked from a previous folder
// (--base), `thutin doctor` on the last backup, and SQLite → PostgreSQL: the restored server on its
// new database shows imapflow the same folders (Vietnamese names), counts, unseen and UIDNEXT as the
// source, and takes new accounts and mail (its sequences continue after the copied ids).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImapFlow } from 'imapflow';
import { startTestServers, vietnameseMessage, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { PG_URL } from '../helpers/harness.ts';
import { thutin } from '../helpers/cli.ts';
import { loadConfig } from '../../src/config/config.ts';
import { loadTls } from '../../src/config/tls.ts';
import { createApp, type App } from '../../src/app.ts';
import { startServers, type RunningServers } from '../../src/server.ts';
import { freshPgDatabase } from '../helpers/backup.ts';

const env = { THUTIN_LOG_LEVEL: 'warn' };
const PASS = 'Trống đồng Đông Sơn 2026';
const MARK = 'Bienbanhopkinhte7788';

let r: Running;
let work: string;
let users: string[];

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-restore-'));
  r = await startTestServers();
  users = [await r.user('an'), await r.user('huong')];
  const a = (await r.app.accounts.byAddress(users[0]))!;
  const inbox = (await r.app.store.getMailbox(a.id, 'INBOX'))!;
  const folder = await r.app.store.createMailbox(a.id, 'Lưu trữ/Năm 2026');
  for (let i = 0; i < 12; i++) {
    const c = await r.app.store.ingest([vietnameseMessage({ from: users[1], to: users[0], subject: `Biên bản họp số ${i}`, body: `${MARK} ${i}\r\n` })]);
    await r.app.store.deliver(c, [{ accountId: a.id, mailbox: i % 3 ? 'INBOX' : folder.name }]);
    await r.app.store.release(c);
  }
  const uids = (await r.app.store.listMessages(inbox.id)).map((m) => m.uid);
  await r.app.store.storeFlags(inbox.id, uids.slice(0, 4), 'add', { mask: 1, keywords: ['$Label1'] });
}, 60_000);

afterAll(async () => {
  await r?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

/** Every file under a folder, recursively. */
function files(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe('encrypted backup', () => {
  it('stores no message text, refuses a wrong passphrase, and restores every byte with the right one', async () => {
    const dir = path.join(work, 'enc');
    const c = await thutin(r.dataDir, ['backup', 'create', dir, '--passphrase-stdin'], { env, input: PASS + '\n' });
    expect(c.code, c.stderr).toBe(0);
    for (const f of files(dir)) expect(fs.readFileSync(f).includes(MARK), f).toBe(false);

    const wrong = await thutin(null, ['backup', 'verify', dir, '--passphrase-stdin'], { env, input: 'Mật khẩu sai hoàn toàn\n' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/wrong backup passphrase/);
    expect((await thutin(null, ['backup', 'restore', dir, '--data', path.join(work, 'bad')], { env })).stderr).toMatch(/passphrase is required/);
    const ok = await thutin(null, ['backup', 'verify', dir, '--passphrase-stdin'], { env, input: PASS + '\n' });
    expect(ok.code, ok.stderr).toBe(0);

    const target = path.join(work, 'enc-restored');
    const rr = await thutin(null, ['backup', 'restore', dir, '--data', target, '--passphrase-stdin'], { env, input: PASS + '\n' });
    expect(rr.code, rr.stderr).toBe(0);
    const back = await createApp(loadConfig(target, {}, {}), { log: pino({ level: 'silent' }) });
    try {
      for (const addr of users) {
        const [sa, ra] = [(await r.app.accounts.byAddress(addr))!, (await back.accounts.byAddress(addr))!];
        for (const f of await r.app.store.listMailboxes(sa.id)) {
          const theirs = await r.app.store.listMessages(f.id);
          const ours = await back.store.listMessages((await back.store.getMailbox(ra.id, f.name))!.id);
          expect(ours.map((m) => [m.uid, m.flags, m.keywords])).toEqual(theirs.map((m) => [m.uid, m.flags, m.keywords]));
          for (const [i, m] of ours.entries()) expect((await back.store.readMessage(m)).equals(await r.app.store.readMessage(theirs[i]))).toBe(true);
        }
      }
      // The data directory's keys came back too: the second-factor key is the source's.
      expect(fs.readFileSync(path.join(target, 'second-factor.key')).equals(fs.readFileSync(path.join(r.dataDir, 'second-factor.key')))).toBe(true);
    } finally {
      await back.close();
    }
  }, 120_000);

  it('restore refuses a data directory that holds anything', async () => {
    const dir = path.join(work, 'plain');
    expect((await thutin(r.dataDir, ['backup', 'create', dir], { env })).code).toBe(0);
    const target = path.join(work, 'busy');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'note.txt'), 'x');
    const rr = await thutin(null, ['backup', 'restore', dir, '--data', target], { env });
    expect(rr.code).toBe(1);
    expect(rr.stderr).toMatch(/target data directory is not empty/);
  }, 60_000);
});

describe('a backup with --base PREVIOUS', () => {
  it('links the blobs of the previous folder instead of reading them again, and verifies on its own', async () => {
    const prev = path.join(work, 'base-a');
    const next = path.join(work, 'base-b');
    expect((await thutin(r.dataDir, ['backup', 'create', prev], { env })).code).toBe(0);
    const c = await thutin(r.dataDir, ['backup', 'create', next, '--base', prev, '--json'], { env });
    expect(c.code, c.stderr).toBe(0);
    const out = JSON.parse(c.stdout) as { totals: { blobs: number; copiedBlobs: number } };
    expect(out.totals.blobs).toBe(12);
    expect(out.totals.copiedBlobs).toBe(0);
    const pooled = files(path.join(next, 'pool'));
    expect(pooled.length).toBe(12);
    for (const f of pooled) expect(fs.statSync(f).ino).toBe(fs.statSync(path.join(prev, path.relative(next, f))).ino);
    fs.rmSync(prev, { recursive: true });
    expect((await thutin(null, ['backup', 'verify', next], { env })).code).toBe(0);
  }, 60_000);
});

describe('thutin doctor and the last backup', () => {
  it('shows the last backup, and fails it once older than backup.maxAgeHours (48 by default)', async () => {
    expect((await thutin(r.dataDir, ['backup', 'create', path.join(work, 'doctor')], { env })).code).toBe(0);
    const fresh = await thutin(r.dataDir, ['doctor'], { env });
    expect(fresh.stdout).toMatch(/^✓ backup: .*doctor/m);
    const file = path.join(r.dataDir, 'backup-status.json');
    const status = JSON.parse(fs.readFileSync(file, 'utf8')) as { at: string };
    fs.writeFileSync(file, JSON.stringify({ ...status, at: new Date(Date.now() - 3 * 86_400_000).toISOString() }));
    const old = await thutin(r.dataDir, ['doctor'], { env });
    expect(old.stdout).toMatch(/^✗ backup: .*older than 48 hours/m); // backup.maxAgeHours' default
  }, 120_000);
});

describe.skipIf(!PG_URL)('SQLite → PostgreSQL restore', () => {
  let back: App;
  let servers: RunningServers;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const dir = path.join(work, 'to-pg');
    expect((await thutin(r.dataDir, ['backup', 'create', dir], { env })).code).toBe(0);
    const d = await freshPgDatabase();
    drop = d.drop;
    const target = path.join(work, 'pg-restored');
    const rr = await thutin(null, ['backup', 'restore', dir, '--data', target, '--database', 'postgres', '--url', d.url], { env });
    expect(rr.code, rr.stderr).toBe(0);
    const cfg = loadConfig(
      target,
      {
        log: { level: 'silent' },
        imap: { host: '127.0.0.1', port: 0, tlsPort: 0 },
        smtp: { host: '127.0.0.1', inboundPort: 0, submissionPort: 0, submissionTlsPort: 0 },
        pop3: { host: '127.0.0.1', port: 0, tlsPort: 0 },
        http: { host: '127.0.0.1', port: 0, tlsPort: 0 },
        ldap: { host: '127.0.0.1', port: 0, tlsPort: 0 },
        sieve: { host: '127.0.0.1', port: 0 }, // every listener on a free port: test files run side by side
        outbound: { enabled: false },
      },
      {},
    );
    expect(cfg.database.driver).toBe('postgres');
    back = await createApp(cfg, { log: pino({ level: 'silent' }) });
    servers = await startServers(back, loadTls(cfg));
  }, 120_000);

  afterAll(async () => {
    await servers?.close();
    await back?.close();
    await drop?.();
  });

  async function view(port: number, user: string) {
    const c = new ImapFlow({ host: '127.0.0.1', port, secure: true, tls: { rejectUnauthorized: false }, auth: { user, pass: TEST_PASSWORD }, logger: false });
    await c.connect();
    try {
      const out: Array<[string, number, number, number]> = [];
      for (const f of (await c.list()).sort((a, b) => (a.path < b.path ? -1 : 1))) {
        const s = await c.status(f.path, { messages: true, unseen: true, uidNext: true });
        if (!s) throw new Error(`STATUS ${f.path}`);
        out.push([f.path, s.messages!, s.unseen!, s.uidNext!]);
      }
      return out;
    } finally {
      await c.logout();
    }
  }

  it('imapflow sees the same folders, counts, unseen and UIDNEXT on both', async () => {
    for (const u of users) {
      const theirs = await view(r.servers.ports.imaps, u);
      if (u === users[0]) expect(theirs.some(([p, n]) => p === 'Lưu trữ/Năm 2026' && n === 4)).toBe(true);
      expect(await view(servers.ports.imaps, u)).toEqual(theirs);
    }
    expect((await back.audit.verify()).ok).toBe(true);
    expect((await back.storeCheck.check({})).ok).toBe(true);
  });

  it('takes new accounts and mail after the copied ids', async () => {
    await back.accounts.create('moi@kontum.gov.vn', TEST_PASSWORD, 'test');
    const a = (await back.accounts.byAddress(users[0]))!;
    const inbox = (await back.store.getMailbox(a.id, 'INBOX'))!;
    const c = await back.store.ingest([vietnameseMessage({ from: users[1], to: users[0], subject: 'Sau khôi phục' })]);
    await back.store.deliver(c, [{ accountId: a.id }]);
    await back.store.release(c);
    expect((await back.store.listMessages(inbox.id)).length).toBe(9);
  });
});
