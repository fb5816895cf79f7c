// `store check`: each kind of damage made by hand in a temporary store is reported; young blobs
// without a row are reported but are not a problem; --repair removes orphans, old temp files and
// unreferenced rows, recomputes usage, and reports what it cannot fix (a missing blob, rows
// pointing at a missing content).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { backends, createTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/harness.ts';
import { age, blob, contentRow, inboxOf, messageRow, queueRow, withoutForeignKeys } from '../../test/helpers/store-fixtures.ts';

const MIN = 60_000;

describe.each(backends())('store check (%s)', (backend) => {
  let t: TestApp;
  let accountId = 0;
  let inbox = 0;
  beforeAll(async () => {
    t = await createTestApp({ backend });
    accountId = (await t.app.accounts.create('annv@kontum.gov.vn', TEST_PASSWORD, 'test')).id;
    inbox = await inboxOf(t.app, accountId);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('a sound store is consistent', async () => {
    const r = await t.app.storeCheck.check();
    expect(r.ok).toBe(true);
    expect(r.orphanBlobs.count + r.unreferencedContents.count + r.usageMismatches.count).toBe(0);
  });

  it('reports every kind of problem, repairs what can be repaired, and names what cannot', async () => {
    // A healthy message (its usage counted).
    const good = await blob(t.app, 'Giấy mời họp');
    await contentRow(t.app, good, 12);
    await messageRow(t.app, inbox, 1, good, 12);
    await t.app.db.kysely.updateTable('accounts').set({ used_bytes: 12 }).where('id', '=', accountId).execute();

    const orphan = await blob(t.app, 'orphan: crash between commit and unlink');
    age(t.app, orphan, 20 * MIN);
    const young = await blob(t.app, 'young: maybe in flight');
    const tmp = path.join(t.dataDir, 'blobs', 'tmp', '999-cutoff');
    fs.writeFileSync(tmp, 'half');
    const old = new Date(Date.now() - 20 * MIN);
    fs.utimesSync(tmp, old, old);
    const lone = await blob(t.app, 'row nothing references');
    await contentRow(t.app, lone);
    age(t.app, lone, 20 * MIN); // on PostgreSQL a younger one waits for a later sweep (other processes)
    const lost = await blob(t.app, 'its blob file will be lost');
    await contentRow(t.app, lost, 7);
    await messageRow(t.app, inbox, 2, lost, 7);
    fs.unlinkSync(t.app.blobs.pathOf(lost));
    const noRow = 'f'.repeat(64);
    await withoutForeignKeys(t.app, () => messageRow(t.app, inbox, 3, noRow, 5));
    await queueRow(t.app, 'e'.repeat(64), 'active');
    // used_bytes stays 12, the messages sum to 24.

    const r = await t.app.storeCheck.check();
    expect(r.ok).toBe(false);
    expect(r.orphanBlobs.items.map((b) => b.sha256)).toEqual([orphan]);
    expect(r.youngBlobs.items.map((b) => b.sha256)).toEqual([young]);
    expect(r.tempFiles.items.map((f) => f.name)).toEqual(['999-cutoff']);
    expect(r.unreferencedContents.items).toEqual([lone]);
    expect(r.missingBlobs.items).toEqual([lost]);
    expect(r.messagesWithoutContent.items).toEqual([{ mailboxId: inbox, uid: 3, sha256: noRow }]);
    expect(r.queueWithoutContent.items).toEqual([expect.objectContaining({ sha256: 'e'.repeat(64), state: 'active' })]);
    expect(r.usageMismatches.items).toEqual([{ accountId, username: 'annv@kontum.gov.vn', usedBytes: 12, actualBytes: 24 }]);

    const fixed = await t.app.storeCheck.check({ repair: true });
    expect(fixed.repaired).toEqual({ orphanBlobs: 1, tempFiles: 1, unreferencedContents: 1, accounts: 1 });
    expect(fixed.unfixable).toEqual({ missingBlobs: 1, messagesWithoutContent: 1, queueWithoutContent: 1 });
    expect(fixed.ok).toBe(false);
    expect(fs.existsSync(t.app.blobs.pathOf(orphan))).toBe(false);
    expect(fs.existsSync(t.app.blobs.pathOf(lone))).toBe(false);
    expect(fs.existsSync(t.app.blobs.pathOf(young))).toBe(true); // in flight, perhaps
    expect(fs.existsSync(t.app.blobs.pathOf(good))).toBe(true);
    expect(fs.existsSync(tmp)).toBe(false);

    const again = await t.app.storeCheck.check();
    expect([again.orphanBlobs.count, again.tempFiles.count, again.unreferencedContents.count, again.usageMismatches.count]).toEqual([0, 0, 0, 0]);
    expect([again.missingBlobs.count, again.messagesWithoutContent.count, again.queueWithoutContent.count]).toEqual([1, 1, 1]);

    // Once the damaged rows are dealt with (here: removed by hand), the store is consistent.
    await t.app.db.kysely.deleteFrom('messages').where('uid', 'in', [2, 3]).execute();
    await t.app.db.kysely.deleteFrom('outbound_queue').where('sha256', '=', 'e'.repeat(64)).execute();
    const clean = await t.app.storeCheck.check({ repair: true, graceMs: 0 });
    expect(clean.ok).toBe(true);
    expect(fs.existsSync(t.app.blobs.pathOf(young))).toBe(false);
  });
});
