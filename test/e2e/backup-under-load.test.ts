// Backup under load (issue 14): `thutin backup create`, a process of its own, copies the store while
// 20 SMTP sessions (nodemailer) deliver and another account's mail is expunged as fast as it comes
// (its blobs reclaimed while the backup reads). `thutin backup restore` makes a new data directory
// (a new database on PostgreSQL); through the core services of the restored App: every folder,
// person, unit and delegation is the source's, every message the restore holds is the source's
// (flags, keywords, internal date, bytes), every message acknowledged before the backup began is
// there, the audit log is a prefix of the source's and `thutin audit verify` passes on it, and
// `store check` finds every blob; the pool's files are gzip (Debian's gzip reads them back to bytes
// whose SHA-256 is their name) and smaller than the mail. Then a tampered blob and a tampered
// database copy fail `verify` naming the file, and a second backup into the same folder stores only
// the blobs new since.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import pino from 'pino';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServers, vietnameseMessage, type Running } from '../helpers/servers.ts';
import { backends, type Backend } from '../helpers/harness.ts';
import { cliEnv, freshPgDatabase } from '../helpers/backup.ts';
import { thutin } from '../helpers/cli.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createApp, type App } from '../../src/app.ts';
import type { Manifest } from '../../src/backup/manifest.ts';

const ctx = { actor: 'test', reason: 'QĐ 14/2026' };

interface Load {
  /** Message-ID → when its 250 arrived. */
  acked: Map<string, number>;
  /** Sends that failed (none expected). */
  failures: string[];
  stop(): Promise<void>;
}

/** `sessions` SMTP sessions, each sending one message after another until stopped; some carry a 40 KB attachment. */
function smtpLoad(port: number, rcpts: string[], sessions = 20): Load {
  const acked = new Map<string, number>();
  const failures: string[] = [];
  let stopping = false;
  const loops = Array.from({ length: sessions }, async (_, i) => {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true, maxConnections: 1 });
    for (let n = 0; !stopping; n++) {
      const to = rcpts[(i + n) % rcpts.length];
      const id = `<load-${i}-${n}.${to.split('@')[0]}@dongnai.example>`;
      try {
        await t.sendMail({
          from: 'vanthu@dongnai.example',
          to,
          subject: `Công văn số ${i}/${n} về việc kiểm tra sao lưu`,
          text: `Kính gửi đồng chí,\nPhiên ${i}, thư ${n}.\n`,
          messageId: id,
          attachments: n % 3 === 0 ? [{ filename: `bao-cao-${i}-${n}.bin`, content: crypto.randomBytes(40_000) }] : [],
        });
        acked.set(id, Date.now());
      } catch (e) {
        failures.push((e as Error).message);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    t.close();
  });
  return {
    acked,
    failures,
    stop: async () => {
      stopping = true;
      await Promise.all(loops);
    },
  };
}

