// JMAP end to end with jmap-jam (a client we did not write), over a real socket, on each store
// backend: the session resource, Mailbox/get, Email/query + Email/get with back-references,
// Email/set keywords, upload + Email/import, Mailbox/set; and the two doors agree — a change
// over IMAP (imapflow: APPEND, STORE \Seen) shows in Email/changes, and a JMAP keyword change
// shows in IMAP FETCH FLAGS.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import JamClient from 'jmap-jam';
import { backends } from '../helpers/harness.ts';
import { startTestServers, vietnameseMessage, imapClient, TEST_PASSWORD, type Running } from '../helpers/servers.ts';

describe.each(backends())('JMAP with jmap-jam (%s)', (backend) => {
  let r: Running;
  let an: string;
  let binh: string;
  let jam: JamClient;
  let accountId: string;
  let inbox: string;

  beforeAll(async () => {
    r = await startTestServers({ backend });
    an = await r.user('annv');
    binh = await r.user('binhlt');
    for (const subject of ['Báo cáo tháng 11 của Sở Nội vụ', 'Kế hoạch đào tạo', 'Giấy mời họp']) {
      const c = await r.app.store.ingest([vietnameseMessage({ from: binh, to: an, subject })]);
      await r.app.store.deliver(c, [{ accountId: (await r.app.accounts.byAddress(an))!.id }]);
      await r.app.store.release(c);
    }
    const { token } = await r.app.tokens.login(an, TEST_PASSWORD, '127.0.0.1');
    jam = new JamClient({ sessionUrl: `http://127.0.0.1:${r.servers.ports.http}/.well-known/jmap`, bearerToken: token });
  });
  afterAll(async () => {
    await r?.stop();
  });

  it('reads the session resource through /.well-known/jmap with its capabilities and limits', async () => {
    const s = await jam.session;
    expect(Object.keys(s.capabilities)).toEqual(expect.arrayContaining(['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail', 'urn:ietf:params:jmap:submission']));
    expect(s.capabilities['urn:ietf:params:jmap:core']).toMatchObject({ maxCallsInRequest: expect.any(Number), maxObjectsInGet: expect.any(Number), maxSizeUpload: expect.any(Number) });
    accountId = await jam.getPrimaryAccount();
    expect(s.accounts[accountId]).toMatchObject({ name: an, isPersonal: true, isReadOnly: false });
    expect(s.username).toBe(an);
  });

  it('lists mailboxes with roles and counts', async () => {
    const [res] = await jam.api.Mailbox.get({ accountId });
    const byRole = Object.fromEntries(res.list.map((m) => [m.role ?? m.name, m]));
    expect(Object.keys(byRole)).toEqual(expect.arrayContaining(['inbox', 'sent', 'drafts', 'junk', 'trash', 'archive']));
    expect(byRole.inbox).toMatchObject({ name: 'INBOX', totalEmails: 3, unreadEmails: 3, parentId: null });
    inbox = byRole.inbox.id;
  });

  it('queries the inbox and gets the messages in one request with a back-reference', async () => {
    const [{ emails, ids }] = await jam.requestMany((t) => {
      const ids = t.Email.query({ accountId, filter: { inMailbox: inbox }, sort: [{ property: 'subject', isAscending: true }], limit: 10 });
      const emails = t.Email.get({ accountId, ids: ids.$ref('/ids'), properties: ['id', 'subject', 'from', 'keywords', 'mailboxIds', 'preview', 'textBody', 'bodyValues'], fetchTextBodyValues: true });
      return { ids, emails };
    });
    expect(ids.total).toBe(3);
    expect(emails.list.map((e) => e.subject)).toEqual(['Báo cáo tháng 11 của Sở Nội vụ', 'Giấy mời họp', 'Kế hoạch đào tạo']);
    const first = emails.list[0];
    expect(first.from).toEqual([{ name: 'Trần Thị Thu Hương', email: binh }]);
    expect(first.mailboxIds).toEqual({ [inbox]: true });
    expect(first.preview).toContain('Đặng Thị Hương');
    const part = first.textBody![0].partId!;
    expect(first.bodyValues![part].value).toContain('Kính gửi đồng chí Nguyễn Văn An');
  });

  it('finds Vietnamese text without diacritics (the same folded search as IMAP)', async () => {
    const [q] = await jam.api.Email.query({ accountId, filter: { subject: 'dao tao' } });
    expect(q.ids).toHaveLength(1);
    const [q2] = await jam.api.Email.query({ accountId, filter: { body: 'dang thi huong' } });
    expect(q2.ids).toHaveLength(3);
  });

  it('sets keywords over JMAP and IMAP FETCH FLAGS shows them', async () => {
    const [q] = await jam.api.Email.query({ accountId, filter: { inMailbox: inbox, subject: 'giấy mời' } });
    const id = q.ids[0];
    const [set] = await jam.api.Email.set({ accountId, update: { [id]: { 'keywords/$seen': true, 'keywords/$flagged': true } } });
    expect(set.updated).toHaveProperty(id);
    const c = imapClient(r, an);
    await c.connect();
    const lock = await c.getMailboxLock('INBOX');
    try {
      const uid = Number(id.split('_')[1]);
      const msg = await c.fetchOne(String(uid), { flags: true }, { uid: true });
      expect(msg && [...msg.flags!].filter((f) => f !== '\\Recent').sort()).toEqual(['\\Flagged', '\\Seen']);
    } finally {
      lock.release();
      await c.logout();
    }
  });

  it('shows an IMAP APPEND and STORE \\Seen in Email/changes', async () => {
    const [before] = await jam.api.Email.get({ accountId, ids: [], properties: ['id'] });
    const c = imapClient(r, an);
    await c.connect();
    const appended = (await c.append('INBOX', vietnameseMessage({ from: binh, to: an, subject: 'Thư qua IMAP' }))) as { uid: number };
    const lock = await c.getMailboxLock('INBOX');
    const [q] = await jam.api.Email.query({ accountId, filter: { inMailbox: inbox, subject: 'báo cáo' } });
    try {
      await c.messageFlagsAdd(String(q.ids[0].split('_')[1]), ['\\Seen'], { uid: true });
    } finally {
      lock.release();
      await c.logout();
    }
    const [ch] = await jam.api.Email.changes({ accountId, sinceState: before.state });
    expect(ch.created).toEqual([`E${inbox.slice(1)}_${appended.uid}`]);
    expect(ch.updated).toEqual([q.ids[0]]);
    expect(ch.destroyed).toEqual([]);
    expect(ch.newState).not.toBe(before.state);
    const [again] = await jam.api.Email.changes({ accountId, sinceState: ch.newState });
    expect(again).toMatchObject({ created: [], updated: [], destroyed: [] });
    const [mb] = await jam.api.Mailbox.changes({ accountId, sinceState: before.state });
    expect(mb.updated).toEqual([inbox]);
  });

  it('uploads a message, imports it into a new mailbox, downloads it back, then renames and destroys the mailbox', async () => {
    const raw = vietnameseMessage({ from: binh, to: an, subject: 'Tải lên qua JMAP' });
    const up = await jam.uploadBlob(accountId, new Blob([new Uint8Array(raw)], { type: 'message/rfc822' }));
    expect(up).toMatchObject({ accountId, size: raw.length });
    const [mset] = await jam.api.Mailbox.set({ accountId, create: { k1: { name: 'Dự án', parentId: null } } });
    const folder = (mset.created as Record<string, { id: string }>).k1.id;
    const [imp] = await jam.api.Email.import({ accountId, emails: { e1: { blobId: up.blobId, mailboxIds: { [folder]: true }, keywords: { $seen: true }, receivedAt: '2026-12-01T08:00:00Z' } } });
    const created = (imp.created as Record<string, { id: string; blobId: string }>).e1;
    const [got] = await jam.api.Email.get({ accountId, ids: [created.id], properties: ['subject', 'keywords', 'mailboxIds', 'size'] });
    expect(got.list[0]).toMatchObject({ subject: 'Tải lên qua JMAP', keywords: { $seen: true }, mailboxIds: { [folder]: true }, size: raw.length });
    const res = await jam.downloadBlob({ accountId, blobId: created.blobId, mimeType: 'message/rfc822', fileName: 'thu.eml' });
    expect(Buffer.compare(Buffer.from(await res.arrayBuffer()), raw)).toBe(0);
    const [ren] = await jam.api.Mailbox.set({ accountId, update: { [folder]: { name: 'Dự án 2026' } } });
    expect(ren.updated).toHaveProperty(folder);
    expect((await r.app.store.listMailboxes((await r.app.accounts.byAddress(an))!.id)).map((m) => m.name)).toContain('Dự án 2026');
    const [refused] = await jam.api.Mailbox.set({ accountId, destroy: [folder] });
    expect((refused.notDestroyed as Record<string, { type: string }>)[folder].type).toBe('mailboxHasEmail');
    const [del] = await jam.api.Mailbox.set({ accountId, destroy: [folder], onDestroyRemoveEmails: true });
    expect(del.destroyed).toEqual([folder]);
  });

  it('moves a message by its mailboxIds and destroys one, both seen over IMAP', async () => {
    const [boxes] = await jam.api.Mailbox.query({ accountId, filter: { role: 'archive' } });
    const archive = boxes.ids[0];
    const [q] = await jam.api.Email.query({ accountId, filter: { inMailbox: inbox, subject: 'kế hoạch' } });
    const [mv] = await jam.api.Email.set({ accountId, update: { [q.ids[0]]: { [`mailboxIds/${inbox}`]: null, [`mailboxIds/${archive}`]: true } } });
    expect(mv.updated).toHaveProperty(q.ids[0]);
    const [inArchive] = await jam.api.Email.query({ accountId, filter: { inMailbox: archive } });
    expect(inArchive.ids).toHaveLength(1);
    const [gone] = await jam.api.Email.set({ accountId, destroy: inArchive.ids });
    expect(gone.destroyed).toEqual(inArchive.ids);
    const c = imapClient(r, an);
    await c.connect();
    const st = await c.status('Archive', { messages: true });
    expect(st && st.messages).toBe(0);
    await c.logout();
  });
});
