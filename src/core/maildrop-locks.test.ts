// The POP3 maildrop lock across processes, on both backends: two MaildropLocks over one database
// stand for two thutin processes. One session holds an account's maildrop at a time; a released
// lock is free at once; a lock whose process died (never renewed) lapses after its TTL and is taken
// over, and its old holder's renewal then reports it lost; concurrent takes let exactly one win.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends, createTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/harness.ts';
import { MaildropLocks } from './maildrop-locks.ts';

for (const backend of backends()) {
  describe(`MaildropLocks (${backend})`, { timeout: 60_000 }, () => {
    let t: TestApp;
    let now = 1_000_000;
    let a: MaildropLocks;
    let b: MaildropLocks;
    let id = 0;
    let other = 0;
    beforeAll(async () => {
      t = await createTestApp({ backend });
      id = (await t.app.accounts.create('annv@kontum.gov.vn', TEST_PASSWORD, 'test')).id;
      other = (await t.app.accounts.create('huongdt@kontum.gov.vn', TEST_PASSWORD, 'test')).id;
      a = new MaildropLocks(t.app.db.kysely, { ttlMs: 60_000, now: () => now });
      b = new MaildropLocks(t.app.db.kysely, { ttlMs: 60_000, now: () => now });
    });
    afterAll(async () => t?.cleanup());

    it('one holder per account, in any process; other accounts are not concerned; release frees at once', async () => {
      const first = await a.take(id);
      expect(first).not.toBeNull();
      expect(await b.take(id)).toBeNull();
      expect(await a.take(id)).toBeNull(); // a second session of the same process too
      const theirs = await b.take(other);
      expect(theirs).not.toBeNull();
      expect(await b.holder(id)).toBe(first!.holder);
      await first!.release();
      await first!.release(); // idempotent
      const next = await b.take(id);
      expect(next).not.toBeNull();
      await next!.release();
      await theirs!.release();
      expect(await a.holder(id)).toBeNull();
    });

    it('a lock not renewed lapses after its TTL (a crashed process) and is taken over; its holder learns it lost it', async () => {
      const crashed = await a.take(id);
      expect(crashed).not.toBeNull();
      now += 59_000;
      expect(await b.take(id)).toBeNull();
      expect(await crashed!.renew()).toBe(true); // renewed: another TTL from now
      now += 59_000;
      expect(await b.take(id)).toBeNull();
      now += 2_000; // 61 s without a renewal
      const taker = await b.take(id);
      expect(taker).not.toBeNull();
      expect(await crashed!.renew()).toBe(false);
      await crashed!.release(); // does not free the taker's lock
      expect(await a.holder(id)).toBe(taker!.holder);
      await taker!.release();
    });

    it('simultaneous takes: exactly one wins', async () => {
      const got = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).take(id)));
      expect(got.filter((g) => g !== null)).toHaveLength(1);
      await got.find((g) => g !== null)!.release();
    });
  });
}
