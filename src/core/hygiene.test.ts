// The hygiene step between plan and commit, through the app as wired (SQLite and PostgreSQL): a
// delegate sending as a unit mailbox counts against the unit mailbox's own limits too; past them
// the copy is queued on hold, and clearing the unit mailbox's hold releases what its delegates
// sent from its address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, createTestApp, type TestApp } from '../../test/helpers/harness.ts';
import type { Copy } from './delivery.ts';

const ctx = { actor: 'test', reason: 'QĐ 1' };

describe.each(backends())('hygiene before the commit (%s)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ backend, config: { hygiene: { sendLimits: { account: { messagesPerHour: 100 }, unitMailbox: { messagesPerHour: 1 } } } } });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('counts a message sent as a unit mailbox against that mailbox, holds past its limit, releases with it', async () => {
    const u = await t.app.directory.createUnit({ code: 'SNV', name: 'Sở Nội vụ', kind: 'agency' }, ctx);
    const unitAcct = (await t.app.accounts.byId(u.unit.mailboxAccountId!))!;
    const clerk = await t.app.accounts.create('vanthu@kontum.gov.vn', 'Matkhau#2026', 'test');
    const send = async (): Promise<number> => {
      const content = await t.app.store.ingest([Buffer.from(`From: ${unitAcct.username}\r\nSubject: x\r\n\r\nNội dung\r\n`)]);
      try {
        const copies: Copy[] = [{ remote: { sender: unitAcct.username, recipients: ['doitac@example.net'], accountId: clerk.id } }];
        const h = await t.app.hygiene.beforeCommit({ listener: 'submission', account: clerk, sender: unitAcct.username, recipients: ['doitac@example.net'], content, copies });
        const done = await t.app.store.commit(content, { copies: h.copies });
        await h.after(done);
        return done.queued[0];
      } finally {
        await t.app.store.release(content);
      }
    };
    const first = await send();
    const second = await send();
    expect((await t.app.queue.get(first))!.state).toBe('active');
    expect((await t.app.queue.get(second))!.state).toBe('hold');
    expect(await t.app.sendLimits.holdOf(unitAcct.id)).toMatchObject({ limitKind: 'unit-mailbox', messages: 2 });
    expect(await t.app.sendLimits.holdOf(clerk.id)).toBeNull();
    expect(await t.app.sendLimits.clear(unitAcct, 'test', 'Phiếu 2')).toEqual([second]);
    expect((await t.app.queue.get(second))!.state).toBe('active');
  });
});