/** Expunge everything in an account's INBOX as it arrives (its blobs are reclaimed meanwhile). */
function churn(app: App, accountId: number): { stop(): Promise<number> } {
  let stopping = false;
  let expunged = 0;
  const loop = (async () => {
    while (!stopping) {
      const inbox = (await app.store.getMailbox(accountId, 'INBOX'))!;
      const uids = (await app.store.listMessages(inbox.id)).map((m) => m.uid);
      if (uids.length) {
        await app.store.storeFlags(inbox.id, uids, 'add', { mask: 8, keywords: [] });
        expunged += (await app.store.expunge(inbox.id)).length;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    stop: async () => {
      stopping = true;
      await loop;
      return expunged;
    },
  };
}

function messageId(bytes: Buffer): string | null {
  return /^Message-ID:\s*(<[^>]+>)/im.exec(bytes.subarray(0, 8192).toString('latin1'))?.[1] ?? null;
}

describe.each(backends())('backup under a 20-session SMTP load (%s)', (backend: Backend) => {
  let r: Running;
  let work: string;
  let restored: App;
  let dropRestored: (() => Promise<void>) | null = null;
  let ackedBeforeBackup: Set<string>;
  let firstSet: Manifest;
  const users: string[] = [];

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-backup-'));
    r = await startTestServers({ backend });
    const app = r.app;
    // The province as it stands: units, people, a delegation, folders, flags, audit entries.
    const unit = (await app.directory.createUnit({ code: 'SNV', name: 'Sở Nội vụ', abbreviation: 'snv', kind: 'department', withMailbox: false }, ctx)).unit;
    for (const name of ['Nguyễn Văn An', 'Đặng Thị Hương', 'Trần Quốc Bảo']) {
      const p = await app.directory.createPerson({ fullName: name, unitCode: unit.code, confirmDuplicate: true }, ctx);
      users.push(p.address);
    }
    users.push(await r.user('vanthu'));
    const churnAddr = await r.user('thungrac');
    await app.delegations.grant(users[0], users[3], ['read', 'send-on-behalf'], ctx);
    const a0 = (await app.accounts.byAddress(users[0]))!;
    await app.store.createMailbox(a0.id, 'Công văn đến/2026');
    for (let i = 0; i < 6; i++) {
      const c = await app.store.ingest([vietnameseMessage({ from: users[1], to: users[0], subject: `Tờ trình số ${i}`, messageId: `<truoc-${i}@kontum.gov.vn>` })]);
      await app.store.deliver(c, [{ accountId: a0.id }]);
      await app.store.release(c);
    }
    const inbox = (await app.store.getMailbox(a0.id, 'INBOX'))!;
    const uids = (await app.store.listMessages(inbox.id)).map((m) => m.uid);
    await app.store.storeFlags(inbox.id, uids.slice(0, 3), 'add', { mask: 1 | 4, keywords: ['$Important', 'Đã_xử_lý'] });
    await app.store.move(inbox.id, uids.slice(3, 5), (await app.store.getMailbox(a0.id, 'Công văn đến/2026'))!.id);

    // The load, the churn, and the backup in another process meanwhile.
    const churnId = (await app.accounts.byAddress(churnAddr))!.id;
    const load = smtpLoad(r.servers.ports.smtp, [...users, churnAddr, churnAddr]);
    const expunger = churn(app, churnId);
    // Under way: at least 40 messages acknowledged (by count, not time: the machine may be slow).
    for (let i = 0; load.acked.size < 40 && i < 600; i++) await new Promise((res) => setTimeout(res, 100));
    const began = Date.now();
    ackedBeforeBackup = new Set([...load.acked].filter(([, at]) => at < began).map(([id]) => id));
    const b = await thutin(r.dataDir, ['backup', 'create', path.join(work, 'b'), '--json'], { env: cliEnv(r.app) });
    expect(b.code, b.stderr).toBe(0);
    await new Promise((res) => setTimeout(res, 500));
    await load.stop();
    expect(load.failures).toEqual([]);
    expect(await expunger.stop()).toBeGreaterThan(0);
    expect(ackedBeforeBackup.size).toBeGreaterThanOrEqual(40);
    firstSet = JSON.parse(fs.readFileSync(path.join(work, 'b', 'sets', JSON.parse(b.stdout).set, 'manifest.json'), 'utf8')) as Manifest;

    const target = path.join(work, 'restored');
    const args = ['backup', 'restore', path.join(work, 'b'), '--data', target];
    if (backend === 'postgres') {
      const d = await freshPgDatabase();
      dropRestored = d.drop;
      args.push('--database', 'postgres', '--url', d.url);
    }
    const rr = await thutin(null, args, { env: { THUTIN_LOG_LEVEL: 'warn' } });
    expect(rr.code, rr.stderr).toBe(0);
    restored = await createApp(loadConfig(target, {}, {}), { log: pino({ level: 'silent' }) });
  }, 240_000);

  afterAll(async () => {
    await restored?.close();
    await dropRestored?.();
    await r?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('holds every folder, person, unit and delegation of the source', async () => {
    const src = r.app;
    expect((await restored.accounts.list()).map((a) => [a.username, a.addresses])).toEqual((await src.accounts.list()).map((a) => [a.username, a.addresses]));
    for (const addr of users) {
      const [sa, ra] = [(await src.accounts.byAddress(addr))!, (await restored.accounts.byAddress(addr))!];
      const shape = (f: { name: string; specialUse: string | null; uidvalidity: number }) => [f.name, f.specialUse, f.uidvalidity];
      expect((await restored.store.listMailboxes(ra.id)).map(shape)).toEqual((await src.store.listMailboxes(sa.id)).map(shape));
    }
    const people = (x: App) => x.directory.listPeople().then((ps) => ps.map((p) => [p.id, p.fullName, p.unitId, p.accountId]));
    expect(await people(restored)).toEqual(await people(src));
    expect((await restored.directory.listUnits()).map((u) => [u.code, u.name])).toEqual((await src.directory.listUnits()).map((u) => [u.code, u.name]));
    expect(await restored.delegations.list(users[0])).toEqual(await src.delegations.list(users[0]));
  });

  it('holds exactly the source messages as of the copy: flags, keywords, dates and bytes; all acknowledged before it', async () => {
    const src = r.app;
    const seen = new Set<string>();
    let flagged = 0;
    for (const addr of users) {
      const [sa, ra] = [(await src.accounts.byAddress(addr))!, (await restored.accounts.byAddress(addr))!];
      for (const f of await restored.store.listMailboxes(ra.id)) {
        const sf = (await src.store.getMailbox(sa.id, f.name))!;
        const theirs = new Map((await src.store.listMessages(sf.id)).map((m) => [m.uid, m]));
        for (const m of await restored.store.listMessages(f.id)) {
          const s = theirs.get(m.uid);
          expect(s, `${addr} ${f.name} uid ${m.uid}`).toBeDefined();
          expect([m.flags & ~8, m.keywords, m.internalDate, m.size, m.sha256]).toEqual([s!.flags & ~8, s!.keywords, s!.internalDate, s!.size, s!.sha256]);
          if (m.keywords.includes('$Important')) flagged++;
          const bytes = await restored.store.readMessage(m);
          expect(bytes.equals(await src.store.readMessage(s!))).toBe(true);
          const id = messageId(bytes);
          if (id) seen.add(id);
        }
      }
    }
    expect(flagged).toBe(3);
    // The churn account's mail is expunged as it comes; every other acknowledged message is there.
    expect([...ackedBeforeBackup].filter((id) => !seen.has(id) && !id.includes('.thungrac@'))).toEqual([]);
  });

  it('passes store check (every blob named is there) and audit verify; its audit log is a prefix of the source', async () => {
    const check = await restored.storeCheck.check({});
    expect(check.missingBlobs.count).toBe(0);
    expect(check.ok).toBe(true);
    const v = await thutin(path.join(work, 'restored'), ['audit', 'verify'], { env: { THUTIN_LOG_LEVEL: 'warn' } });
    expect(v.code, v.stderr + v.stdout).toBe(0);
    const ours = (await restored.audit.list(100_000)).reverse();
    const theirs = (await r.app.audit.list(100_000)).reverse();
    expect(ours.length).toBeGreaterThan(5);
    expect(theirs.slice(0, ours.length).map((e) => [e.id, e.hash])).toEqual(ours.map((e) => [e.id, e.hash]));
    expect(theirs.some((e) => e.action === 'backup.create')).toBe(true);
  });

  it('stores each blob gzip-compressed in the pool under its content hash; the set takes less room than the mail', async () => {
    const pool = path.join(work, 'b', 'pool');
    for (const [sha, plain, stored] of firstSet.blobs.slice(0, 25)) {
      const file = path.join(pool, sha.slice(0, 2), sha);
      expect(fs.statSync(file).size).toBe(stored);
      const bytes = execFileSync('gzip', ['-dc', file], { maxBuffer: 64 << 20 }); // Debian's gzip, not our reader
      expect([bytes.length, crypto.createHash('sha256').update(bytes).digest('hex')]).toEqual([plain, sha]);
    }
    const [plain, stored] = firstSet.blobs.reduce(([p, s], b) => [p + b[1], s + b[2]], [0, 0]);
    expect(stored).toBeLessThan(plain * 0.9);
  });

  it('a second backup in the same folder stores only the blobs new since the first', async () => {
    const b = await thutin(r.dataDir, ['backup', 'create', path.join(work, 'b'), '--json'], { env: cliEnv(r.app) });
    expect(b.code, b.stderr).toBe(0);
    const second = JSON.parse(fs.readFileSync(path.join(work, 'b', 'sets', JSON.parse(b.stdout).set, 'manifest.json'), 'utf8')) as Manifest;
    const before = new Set(firstSet.blobs.map((x) => x[0]));
    const fresh = second.blobs.filter((x) => !before.has(x[0]));
    expect(second.totals.copiedBlobs).toBe(fresh.length);
    expect(second.totals.copiedBlobs).toBeLessThan(second.totals.blobs);
    const v = await thutin(null, ['backup', 'verify', path.join(work, 'b')], { env: { THUTIN_LOG_LEVEL: 'warn' } });
    expect(v.code, v.stderr).toBe(0);
  }, 120_000);

  it('a tampered blob or database copy fails verify, naming the file', async () => {
    const dir = path.join(work, 'b');
    const blob = path.join(dir, 'pool', firstSet.blobs[0][0].slice(0, 2), firstSet.blobs[0][0]);
    const db = path.join(dir, firstSet.database.path);
    for (const file of [blob, db]) {
      const orig = fs.readFileSync(file);
      const bad = Buffer.from(orig);
      bad[bad.length >> 1] ^= 0x01;
      fs.writeFileSync(file, bad);
      const v = await thutin(null, ['backup', 'verify', dir], { env: { THUTIN_LOG_LEVEL: 'warn' } });
      expect(v.code).toBe(1);
      expect(v.stderr).toContain(path.relative(dir, file));
      fs.writeFileSync(file, orig);
    }
    const manifest = path.join(dir, 'sets', firstSet.set, 'manifest.json');
    const orig = fs.readFileSync(manifest, 'utf8');
    fs.writeFileSync(manifest, orig.replace(firstSet.blobs[0][3], '0'.repeat(64)));
    const v = await thutin(null, ['backup', 'verify', dir], { env: { THUTIN_LOG_LEVEL: 'warn' } });
    expect(v.code).toBe(1);
    expect(v.stderr).toContain(`sets/${firstSet.set}/manifest.json`);
    fs.writeFileSync(manifest, orig);
  }, 60_000);
});
