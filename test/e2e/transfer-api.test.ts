// Export and import over the admin API, on a real socket: a user downloads their own mail as mbox
// (streamed) and as a zip; an administrator exports a leaver's mailbox in scope (reason required,
// audited) and imports a zip into another mailbox; the policy refuses those out of scope or without the role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdminApi, seedProvince, type AdminApi, type Province } from '../helpers/admin-api.ts';
import { readMbox } from '../../src/transfer/mbox.ts';
import { flagNames } from '../../src/core/flags.ts';

describe('export and import over the API', () => {
  let api: AdminApi;
  let p: Province;
  let userId: number;

  beforeAll(async () => {
    api = await startAdminApi();
    p = await seedProvince(api);
    const app = api.t.app;
    userId = (await app.accounts.byAddress(p.actors.user))!.id;
    await app.store.createMailbox(userId, 'Công văn/Đến');
    for (let i = 0; i < 5; i++) {
      const raw = Buffer.from(`From: a@kontum.gov.vn\r\nSubject: Thư ${i}\r\nMessage-ID: <api${i}@kontum.gov.vn>\r\n\r\nFrom the start ${i}\r\n`);
      await app.store.append(userId, i % 2 ? 'INBOX' : 'Công văn/Đến', raw, i % 2 ? ['\\Seen', '$Label1'] : ['\\Flagged'], new Date(Date.UTC(2025, i, 10, 8)));
    }
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('a user downloads their own mail as mbox, streamed, with flags and dates', async () => {
    const res = await fetch(`${api.base}/api/v1/me/export?format=mbox`, { headers: { authorization: `Bearer ${p.tokens.user}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/mbox');
    expect(res.headers.get('content-disposition')).toContain('attachment');
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.toString()).toContain('\r\n>From the start 1\r\n');
    const back = [];
    for await (const m of readMbox([body])) back.push(m);
    expect(back).toHaveLength(5);
    expect(back.filter((m) => m.folder === 'Công văn/Đến')).toHaveLength(3);
    expect(back.find((m) => m.folder === 'INBOX')).toMatchObject({ flags: ['\\Seen', '$Label1'] });
    expect(back.map((m) => new Date(m.internalDate).toISOString()).sort()[0]).toBe('2025-01-10T08:00:00.000Z');
  });

  it('export of someone else: the directory manager in scope with a reason (audited); a user, or without reason, refused', async () => {
    const path = `/api/v1/accounts/${userId}/export?format=zip`;
    expect((await api.call(p.tokens.user, 'GET', path + '&reason=x')).status).toBe(403);
    expect((await api.call(p.tokens['clerk-snv'], 'GET', path + '&reason=x')).status).toBe(403); // STP is outside the clerk's SNV
    expect((await api.call(p.tokens['directory-manager'], 'GET', path)).status).toBe(400);
    const res = await fetch(`${api.base}${path}&reason=${encodeURIComponent('QĐ 12/QĐ-STP bàn giao')}`, { headers: { authorization: `Bearer ${p.tokens['directory-manager']}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    const zip = Buffer.from(await res.arrayBuffer());
    expect(zip.subarray(0, 2).toString()).toBe('PK');
    const audit = await api.t.app.audit.list(20, { action: 'mailbox.export' });
    expect(audit.find((a) => a.target === p.actors.user && a.actor === `api:${p.actors['directory-manager']}`)?.reason).toBe('QĐ 12/QĐ-STP bàn giao');

    // the sysadmin imports it into the head's mailbox; the directory manager may not import
    const head = (await api.t.app.accounts.byAddress(p.actors['head-snv']))!.id;
    const imp = `/api/v1/accounts/${head}/import?format=zip&reason=${encodeURIComponent('QĐ 12/QĐ-STP')}`;
    const send = (token: string) => fetch(api.base + imp, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/zip' }, body: zip });
    expect((await send(p.tokens['directory-manager'])).status).toBe(403);
    const ok = await send(p.tokens.sysadmin);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ messages: 5, failed: 0 });
    const mb = await api.t.app.store.getMailbox(head, 'Công văn/Đến');
    const msgs = await api.t.app.store.listMessages(mb!.id);
    expect(msgs.map((m) => flagNames(m.flags, m.keywords))).toEqual([['\\Flagged'], ['\\Flagged'], ['\\Flagged']]);
    expect((await api.t.app.audit.list(5, { action: 'mailbox.import' }))[0]).toMatchObject({ target: p.actors['head-snv'], actor: `api:${p.actors.sysadmin}` });
  });

  it('a user imports an mbox into their own mailbox, read as it arrives', async () => {
    const mbox = 'From x@y Sat Jan  3 01:05:34 1996\nSubject: cũ\nStatus: RO\n\nthư cũ\n\n';
    const res = await fetch(`${api.base}/api/v1/me/import?format=mbox&folder=${encodeURIComponent('Thư cũ')}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.tokens.user}`, 'content-type': 'application/mbox' },
      body: mbox,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ messages: 1 });
    const mb = await api.t.app.store.getMailbox(userId, 'Thư cũ');
    const [m] = await api.t.app.store.listMessages(mb!.id);
    expect(flagNames(m.flags, m.keywords)).toEqual(['\\Seen']);
    expect((await api.t.app.store.readMessage(m)).toString()).toBe('Subject: cũ\r\nStatus: RO\r\n\r\nthư cũ\r\n');
  });

  it('a file that is not in its format is refused with TRANSFER_INVALID (400)', async () => {
    const post = (format: string, body: string, type: string) =>
      fetch(`${api.base}/api/v1/me/import?format=${format}`, { method: 'POST', headers: { authorization: `Bearer ${p.tokens.user}`, 'content-type': type }, body });
    for (const [format, type] of [
      ['mbox', 'application/mbox'],
      ['zip', 'application/zip'],
    ]) {
      const res = await post(format, 'Subject: không phải mbox\r\n\r\nx\r\n', type);
      expect([format, res.status]).toEqual([format, 400]);
      expect((await res.json()).code).toBe('TRANSFER_INVALID');
    }
  });
});
