// Email/query's newest-first page of one folder read from the index (src/jmap/query-page.ts) against
// the general path (email.ts's runQuery: the whole folder read and sorted), on both databases: the
// same ids, order (ties of INTERNALDATE by UID), total, position (negative, past the end), limits,
// ids of moved messages and queryState; the shapes it must not take (anchor, collapseThreads, another
// sort or filter) go the general way. Then, over HTTP on a server whose caches stay warm, the list's
// total and Mailbox/get's counts follow an append, a flag change, an expunge and moves out and in
// (each raises the folder's MODSEQ, which the kept counts are keyed by).
// Owns: the tests of the newest-first page and its kept counts.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import JamClient from 'jmap-jam';
import { backends } from '../helpers/harness.ts';
import { startTestServers, imapClient, vietnameseMessage, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { accountsOf, CallContext, jmapServices, type JmapAccount } from '../../src/jmap/context.ts';
import { EMAIL_READ_METHODS } from '../../src/jmap/email.ts';
import { queryArgs, queryFolders, queryKey, runQuery } from '../../src/jmap/email-query.ts';
import type { Args } from '../../src/jmap/api.ts';
import type { Account } from '../../src/core/accounts.ts';

describe.each(backends())('Email/query newest-first page (%s)', (backend) => {
  let r: Running;
  let an: string;
  let me: Account;
  let jam: JamClient;
  let accountId: string;
  const box: Record<string, string> = {};

  async function put(folder: string, at: string, subject: string): Promise<void> {
    const c = await r.app.store.ingest([vietnameseMessage({ from: 'binhlt@kontum.gov.vn', to: an, subject })]);
    await r.app.store.deliver(c, [{ accountId: me.id, mailbox: folder }], Date.parse(at));
    await r.app.store.release(c);
  }

  /** A context with empty caches (a server just started). */
  async function freshContext(): Promise<{ ctx: CallContext; a: JmapAccount; s: ReturnType<typeof jmapServices> }> {
    const s = jmapServices(r.app);
    const accounts = await accountsOf(s, me);
    return { ctx: new CallContext(s, me, accounts, '127.0.0.1', new Set()), a: accounts[0], s };
  }

  const query = EMAIL_READ_METHODS['Email/query'].handler;

  /** The answer with empty caches, and whether it left the query's sorted result kept (the general path keeps it; the page does not). */
  async function quick(args: Args): Promise<{ out: Args; kept: boolean }> {
    const { ctx, a, s } = await freshContext();
    const out = await query(ctx, { accountId, ...args });
    const { filter, sort } = queryArgs(args);
    const folders = queryFolders(ctx, filter, (await ctx.snapshot(a)).folders)!;
    return { out, kept: s.queries.peek(queryKey(a.ownerAccountId, folders, filter, sort)) !== undefined };
  }

  /** The answer of the general path: the query's sorted result kept first, so the page is a slice of it. */
  async function general(args: Args): Promise<Args> {
    const { ctx, a } = await freshContext();
    const { filter, sort } = queryArgs(args);
    await runQuery(ctx, a, filter, sort, queryFolders(ctx, filter, (await ctx.snapshot(a)).folders)!);
    return query(ctx, { accountId, ...args });
  }

  beforeAll(async () => {
    r = await startTestServers({ backend });
    an = await r.user('annv');
    me = (await r.app.accounts.byAddress(an))!;
    const { token } = await r.app.tokens.login(an, TEST_PASSWORD, '127.0.0.1');
    jam = new JamClient({ sessionUrl: `http://127.0.0.1:${r.servers.ports.http}/.well-known/jmap`, bearerToken: token });
    accountId = await jam.getPrimaryAccount();
    // dates out of UID order, and three at the same instant (ordered by UID, newest first)
    const dates = ['2026-11-20T01:00:00Z', '2026-11-25T01:00:00Z', '2026-11-22T01:00:00Z', '2026-11-22T01:00:00Z', '2026-11-30T01:00:00Z', '2026-11-22T01:00:00Z', '2026-11-18T01:00:00Z'];
    for (const [i, at] of dates.entries()) await put('INBOX', at, `Thư ${i + 1}`);
    for (const [i, at] of ['2026-11-21T01:00:00Z', '2026-11-22T01:00:00Z', '2026-12-01T01:00:00Z'].entries()) await put('Archive', at, `Lưu ${i + 1}`);
    // two moved into INBOX keep their first place as their id (E<archive>_<uid>)
    const c = imapClient(r, an);
    await c.connect();
    const lock = await c.getMailboxLock('Archive');
    try {
      await c.messageMove('2:3', 'INBOX', { uid: true });
    } finally {
      lock.release();
      await c.logout();
    }
    const [mb] = await jam.api.Mailbox.get({ accountId });
    for (const m of mb.list) box[m.name] = m.id;
  });
  afterAll(async () => {
    await r?.stop();
  });

  const desc = [{ property: 'receivedAt' as const, isAscending: false }];

  it('gives what the general path gives: ids, order, total, position, limit, queryState', async () => {
    const inbox = { inMailbox: box.INBOX };
    const cases: Args[] = [
      { filter: inbox, sort: desc, position: 0, limit: 50, calculateTotal: true },
      { filter: inbox }, // no sort: newest first, no limit: up to 1000
      { filter: inbox, sort: desc, position: 2, limit: 4, calculateTotal: true, collapseThreads: false },
      { filter: inbox, sort: desc, position: -3, limit: 2, calculateTotal: true },
      { filter: inbox, sort: desc, position: -100, limit: 3 },
      { filter: inbox, sort: desc, position: 9, limit: 5, calculateTotal: true },
      { filter: inbox, sort: desc, position: 50, limit: 5, calculateTotal: true },
      { filter: inbox, sort: desc, limit: 0, calculateTotal: true },
      { filter: inbox, sort: desc, calculateTotal: false },
      { filter: inbox, sort: desc, limit: 20_000 },
      { filter: { inMailbox: box.Archive }, sort: desc, calculateTotal: true },
      { filter: { inMailbox: box.Drafts }, sort: desc, calculateTotal: true },
    ];
    const first = await quick(cases[0]);
    // 9 messages; the moved ones by their first place; the three of 22 Nov by UID, the highest first
    expect(first.out.total).toBe(9);
    expect((first.out.ids as string[]).filter((id) => /^E\d+_\d+$/.test(id))).toHaveLength(9);
    expect((first.out.ids as string[]).filter((id) => !id.startsWith(`E${box.INBOX.slice(1)}_`))).toHaveLength(2);
    for (const args of cases) {
      const q = await quick(args);
      expect(q.kept, JSON.stringify(args)).toBe(false); // the page, not the general path
      expect(q.out, JSON.stringify(args)).toEqual(await general(args));
    }
  });

  it('leaves anchors, collapsed threads, other sorts and other filters to the general path', async () => {
    const inbox = { inMailbox: box.INBOX };
    const [all] = await jam.api.Email.query({ accountId, filter: inbox, sort: desc });
    for (const args of [
      { filter: inbox, sort: desc, anchor: all.ids[3], anchorOffset: -1, limit: 3 },
      { filter: inbox, sort: desc, collapseThreads: true },
      { filter: inbox, sort: [{ property: 'receivedAt', isAscending: true }] },
      { filter: inbox, sort: [{ property: 'receivedAt' }] },
      { filter: inbox, sort: [...desc, { property: 'size', isAscending: false }] },
      { filter: { inMailbox: box.INBOX, notKeyword: '$seen' }, sort: desc },
      { filter: { operator: 'AND', conditions: [inbox] }, sort: desc },
      { sort: desc },
    ] as Args[]) {
      const q = await quick(args);
      expect(q.kept, JSON.stringify(args)).toBe(true);
      expect(q.out).toEqual(await general(args));
    }
    const [anchored] = await jam.api.Email.query({ accountId, filter: inbox, sort: desc, anchor: all.ids[3], anchorOffset: -1, limit: 3 });
    expect(anchored.ids).toEqual(all.ids.slice(2, 5));
    expect(anchored.position).toBe(2);
  });

  it('keeps no stale count over HTTP: append, flag change, expunge, move out and in', async () => {
    const list = async (name: string) => {
      const args = { filter: { inMailbox: box[name] }, sort: desc, position: 0, limit: 50, calculateTotal: true };
      const [q] = await jam.api.Email.query({ accountId, ...args });
      expect(q).toEqual(await general(args));
      return q;
    };
    const counts = async (name: string) => {
      const [mb] = await jam.api.Mailbox.get({ accountId, ids: [box[name]] });
      const st = (await r.app.store.mailboxCounts(Number(box[name].slice(1))))!;
      expect({ total: mb.list[0].totalEmails, unread: mb.list[0].unreadEmails }).toEqual({ total: st.messages, unread: st.unseen });
      return mb.list[0];
    };
    const start = await list('INBOX');
    expect(start.total).toBe(9);
    expect((await counts('INBOX')).unreadEmails).toBe(9);
    await put('INBOX', '2026-12-05T01:00:00Z', 'Thư mới');
    expect((await list('INBOX')).total).toBe(10);
    expect((await counts('INBOX')).totalEmails).toBe(10);
    const c = imapClient(r, an);
    await c.connect();
    try {
      let lock = await c.getMailboxLock('INBOX');
      try {
        await c.messageFlagsAdd('1:2', ['\\Seen'], { uid: true });
        expect((await counts('INBOX')).unreadEmails).toBe(8);
        await c.messageFlagsAdd('3', ['\\Deleted'], { uid: true });
        await c.messageDelete('3', { uid: true }); // UID EXPUNGE
        expect((await list('INBOX')).total).toBe(9);
        expect((await counts('INBOX')).totalEmails).toBe(9);
        await c.messageMove('4:5', 'Archive', { uid: true });
        expect((await list('INBOX')).total).toBe(7);
        expect((await list('Archive')).total).toBe(3);
        expect((await counts('INBOX')).totalEmails).toBe(7);
        expect((await counts('Archive')).totalEmails).toBe(3);
      } finally {
        lock.release();
      }
      lock = await c.getMailboxLock('Archive');
      try {
        await c.messageMove('1:*', 'INBOX', { uid: true });
      } finally {
        lock.release();
      }
      expect((await list('INBOX')).total).toBe(10);
      expect((await list('Archive')).total).toBe(0);
      expect((await counts('Archive')).totalEmails).toBe(0);
    } finally {
      await c.logout();
    }
    // Email/queryChanges from the page's state (no result kept): exactly the three gone (one expunged,
    // two moved out — and back) and the four stored since (the new one, the three moved in)
    const now = await list('INBOX');
    const [ch] = await jam.api.Email.queryChanges({ accountId, filter: { inMailbox: box.INBOX }, sort: desc, sinceQueryState: start.queryState, calculateTotal: true });
    expect(ch.removed).toHaveLength(3);
    expect(ch.added).toHaveLength(4);
    expect(ch.total).toBe(10);
    const ids = start.ids.filter((id) => !ch.removed.includes(id));
    for (const x of [...ch.added].sort((p, q) => p.index - q.index)) ids.splice(x.index, 0, x.id);
    expect(ids).toEqual(now.ids);
  });
});
