// Store upkeep: expunge records older than the retention are compacted and the mailbox's
// change-log floor rises above the highest MODSEQ removed; finished queue entries older than
// their retention go with their recipients; a pass runs at start and then every interval on an
// injected timer (grace 0 at the start of an exclusive — SQLite — process).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import { backends, createTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/harness.ts';
import { blob, contentRow, inboxOf, queueRow } from '../../test/helpers/store-fixtures.ts';
import { StoreMaintenance, type Timers } from './maintenance.ts';
import { Reclaimer } from './reclaim.ts';

const DAY = 24 * 3600 * 1000;

describe.each(backends())('store maintenance (%s)', (backend) => {
  let t: TestApp;
  let inbox = 0;
  let other = 0;
  beforeAll(async () => {
    t = await createTestApp({ backend });
    const a = await t.app.accounts.create('annv@kontum.gov.vn', TEST_PASSWORD, 'test');
    inbox = await inboxOf(t.app, a.id);
    other = Number((await t.app.db.kysely.selectFrom('mailboxes').select('id').where('account_id', '=', a.id).where('name', '=', 'Trash').executeTakeFirstOrThrow()).id);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const maintenance = (now: () => number, timers?: Timers, exclusive = true) =>
    new StoreMaintenance(t.app.db.kysely, new Reclaimer(t.app.db.kysely, t.app.blobs, { now }), {
      orphanGraceMs: 15 * 60_000,
      intervalMs: 3600_000,
      changesRetentionMs: 30 * DAY,
      doneRetentionMs: 7 * DAY,
      exclusive,
      now,
      timers,
    });

  it('compacts expunge records older than the retention and raises the floor above the highest removed', async () => {
    const now = Date.now();
    const rows = [
      { mailbox_id: inbox, modseq: 5, uid: 1, kind: 'expunge', created_at: now - 40 * DAY },
      { mailbox_id: inbox, modseq: 7, uid: 2, kind: 'expunge', created_at: now - 31 * DAY },
      { mailbox_id: inbox, modseq: 9, uid: 3, kind: 'expunge', created_at: now - 2 * DAY },
      { mailbox_id: other, modseq: 3, uid: 1, kind: 'expunge', created_at: now - DAY },
    ];
    await t.app.db.kysely.insertInto('changes').values(rows).execute();
    const r = await maintenance(() => now).compactChanges();
    expect(r).toEqual({ mailboxes: 1, removed: 2 });
    const left = await t.app.db.kysely.selectFrom('changes').select(['mailbox_id', 'modseq']).orderBy('modseq').execute();
    expect(left.map((x) => [Number(x.mailbox_id), Number(x.modseq)])).toEqual([
      [other, 3],
      [inbox, 9],
    ]);
    const floors = await t.app.db.kysely.selectFrom('mailboxes').select(['id', 'changes_floor']).where('id', 'in', [inbox, other]).execute();
    expect(Object.fromEntries(floors.map((f) => [Number(f.id), Number(f.changes_floor)]))).toEqual({ [inbox]: 8, [other]: 0 });
    // The store reads the floor: a client at MODSEQ 7 is still complete, one at 6 needs a full resync.
    expect((await t.app.store.changesSince(inbox, 7)).complete).toBe(true);
    expect((await t.app.store.changesSince(inbox, 6)).complete).toBe(false);

    // A later pass never lowers the floor.
    expect(await maintenance(() => now + 60 * DAY).compactChanges()).toEqual({ mailboxes: 2, removed: 2 });
    const after = await t.app.db.kysely.selectFrom('mailboxes').select(['id', 'changes_floor']).where('id', 'in', [inbox, other]).execute();
    expect(Object.fromEntries(after.map((f) => [Number(f.id), Number(f.changes_floor)]))).toEqual({ [inbox]: 10, [other]: 4 });
  });

  it('prunes finished queue entries older than the retention, with their recipients; active ones stay', async () => {
    const now = Date.now();
    const sha = await blob(t.app, 'queued once');
    await contentRow(t.app, sha);
    const oldDone = await queueRow(t.app, sha, 'done', now - 8 * DAY);
    const newDone = await queueRow(t.app, sha, 'done', now - DAY);
    const oldActive = await queueRow(t.app, sha, 'active', now - 8 * DAY);
    expect(await maintenance(() => now).pruneQueue()).toEqual({ removed: 1 });
    const ids = (await t.app.db.kysely.selectFrom('outbound_queue').select('id').execute()).map((x) => Number(x.id));
    expect(ids).toEqual(expect.arrayContaining([newDone, oldActive]));
    expect(ids).not.toContain(oldDone);
    const recipients = await t.app.db.kysely.selectFrom('outbound_recipients').select('queue_id').where('queue_id', '=', oldDone).execute();
    expect(recipients).toEqual([]);
    // The active entry still references the content.
    expect(await t.app.db.kysely.selectFrom('contents').select('sha256').where('sha256', '=', sha).executeTakeFirst()).toBeTruthy();
  });

  it('runs a pass at start (grace 0 when exclusive) and then every interval on the injected timer', async () => {
    const pending: Array<{ fn: () => void; ms: number }> = [];
    const timers: Timers = {
      setTimeout: (fn, ms) => {
        const h = { fn, ms };
        pending.push(h);
        return h;
      },
      clearTimeout: (h) => {
        const i = pending.indexOf(h as (typeof pending)[number]);
        if (i >= 0) pending.splice(i, 1);
      },
    };
    const now = Date.now() + 1000;
    const m = maintenance(() => now, timers, true);
    const fresh = await blob(t.app, 'left by a crash just before the restart');
    m.start();
    expect(pending.map((p) => p.ms)).toEqual([0]);
    pending.shift()!.fn();
    await m.idle;
    expect(fs.existsSync(t.app.blobs.pathOf(fresh))).toBe(false); // grace 0: removed though young
    expect(pending.map((p) => p.ms)).toEqual([3600_000]);

    const young = await blob(t.app, 'written a moment ago');
    pending.shift()!.fn();
    await m.idle;
    expect(fs.existsSync(t.app.blobs.pathOf(young))).toBe(true); // later passes keep the grace
    await m.stop();
    expect(pending).toEqual([]);
  });
});
