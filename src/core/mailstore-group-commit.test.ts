// Owns: the tests of flag changes and expunges sharing group commits (core/mailstore.ts storeFlags,
// expunge): concurrent sessions' changes share transactions, each caller hears of its change only
// after the WAL holding it is synced (SQLite), every change keeps its own MODSEQ in the change log,
// and the change-log readers' generation moves when a write starts.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends, createTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/harness.ts';
import { DELETED, FLAGGED, SEEN, toFlagSet } from './flags.ts';
import { MailStore } from './mailstore.ts';
import type { DeferredCommitSync } from '../storage/sqlite-statements.ts';

const msg = (n: number) => Buffer.from(`From: a@kontum.gov.vn\r\nTo: b@kontum.gov.vn\r\nSubject: Thư ${n}\r\n\r\nnội dung ${n}\r\n`);

describe.each(backends())('flag changes and expunges, group-committed (%s)', (backend) => {
  let t: TestApp;
  let accountId: number;
  beforeAll(async () => {
    t = await createTestApp({ backend });
    accountId = (await t.app.accounts.create('annv@kontum.gov.vn', TEST_PASSWORD, 'test')).id;
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('concurrent STOREs and EXPUNGEs: one MODSEQ each, all in the change log, each told after its sync', async () => {
    const events: string[] = [];
    let syncs = 0;
    const real = t.app.db.deferredSync;
    const spy: DeferredCommitSync | undefined = real && {
      arm: () => real.arm(),
      disarm: () => real.disarm(),
      async sync() {
        syncs++;
        events.push('sync');
        await real.sync();
      },
    };
    const store = new MailStore({ ...t.app.db, deferredSync: spy }, t.app.blobs, t.app.events, t.app.reclaimer);
    for (let i = 1; i <= 30; i++) await store.append(accountId, 'INBOX', msg(i), i > 20 ? ['\\Deleted'] : []);
    const inbox = (await store.getMailbox(accountId, 'INBOX'))!;
    const before = inbox.highestModseq;
    const generation = store.writeGeneration(inbox.id);
    syncs = 0;

    // Twenty sessions each flag their own message while two others expunge five \Deleted messages each.
    const stores = Array.from({ length: 20 }, (_, i) =>
      store.storeFlags(inbox.id, [i + 1], 'add', toFlagSet([i % 2 ? '\\Seen' : '\\Flagged', '$Viec'])).then((r) => {
        events.push(`store ${i + 1}`);
        return r;
      }),
    );
    const expunges = [
      [21, 22, 23, 24, 25],
      [26, 27, 28, 29, 30],
    ].map((uids, i) =>
      store.expunge(inbox.id, uids).then((gone) => {
        events.push(`expunge ${i}`);
        return gone;
      }),
    );
    const stored = await Promise.all(stores);
    const gone = await Promise.all(expunges);

    expect(gone).toEqual([
      [21, 22, 23, 24, 25],
      [26, 27, 28, 29, 30],
    ]);
    const modseqs = stored.map((r) => r.modseq);
    expect(new Set(modseqs).size).toBe(20); // each change its own MODSEQ
    stored.forEach((r, i) => {
      expect(r.updated.map((m) => [m.uid, m.modseq, m.keywords])).toEqual([[i + 1, r.modseq, '$Viec']]);
      expect(r.updated[0].flags).toBe(i % 2 ? SEEN : FLAGGED);
    });
    const after = (await store.getMailbox(accountId, 'INBOX'))!;
    expect(after.highestModseq).toBe(before + 22); // 20 STOREs and 2 EXPUNGEs, nothing lost or doubled
    const cs = await store.changesSince(inbox.id, before);
    expect(cs.changed.map((m) => [m.uid, m.modseq])).toEqual(stored.map((r, i) => [i + 1, r.modseq]));
    expect(cs.expunged.sort((a, b) => a - b)).toEqual([21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
    expect((await store.listFlags(inbox.id)).filter((m) => m.flags & DELETED)).toEqual([]);
    expect(store.writeGeneration(inbox.id)).toBe(generation + 22);

    if (spy) {
      // Fewer syncs than changes, and no caller told before a sync covering its commit.
      expect(syncs).toBeLessThan(22);
      expect(events[0]).toBe('sync');
    }
  });

  it('a STORE that meets a failing member of its batch still lands (retried alone)', async () => {
    const store = t.app.store;
    const a = await store.append(accountId, 'INBOX', msg(40), []);
    const inbox = (await store.getMailbox(accountId, 'INBOX'))!;
    // A removal hook that refuses (as a legal hold would): the expunge fails, the STORE beside it in the batch lands.
    const hook = {
      removing: async () => {
        throw new Error('giữ lại / held');
      },
    };
    store.removalHooks.push(hook);
    try {
      await store.storeFlags(inbox.id, [a.uid], 'add', toFlagSet(['\\Deleted']));
      const [expunged, flagged] = await Promise.allSettled([store.expunge(inbox.id, [a.uid]), store.storeFlags(inbox.id, [a.uid], 'add', toFlagSet(['\\Flagged']))]);
      expect(expunged.status).toBe('rejected');
      expect(flagged.status === 'fulfilled' && flagged.value.updated.map((m) => m.flags)).toEqual([DELETED | FLAGGED]);
      expect((await store.getMessages(inbox.id, [a.uid])).map((m) => m.flags)).toEqual([DELETED | FLAGGED]);
    } finally {
      store.removalHooks.splice(store.removalHooks.indexOf(hook), 1);
    }
  });
});
