// Group commit on both backends: concurrent work shares transactions, each caller resolves
// after its commit, and one failing member does not fail the others.
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
});
