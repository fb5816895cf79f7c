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
      const stop = b.onEnd((e) => {
        heard.push([e.accountId, e.reason, e.at]);
      });
      now += 1000;
      await a.endAll(id, 'disabled');
      await b.poll();
      expect(heard).toEqual([[id, 'disabled', now]]);
      stop();
      await a.endAll(id, 'admin');
      await b.poll();
      expect(heard).toHaveLength(1);
    });

    it('revoking an app password ends, in every process, only the sessions it opened; the API token stays', async () => {
      now += 1000;
      const ap = await t.app.appPasswords.add(id, 'annv@kontum.gov.vn', 'Điện thoại', 'test');
      const other = await t.app.appPasswords.add(id, 'annv@kontum.gov.vn', 'Thunderbird', 'test');
      const ended: string[] = [];
      const phoneA = a.track(id, now - 10, (r) => ended.push(`A-phone:${r}`), ap.id);
      const phoneB = b.track(id, now - 10, (r) => ended.push(`B-phone:${r}`), ap.id);
      b.track(id, now - 10, (r) => ended.push(`B-thunderbird:${r}`), other.id);
      b.track(id, now - 10, (r) => ended.push(`B-password:${r}`), null);
      const token = await t.app.tokens.login('annv', TEST_PASSWORD, '10.0.0.1');
      await t.app.appPasswords.revoke(id, 'annv@kontum.gov.vn', ap.id, 'test'); // the app's own registry records the end
      await b.poll();
      expect(ended).toEqual(['B-phone:app-password-revoked']);
      phoneB();
      phoneA(); // a's registry is not the app's: it hears it at its poll
      const aHeard: string[] = [];
      a.track(id, now - 10, (r) => aHeard.push(r), ap.id);
      await a.poll();
      expect(aHeard).toEqual(['app-password-revoked']);
      expect(b.count(id)).toBe(2); // Thunderbird's app password and the account password's sessions stay
      expect(await t.app.tokens.resolve(token.token)).not.toBeNull();
      expect(await t.app.appPasswords.match(id, ap.password)).toBeNull();
    });
  });
}
