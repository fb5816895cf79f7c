// Stored threads (core/threads.ts) on SQLite and PostgreSQL: the base subject threads compare; the thread
// each message joins when committed (replies, a reply before its original, another subject, another
// account), members and folder counts, a copy and a move keeping it, and the backfill of mail stored before.
// Owns: the tests of threads.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends, createTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/harness.ts';
import { fieldsOfContent, fieldsOfIndex, subjectKey, threadKeys } from './threads.ts';

describe('subjectKey (the base subject threads compare)', () => {
  it('peels reply and forward leaders, Vietnamese ones too, list tags and (fwd) trailers', () => {
    for (const s of [
      'Kế hoạch tháng 12',
      'Re: Kế hoạch tháng 12',
      'RE: re: Kế hoạch tháng 12',
      'TL: Kế hoạch tháng 12',
      'Trả lời: Fwd: Kế hoạch tháng 12',
      'Chuyển tiếp: Kế hoạch tháng 12',
      '[so-noi-vu] Re: Kế hoạch tháng 12',
      'Kế hoạch tháng 12 (fwd)',
      '[Fwd: Kế hoạch tháng 12]',
      '  Re:   Kế   hoạch tháng 12 ',
    ])
      expect(subjectKey(s), s).toBe('kế hoạch tháng 12');
  });
  it('keeps what is not a leader', () => {
    expect(subjectKey('Trả lời phỏng vấn')).toBe('trả lời phỏng vấn');
    expect(subjectKey('[Khẩn]')).toBe('[khẩn]');
    expect(subjectKey('Việc khác')).not.toBe(subjectKey('Kế hoạch'));
    expect(subjectKey(null)).toBe('');
  });
});

const D = 'kontum.gov.vn';
function mail(o: { id: string; subject: string; inReplyTo?: string; references?: string[] }): Buffer {
  return Buffer.from(
    [
      'From: <binhlt@kontum.gov.vn>',
      `Subject: =?UTF-8?B?${Buffer.from(o.subject).toString('base64')}?=`,
      `Message-ID: <${o.id}@${D}>`,
      ...(o.inReplyTo ? [`In-Reply-To: <${o.inReplyTo}@${D}>`] : []),
      ...(o.references ? [`References: ${o.references.map((r) => `<${r}@${D}>`).join('\r\n ')}`] : []),
      'Content-Type: text/plain; charset=UTF-8',
      '',
      'Nội dung.',
      '',
    ].join('\r\n'),
  );
}

