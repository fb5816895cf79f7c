// Retention policies, legal hold and the journal on each store backend, with an injected clock:
// Trash older than N days is removed (its blob reclaimed) while a held mailbox's is kept hidden,
// and the audit shows both; a message moved into Trash lately is not due whatever its date; the
// most specific keep-years policy wins; a held leaver's purge is refused until the hold is
// released, after which the next run removes what the hold kept (an expunge and a folder's deletion
// alike, a move is no removal); the journal keeps a message its
// recipient expunged, finds it without diacritics, refuses a search without a reason, exports it
// as mboxrd and expires it after its unit's period; what a person of the unit sends is journaled as
// sent; a policy for unit mailboxes' Junk applies to them before the wider one reaches a person's.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { backends, createTestApp, type TestApp } from '../../test/helpers/harness.ts';
import { RetentionPolicies } from './retention-policies.ts';
import { isThutinError } from './errors.ts';

const DAY = 86_400_000;
const ctx = { actor: 'test', reason: 'QĐ 12/QĐ-UBND' };

async function collect(s: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c);
  return Buffer.concat(parts).toString('utf8');
}

describe.each(backends())('retention, legal hold and journal (%s)', (backend) => {
  let t: TestApp;
  let clock: number;
  let retention: RetentionPolicies;
  let an: { id: number; personId: number; address: string };
  let binh: { id: number; personId: number; address: string };

  beforeEach(async () => {
    t = await createTestApp({ backend, config: { directory: { retentionMonths: 0, leaderRetentionMonths: 0 } } });
    clock = Date.parse('2026-12-01T00:00:00Z');
    const d = t.app.directory;
    await d.createUnit({ code: 'KT', name: 'Ủy ban nhân dân tỉnh Kon Tum', abbreviation: 'ubnd', kind: 'province' }, ctx);
    await d.createUnit({ code: 'SNV', name: 'Sở Nội vụ', kind: 'agency', parentCode: 'KT' }, ctx);
    await d.createUnit({ code: 'STTTT', name: 'Sở Thông tin và Truyền thông', kind: 'agency', parentCode: 'KT' }, ctx);
    const p1 = await d.createPerson({ fullName: 'Nguyễn Văn An', unitCode: 'SNV', password: 'Matkhau#2026' }, ctx);
    const p2 = await d.createPerson({ fullName: 'Trần Thị Bình', unitCode: 'STTTT', password: 'Matkhau#2026' }, ctx);
    an = { id: (await t.app.accounts.byAddress(p1.address))!.id, personId: p1.person.id, address: p1.address };
    binh = { id: (await t.app.accounts.byAddress(p2.address))!.id, personId: p2.person.id, address: p2.address };
    // The app's own services, with the test's clock.
    retention = new RetentionPolicies(t.app.db.kysely, t.app.store, t.app.audit, t.app.legalHold, t.app.journal, { now: () => clock });
  });
  afterEach(async () => {
    await t.cleanup();
  });

  async function put(accountId: number, folder: string, subject: string, date: number, from = 'x@gialai.example'): Promise<{ sha256: string; uid: number; mailboxId: number }> {
    const c = await t.app.store.ingest([
      Buffer.from(`From: ${from}\r\nTo: someone@kontum.gov.vn\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@t>\r\n\r\nNội dung ${subject}\r\n`),
    ]);
    try {
      const [d] = await t.app.store.deliver(c, [{ accountId, mailbox: folder }], date);
      return { sha256: c.sha256, uid: d.uid, mailboxId: d.mailboxId };
    } finally {
      await t.app.store.release(c);
    }
  }

  async function uids(accountId: number, folder: string): Promise<number[]> {
    const mb = await t.app.store.getMailbox(accountId, folder);
    return (await t.app.store.listMessages(mb!.id)).map((m) => m.uid);
  }

  it('removes Trash past N days, keeps a held mailbox’s hidden, audits both; the release lets the next run remove it', async () => {
    const old = clock - 40 * DAY;
    const a = await put(an.id, 'Trash', 'Thư cũ của An', old);
    const b = await put(binh.id, 'Trash', 'Thư cũ của Bình', old);
    const fresh = await put(binh.id, 'Trash', 'Thư mới', clock - 2 * DAY);
    // An old message moved into Trash today: 0 days in Trash, not due.
    const moved = await put(binh.id, 'INBOX', 'Thư cũ vừa xoá', old - 100 * DAY);
    const trash = await t.app.store.getMailbox(binh.id, 'Trash');
    await t.app.store.move(moved.mailboxId, [moved.uid], trash!.id);

    await t.app.legalHold.set({ unit: 'snv' }, { actor: 'api:kiemtoan@kontum.gov.vn', reason: 'CV 45/TTr-thanh tra' });
    await retention.set({ folder: '\\Trash', kind: 'delete-after-days', amount: 30 }, ctx);
    const r = await retention.run({ actor: 'test' });
    expect(r).toMatchObject({ removed: 2, held: 1, folders: 2 });

    expect(await uids(an.id, 'Trash')).toEqual([]); // hidden from An
    expect((await t.app.legalHold.kept(an.address)).map((k) => k.sha256)).toEqual([a.sha256]);
    expect(await t.app.blobs.exists(a.sha256)).toBe(true);
    await t.app.reclaimer.sweep({ graceMs: 0 });
    expect(await t.app.blobs.exists(a.sha256)).toBe(true); // the held row is a reference
    expect(await t.app.blobs.exists(b.sha256)).toBe(false); // Bình's is gone for good
    expect((await uids(binh.id, 'Trash')).length).toBe(2); // the fresh one and the one moved in today
    expect(await t.app.blobs.exists(fresh.sha256)).toBe(true);

    const audit = await t.app.audit.list(50);
    const run = audit.find((e) => e.action === 'retention.run')!;
    expect(JSON.parse(run.details)).toMatchObject({ removed: 2, held: 1 });
    expect(audit.find((e) => e.action === 'hold.set')).toMatchObject({ target: 'unit:SNV', reason: 'CV 45/TTr-thanh tra' });

    // An's leaver purge waits for the hold.
    await t.app.directory.setPersonStatus(an.personId, 'left', ctx);
    const refused = await t.app.directory.purgePerson(an.personId, ctx).catch((e: unknown) => e);
    expect(isThutinError(refused) && refused.code).toBe('RETENTION_LEGAL_HOLD');
    expect(await t.app.accounts.byAddress(an.address)).not.toBeNull();

    const [hold] = await t.app.legalHold.list();
    await t.app.legalHold.release(hold.id, { actor: 'api:kiemtoan@kontum.gov.vn', reason: 'CV 50/TTr' });
    const r2 = await retention.run({ actor: 'test' });
    expect(r2.releasedRemoved).toBe(1);
    expect(await t.app.legalHold.kept(an.address)).toEqual([]);
    expect(await t.app.blobs.exists(a.sha256)).toBe(false);
    await t.app.directory.purgePerson(an.personId, ctx);
    expect(await t.app.accounts.byAddress(an.address)).toBeNull();
    expect((await t.app.audit.list(50)).some((e) => e.action === 'hold.release' && e.reason === 'CV 50/TTr')).toBe(true);
  });

  it('a held mailbox’s expunge keeps the message for the auditor’s export; deleting the account is refused', async () => {
    const m = await put(an.id, 'INBOX', 'Công văn mật', clock - DAY);
    await t.app.legalHold.set({ mailbox: an.address }, ctx);
    await t.app.store.storeFlags(m.mailboxId, [m.uid], 'add', { mask: 8, keywords: [] });
    expect(await t.app.store.expunge(m.mailboxId)).toEqual([m.uid]);
    expect(await uids(an.id, 'INBOX')).toEqual([]);
    const exp = await t.app.legalHold.exportMailbox(an.address, { actor: 'auditor', reason: 'CV 45/TTr' });
    expect(exp).toMatchObject({ messages: 0, kept: 1 });
    const text = await collect(exp.stream);
    expect(text).toMatch(/^From \S+ \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\n/);
    expect(text).toContain('Subject: Công văn mật');
    const refused = await t.app.db.kysely
      .transaction()
      .execute((tx) => t.app.accounts.deleteIn(tx, an.id, 'test'))
      .catch((e: unknown) => e);
    expect(isThutinError(refused) && refused.code).toBe('RETENTION_LEGAL_HOLD');
    // Deleting a folder of a held mailbox keeps what it held; a move is no removal.
    const folder = await t.app.store.createMailbox(an.id, 'Hồ sơ 2026');
    const kept = await put(an.id, folder.name, 'Biên bản kiểm tra', clock - DAY);
    const moved = await put(an.id, 'INBOX', 'Chuyển thư mục', clock - DAY);
    await t.app.store.move(moved.mailboxId, [moved.uid], folder.id);
    await t.app.store.deleteMailbox(an.id, folder.name);
    const held = await t.app.legalHold.kept(an.address);
    expect(held.map((h) => [h.folder, h.cause])).toEqual([
      ['INBOX', 'expunge'],
      [folder.name, 'folder-delete'],
      [folder.name, 'folder-delete'],
    ]);
    await t.app.reclaimer.sweep({ graceMs: 0 });
    expect(await t.app.blobs.exists(kept.sha256)).toBe(true);
  });

  it('the most specific keep-years policy wins', async () => {
    const seven = clock - 7 * 365 * DAY;
    await put(an.id, 'INBOX', 'Bảy năm An', seven);
    await put(binh.id, 'INBOX', 'Bảy năm Bình', seven);
    await retention.set({ folder: '*', kind: 'keep-years', amount: 5 }, ctx);
    await retention.set({ folder: '*', unit: 'SNV', kind: 'keep-years', amount: 10 }, ctx);
    const r = await retention.run({ actor: 'test' });
    expect(r.removed).toBe(1);
    expect((await uids(an.id, 'INBOX')).length).toBe(1);
    expect((await uids(binh.id, 'INBOX')).length).toBe(0);
    expect((await retention.list()).map((p) => [p.unit, p.amount])).toEqual([
      [null, 5],
      ['SNV', 10],
    ]);
    await expect(retention.set({ folder: '*', kind: 'keep-years', amount: 0 }, ctx)).rejects.toMatchObject({ code: 'POLICY_INVALID' });
    await expect(retention.set({ folder: '*', kind: 'keep-years', amount: 3 }, { actor: 'x' })).rejects.toMatchObject({ code: 'REASON_REQUIRED' });
  });

  it('a policy for unit mailboxes’ Junk removes theirs sooner; a personal mailbox’s Junk waits for the wider policy', async () => {
    const snv = (await t.app.directory.getUnit('SNV'))!;
    expect(snv.mailboxAccountId).not.toBeNull();
    const unitJunk = await put(snv.mailboxAccountId!, 'Junk', 'Quảng cáo gửi Sở', clock - 20 * DAY);
    const anJunk = await put(an.id, 'Junk', 'Quảng cáo gửi An', clock - 20 * DAY);
    await retention.set({ folder: '\\Junk', mailboxType: 'unit', kind: 'delete-after-days', amount: 10 }, ctx);
    await retention.set({ folder: '\\Junk', kind: 'delete-after-days', amount: 30 }, ctx);
    expect(await retention.run({ actor: 'test' })).toMatchObject({ removed: 1, folders: 1 });
    expect(await uids(snv.mailboxAccountId!, 'Junk')).toEqual([]);
    expect(await uids(an.id, 'Junk')).toEqual([anJunk.uid]);
    expect(await uids(snv.mailboxAccountId!, 'INBOX')).toEqual([]); // nothing else touched
    clock += 11 * DAY; // 31 days in Junk: the wider policy applies to An's
    expect(await retention.run({ actor: 'test' })).toMatchObject({ removed: 1, folders: 1 });
    expect(await uids(an.id, 'Junk')).toEqual([]);
    await t.app.reclaimer.sweep({ graceMs: 0 });
    expect(await t.app.blobs.exists(unitJunk.sha256)).toBe(false);
    const runs = (await t.app.audit.list(50)).filter((e) => e.action === 'retention.run');
    expect(runs.map((e) => JSON.parse(e.details).removed)).toEqual([1, 1]);
  });

  it('journals a unit’s mail by reference; auditors search without diacritics, with a reason, and export mboxrd', async () => {
    await t.app.journal.setUnit('SNV', { keepYears: 2 }, ctx);
    const m = await put(an.id, 'INBOX', 'Giấy mời họp giao ban', clock, `"Trần Thị Bình" <${binh.address}>`);
    await put(binh.id, 'INBOX', 'Không thuộc Sở Nội vụ', clock);
    // An expunges it: the journal keeps it.
    await t.app.store.storeFlags(m.mailboxId, [m.uid], 'add', { mask: 8, keywords: [] });
    await t.app.store.expunge(m.mailboxId);
    await t.app.reclaimer.sweep({ graceMs: 0 });
    expect(await t.app.blobs.exists(m.sha256)).toBe(true);

    await expect(t.app.journal.search({ people: 'tran thi binh' }, { actor: 'auditor' })).rejects.toMatchObject({ code: 'JOURNAL_REASON_REQUIRED' });
    const hits = await t.app.journal.search({ people: 'tran thi binh', unit: 'KT' }, { actor: 'auditor', reason: 'Thanh tra CV 45' });
    expect(hits.map((h) => [h.unit, h.direction, h.subject])).toEqual([['SNV', 'received', 'Giấy mời họp giao ban']]);
    expect(await t.app.journal.search({ text: 'giao ban', unit: 'STTTT' }, { actor: 'auditor', reason: 'r' })).toEqual([]);
    expect((await t.app.journal.search({ text: 'GIAO BAN', from: Date.now() - DAY, to: Date.now() + DAY }, { actor: 'auditor', reason: 'r' })).length).toBe(1);
    const exp = await t.app.journal.export({ ids: [hits[0].id] }, { actor: 'auditor', reason: 'Thanh tra CV 45' });
    expect(exp.count).toBe(1);
    expect(await collect(exp.stream)).toContain('Subject: Giấy mời họp giao ban');
    const audit = await t.app.audit.list(50);
    expect(audit.filter((e) => e.action === 'journal.search').map((e) => e.reason)).toContain('Thanh tra CV 45');
    expect(audit.find((e) => e.action === 'journal.export')).toMatchObject({ reason: 'Thanh tra CV 45' });
    // Mail a person of the unit sends is journaled as sent (the recipient's unit does not journal).
    await put(binh.id, 'INBOX', 'Báo cáo gửi Sở Thông tin', clock, `"Nguyễn Văn An" <${an.address}>`);
    const sent = await t.app.journal.search({ people: 'nguyen van an', direction: 'sent' }, { actor: 'auditor', reason: 'r' });
    expect(sent.map((h) => [h.unit, h.direction, h.subject])).toEqual([['SNV', 'sent', 'Báo cáo gửi Sở Thông tin']]);
    expect((await t.app.journal.search({ unit: 'SNV' }, { actor: 'auditor', reason: 'r' })).map((h) => h.direction).sort()).toEqual(['received', 'sent']);

    // Past the unit's period the entry goes, and the blob with it — but not while a mailbox it names is held.
    clock = Date.now() + 3 * 366 * DAY; // journal entries are dated by the commit
    const hold = await t.app.legalHold.set({ mailbox: binh.address }, ctx);
    expect((await retention.run({ actor: 'test' })).journalRemoved).toBe(1); // the sent entry, which names no held mailbox
    await t.app.legalHold.release(hold.id, ctx);
    const r = await retention.run({ actor: 'test' });
    expect(r.journalRemoved).toBe(1);
    expect(await t.app.blobs.exists(m.sha256)).toBe(false);
  });
});
