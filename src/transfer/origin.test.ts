// Owns: the test that mail brought in is not mail received. A journaled unit's mailbox gets one
// delivery, then an mbox import and a migration from a real Dovecot (Debian's dovecot-imapd): the
// journal holds the delivery only, /metrics' thutin_mail_messages_total{direction="in"} counts the
// delivery only, and thutin_messages_imported_total counts the imported and migrated copies by origin.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backends, createTestApp, type TestApp } from '../../test/helpers/harness.ts';
import { missingTool } from '../../test/helpers/tools.ts';
import { appendFixtures, DOVECOT_BIN, startDovecot, type DovecotUser } from '../../test/helpers/dovecot.ts';
import { tlsPaths } from '../config/tls.ts';
import { parseSourceUrl, runMigration } from '../migrate/run.ts';
import { parseUsersCsv } from '../migrate/users-csv.ts';
import { TransferService } from './service.ts';

const ctx = { actor: 'test', reason: 'QĐ 12/QĐ-UBND' };
const audit = { actor: 'auditor', reason: 'Thanh tra CV 45' };

function message(i: number): Buffer {
  return Buffer.from(`From: Trần Thị Bình <binh@gialai.gov.vn>\r\nTo: an@kontum.gov.vn\r\nSubject: Công văn ${i}\r\nMessage-ID: <o${i}@gialai.gov.vn>\r\n\r\nNội dung ${i}\r\n`);
}

async function counter(t: TestApp, name: string, labels: Record<string, string>): Promise<number> {
  const m = await t.app.metrics.registry.getSingleMetric(name)!.get();
  return m.values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value ?? 0;
}

describe.each(backends())('import and migration are not deliveries (%s)', (backend) => {
  let t: TestApp;
  let an: { id: number; address: string };

  beforeEach(async () => {
    t = await createTestApp({ backend });
    const d = t.app.directory;
    await d.createUnit({ code: 'KT', name: 'Ủy ban nhân dân tỉnh Kon Tum', abbreviation: 'ubnd', kind: 'province' }, ctx);
    await d.createUnit({ code: 'SNV', name: 'Sở Nội vụ', kind: 'agency', parentCode: 'KT' }, ctx);
    const p = await d.createPerson({ fullName: 'Nguyễn Văn An', unitCode: 'SNV', password: 'Matkhau#2026' }, ctx);
    an = { id: (await t.app.accounts.byAddress(p.address))!.id, address: p.address };
    await t.app.journal.setUnit('SNV', { keepYears: 5 }, ctx);
    const c = await t.app.store.ingest([message(0)]);
    try {
      await t.app.store.deliver(c, [{ accountId: an.id, mailbox: 'INBOX' }]);
    } finally {
      await t.app.store.release(c);
    }
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it('an mbox import is journaled nowhere and counted as imported, not received', async () => {
    expect(await t.app.journal.search({ unit: 'SNV' }, audit)).toHaveLength(1);
    expect(await counter(t, 'thutin_mail_messages_total', { direction: 'in' })).toBe(1);
    const mbox = [1, 2, 3].map((i) => `From MAILER-DAEMON Mon Dec  7 08:00:00 2026\n${message(i).toString()}\n`).join('');
    const r = await new TransferService(t.app).importMboxStream(an.id, Readable.from([Buffer.from(mbox)]), { actor: 'test' }, { folder: 'Cũ' });
    expect(r).toMatchObject({ messages: 3, failed: 0 });
    expect(await t.app.journal.search({ unit: 'SNV' }, audit)).toHaveLength(1);
    expect(await counter(t, 'thutin_mail_messages_total', { direction: 'in' })).toBe(1);
    expect(await counter(t, 'thutin_messages_imported_total', { origin: 'import' })).toBe(3);
    expect(await counter(t, 'thutin_messages_imported_total', { origin: 'migration' })).toBe(0);
    // The next delivery is journaled and counted as before.
    const c = await t.app.store.ingest([message(4)]);
    await t.app.store.deliver(c, [{ accountId: an.id }]).finally(() => t.app.store.release(c));
    expect(await t.app.journal.search({ unit: 'SNV' }, audit)).toHaveLength(2);
    expect(await counter(t, 'thutin_mail_messages_total', { direction: 'in' })).toBe(2);
  });

  const OLD: DovecotUser = { login: 'an.nguyen', password: 'Mk-cu#2019an' };
  it.skipIf(missingTool(DOVECOT_BIN, 'migration origin (Dovecot)'))('a migration from Dovecot is journaled nowhere and counted as migrated, not received', { timeout: 60_000 }, async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-origin-'));
    fs.chmodSync(work, 0o755); // Dovecot's mail processes run as nobody
    const tls = tlsPaths(t.app.config);
    const dc = await startDovecot(work, { cert: tls.cert, key: tls.key, users: [OLD] });
    try {
      const c = await dc.client(OLD);
      await c.mailboxCreate('Công văn');
      await appendFixtures(c, 'INBOX', 0, 4);
      await appendFixtures(c, 'Công văn', 10, 3);
      await c.logout();
      const mappings = parseUsersCsv(`source,password,target\n${OLD.login},${OLD.password},${an.address}\n`, { proxyAuth: false });
      const [r] = await runMigration(t.app, { server: parseSourceUrl(`imaps://127.0.0.1:${dc.imapsPort}`, { insecure: true }), mappings, stateDir: path.join(work, 'state'), actor: 'test' });
      expect(r).toMatchObject({ found: 7, copied: 7, failed: 0 });
      expect(await t.app.journal.search({ unit: 'SNV' }, audit)).toHaveLength(1);
      expect(await counter(t, 'thutin_mail_messages_total', { direction: 'in' })).toBe(1);
      expect(await counter(t, 'thutin_messages_imported_total', { origin: 'migration' })).toBe(7);
      expect(await counter(t, 'thutin_messages_imported_total', { origin: 'import' })).toBe(0);
    } finally {
      await dc.stop();
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