describe.each(backends())('stored threads (%s)', (backend) => {
  let t: TestApp;
  let an: number;
  let other: number;
  let inbox: number;
  const uidOf = new Map<string, number>();

  const put = async (account: number, key: string, raw: Buffer): Promise<void> => {
    const c = await t.app.store.ingest([raw]);
    const [d] = await t.app.store.deliver(c, [{ accountId: account }]);
    await t.app.store.release(c);
    if (account === an) uidOf.set(key, d.uid);
  };
  const threads = async (): Promise<Record<string, string | null>> => {
    const rows = await t.app.store.listMessages(inbox);
    const out: Record<string, string | null> = {};
    for (const [k, uid] of uidOf) out[k] = rows.find((m) => m.uid === uid)?.threadId ?? null;
    return out;
  };

  beforeAll(async () => {
    t = await createTestApp({ backend });
    an = (await t.app.accounts.create(`annv@${D}`, TEST_PASSWORD, 'test')).id;
    other = (await t.app.accounts.create(`chitt@${D}`, TEST_PASSWORD, 'test')).id;
    inbox = (await t.app.store.getMailbox(an, 'INBOX'))!.id;
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('files each message in a thread when committed: replies with the base subject, a reply come before its original, not another subject, not another account', async () => {
    await put(an, 'a', mail({ id: 'a', subject: 'Kế hoạch tháng 12' }));
    await put(an, 'b', mail({ id: 'b', subject: 'TL: Kế hoạch tháng 12', inReplyTo: 'a' }));
    await put(an, 'd', mail({ id: 'd', subject: 'Re: Báo cáo quý', references: ['x', 'c'] })); // c's reply, before c
    await put(an, 'c', mail({ id: 'c', subject: 'Báo cáo quý' }));
    await put(an, 'e', mail({ id: 'e', subject: 'Việc khác hẳn', inReplyTo: 'a' }));
    await put(an, 'f', mail({ id: 'f', subject: 'Re: Kế hoạch tháng 12', references: ['a', 'b'] }));
    await put(other, 'a2', mail({ id: 'a', subject: 'Kế hoạch tháng 12' }));
    const th = await threads();
    expect(th.a).toBe(`${inbox}_${uidOf.get('a')}`);
    expect(th.b).toBe(th.a);
    expect(th.f).toBe(th.a);
    expect(th.d).toBe(`${inbox}_${uidOf.get('d')}`);
    expect(th.c).toBe(th.d);
    expect(th.e).toBe(`${inbox}_${uidOf.get('e')}`);
    const otherInbox = (await t.app.store.getMailbox(other, 'INBOX'))!.id;
    expect((await t.app.store.listMessages(otherInbox))[0].threadId).toBe(`${otherInbox}_1`);
    // members oldest first, per account; counts per folder (4 threads: a b f, c d, e … and the unread ones)
    const members = await t.app.store.threads.members(an, [th.a!]);
    expect(members.map((m) => m.uid)).toEqual(['a', 'b', 'f'].map((k) => uidOf.get(k)));
    expect(await t.app.store.threads.members(other, [th.a!])).toEqual([]);
    await t.app.store.storeFlags(inbox, [uidOf.get('e')!], 'add', { mask: 1, keywords: [] });
    expect(await t.app.store.threads.counts(inbox)).toEqual({ threads: 3, unread: 2 });
  });

  it('a stored content committed again with only its stored structure (a quarantine release) has the thread fields of its stored row', async () => {
    const raw = mail({ id: 'g', subject: 'Trả lời: Kế hoạch tháng 12', inReplyTo: 'a', references: ['x', 'a'] });
    const c = await t.app.store.ingest([raw]);
    await t.app.store.deliver(c, [{ accountId: other }]); // the contents row now exists
    await t.app.store.release(c);
    const source = { sha256: c.sha256, size: c.size };
    const stored = (await t.app.store.indexesOf([source])).get(source)!;
    expect(stored.search).toBeUndefined(); // the stored structure carries no header text
    const fromRow = await t.app.db.kysely.transaction().execute((tx) => fieldsOfContent(tx, { ...source, index: stored }));
    expect(threadKeys(fromRow)).toEqual(threadKeys(fieldsOfIndex(c.index)));
    expect(threadKeys(fromRow).named.length).toBe(2);
  });

  it('a copy and a move keep the thread; the expunge log keeps it', async () => {
    const archive = (await t.app.store.getMailbox(an, 'Archive'))!.id;
    const th = await threads();
    const { pairs } = await t.app.store.move(inbox, [uidOf.get('b')!], archive);
    const [moved] = await t.app.store.getMessages(archive, [pairs[0][1]]);
    expect(moved.threadId).toBe(th.a);
    const modseq = (await t.app.store.mailboxCounts(inbox))!.highestModseq;
    await t.app.store.copy(archive, [moved.uid], inbox);
    const copies = await t.app.store.changesSince(inbox, modseq);
    expect(copies.changed.map((m) => m.threadId)).toContain(th.a);
    expect((await t.app.store.expungedThreads(inbox, 0)).get(uidOf.get('b')!)).toBe(th.a);
  });

  it('threads mail stored before the threads were (the backfill), the same way, in batches', async () => {
    const kysely = t.app.db.kysely;
    const before = await threads();
    await kysely.updateTable('messages').set({ thread_id: null }).execute();
    await kysely.deleteFrom('thread_keys').execute();
    expect(Object.values(await threads()).every((x) => x === null)).toBe(true);
    let n = 0;
    for (let last = 0, b; (b = await t.app.store.threads.backfillBatch(2, last)).done; last = b.lastId) n += b.done;
    expect(n).toBeGreaterThanOrEqual(7);
    expect(await threads()).toEqual(before);
    // a new reply after the backfill finds the backfilled thread
    await put(an, 'g', mail({ id: 'g', subject: 'Re: Báo cáo quý', inReplyTo: 'c' }));
    expect((await threads()).g).toBe(before.c);
    expect(await t.app.store.threads.backfill()).toBe(0);
  });
});
