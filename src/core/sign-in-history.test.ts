// The sign-in history for auditors, on both backends: every checked sign-in of every door is listed
// (newest first, by login, failures only), and its hash chain verifies — and names the row when a
// sign-in is altered or removed from the middle; pruning the oldest keeps it verifiable, and a
// purged account's sign-ins stay (account id set null) without breaking the chain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, createTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/harness.ts';

for (const backend of backends()) {
  describe(`sign-in history and its hash chain (${backend})`, { timeout: 120_000 }, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ backend });
      for (const u of ['annv', 'binhtt']) await t.app.accounts.create(`${u}@kontum.gov.vn`, TEST_PASSWORD, 'test');
      const tries: Array<[string, string, 'imap' | 'smtp' | 'ldap' | 'http']> = [
        ['annv', TEST_PASSWORD, 'imap'],
        ['annv', 'Sai#1', 'smtp'],
        ['binhtt', TEST_PASSWORD, 'ldap'],
        ['binhtt', 'Sai#2', 'http'],
        ['annv', TEST_PASSWORD, 'imap'],
      ];
      for (const [login, password, protocol] of tries) await t.app.signIn.signIn({ protocol, remote: '10.1.1.1', login, password, client: 'test' });
    });
    afterAll(async () => t?.cleanup());

    it('lists every checked sign-in, newest first, by login and failures only', async () => {
      const all = await t.app.signInHistory.list(100);
      expect(all.map((r) => [r.login, r.protocol, r.success])).toEqual([
        ['annv@kontum.gov.vn', 'imap', true],
        ['binhtt@kontum.gov.vn', 'http', false],
        ['binhtt@kontum.gov.vn', 'ldap', true],
        ['annv@kontum.gov.vn', 'smtp', false],
        ['annv@kontum.gov.vn', 'imap', true],
      ]);
      expect((await t.app.signInHistory.list(100, { login: 'binhtt@kontum.gov.vn' })).length).toBe(2);
      expect((await t.app.signInHistory.list(100, { success: false })).map((r) => r.protocol)).toEqual(['http', 'smtp']);
      expect(await t.app.signInHistory.verify()).toMatchObject({ ok: true, checked: 5 });
    });

    it('names an altered sign-in and one removed from the middle; a purged account breaks nothing', async () => {
      const db = t.app.db.kysely;
      const rows = await db.selectFrom('sign_ins').select(['id', 'outcome']).orderBy('id').execute();
      const third = Number(rows[2].id);
      // A failure rewritten as a success: the seal no longer matches.
      await db.updateTable('sign_ins').set({ success: 0, outcome: 'invalid' }).where('id', '=', third).execute();
      expect(await t.app.signInHistory.verify()).toMatchObject({ ok: false, broken: { id: third, problem: 'hash' } });
      await db.updateTable('sign_ins').set({ success: 1, outcome: rows[2].outcome }).where('id', '=', third).execute();
      expect((await t.app.signInHistory.verify()).ok).toBe(true);

      // Purging an account keeps its sign-ins (account id set null): still verifiable.
      const binh = (await t.app.accounts.byAddress('binhtt@kontum.gov.vn'))!;
      await t.app.db.kysely.transaction().execute((trx) => t.app.accounts.deleteIn(trx, binh.id, 'test', 'QĐ 1/QĐ-UBND'));
      expect((await t.app.signInHistory.list(100, { login: 'binhtt@kontum.gov.vn' })).every((r) => r.accountId === null)).toBe(true);
      expect((await t.app.signInHistory.verify()).ok).toBe(true);

      // Pruning removes the oldest: the oldest kept is the anchor.
      await db.deleteFrom('sign_ins').where('id', '=', Number(rows[0].id)).execute();
      expect(await t.app.signInHistory.verify()).toMatchObject({ ok: true, checked: 4, firstId: Number(rows[1].id) });

      // One removed from the middle: the next one names it.
      await db.deleteFrom('sign_ins').where('id', '=', third).execute();
      expect(await t.app.signInHistory.verify()).toMatchObject({ ok: false, broken: { id: Number(rows[3].id), problem: 'link' } });
    });
  });
}
