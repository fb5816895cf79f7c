// After retention, the purge leaves nothing (issue 11, R6.3): a leaver request executed over the API,
// then the purge schedule `serve` runs (directory/purge-schedule.ts) driven by a fake clock: nothing
// happens before the retention has passed; once it has, the person, the mailbox, its messages, the
// contents rows with their folded search text and the blob files are gone, the purge is audited by
// `retention`, Python's imaplib cannot log in, the MX refuses the address, and the address rests in
// quarantine (a new official of the same name gets the next one).
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { sql } from 'kysely';
import { backends } from '../helpers/harness.ts';
import { imaplibLogin, startRequestWorld, TEST_PASSWORD, type RequestWorld } from '../helpers/requests.ts';
import { vietnameseMessage } from '../helpers/servers.ts';
import { missingTool } from '../helpers/tools.ts';
import { eventually, smtplib, step } from '../../src/smtp/testing/clients.ts';
import { PurgeSchedule } from '../../src/directory/purge-schedule.ts';
import { addMonths } from '../../src/directory/service.ts';
import { existingContents } from '../../src/storage/repositories/contents.ts';

const DOC = { number: '77/QĐ-SNV', date: '2026-12-01', signer: 'Phạm Thị Hoa' };

for (const backend of backends()) {
  describe.skipIf(missingTool('python3', `purge after retention (${backend})`))(`purge after retention (${backend})`, { timeout: 120_000 }, () => {
    let w: RequestWorld;
    beforeAll(async () => {
      w = await startRequestWorld(backend);
    });
    afterAll(async () => {
      await w?.stop();
    });

    it('after retention, the purge leaves nothing', async () => {
      const { app } = w.r;
      const ctx = { actor: 'test', reason: 'QĐ 03/QĐ-UBND' };
      const p = await app.directory.createPerson({ fullName: 'Bùi Thị Nghỉ', unitCode: 'SNV-VP', password: TEST_PASSWORD, title: 'Chuyên viên' }, ctx);
      const acct = (await app.accounts.byAddress(p.address))!;
      for (const subject of ['Quyết toán ngân sách Đăk Glei zqpurgeword', 'Báo cáo tháng']) {
        const c = await app.store.ingest([vietnameseMessage({ from: w.p.actors.user, to: p.address, subject, body: 'Nội dung có từ zqpurgeword để tìm.' })]);
        await app.store.deliver(c, [{ accountId: acct.id, mailbox: 'INBOX' }]);
        await app.store.release(c);
      }
      const shas = (await app.store.listMessages((await app.store.getMailbox(acct.id, 'INBOX'))!.id)).map((m) => m.sha256);
      expect(shas.length).toBeGreaterThanOrEqual(2);
      const files = shas.map((s) => app.blobs.pathOf(s));
      expect(files.every((f) => fs.existsSync(f))).toBe(true);

      // the leaver request, through the API
      const { tokens } = w.p;
      const filed = await w.call(tokens['head-snv'], 'POST', '/api/v1/requests', { kind: 'leaver', payload: { person: p.address, why: 'retirement' }, document: DOC });
      expect(filed.status, filed.text).toBe(201);
      const id = filed.json.id as number;
      expect((await w.call(tokens['head-snv'], 'POST', `/api/v1/requests/${id}/submit`)).status).toBe(200);
      expect((await w.call(tokens['directory-manager'], 'POST', `/api/v1/requests/${id}/approve`, {})).status).toBe(200);
      const done = await w.call(tokens.sysadmin, 'POST', `/api/v1/requests/${id}/execute`);
      expect(done.json.state, done.text).toBe('notified');
      const purgeableFrom = done.json.items[0].result.purgeableFrom as number;
      expect(purgeableFrom).toBeGreaterThan(addMonths(Date.now(), 6) - 60_000); // six months: not a leader
      expect(purgeableFrom).toBeLessThan(addMonths(Date.now(), 6) + 60_000);

      // the schedule serve runs, on a fake clock: the day before the retention ends, nothing goes
      let now = purgeableFrom - 86400_000;
      const schedule = new PurgeSchedule(app.directory, { intervalMs: 20, log: pino({ level: 'silent' }), now: () => now });
      expect(await schedule.runDue()).toEqual({ purged: [], failed: [] });
      expect(await app.directory.personByAddress(p.address)).not.toBeNull();
      // the day it ends, the running schedule purges it
      now = purgeableFrom + 1;
      schedule.start();
      await eventually(async () => (await app.directory.getPerson(p.person.id)) === null, 10_000, 'purged by the schedule');
      await schedule.stop();

      expect(await app.accounts.byAddress(p.address)).toBeNull();
      expect((await existingContents(app.db.kysely, shas)).size).toBe(0);
      const folded = await sql<{ n: number }>`select count(*) as n from contents where search_body like ${'%zqpurgeword%'} or search_subject like ${'%zqpurgeword%'}`.execute(app.db.kysely);
      expect(Number(folded.rows[0].n)).toBe(0);
      await eventually(() => files.every((f) => !fs.existsSync(f)), 10_000, 'blob files unlinked');
      const audit = (await app.audit.list(50, { action: 'person.purge' })).find((e) => e.target === p.address);
      expect(audit?.actor).toBe('retention');
      expect(audit?.reason).toContain('Hết thời hạn lưu giữ');
      expect((await app.directory.history('person', p.person.id)).at(-1)!.data).toEqual({ deleted: true }); // the tombstone

      // no door opens, the MX refuses, and the address rests in quarantine
      expect(await imaplibLogin(w.r, p.address, TEST_PASSWORD)).toMatch(/^NO/);
      const mx = await smtplib(w.r.servers.ports.smtp, [{ op: 'ehlo', name: 'mail.example.net' }, { op: 'mail', from: 'ban@example.net' }, { op: 'rcpt', to: p.address }, { op: 'quit' }]);
      expect(step(mx, 'rcpt').code).toBeGreaterThanOrEqual(500);
      const again = await app.directory.createPerson({ fullName: 'Bùi Thị Nghỉ', unitCode: 'SNV-VP', confirmDuplicate: true }, ctx);
      expect(again.address).not.toBe(p.address);
    });
  });
}
