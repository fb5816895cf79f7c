// The console's own reads over HTTP (issue 11 R5.9, issue 14): mail per day counts what the
// /metrics counter counts (mail delivered today, never imported mail), kept across a restart of the
// counters (written to mail_daily); the last backup's card: none yet (stale), a fresh backup (not
// stale, not verified), verified against its manifest (audited), then tampered and verified again
// (broken), and old once the clock is past backup.maxAgeHours; who may read and verify.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../test/helpers/harness.ts';
import { seedProvince, startAdminApi, type AdminApi, type Province } from '../../../test/helpers/admin-api.ts';
import { MailDaily, localDay } from '../../core/mail-daily.ts';
import { lastBackup } from '../../backup/last-verify.ts';

const msg = (subject: string) => Buffer.from(`From: a@kontum.gov.vn\r\nTo: b@kontum.gov.vn\r\nSubject: ${subject}\r\n\r\nNội dung.\r\n`);

for (const backend of backends()) {
  describe(`console reads: mail per day, last backup (${backend})`, { timeout: 60_000 }, () => {
    let api: AdminApi;
    let p: Province;
    beforeAll(async () => {
      api = await startAdminApi({ backend });
      p = await seedProvince(api);
    });
    afterAll(async () => api?.stop());

    async function metricIn(): Promise<number> {
      const text = await (await fetch(`${api.base}/metrics`, { headers: { authorization: `Bearer ${p.tokens.auditor}` } })).text();
      return Number(/^thutin_mail_messages_total\{direction="in"\} (\d+)/m.exec(text)![1]);
    }

    it('mail per day: today counts the copies delivered, as /metrics does, read back by another counter over the same table', async () => {
      const app = api.t.app;
      const before = await metricIn();
      const user = (await app.accounts.byAddress(p.actors.user))!;
      const auditor = (await app.accounts.byAddress(p.actors.auditor))!;
      for (const [i, acc] of [user, auditor, user].entries()) {
        const c = await app.store.ingest([msg(`Thư ${i}`)]);
        await app.store.deliver(c, [{ accountId: acc.id }]);
        await app.store.release(c);
      }
      const r = await api.call(p.tokens.auditor, 'GET', '/api/v1/console/mail-per-day?days=7');
      expect(r.status).toBe(200);
      expect(r.json.days).toHaveLength(7);
      const today = r.json.days[6];
      expect(today.day).toBe(localDay(Date.now()));
      expect(today.in).toBe(3 + before);
      expect(await metricIn()).toBe(today.in);
      // a second counter over the same table (a restarted process) reads the same history
      const other = new MailDaily(app.db.kysely, app.events);
      expect((await other.lastDays(1))[0].in).toBe(today.in);
      await other.stop();
      expect((await api.call(p.tokens.user, 'GET', '/api/v1/console/mail-per-day')).status).toBe(403);
      expect((await api.call(null, 'GET', '/api/v1/console/mail-per-day')).status).toBe(401);
    });

    it('mail per day: days without mail are 0, and the day is the local calendar day', async () => {
      const app = api.t.app;
      let now = Date.parse('2026-03-01T10:00:00');
      const d = new MailDaily(app.db.kysely, app.events, { now: () => now });
      d.add('out', 5);
      now += 86_400_000 * 2;
      d.add('out', 2);
      d.add('in', 1);
      const days = await d.lastDays(4);
      await d.stop();
      expect(days.map((x) => [x.day, x.in, x.out])).toEqual([
        ['2026-02-28', 0, 0],
        ['2026-03-01', 0, 5],
        ['2026-03-02', 0, 0],
        ['2026-03-03', 1, 2],
      ]);
    });

    it('last backup: none (stale), fresh (not verified), verified (audited), tampered (broken), old past maxAgeHours', async () => {
      const app = api.t.app;
      let r = await api.call(p.tokens.auditor, 'GET', '/api/v1/backups/last');
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ status: null, stale: true, verification: null, maxAgeHours: 48 });
      const dir = path.join(api.t.dataDir, '..', `${path.basename(api.t.dataDir)}-backup`);
      try {
        await app.backup.create({ dir, actor: 'test' });
        r = await api.call(p.tokens['directory-manager'], 'GET', '/api/v1/backups/last');
        expect(r.json.status).toMatchObject({ ok: true, dir });
        expect(r.json.status.storedBytes).toBeGreaterThan(0);
        expect(r.json).toMatchObject({ stale: false, verification: null });
        // verifying: the sysadmin and the auditor, not the directory manager
        expect((await api.call(p.tokens['directory-manager'], 'POST', '/api/v1/backups/last/verify', {})).status).toBe(403);
        r = await api.call(p.tokens.auditor, 'POST', '/api/v1/backups/last/verify', {});
        expect(r.status).toBe(200);
        expect(r.json.verification).toMatchObject({ ok: true, set: r.json.status.set, problems: [] });
        const audit = await app.audit.list(1, { action: 'backup.verify' });
        expect(audit[0]).toMatchObject({ actor: `api:${p.actors.auditor}`, target: r.json.status.set });
        // a pool file altered: the next verification says so
        const pool = path.join(dir, 'pool');
        const first = fs.readdirSync(pool, { recursive: true, withFileTypes: true }).find((f) => f.isFile())!;
        fs.appendFileSync(path.join(first.parentPath, first.name), 'x');
        r = await api.call(p.tokens.sysadmin, 'POST', '/api/v1/backups/last/verify', {});
        expect(r.json.verification.ok).toBe(false);
        expect(r.json.verification.problems.join('\n')).toMatch(/SHA-256/);
        // older than the limit: stale
        const later = await lastBackup(app.config.dataDir, 48, Date.parse(r.json.status.at) + 49 * 3_600_000);
        expect(later).toMatchObject({ stale: true });
        expect(later.ageHours).toBeCloseTo(49, 0);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
