// The backup schedule of `serve`: parsing 'daily HH:MM', the next run in the server's zone, and the
// scheduler (injected clock and timer) making a set in backup.dir and rotating it; encrypted to
// backup.recipientKeyFile, the set restores only with its private key.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { nextRun, parseSchedule, BackupScheduler } from './schedule.ts';
import { listSets, readFolderInfo } from './manifest.ts';
import { restoreBackup } from './restore.ts';
import { lastGoodBackup, readStatus, statusWarning } from './status.ts';
import { createTestApp, type TestApp } from '../../test/helpers/harness.ts';

describe('parseSchedule and nextRun', () => {
  it('reads daily HH:MM and HH:MM, nothing for an empty string, and refuses the rest', () => {
    expect(parseSchedule('daily 02:00')).toEqual({ hour: 2, minute: 0 });
    expect(parseSchedule(' 23:45 ')).toEqual({ hour: 23, minute: 45 });
    expect(parseSchedule('')).toBeNull();
    for (const bad of ['daily 24:00', 'weekly 02:00', '2:0', 'daily']) expect(() => parseSchedule(bad)).toThrow(/daily HH:MM/);
  });

  it('is the next 02:00 in the zone: later today, or tomorrow once passed', () => {
    const s = { hour: 2, minute: 0 };
    // 01:59 in Vietnam (UTC+7) is 18:59 UTC the day before.
    expect(nextRun(new Date('2026-12-06T18:59:00Z'), s, 420).toISOString()).toBe('2026-12-06T19:00:00.000Z');
    expect(nextRun(new Date('2026-12-06T19:00:00Z'), s, 420).toISOString()).toBe('2026-12-07T19:00:00.000Z');
    expect(nextRun(new Date('2026-12-06T19:00:00Z'), s, 0).toISOString()).toBe('2026-12-07T02:00:00.000Z');
  });
});

describe('BackupScheduler', () => {
  let t: TestApp | null = null;
  afterEach(async () => {
    await t?.cleanup();
    t = null;
  });

  it('waits until the time, makes a set in backup.dir, records it and rotates the folder', async () => {
    t = await createTestApp();
    const dir = path.join(t.dataDir, 'backups');
    let now = new Date('2026-12-06T18:00:00Z');
    const timers: Array<{ fn: () => void; ms: number }> = [];
    const s = new BackupScheduler(t.app.backup, {
      schedule: 'daily 02:00',
      dir,
      keep: { daily: 1, weekly: 0, monthly: 0 },
      log: pino({ level: 'silent' }),
      now: () => now,
      offsetMin: 420,
      setTimer: (fn, ms) => {
        timers.push({ fn, ms });
        return { cancel() {} };
      },
    });
    expect(s.enabled).toBe(true);
    s.start();
    expect(timers.map((x) => x.ms)).toEqual([3600_000]);
    // A hold folder left by a backup process that died is removed by the next backup.
    const stale = path.join(t.app.config.dataDir, 'backup-hold-999999999-dead');
    fs.mkdirSync(stale);
    // Two scheduled runs (the sets are named by the real clock, the same day): rotation keeps one daily set.
    for (const at of ['2026-12-06T19:00:00Z', '2026-12-07T19:00:00Z']) {
      now = new Date(at);
      await s.runOnce();
    }
    const sets = await listSets(dir);
    expect(sets.length).toBe(1);
    const status = await readStatus(t.app.config.dataDir);
    expect(status).toMatchObject({ ok: true, dir, set: sets[0] });
    expect(status!.blobBytes).toBeGreaterThanOrEqual(0);
    expect(statusWarning(status, new Date(Date.parse(status!.at) + 86_400_000), true)).toBeNull();
    expect(statusWarning(status, new Date(Date.parse(status!.at) + 3 * 86_400_000), true)).toMatch(/older than 48 hours/);
    // The threshold is backup.maxAgeHours.
    expect(statusWarning(status, new Date(Date.parse(status!.at) + 13 * 3_600_000), true, 12)).toMatch(/older than 12 hours/);
    expect(statusWarning(status, new Date(Date.parse(status!.at) + 11 * 3_600_000), true, 12)).toBeNull();
    expect(statusWarning(null, new Date(), true)).toMatch(/no backup/);
    // A failed backup is recorded with the last one that worked (the console's card still says when and how big).
    const notADir = path.join(t.app.config.dataDir, 'backups-file');
    fs.writeFileSync(notADir, 'x');
    await expect(t.app.backup.create({ dir: notADir, actor: 'test' })).rejects.toThrow();
    const failed = await readStatus(t.app.config.dataDir);
    expect(failed).toMatchObject({ ok: false, dir: notADir, lastGood: { set: sets[0], dir, storedBytes: status!.storedBytes } });
    expect(lastGoodBackup(failed)).toEqual(lastGoodBackup(status));
    expect(statusWarning(failed, new Date(), true)).toMatch(/the last backup failed.*last good one/);
    expect((await t.app.audit.list(10, { action: 'backup.create' })).map((e) => e.actor)).toEqual(['system:backup-schedule', 'system:backup-schedule']);
    await s.stop();
    expect(fs.existsSync(path.join(dir, 'backup.json'))).toBe(true);
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.readdirSync(t.app.config.dataDir).filter((n) => n.startsWith('backup-hold-'))).toEqual([]);
  });

  it('encrypts to backup.recipientKeyFile: the set restores only with the private key', async () => {
    t = await createTestApp();
    const dir = path.join(t.dataDir, 'backups-pk');
    const { publicKey, privateKey } = crypto.generateKeyPairSync('x25519');
    const pub = path.join(t.dataDir, 'backup.pub');
    fs.writeFileSync(pub, publicKey.export({ type: 'spki', format: 'pem' }));
    const s = new BackupScheduler(t.app.backup, { schedule: 'daily 02:00', dir, keep: { daily: 7, weekly: 0, monthly: 0 }, recipientKeyFile: pub, log: pino({ level: 'silent' }) });
    await s.runOnce();
    const [set] = await listSets(dir);
    expect(set).toBeTruthy();
    expect((await readFolderInfo(dir))?.encryption).toMatchObject({ kdf: 'recipient', type: 'x25519' });
    await expect(restoreBackup({ dir, target: path.join(t.dataDir, 'r1') })).rejects.toMatchObject({ code: 'BACKUP_KEY_REQUIRED' });
    const r = await restoreBackup({ dir, target: path.join(t.dataDir, 'r2'), privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    expect(r.set).toBe(set);
  });
});
