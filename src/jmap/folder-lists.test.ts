// The folder list cache over the real store (SQLite and PostgreSQL): read whole once, then brought
// up to date from the change log — a flag change, an append and an expunge — without reading the
// folder again; read whole again when the log no longer reaches back.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends, createTestApp, type TestApp } from '../../test/helpers/harness.ts';
import { FolderLists } from './folder-lists.ts';

const msg = (n: number) => Buffer.from(`From: a@kontum.gov.vn\r\nSubject: ${n}\r\n\r\nthư ${n}\r\n`);

describe.each(backends())('FolderLists (%s)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ backend });
  });
  afterAll(async () => t?.cleanup());

  it('follows flags, appends and expunges through the change log', async () => {
    const acct = await t.app.accounts.create('lists@kontum.gov.vn', 'Matkhau#2026', 'test');
    for (let i = 0; i < 5; i++) await t.app.store.append(acct.id, 'INBOX', msg(i), []);
    const inbox = (await t.app.store.getMailbox(acct.id, 'INBOX'))!;
    const counts = { list: 0, changes: 0 };
    const store = {
      listMessages: (id: number) => (counts.list++, t.app.store.listMessages(id)),
      changesSince: (id: number, m: number) => (counts.changes++, t.app.store.changesSince(id, m)),
    };
    const lists = new FolderLists();
    const modseq = async () => (await t.app.store.getMailboxById(inbox.id))!.highestModseq;
    expect((await lists.get(store, inbox.id, await modseq())).map((m) => m.uid)).toEqual([1, 2, 3, 4, 5]);
    expect(await lists.get(store, inbox.id, await modseq())).toHaveLength(5);
    expect(counts).toEqual({ list: 1, changes: 0 });
    await t.app.store.storeFlags(inbox.id, [2], 'add', { mask: 1 | 8, keywords: ['$Later'] });
    await t.app.store.append(acct.id, 'INBOX', msg(6), []);
    let rows = await lists.get(store, inbox.id, await modseq());
    expect(rows.map((m) => m.uid)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(rows.find((m) => m.uid === 2)).toMatchObject({ flags: 9, keywords: '$Later' });
    await t.app.store.expunge(inbox.id);
    rows = await lists.get(store, inbox.id, await modseq());
    expect(rows.map((m) => m.uid)).toEqual([1, 3, 4, 5, 6]);
    expect(rows.every((m) => m.sha256.length === 64)).toBe(true);
    expect(counts).toEqual({ list: 1, changes: 2 });
  });
});
