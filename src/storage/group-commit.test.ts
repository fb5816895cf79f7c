// Group commit on both backends: concurrent work shares transactions, each caller resolves
// after its commit, and one failing member does not fail the others. On SQLite the commit's sync
// is deferred: each caller resolves only after the WAL's fsync, the connection is back to
// synchronous = FULL after every batch (committed or failed), and a failed sync fails the batch
// without writing it twice.
import { sql } from 'kysely';
import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { backends, createTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/harness.ts';
import { GroupCommit } from './group-commit.ts';
import { isThutinError } from '../core/errors.ts';

describe.each(backends())('group commit (%s)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ backend });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('commits concurrent work in fewer transactions than callers, each result to its caller', async () => {
    const gc = new GroupCommit(t.app.db.kysely);
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        gc.run(async (trx) => {
          await trx
            .insertInto('audit_log')
            .values({ at: i, actor: 'test', action: 'gc', target: String(i), details: '{}' })
            .execute();
          return i;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(gc.stats.batches).toBeLessThan(30);
    const rows = await t.app.db.kysely.selectFrom('audit_log').select('target').where('action', '=', 'gc').execute();
    expect(rows).toHaveLength(30);
  });

  it('retries a failed batch one by one: the bad delivery fails, the others land', async () => {
    const acct = await t.app.accounts.create('annv@kontum.gov.vn', TEST_PASSWORD, 'test');
    const contents = await Promise.all(Array.from({ length: 10 }, (_, i) => t.app.store.ingest([Buffer.from(`Subject: ${i}\r\n\r\nthư ${i}\r\n`)])));
    const outcomes = await Promise.allSettled(contents.map((c, i) => t.app.store.deliver(c, [{ accountId: acct.id, mailbox: i === 4 ? 'Không có' : 'INBOX' }])));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(9);
    const bad = outcomes[4];
    expect(bad.status === 'rejected' && isThutinError(bad.reason, 'MAILBOX_NOT_FOUND')).toBe(true);
    const inbox = (await t.app.store.getMailbox(acct.id, 'INBOX'))!;
    const uids = (await t.app.store.listMessages(inbox.id)).map((m) => m.uid);
    expect(uids).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it.runIf(backend === 'sqlite')('SQLite: callers hear of their commit only after the WAL is synced; FULL again after every batch', async () => {
    const real = t.app.db.deferredSync!;
    expect(real).toBeDefined();
    const events: string[] = [];
    let failSync = false;
    const spy = {
      arm: () => real.arm(),
      disarm: () => real.disarm(),
      async sync() {
        events.push('sync');
        if (failSync) throw new Error('EIO');
        await real.sync();
      },
    };
    const gc = new GroupCommit(t.app.db.kysely, 64, spy);
    const synchronous = async () => (await sql<{ synchronous: number }>`pragma synchronous`.execute(t.app.db.kysely)).rows[0].synchronous;
    const insert = (target: string) =>
      gc.run(async (trx) => {
        await trx.insertInto('audit_log').values({ at: 1, actor: 'test', action: 'deferred', target, details: '{}' }).execute();
        return target;
      });
    await Promise.all(['a', 'b', 'c'].map((x) => insert(x).then((r) => void events.push(`done ${r}`))));
    expect(events[0]).toBe('sync');
    expect(events.slice(1).sort()).toEqual(['done a', 'done b', 'done c']);
    expect(await synchronous()).toBe(2);

    // A batch that fails (a table that does not exist) rolls back under NORMAL: FULL again, and the retry lands the others.
    const bad = gc.run((trx) => sql`insert into no_such_table values (1)`.execute(trx));
    const good = insert('d');
    await expect(bad).rejects.toThrow(/no_such_table/);
    await expect(good).resolves.toBe('d');
    expect(await synchronous()).toBe(2);

    // The sync fails after the commit: the callers are told, nothing is written twice.
    failSync = true;
    const both = await Promise.allSettled([insert('e'), insert('f')]);
    expect(both.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    const rows = await t.app.db.kysely.selectFrom('audit_log').select('target').where('action', '=', 'deferred').orderBy('target').execute();
    expect(rows.map((r) => r.target)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(await synchronous()).toBe(2);
  });
});
