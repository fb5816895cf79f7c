// The quarantine's rules on each store backend, with an injected clock: a kept message holds its
// blob through the sweep (its row is a reference), identical bytes kept twice share one blob
// until both rows are gone, a message past hygiene.virus.quarantineDays is pruned by the store's
// maintenance (audited `quarantine.expire`, blob reclaimed), 0 days keeps everything, and a
// missing id is QUARANTINE_NOT_FOUND.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { backends, createTestApp, type TestApp } from '../../test/helpers/harness.ts';
import { QuarantineService, type KeepInput } from './quarantine.ts';
import { isThutinError } from './errors.ts';

const DAY = 86_400_000;

describe.each(backends())('quarantine rules (%s)', (backend) => {
  let t: TestApp;
  let clock: number;
  beforeEach(async () => {
    t = await createTestApp({ backend });
    clock = Date.parse('2026-12-01T00:00:00Z');
  });
  afterEach(async () => {
    await t.cleanup();
  });

  const service = (retentionDays: number) =>
    new QuarantineService(
      t.app.db.kysely,
      t.app.store,
      t.app.audit,
      { isLocalDomain: () => true, localAccount: async () => null, listMembers: async () => null },
      { now: () => new Date(clock), retentionDays },
    );
  const input: KeepInput = {
    listener: 'inbound',
    sender: 'x@gialai.example',
    recipients: ['an@kontum.gov.vn'],
    accountId: null,
    virus: 'Eicar-Test-Signature',
    remoteAddress: '192.0.2.7',
    helo: 'mx.gialai.example',
    smtpQueueId: 'ABC',
  };

  async function keep(q: QuarantineService, body = 'Nội dung có vi-rút'): Promise<{ id: number; sha256: string }> {
    const content = await t.app.store.ingest([Buffer.from(`From: <x@gialai.example>\r\nSubject: Có tệp\r\n\r\n${body}\r\n`)]);
    try {
      return { id: await q.keep(content, input), sha256: content.sha256 };
    } finally {
      await t.app.store.release(content); // what the SMTP front end does after refusing it
    }
  }

  it('keeps the blob through the sweep; identical bytes kept twice share it until both are gone', async () => {
    const q = service(30);
    const a = await keep(q);
    const b = await keep(q);
    expect(b.sha256).toBe(a.sha256);
    await t.app.reclaimer.sweep({ graceMs: 0 });
    expect(await t.app.blobs.exists(a.sha256)).toBe(true);
    expect((await q.show(a.id)).headers).toBe('From: <x@gialai.example>\r\nSubject: Có tệp\r\n\r\n');
    await q.delete(a.id, { actor: 'test', reason: 'r' });
    expect(await t.app.blobs.exists(a.sha256)).toBe(true);
    await q.delete(b.id, { actor: 'test', reason: 'r' });
    expect(await t.app.blobs.exists(a.sha256)).toBe(false);
    await expect(q.delete(b.id, { actor: 'test' })).rejects.toSatisfy((e: unknown) => isThutinError(e) && e.code === 'QUARANTINE_NOT_FOUND');
  });

  it('prunes what was kept longer than quarantineDays, audited, from the store maintenance', async () => {
    const q = service(30);
    t.app.maintenance.quarantine = q;
    const old = await keep(q, 'cũ');
    clock += 10 * DAY;
    const young = await keep(q, 'mới');
    clock += 21 * DAY; // old: 31 days, young: 21 days
    const report = await t.app.maintenance.runOnce({ graceMs: 0 });
    expect(report.quarantine).toEqual({ removed: 1 });
    expect((await q.list()).map((x) => x.id)).toEqual([young.id]);
    expect(await t.app.blobs.exists(old.sha256)).toBe(false);
    expect(await t.app.blobs.exists(young.sha256)).toBe(true);
    const [e] = await t.app.audit.list(1, { action: 'quarantine.expire' });
    expect(e).toMatchObject({ actor: 'thutin', target: `#${old.id}` });
  });

  it('keeps everything with quarantineDays 0', async () => {
    const q = service(0);
    await keep(q);
    clock += 3650 * DAY;
    expect(await q.prune()).toEqual({ removed: 0 });
    expect(await q.list()).toHaveLength(1);
  });
});

describe.each(backends())('quarantine release (%s)', (backend) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ backend });
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it('expands a list address, queues remote members, and skips an address that no longer exists', async () => {
    const ctx = { actor: 'test', reason: 'QĐ 1' };
    for (const a of ['an@kontum.gov.vn', 'binh@kontum.gov.vn']) await t.app.accounts.create(a, 'Matkhau#2026', 'test');
    await t.app.lists.create({ address: 'phong@kontum.gov.vn', name: 'Phòng', kind: 'static' }, ctx);
    for (const m of ['an@kontum.gov.vn', 'binh@kontum.gov.vn', 'doitac@remote.example']) await t.app.lists.addMember('phong@kontum.gov.vn', m, ctx);
    const content = await t.app.store.ingest([Buffer.from('From: <x@gialai.example>\r\nSubject: Danh sách\r\n\r\nx\r\n')]);
    let id: number;
    try {
      id = await t.app.quarantine.keep(content, {
        listener: 'inbound',
        sender: 'x@gialai.example',
        recipients: ['phong@kontum.gov.vn', 'an@kontum.gov.vn', 'gone@kontum.gov.vn'],
        accountId: null,
        virus: 'V',
        remoteAddress: '',
        helo: '',
        smtpQueueId: '',
      });
    } finally {
      await t.app.store.release(content);
    }
    const r = await t.app.quarantine.release(id, ctx);
    expect(r).toEqual({ id, delivered: ['an@kontum.gov.vn', 'binh@kontum.gov.vn'], queued: ['doitac@remote.example'], skipped: ['gone@kontum.gov.vn'] });
    const [q] = await t.app.queue.list();
    expect(q).toMatchObject({ sender: 'x@gialai.example', accountId: null });
    for (const a of ['an@kontum.gov.vn', 'binh@kontum.gov.vn']) {
      const acct = await t.app.accounts.resolveRecipient(a);
      const mb = await t.app.store.getMailbox(acct!.id, 'INBOX');
      expect(await t.app.store.listMessages(mb!.id)).toHaveLength(1);
    }
  });
});
