// Reclaiming: `release` unlinks blobs whose contents row is gone (never one saved again or
// pinned); the sweep removes temp files and blobs without a row older than the grace (by an
// injected clock), leaves young and pinned ones, and removes contents rows nothing references.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { backends, createTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/harness.ts';
import { age, blob, contentRow, inboxOf, messageRow, queueRow } from '../../test/helpers/store-fixtures.ts';
import { Reclaimer } from './reclaim.ts';
import { dropUnreferenced } from '../storage/repositories/contents.ts';

const MIN = 60_000;

describe.each(backends())('reclaiming storage (%s)', (backend) => {
  let t: TestApp;
  let inbox = 0;
  let uid = 1;
  beforeAll(async () => {
    t = await createTestApp({ backend });
    inbox = await inboxOf(t.app, (await t.app.accounts.create(`annv@kontum.gov.vn`, TEST_PASSWORD, 'test')).id);
  });
  afterAll(async () => {
    await t?.cleanup();
  });
  const exists = (sha: string) => fs.existsSync(t.app.blobs.pathOf(sha));

  it('release unlinks blobs without a row, keeps those with one and those pinned', async () => {
    const gone = await blob(t.app, 'gone');
    const kept = await blob(t.app, 'kept');
    await contentRow(t.app, kept);
    const pinned = await blob(t.app, 'pinned');
    t.app.blobs.pin(pinned);
    const r = new Reclaimer(t.app.db.kysely, t.app.blobs);
    expect(await r.release([gone, kept, pinned, gone])).toBe(1);
    expect([exists(gone), exists(kept), exists(pinned)]).toEqual([false, true, true]);
    t.app.blobs.unpin(pinned);
    expect(await r.release([pinned])).toBe(1);
  });

  it('release shared with other processes leaves a blob touched within the grace to the sweep', async () => {
    const sha = await blob(t.app, 'shared');
    const r = new Reclaimer(t.app.db.kysely, t.app.blobs, { sharedGraceMs: 15 * MIN });
    expect(await r.release([sha])).toBe(0);
    age(t.app, sha, 20 * MIN);
    expect(await r.release([sha])).toBe(1);
  });

  it('sweeps temp files and orphan blobs older than the grace, by the injected clock', async () => {
    const orphan = await blob(t.app, 'orphan after a crash between commit and unlink');
    const young = await blob(t.app, 'young: maybe in flight elsewhere');
    const pinned = await blob(t.app, 'pinned: in flight here');
    t.app.blobs.pin(pinned);
    const withRow = await blob(t.app, 'has its row, referenced by a message');
    await contentRow(t.app, withRow);
    await messageRow(t.app, inbox, uid++, withRow);
    for (const s of [orphan, pinned, withRow]) age(t.app, s, 20 * MIN);
    const tmp = path.join(t.dataDir, 'blobs', 'tmp', '4242-cutoffbycrash');
    fs.writeFileSync(tmp, 'half a message');
    const old = new Date(Date.now() - 20 * MIN);
    fs.utimesSync(tmp, old, old);
    const youngTmp = path.join(t.dataDir, 'blobs', 'tmp', '4242-stillwriting');
    fs.writeFileSync(youngTmp, 'another process writing');

    let now = Date.now();
    const r = new Reclaimer(t.app.db.kysely, t.app.blobs, { now: () => now });
    const first = await r.sweep({ graceMs: 15 * MIN });
    expect(first).toMatchObject({ tempFiles: 1, orphanBlobs: 1, youngBlobs: 2 });
    expect([exists(orphan), exists(young), exists(pinned), exists(withRow)]).toEqual([false, true, true, true]);
    expect([fs.existsSync(tmp), fs.existsSync(youngTmp)]).toEqual([false, true]);

    // Twenty minutes later (the clock, not a sleep): the young ones are old enough; the pinned one stays.
    now += 20 * MIN;
    const second = await r.sweep({ graceMs: 15 * MIN });
    expect(second).toMatchObject({ tempFiles: 1, orphanBlobs: 1, youngBlobs: 1 });
    expect([exists(young), exists(pinned), fs.existsSync(youngTmp)]).toEqual([false, true, false]);
    t.app.blobs.unpin(pinned);
    expect((await r.sweep({ graceMs: 0 })).orphanBlobs).toBe(1);
    expect(exists(withRow)).toBe(true);
  });

  it('sweep removes contents rows nothing references, with their blobs, and keeps referenced ones', async () => {
    const lone = await blob(t.app, 'a row left by a bug');
    await contentRow(t.app, lone);
    const inMessage = await blob(t.app, 'in a message');
    await contentRow(t.app, inMessage);
    await messageRow(t.app, inbox, uid++, inMessage);
    const queued = await blob(t.app, 'queued for a remote recipient');
    await contentRow(t.app, queued);
    await queueRow(t.app, queued, 'active');
    const finished = await blob(t.app, 'queue entry finished');
    await contentRow(t.app, finished);
    await queueRow(t.app, finished, 'done');

    const r = new Reclaimer(t.app.db.kysely, t.app.blobs);
    const res = await r.sweep({ graceMs: 15 * MIN });
    expect(res.unreferencedContents).toBe(2);
    const rows = (await t.app.db.kysely.selectFrom('contents').select('sha256').execute()).map((x) => x.sha256);
    expect(rows).toEqual(expect.arrayContaining([inMessage, queued]));
    expect(rows).not.toContain(lone);
    expect(rows).not.toContain(finished);
    expect([exists(lone), exists(finished), exists(inMessage), exists(queued)]).toEqual([false, false, true, true]);
  });

  it('dropUnreferenced removes, in chunks, only the rows nothing references, and release unlinks their blobs', async () => {
    const shas: string[] = [];
    for (let i = 0; i < 1200; i++) {
      const sha = (i.toString(16).padStart(8, '0') + 'ab').repeat(7).slice(0, 64);
      await contentRow(t.app, sha);
      shas.push(sha);
    }
    const referenced = shas[700];
    await messageRow(t.app, inbox, uid++, referenced);
    const onDisk = await blob(t.app, 'a real blob among them');
    await contentRow(t.app, onDisk);
    const dropped = await t.app.db.kysely.transaction().execute((tx) => dropUnreferenced(tx, [...shas, onDisk, onDisk]));
    expect(dropped.length).toBe(1200);
    expect(dropped).not.toContain(referenced);
    expect(await new Reclaimer(t.app.db.kysely, t.app.blobs).release(dropped)).toBe(1);
    expect(exists(onDisk)).toBe(false);
  });

  it('a blob ingested again while a release asks the database keeps its file', async () => {
    const text = 'Công văn số 12/UBND: identical bytes';
    const sha = await blob(t.app, text);
    const r = new Reclaimer(t.app.db.kysely, t.app.blobs);
    // The release's question is in flight while identical bytes are ingested, committed and released.
    const releasing = r.release([sha]);
    const again = await t.app.blobs.writeBuffer(Buffer.from(text));
    await contentRow(t.app, again.sha256);
    t.app.blobs.unpin(again.sha256);
    await releasing;
    expect(exists(sha)).toBe(true);
  });

  it('a committed ingest is let go without a question, unless its row went while it was pinned', async () => {
    const acct = await t.app.accounts.create('binhlt@kontum.gov.vn', TEST_PASSWORD, 'test');
    const deliver = async (text: string) => {
      const c = await t.app.store.ingest([Buffer.from(`Subject: ${text}\r\n\r\n${text}\r\n`)]);
      const [d] = (await t.app.store.commit(c, { copies: [{ local: [{ accountId: acct.id }] }] })).delivered;
      return { c, d };
    };
    // Committed and released: the blob stays, its row names it.
    const kept = await deliver('giữ lại / kept');
    await t.app.store.release(kept.c);
    expect(exists(kept.c.sha256)).toBe(true);
    // Expunged between the commit and the release: the expunge's reclaim meets the pin and leaves
    // the blob; the release, last to let go, asks and removes it.
    const gone = await deliver('xoá trước khi nhả / expunged before the release');
    await t.app.store.storeFlags(gone.d.mailboxId, [gone.d.uid], 'add', { mask: 8, keywords: [] });
    expect(await t.app.store.expunge(gone.d.mailboxId, [gone.d.uid])).toEqual([gone.d.uid]);
    expect(exists(gone.c.sha256)).toBe(true);
    await t.app.store.release(gone.c);
    expect(exists(gone.c.sha256)).toBe(false);
  });
});
