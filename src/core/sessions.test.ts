// Ending every session of an account across processes, on both backends: two registries over one
// database stand for two thutin processes. An end recorded by one is applied by the other at its
// next poll (its own ends are not applied twice), API tokens go in the same transaction, and a
// session that signed in after the end was recorded is left alone.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends, createTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/harness.ts';
import { SessionRegistry, type SessionEndReason } from './sessions.ts';

for (const backend of backends()) {
  describe(`SessionRegistry (${backend})`, { timeout: 60_000 }, () => {
    let t: TestApp;
    let now = 1_000_000;
    let a: SessionRegistry;
    let b: SessionRegistry;
    let id = 0;
    beforeAll(async () => {
      t = await createTestApp({ backend });
      id = (await t.app.accounts.create('annv@kontum.gov.vn', TEST_PASSWORD, 'test')).id;
      a = new SessionRegistry(t.app.db.kysely, { pollMs: 1000, now: () => now });
      b = new SessionRegistry(t.app.db.kysely, { pollMs: 1000, now: () => now });
      await a.poll(); // first polls read where the log stands
      await b.poll();
    });
    afterAll(async () => t?.cleanup());

    it('an end recorded in one process reaches the sessions of another at its next poll', async () => {
      const endedA: SessionEndReason[] = [];
      const endedB: SessionEndReason[] = [];
      a.track(id, now - 10, (r) => endedA.push(r));
      b.track(id, now - 10, (r) => endedB.push(r));
      const later = b.track(id, now + 5, (r) => endedB.push(`late:${r}` as SessionEndReason)); // signs in after the end below
      const token = await t.app.tokens.login('annv', TEST_PASSWORD, '10.0.0.1');
      await a.endAll(id, 'password-reset');
      expect(endedA).toEqual(['password-reset']); // at once in the process that ended them
      expect(endedB).toEqual([]);
      expect(await t.app.tokens.resolve(token.token)).toBeNull(); // tokens went in the same transaction
      await b.poll();
      expect(endedB).toEqual(['password-reset']);
      expect(b.count(id)).toBe(1); // the later session is still followed
      await a.poll(); // its own end is not applied twice
      expect(endedA).toEqual(['password-reset']);
      later();
      expect(b.count(id)).toBe(0);
    });

    it('onEnd listeners hear every end with its time, and can stop listening', async () => {
      const heard: Array<[number, string, number]> = [];
      const stop = b.onEnd((acct, reason, at) => heard.push([acct, reason, at]));
      now += 1000;
      await a.endAll(id, 'disabled');
      await b.poll();
      expect(heard).toEqual([[id, 'disabled', now]]);
      stop();
      await a.endAll(id, 'admin');
      await b.poll();
      expect(heard).toHaveLength(1);
    });
  });
}
