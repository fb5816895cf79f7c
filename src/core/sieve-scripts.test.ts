// Sieve scripts per account on both backends: checked before stored (the error names the line),
// quotas, one active, the active one compiled and refreshed on change, the active script not
// deletable, changes made for someone else audited, and one vacation reply per sender and period.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends, createTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/harness.ts';
import { SieveScriptService } from './sieve-scripts.ts';
import { ThutinError } from './errors.ts';

for (const backend of backends()) {
  describe(`SieveScriptService (${backend})`, { timeout: 60_000 }, () => {
    let t: TestApp;
    let s: SieveScriptService;
    let now = 1_000_000_000_000;
    let id = 0;
    const self = { actor: 'annv@kontum.gov.vn', owner: 'annv@kontum.gov.vn', self: true };
    beforeAll(async () => {
      t = await createTestApp({ backend });
      id = (await t.app.accounts.create('annv@kontum.gov.vn', TEST_PASSWORD, 'test')).id;
      s = new SieveScriptService(t.app.db.kysely, t.app.audit, { maxScripts: 2, maxScriptBytes: 200 }, { now: () => now });
    });
    afterAll(async () => t?.cleanup());

    const code = async (p: Promise<unknown>) => {
      try {
        await p;
        return 'ok';
      } catch (e) {
        return e instanceof ThutinError ? `${e.code}${e.detail ? ': ' + e.detail : ''}` : String(e);
      }
    };

    it('stores a valid script, refuses an invalid one naming the line, and enforces the quotas', async () => {
      expect(await code(s.put(id, 'loc', 'require "fileinto";\nif header :contains "subject" "họp" { fileinto "Họp"; }', self))).toBe('ok');
      expect(await code(s.put(id, 'bad', 'keep;\nfileinto "x";', self))).toBe('SIEVE_INVALID: line 2: command "fileinto" needs require "fileinto"');
      expect(await code(s.put(id, 'big', `# ${'x'.repeat(300)}\nkeep;`, self))).toMatch(/^SIEVE_QUOTA_MAXSIZE/);
      expect(await code(s.put(id, 'two', 'keep;', self))).toBe('ok');
      expect(await code(s.put(id, 'three', 'keep;', self))).toMatch(/^SIEVE_QUOTA_MAXSCRIPTS/);
      expect(await code(s.put(id, 'two', 'discard;', self))).toBe('ok'); // replacing is no new script
      expect(await code(s.put(id, 'a/b', 'keep;', self))).toBe('SIEVE_NAME_INVALID');
      expect((await s.list(id)).map((x) => [x.name, x.active])).toEqual([
        ['loc', false],
        ['two', false],
      ]);
    });

    it('has one active script, compiled once per change; the active one cannot be deleted', async () => {
      expect(await s.active(id)).toBeNull();
      await s.activate(id, 'loc', self);
      const a = await s.active(id);
      expect(a?.name).toBe('loc');
      expect(await s.active(id)).toBe(a); // cached
      await s.activate(id, 'two', self);
      expect((await s.list(id)).filter((x) => x.active).map((x) => x.name)).toEqual(['two']);
      expect(await code(s.delete(id, 'two', self))).toBe('SIEVE_ACTIVE: two');
      now += 1000;
      await s.put(id, 'two', 'keep;', self);
      expect((await s.active(id))?.script.commands[0].name).toBe('keep'); // the change is seen
      await s.rename(id, 'loc', 'lọc', self);
      expect(await code(s.rename(id, 'two', 'lọc', self))).toBe('SIEVE_EXISTS: lọc');
      await s.activate(id, null, self);
      expect(await s.active(id)).toBeNull();
      expect(await code(s.delete(id, 'two', self))).toBe('ok');
      expect(await code(s.get(id, 'two'))).toBe('SIEVE_NOT_FOUND: two');
    });

    it('audits a change made for someone else, not the owner’s own', async () => {
      await s.put(id, 'nghi-viec', 'require "vacation"; vacation "Tôi đã nghỉ hưu.";', { actor: 'admin', owner: 'annv@kontum.gov.vn', self: false, reason: 'QĐ 5/QĐ-UBND' });
      const entries = (await t.app.audit.list(20, { target: 'annv@kontum.gov.vn' })).filter((e) => e.action.startsWith('sieve.'));
      expect(entries.map((e) => [e.action, e.actor, e.reason])).toEqual([['sieve.put', 'admin', 'QĐ 5/QĐ-UBND']]);
    });

    it('answers a sender once per vacation period and handle', async () => {
      expect(await s.vacationDue(id, 'h1', 'Binh@Example.com', 86400)).toBe(true);
      expect(await s.vacationDue(id, 'h1', 'binh@example.com', 86400)).toBe(false);
      expect(await s.vacationDue(id, 'h2', 'binh@example.com', 86400)).toBe(true); // another handle
      now += 86400_000;
      expect(await s.vacationDue(id, 'h1', 'binh@example.com', 86400)).toBe(true);
      now += 40 * 86400_000;
      expect(await s.pruneVacationReplies()).toBe(2);
    });
  });
}
