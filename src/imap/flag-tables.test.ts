// Owns: the tests of imap/flag-tables.ts over the real store, on SQLite and PostgreSQL. A table
// answers as a whole read of the folder does after deliveries, flag changes and expunges, from the
// change log; a caller that comes while a read is in flight gets a read begun after it (it sees a
// change committed meanwhile), and the callers that came meanwhile share that one; a folder whose
// change log was compacted past the table is read whole again; the row bound is kept; a flag change
// committed in this process is applied at once (none of its rows read from the log).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, createTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/harness.ts';
import { FlagTables } from './flag-tables.ts';
import type { ChangeSet, MailStore, MessageMeta } from '../core/mailstore.ts';
import { DELETED, FLAGGED, SEEN } from '../core/flags.ts';

const view = (rows: Iterable<MessageMeta>) => [...rows].map((m) => ({ uid: m.uid, flags: m.flags, keywords: m.keywords, modseq: m.modseq, size: m.size })).sort((a, b) => a.uid - b.uid);

describe.each(backends())('IMAP flag tables (%s)', (backend) => {
  let t: TestApp;
  let store: MailStore;
  let accountId: number;
  beforeAll(async () => {
    t = await createTestApp({ backend });
    store = t.app.store;
    accountId = (await t.app.accounts.create('bangtt@kontum.gov.vn', TEST_PASSWORD, 'test')).id;
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  async function folder(name: string, messages: number): Promise<number> {
    await store.createMailbox(accountId, name);
    for (let i = 0; i < messages; i++) await store.append(accountId, name, Buffer.from(`Subject: thư ${i}\r\n\r\nNội dung ${i}\r\n`), []);
    return (await store.getMailbox(accountId, name))!.id;
  }

  it('answers as a whole read after deliveries, flag changes and expunges, reading only the change log', async () => {
    const id = await folder('Bảng', 6);
    const tables = new FlagTables(store);
    const same = async () => {
      expect(view((await tables.current(id)).values())).toEqual(view(await store.listFlags(id)));
      // In UID order, as a whole read lists them.
      const ordered = await tables.ordered(id);
      expect(ordered.map((m) => m.uid)).toEqual((await store.listFlags(id)).map((m) => m.uid));
      expect(view(ordered)).toEqual(view(await store.listFlags(id)));
    };
    await same();
    // An ordered array handed out never changes afterwards.
    const before = await tables.ordered(id);
    const beforeView = view(before);
    await store.storeFlags(id, [2, 3], 'add', { mask: SEEN | FLAGGED, keywords: ['$Quan_trong'] });
    await same();
    await store.storeFlags(id, [3], 'remove', { mask: FLAGGED, keywords: [] });
    await store.storeFlags(id, [4], 'add', { mask: DELETED, keywords: [] });
    await store.expunge(id);
    await same();
    await store.append(accountId, 'Bảng', Buffer.from('Subject: mới\r\n\r\nmới\r\n'), ['\\Seen']);
    await store.storeFlags(id, [1], 'add', { mask: DELETED, keywords: [] });
    await store.expunge(id, [1]);
    await same();
    expect((await tables.current(id)).has(1)).toBe(false);
    expect(view(before)).toEqual(beforeView);
    // (Each check reads twice: current and ordered.) The three flag changes made while the table was current were applied as committed; the one after a delivery was read from the log.
    expect(tables.stats).toEqual({ whole: 1, deltas: 9, applied: 3 });
    // A change-log row carries where the bytes are; the table keeps metadata only.
    expect([...(await tables.current(id)).values()].every((m) => m.sha256 === '' && m.headerPrefix === null)).toBe(true);
  });

  it('applies a flag change committed in this process at once: the next answer reads none of its rows from the log', async () => {
    const id = await folder('Đánh dấu', 40);
    let rowsRead = 0;
    const counting: ConstructorParameters<typeof FlagTables>[0] = {
      listFlags: (i) => store.listFlags(i),
      getMailboxById: (i) => store.getMailboxById(i),
      onFlagsCommitted: (fn) => store.onFlagsCommitted(fn),
      async changesSince(i, modseq): Promise<ChangeSet> {
        const cs = await store.changesSince(i, modseq);
        rowsRead += cs.changed.length;
        return cs;
      },
    };
    const tables = new FlagTables(counting);
    await tables.current(id);
    const all = Array.from({ length: 40 }, (_, i) => i + 1);
    await store.storeFlags(id, all, 'add', { mask: SEEN, keywords: ['$Đã_xử_lý'] });
    await store.storeFlags(id, all.slice(10), 'remove', { mask: SEEN, keywords: [] });
    expect(view((await tables.current(id)).values())).toEqual(view(await store.listFlags(id)));
    const ordered = await tables.ordered(id);
    expect(view(ordered)).toEqual(view(await store.listFlags(id)));
    // One message changed: its row replaced in a new ordered array, the one handed out unchanged.
    await store.storeFlags(id, [5], 'add', { mask: FLAGGED, keywords: [] });
    const after = await tables.ordered(id);
    expect(after.map((m) => m.uid)).toEqual(all);
    expect(view(after)).toEqual(view(await store.listFlags(id)));
    expect(ordered[4].flags & FLAGGED).toBe(0);
    expect(rowsRead).toBe(0);
    expect(tables.stats.applied).toBe(3);
    // Closed, it follows the store no more: the change is read from the log.
    tables.close();
    await store.storeFlags(id, [1, 2, 3], 'add', { mask: FLAGGED, keywords: [] });
    expect(view((await tables.current(id)).values())).toEqual(view(await store.listFlags(id)));
    expect(rowsRead).toBe(3);
    expect(tables.stats.applied).toBe(3);
  });

  it('gives a caller that comes during a read a read begun after it, shared by all who came meanwhile', async () => {
    const id = await folder('Chờ', 3);
    let gate: (() => void) | null = null;
    let firstRead!: () => void;
    const firstDone = new Promise<void>((r) => (firstRead = r));
    // The real store, whose first change-log answer is held back after it was read.
    const held: Pick<MailStore, 'changesSince' | 'listFlags' | 'getMailboxById'> = {
      listFlags: (i) => store.listFlags(i),
      getMailboxById: (i) => store.getMailboxById(i),
      async changesSince(i, modseq): Promise<ChangeSet> {
        const answer = await store.changesSince(i, modseq);
        if (!gate) {
          const wait = new Promise<void>((r) => (gate = r));
          firstRead();
          await wait;
        }
        return answer;
      },
    };
    const tables = new FlagTables(held);
    await tables.current(id); // the whole read
    const before = tables.current(id);
    await firstDone;
    await store.storeFlags(id, [2], 'add', { mask: FLAGGED, keywords: [] });
    const after = [tables.current(id), tables.current(id), tables.current(id)];
    gate!();
    const flagsOf2 = (rows: ReadonlyMap<number, MessageMeta>) => rows.get(2)!.flags & FLAGGED;
    expect(flagsOf2(await before)).toBe(0);
    for (const p of after) expect(flagsOf2(await p)).toBe(FLAGGED);
    expect(tables.stats).toMatchObject({ whole: 1, deltas: 2 });
  });

  it('reads a folder whole again once its change log no longer reaches the table', async () => {
    const id = await folder('Nén', 3);
    const tables = new FlagTables(store);
    await tables.current(id);
    await store.storeFlags(id, [1], 'add', { mask: SEEN, keywords: [] });
    await store.storeFlags(id, [3], 'add', { mask: DELETED, keywords: [] });
    await store.expunge(id, [3]);
    const highest = (await store.getMailboxById(id))!.highestModseq;
    // What the maintenance's compaction does to a folder (core/maintenance.ts): the floor above what it removed.
    await t.app.db.kysely
      .updateTable('mailboxes')
      .set({ changes_floor: highest + 1 })
      .where('id', '=', id)
      .execute();
    expect(view((await tables.current(id)).values())).toEqual(view(await store.listFlags(id)));
    expect(view((await tables.current(id)).values()).map((m) => m.uid)).toEqual([1, 2]);
    expect(tables.stats.whole).toBe(2);
  });

  it('keeps at most its bound of rows, the least recently used folder dropped first', async () => {
    const a = await folder('Một', 3);
    const b = await folder('Hai', 3);
    const tables = new FlagTables(store, 4);
    await tables.current(a);
    await tables.current(b); // 6 rows: a goes
    await tables.current(b);
    expect(tables.stats).toMatchObject({ whole: 2, deltas: 1 });
    await tables.current(a); // read whole again; b goes
    await tables.current(b);
    expect(tables.stats).toMatchObject({ whole: 4, deltas: 1 });
  });
});
