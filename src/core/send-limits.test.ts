// Sending limits with an injected clock, on SQLite and PostgreSQL: the count is a sliding hour
// (messages of an hour ago no longer count), a unit mailbox has its own, higher limits, the hold
// is set once (one audit entry, one notice in postmaster@'s INBOX) and lasts until cleared, and a manual hold is audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { backends, createTestApp, type TestApp } from '../../test/helpers/harness.ts';
import { SendLimits } from './send-limits.ts';
import { Notices } from './notices.ts';

const ctx = { actor: 'test', reason: 'QĐ 1' };

describe.each(backends())('send limits (%s)', (backend) => {
  let t: TestApp;
  let now = Date.UTC(2026, 11, 7, 8, 0, 0);
  let limits: SendLimits;
  let postmaster = 0;

  beforeAll(async () => {
    t = await createTestApp({ backend });
    const log = pino({ level: 'silent' });
    postmaster = (await t.app.accounts.create('postmaster@kontum.gov.vn', 'Matkhau#2026', 'test')).id;
    const notices = new Notices(t.app.store, log, { from: 'postmaster@kontum.gov.vn', accountOf: async (a) => (await t.app.accounts.byAddress(a))?.id ?? null });
    limits = new SendLimits(t.app.db.kysely, t.app.audit, t.app.queue, notices, log, {
      account: { messagesPerHour: 2, recipientsPerHour: 100 },
      unitMailbox: { messagesPerHour: 4, recipientsPerHour: 100 },
      postmaster: 'postmaster@kontum.gov.vn',
      now: () => now,
    });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('counts over a sliding hour: what was sent an hour ago no longer counts', async () => {
    const a = await t.app.accounts.create('an@kontum.gov.vn', 'Matkhau#2026', 'test');
    expect((await limits.submitted(a, 1)).hold).toBe(false);
    now += 30 * 60_000;
    expect((await limits.submitted(a, 1)).hold).toBe(false);
    now += 31 * 60_000; // the first is now more than an hour old
    expect((await limits.submitted(a, 1)).hold).toBe(false);
    expect(await limits.holdOf(a.id)).toBeNull();
    expect((await limits.submitted(a, 1)).hold).toBe(true); // three within the hour
    expect((await limits.submitted(a, 1)).hold).toBe(true);
    now += 3 * 3600_000;
    expect((await limits.submitted(a, 1)).hold).toBe(true); // held until cleared, however long
    const inbox = await t.app.store.listMessages((await t.app.store.getMailbox(postmaster, 'INBOX'))!.id);
    expect(inbox).toHaveLength(1); // told once
    expect((await t.app.store.readMessage(inbox[0])).toString('utf8')).toContain('an@kontum.gov.vn');
    expect((await t.app.audit.list(10, { action: 'send-limit.hold', target: a.username })).length).toBe(1);
    expect(await limits.clear(a, 'test', 'Phiếu 1')).toEqual([]);
    expect((await limits.submitted(a, 1)).hold).toBe(false);
  });

  it('gives a unit mailbox its own limits', async () => {
    const u = await t.app.directory.createUnit({ code: 'SNV', name: 'Sở Nội vụ', kind: 'agency' }, ctx);
    const acct = (await t.app.accounts.byId(u.unit.mailboxAccountId!))!;
    for (let i = 0; i < 4; i++) expect((await limits.submitted(acct, 1)).hold).toBe(false);
    expect((await limits.submitted(acct, 1)).hold).toBe(true);
    expect(await limits.holdOf(acct.id)).toMatchObject({ limitKind: 'unit-mailbox', messages: 5 });
  });

  it('holds by hand, once, audited with the reason', async () => {
    const b = await t.app.accounts.create('binh@kontum.gov.vn', 'Matkhau#2026', 'test');
    expect(await limits.hold(b, 'cli:root', 'Nghi lộ mật khẩu')).toBe(true);
    expect(await limits.hold(b, 'cli:root')).toBe(false);
    expect((await limits.submitted(b, 1)).hold).toBe(true);
    const audit = await t.app.audit.list(10, { action: 'send-limit.hold', target: b.username });
    expect(audit.map((x) => x.reason)).toEqual(['Nghi lộ mật khẩu']);
  });
});
