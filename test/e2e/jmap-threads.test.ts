// Real threads across folders (RFC 8621 §3), with jmap-jam: replies found by In-Reply-To and
// References join their original when the base subject agrees (Re:, TL:, Trả lời: peeled off),
// wherever they are (INBOX, Sent); a reply that changed the subject, and an unrelated mail of the
// same subject, are threads of their own; Thread/get lists a thread's Emails in date order; a move
// over IMAP keeps the thread; a new reply makes Thread/changes tell the thread updated; Email/query's
// collapseThreads gives one Email per thread.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import JamClient from 'jmap-jam';
import { backends } from '../helpers/harness.ts';
import { startTestServers, imapClient, TEST_PASSWORD, type Running } from '../helpers/servers.ts';

function mail(o: { id: string; subject: string; inReplyTo?: string; references?: string[]; date: string }): Buffer {
  return Buffer.from(
    [
      'From: <binhlt@kontum.gov.vn>',
      'To: <annv@kontum.gov.vn>',
      `Subject: =?UTF-8?B?${Buffer.from(o.subject).toString('base64')}?=`,
      `Date: ${o.date}`,
      `Message-ID: <${o.id}@kontum.gov.vn>`,
      ...(o.inReplyTo ? [`In-Reply-To: <${o.inReplyTo}@kontum.gov.vn>`] : []),
      ...(o.references ? [`References: ${o.references.map((r) => `<${r}@kontum.gov.vn>`).join(' ')}`] : []),
      'Content-Type: text/plain; charset=UTF-8',
      '',
      'Nội dung.',
      '',
    ].join('\r\n'),
  );
}

describe.each(backends())('JMAP threads (%s)', (backend) => {
  let r: Running;
  let an: string;
  let anId: number;
  let jam: JamClient;
  let accountId: string;
  const ids: Record<string, string> = {};

  async function put(folder: string, key: string, raw: Buffer, at: string): Promise<void> {
    const c = await r.app.store.ingest([raw]);
    await r.app.store.deliver(c, [{ accountId: anId, mailbox: folder }], Date.parse(at));
    await r.app.store.release(c);
    const [q] = await jam.api.Email.query({ accountId, filter: { header: ['Message-ID', `${key}@kontum.gov.vn`] } });
    ids[key] = q.ids[0];
  }

  beforeAll(async () => {
    r = await startTestServers({ backend });
    an = await r.user('annv');
    await r.user('binhlt');
    anId = (await r.app.accounts.byAddress(an))!.id;
    const { token } = await r.app.tokens.login(an, TEST_PASSWORD, '127.0.0.1');
    jam = new JamClient({ sessionUrl: `http://127.0.0.1:${r.servers.ports.http}/.well-known/jmap`, bearerToken: token });
    accountId = await jam.getPrimaryAccount();
    await put('INBOX', 'a', mail({ id: 'a', subject: 'Kế hoạch tháng 12', date: 'Mon, 30 Nov 2026 08:00:00 +0700' }), '2026-11-30T01:00:00Z');
    await put('INBOX', 'b', mail({ id: 'b', subject: 'TL: Kế hoạch tháng 12', inReplyTo: 'a', date: 'Mon, 30 Nov 2026 09:00:00 +0700' }), '2026-11-30T02:00:00Z');
    await put('Sent', 'c', mail({ id: 'c', subject: 'Re: Trả lời: Kế hoạch tháng 12', references: ['a', 'b'], date: 'Mon, 30 Nov 2026 10:00:00 +0700' }), '2026-11-30T03:00:00Z');
    await put('INBOX', 'd', mail({ id: 'd', subject: 'Việc khác hẳn', inReplyTo: 'a', date: 'Mon, 30 Nov 2026 11:00:00 +0700' }), '2026-11-30T04:00:00Z');
    await put('INBOX', 'e', mail({ id: 'e', subject: 'Kế hoạch tháng 12', date: 'Tue, 1 Dec 2026 08:00:00 +0700' }), '2026-12-01T01:00:00Z');
  });
  afterAll(async () => {
    await r?.stop();
  });

  const threadOf = async (key: string) => {
    const [g] = await jam.api.Email.get({ accountId, ids: [ids[key]], properties: ['threadId'] });
    return g.list[0].threadId;
  };

  it('joins replies across folders by In-Reply-To and References when the base subject agrees', async () => {
    const t = await threadOf('a');
    expect(t).toBe('T' + ids.a.slice(1));
    expect(await threadOf('b')).toBe(t);
    expect(await threadOf('c')).toBe(t);
    expect(await threadOf('d')).toBe('T' + ids.d.slice(1));
    expect(await threadOf('e')).toBe('T' + ids.e.slice(1));
    const [tg] = await jam.api.Thread.get({ accountId, ids: [t, 'Tnope_1'] });
    expect(tg.list).toEqual([{ id: t, emailIds: [ids.a, ids.b, ids.c] }]);
    expect(tg.notFound).toEqual(['Tnope_1']);
  });

  it('keeps the thread when a message moves over IMAP, and tells a new reply as the thread updated', async () => {
    const t = await threadOf('a');
    const c = imapClient(r, an);
    await c.connect();
    const lock = await c.getMailboxLock('INBOX');
    try {
      await c.messageMove('1:*', 'Archive', { uid: false });
    } finally {
      lock.release();
      await c.logout();
    }
    expect(await threadOf('b')).toBe(t);
    const [before] = await jam.api.Thread.get({ accountId, ids: [t] });
    expect(before.list[0].emailIds).toEqual([ids.a, ids.b, ids.c]);
    await put('INBOX', 'f', mail({ id: 'f', subject: 'Re: Kế hoạch tháng 12', inReplyTo: 'c', date: 'Wed, 2 Dec 2026 08:00:00 +0700' }), '2026-12-02T01:00:00Z');
    const [ch] = await jam.api.Thread.changes({ accountId, sinceState: before.state });
    expect(ch).toMatchObject({ created: [], updated: [t], destroyed: [] });
    const [after] = await jam.api.Thread.get({ accountId, ids: [t] });
    expect(after.list[0].emailIds).toEqual([ids.a, ids.b, ids.c, ids.f]);
  });

  it('collapses threads in Email/query: one Email per thread, the newest first', async () => {
    const [all] = await jam.api.Email.query({ accountId, sort: [{ property: 'receivedAt', isAscending: false }] });
    expect(all.ids).toEqual([ids.f, ids.e, ids.d, ids.c, ids.b, ids.a]);
    const [collapsed] = await jam.api.Email.query({ accountId, sort: [{ property: 'receivedAt', isAscending: false }], collapseThreads: true, calculateTotal: true });
    expect(collapsed.ids).toEqual([ids.f, ids.e, ids.d]);
    expect(collapsed.total).toBe(3);
  });
});
