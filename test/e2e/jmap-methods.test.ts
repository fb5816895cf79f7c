// JMAP methods beyond get/query/set, raw HTTP over a real socket (and jmap-jam where its types
// fit): SearchSnippet/get marks "Đặng Thị Hương" for `dang thi huong` (the store's folded matching) and
// escapes HTML; Email/queryChanges from a cached result and from one that is not; Mailbox/
// queryChanges; Email/copy into a delegated unit mailbox (seen over IMAP) with
// onSuccessDestroyOriginal; Email/parse of an upload and of a forwarded message inside a stored one.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import JamClient from 'jmap-jam';
import { backends } from '../helpers/harness.ts';
import { startTestServers, imapClient, vietnameseMessage, TEST_PASSWORD, type Running } from '../helpers/servers.ts';

const UNIT = 'vanphong@kontum.gov.vn';
type Resp = Array<[string, Record<string, unknown>, string]>;

describe.each(backends())('JMAP methods (%s)', (backend) => {
  let r: Running;
  let an: string;
  let binh: string;
  let anId: number;
  let token: string;
  let jam: JamClient;
  let accountId: string;
  let inbox: string;

  async function call(methodCalls: unknown[]): Promise<Resp> {
    const res = await fetch(`http://127.0.0.1:${r.servers.ports.http}/jmap/api`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ using: ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'], methodCalls }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { methodResponses: Resp }).methodResponses;
  }
  const one = async (name: string, args: Record<string, unknown>) => {
    const [[n, out]] = await call([[name, args, 'c']]);
    expect(n, JSON.stringify(out)).toBe(name);
    return out;
  };
  async function deliver(to: number, raw: Buffer): Promise<void> {
    const c = await r.app.store.ingest([raw]);
    await r.app.store.deliver(c, [{ accountId: to }]);
    await r.app.store.release(c);
  }

  beforeAll(async () => {
    r = await startTestServers({ backend });
    an = await r.user('annv');
    binh = await r.user('binhlt');
    await r.user('vanphong');
    anId = (await r.app.accounts.byAddress(an))!.id;
    await r.app.delegations.grant(UNIT, an, ['read', 'manage'], { actor: 'test', reason: 'QĐ 7' });
    await deliver(anId, vietnameseMessage({ from: binh, to: an, subject: 'Lịch công tác <tuần> của Đặng Thị Hương' }));
    await deliver(anId, vietnameseMessage({ from: binh, to: an, subject: 'Kế hoạch năm 2027', body: 'Không liên quan.\r\n' }));
    token = (await r.app.tokens.login(an, TEST_PASSWORD, '127.0.0.1')).token;
    jam = new JamClient({ sessionUrl: `http://127.0.0.1:${r.servers.ports.http}/.well-known/jmap`, bearerToken: token });
    accountId = await jam.getPrimaryAccount();
    const [boxes] = await jam.api.Mailbox.get({ accountId });
    inbox = boxes.list.find((m) => m.role === 'inbox')!.id;
  });
  afterAll(async () => {
    await r?.stop();
  });

  it('SearchSnippet/get marks the folded matches in subject and preview, HTML escaped', async () => {
    const filter = { text: 'dang thi huong' };
    const q = await one('Email/query', { accountId, filter });
    expect((q.ids as string[]).length).toBe(1); // subject and body of the first; the second has another body
    const all = await one('Email/query', { accountId, filter: { inMailbox: inbox } });
    const s = await one('SearchSnippet/get', { accountId, filter, emailIds: all.ids });
    const list = s.list as Array<{ emailId: string; subject: string | null; preview: string | null }>;
    const withSubject = list.find((x) => x.subject !== null)!;
    expect(withSubject.subject).toBe('Lịch công tác &lt;tuần&gt; của <mark>Đặng</mark> <mark>Thị</mark> <mark>Hương</mark>');
    expect(withSubject.preview).toContain('<mark>Đặng</mark> <mark>Thị</mark> <mark>Hương</mark>');
    const other = list.find((x) => x.subject === null)!;
    expect(other.preview).toBeNull(); // "Không liên quan."
    expect(list).toHaveLength(2);
    expect(s.notFound).toEqual([]);
    const bad = await one('SearchSnippet/get', { accountId, filter, emailIds: ['E999_1'] });
    expect(bad.notFound).toEqual(['E999_1']);
  });

  it('Email/queryChanges: a new message at the top from a cached result, every change from an uncached one', async () => {
    const sort = [{ property: 'receivedAt', isAscending: false }];
    const before = await one('Email/query', { accountId, filter: { inMailbox: inbox }, sort });
    expect(before.canCalculateChanges).toBe(true);
    await deliver(anId, vietnameseMessage({ from: binh, to: an, subject: 'Thư mới' }));
    const after = await one('Email/query', { accountId, filter: { inMailbox: inbox }, sort });
    const ch = await one('Email/queryChanges', { accountId, filter: { inMailbox: inbox }, sort, sinceQueryState: before.queryState, calculateTotal: true });
    expect(ch).toMatchObject({ oldQueryState: before.queryState, newQueryState: after.queryState, removed: [], added: [{ id: (after.ids as string[])[0], index: 0 }], total: 3 });
    // a sort never asked before: no old result kept, so every message the old result may have held is removed and the whole new result added
    const bySize = [{ property: 'size', isAscending: true }];
    const ch2 = await one('Email/queryChanges', { accountId, filter: { inMailbox: inbox }, sort: bySize, sinceQueryState: before.queryState });
    expect(ch2.removed).toEqual(expect.arrayContaining(before.ids as string[])); // and any more it may have held (RFC 8620 §5.6 allows extra)
    const now = await one('Email/query', { accountId, filter: { inMailbox: inbox }, sort: bySize });
    expect(ch2.added).toEqual((now.ids as string[]).map((id, index) => ({ id, index })));
    const tooMany = await call([['Email/queryChanges', { accountId, filter: { inMailbox: inbox }, sort: bySize, sinceQueryState: before.queryState, maxChanges: 1 }, 'c']]);
    expect(tooMany[0]).toEqual(['error', expect.objectContaining({ type: 'tooManyChanges' }), 'c']);
  });

  it('Mailbox/queryChanges: nothing when the folders are the same, the new folder otherwise', async () => {
    const q = await one('Mailbox/query', { accountId, sort: [{ property: 'name' }] });
    const same = await one('Mailbox/queryChanges', { accountId, sort: [{ property: 'name' }], sinceQueryState: q.queryState });
    expect(same).toMatchObject({ removed: [], added: [] });
    const [mset] = await jam.api.Mailbox.set({ accountId, create: { k: { name: 'Dự án', parentId: null } } });
    const folder = (mset.created as Record<string, { id: string }>).k.id;
    const ch = await one('Mailbox/queryChanges', { accountId, sort: [{ property: 'name' }], sinceQueryState: q.queryState });
    expect((ch.added as Array<{ id: string }>).map((x) => x.id)).toContain(folder);
    expect(ch.removed).toEqual(expect.arrayContaining(q.ids as string[]));
  });

  it('Email/copy into a delegated unit mailbox (seen over IMAP), destroying the original', async () => {
    const unitAccount = `A${(await r.app.accounts.byAddress(UNIT))!.id}`;
    const [unitBoxes] = await jam.api.Mailbox.get({ accountId: unitAccount });
    const unitInbox = unitBoxes.list.find((m) => m.role === 'inbox')!.id;
    const q = await one('Email/query', { accountId, filter: { subject: 'Kế hoạch năm 2027' } });
    const id = (q.ids as string[])[0];
    const res = await call([
      [
        'Email/copy',
        { fromAccountId: accountId, accountId: unitAccount, create: { c1: { id, mailboxIds: { [unitInbox]: true }, keywords: { $flagged: true } } }, onSuccessDestroyOriginal: true },
        'c',
      ],
    ]);
    expect(res.map((x) => x[0])).toEqual(['Email/copy', 'Email/set']);
    const created = (res[0][1].created as Record<string, { id: string }>).c1;
    expect(created.id).toMatch(/^E/);
    expect(res[1][1]).toMatchObject({ accountId, destroyed: [id] });
    const c = imapClient(r, UNIT);
    await c.connect();
    const lock = await c.getMailboxLock('INBOX');
    try {
      const msgs = [];
      for await (const m of c.fetch('1:*', { envelope: true, flags: true })) msgs.push({ subject: m.envelope?.subject, flags: [...(m.flags ?? [])].filter((f) => f !== '\\Recent') });
      expect(msgs).toEqual([{ subject: 'Kế hoạch năm 2027', flags: ['\\Flagged'] }]);
    } finally {
      lock.release();
      await c.logout();
    }
    const same = await call([['Email/copy', { fromAccountId: accountId, accountId, create: {} }, 'c']]);
    expect(same[0][0]).toBe('error');
  });

  it('Email/parse reads an upload, and a forwarded message inside a stored one, without storing them', async () => {
    const inner = vietnameseMessage({ from: 'vanthu@moha.gov.vn', to: binh, subject: 'Công văn gốc của Bộ' });
    const outer = Buffer.from(
      [
        `From: <${binh}>`,
        `To: <${an}>`,
        'Subject: Fwd: =?UTF-8?B?' + Buffer.from('Công văn gốc của Bộ').toString('base64') + '?=',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain; charset=UTF-8',
        '',
        'Chuyển tiếp đồng chí xem.',
        '--b1',
        'Content-Type: message/rfc822',
        '',
        inner.toString('utf8'),
        '--b1--',
        '',
      ].join('\r\n'),
    );
    const up = await jam.uploadBlob(accountId, new Blob([new Uint8Array(outer)], { type: 'message/rfc822' }));
    const p = await one('Email/parse', { accountId, blobIds: [up.blobId, 'U' + '0'.repeat(64)], fetchTextBodyValues: true });
    const parsed = (p.parsed as Record<string, Record<string, unknown>>)[up.blobId];
    expect(parsed).toMatchObject({ subject: 'Fwd: Công văn gốc của Bộ', from: [{ name: null, email: binh }], hasAttachment: true });
    expect(parsed).not.toHaveProperty('id');
    const text = (parsed.textBody as Array<{ partId: string }>)[0].partId;
    expect((parsed.bodyValues as Record<string, { value: string }>)[text].value).toContain('Chuyển tiếp đồng chí xem.');
    expect(p.notFound).toEqual(['U' + '0'.repeat(64)]);
    // the same message stored: its message/rfc822 attachment parsed by its part blob id
    await deliver(anId, outer);
    const q = await one('Email/query', { accountId, filter: { subject: 'Fwd' } });
    const g = await one('Email/get', { accountId, ids: q.ids, properties: ['attachments'] });
    const att = ((g.list as Array<{ attachments: Array<{ blobId: string; type: string }> }>)[0].attachments ?? []).find((x) => x.type === 'message/rfc822')!;
    const p2 = await one('Email/parse', { accountId, blobIds: [att.blobId] });
    expect((p2.parsed as Record<string, Record<string, unknown>>)[att.blobId]).toMatchObject({ subject: 'Công văn gốc của Bộ', from: [{ email: 'vanthu@moha.gov.vn' }] });
  });
});
