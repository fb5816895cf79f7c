// Reclaiming storage along the message's life: expunge, folder deletion, an account's purge and a
// finished queue entry each free the blob and the contents row (search text included) that nothing
// else references; a blob two recipients share survives one expunge. Both backends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, createTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/harness.ts';
import { DELETED, toFlagSet } from './flags.ts';

const msg = (subject: string) =>
  Buffer.from(`From: a@kontum.gov.vn\r\nTo: b@kontum.gov.vn\r\nSubject: ${subject}\r\nMessage-ID: <${subject}.${Math.random()}@kontum.gov.vn>\r\n\r\nNội dung bí mật của ${subject}\r\n`);

describe.each(backends())('reclaiming storage (%s)', (backend) => {
  let t: TestApp;
  const ids: number[] = [];
  beforeAll(async () => {
    t = await createTestApp({ backend });
    for (const u of ['annv', 'binhlt', 'leaver']) ids.push((await t.app.accounts.create(`${u}@kontum.gov.vn`, TEST_PASSWORD, 'test')).id);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  async function hasRow(sha: string): Promise<boolean> {
    return !!(await t.app.db.kysely.selectFrom('contents').select('sha256').where('sha256', '=', sha).executeTakeFirst());
  }
  async function stored(sha: string): Promise<{ blob: boolean; row: boolean }> {
    return { blob: await t.app.blobs.exists(sha), row: await hasRow(sha) };
  }
  async function deliverTo(accounts: number[], subject: string): Promise<string> {
    const c = await t.app.store.ingest([msg(subject)]);
    await t.app.store.deliver(
      c,
      accounts.map((accountId) => ({ accountId })),
    );
    await t.app.store.release(c);
    return c.sha256;
  }
  async function expungeAll(accountId: number): Promise<void> {
    const inbox = (await t.app.store.getMailbox(accountId, 'INBOX'))!;
    const uids = (await t.app.store.listMessages(inbox.id)).map((m) => m.uid);
    await t.app.store.storeFlags(inbox.id, uids, 'add', toFlagSet(['\\Deleted']));
    await t.app.store.expunge(inbox.id);
  }

  it('keeps a blob two recipients share through one expunge, and frees it at the second', async () => {
    const sha = await deliverTo([ids[0], ids[1]], 'chung');
    await expungeAll(ids[0]);
    expect(await stored(sha)).toEqual({ blob: true, row: true });
    await expungeAll(ids[1]);
    expect(await stored(sha)).toEqual({ blob: false, row: false });
    expect(DELETED).toBe(8);
  });

  it('frees the blob of a message moved away and then expunged, not of the copy that stays', async () => {
    const sha = await deliverTo([ids[0]], 'chuyen');
    const inbox = (await t.app.store.getMailbox(ids[0], 'INBOX'))!;
    const archive = (await t.app.store.getMailbox(ids[0], 'Archive'))!;
    const [m] = await t.app.store.listMessages(inbox.id);
    await t.app.store.move(inbox.id, [m.uid], archive.id);
    expect(await stored(sha)).toEqual({ blob: true, row: true });
    await t.app.store.deleteMailbox(ids[0], 'Archive');
    expect(await stored(sha)).toEqual({ blob: false, row: false });
  });

  it('purges an account with its blobs and folded search text, keeping what another account still shows', async () => {
    const own = await deliverTo([ids[2]], 'rieng');
    const shared = await deliverTo([ids[2], ids[1]], 'chung hai');
    await t.app.db.kysely.transaction().execute((tx) => t.app.accounts.deleteIn(tx, ids[2], 'test', 'QĐ nghỉ hưu'));
    expect(await hasRow(own)).toBe(false);
    // The blob goes right after the commit (the directory's transaction is not the store's).
    for (let i = 0; i < 100 && (await t.app.blobs.exists(own)); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await stored(own)).toEqual({ blob: false, row: false });
    expect(await stored(shared)).toEqual({ blob: true, row: true });
    const text = await t.app.db.kysely.selectFrom('contents').select('sha256').where('search_body', 'like', '%rieng%').execute();
    expect(text).toEqual([]);
  });

  it('frees a queued message once its last recipient is delivered', async () => {
    const c = await t.app.store.ingest([msg('ra ngoai')]);
    const { queued } = await t.app.store.commit(c, { copies: [{ remote: { sender: 'annv@kontum.gov.vn', recipients: ['vp@chinhphu.example'], accountId: ids[0] } }] });
    await t.app.store.release(c);
    expect(await stored(c.sha256)).toEqual({ blob: true, row: true });
    const e = (await t.app.queue.get(queued[0]))!;
    await t.app.queue.record([{ id: e.recipients[0].id, state: 'delivered', error: null, status: '2.0.0', remoteMta: 'mx.chinhphu.example', nextAttemptAt: Date.now() }]);
    expect(await t.app.queue.finishIfDone(queued[0])).toBe(true);
    expect(await stored(c.sha256)).toEqual({ blob: false, row: false });
    expect((await t.app.queue.get(queued[0]))!.state).toBe('done');
  });

  it('leaves nothing of a message refused before its commit', async () => {
    const c = await t.app.store.ingest([msg('tu choi')]);
    expect(await t.app.blobs.exists(c.sha256)).toBe(true);
    await t.app.store.release(c);
    expect(await stored(c.sha256)).toEqual({ blob: false, row: false });
  });
});
