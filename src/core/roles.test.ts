// Role assignments: granted and revoked with scope rules, audited, and the principal an
// account acts as (assignments + units it heads + user), on every backend.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends, createTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/harness.ts';
import { isThutinError } from './errors.ts';

for (const backend of backends()) {
  describe(`RoleService (${backend})`, { timeout: 60000 }, () => {
    let t: TestApp;
    let snv: number;
    let binhPersonId: number;
    const ctx = { actor: 'test', reason: 'QĐ 12/QĐ-UBND' };
    beforeAll(async () => {
      t = await createTestApp({ backend });
      await t.app.accounts.create('annv@kontum.gov.vn', TEST_PASSWORD, 'test');
      await t.app.directory.createUnit({ code: 'UBND', name: 'Ủy ban nhân dân tỉnh Kon Tum', kind: 'province', withMailbox: false }, ctx);
      snv = (await t.app.directory.createUnit({ code: 'SNV', name: 'Sở Nội vụ', kind: 'agency', parentCode: 'UBND', withMailbox: false }, ctx)).unit.id;
      const binh = await t.app.directory.createPerson({ fullName: 'Trần Thị Bình', title: 'Giám đốc', unitCode: 'SNV', localPart: 'binhtt', password: TEST_PASSWORD }, ctx);
      binhPersonId = binh.person.id;
    });
    afterAll(async () => t.cleanup());

    it('grants a scoped role, lists it, and audits the grant with its reason', async () => {
      await t.app.roles.grant('annv@kontum.gov.vn', 'agency-clerk', 'snv', ctx);
      const list = await t.app.roles.list('annv@kontum.gov.vn');
      expect(list.map((r) => [r.role, r.unitCode, r.grantedBy])).toEqual([['agency-clerk', 'SNV', 'test']]);
      const audit = await t.app.audit.list(5);
      expect(audit[0]).toMatchObject({ actor: 'test', action: 'role.grant', target: 'annv@kontum.gov.vn' });
      expect(JSON.parse(audit[0].details)).toEqual({ role: 'agency-clerk', unit: 'SNV' });
    });

    it('granting the same role twice keeps one assignment', async () => {
      await t.app.roles.grant('annv@kontum.gov.vn', 'agency-clerk', 'SNV', ctx);
      expect(await t.app.roles.list('annv@kontum.gov.vn')).toHaveLength(1);
    });

    it('refuses wrong scopes, unknown roles, units and accounts', async () => {
      const codeOf = (p: Promise<unknown>) =>
        p.then(
          () => 'ok',
          (e) => (isThutinError(e) ? e.code : String(e)),
        );
      expect(await codeOf(t.app.roles.grant('annv@kontum.gov.vn', 'sysadmin', 'SNV', ctx))).toBe('ROLE_SCOPE_INVALID');
      expect(await codeOf(t.app.roles.grant('annv@kontum.gov.vn', 'agency-head', null, ctx))).toBe('ROLE_SCOPE_INVALID');
      expect(await codeOf(t.app.roles.grant('annv@kontum.gov.vn', 'user' as never, null, ctx))).toBe('ROLE_INVALID');
      expect(await codeOf(t.app.roles.grant('annv@kontum.gov.vn', 'agency-head', 'XYZ', ctx))).toBe('UNIT_NOT_FOUND');
      expect(await codeOf(t.app.roles.grant('ai@kontum.gov.vn', 'auditor', null, ctx))).toBe('ACCOUNT_NOT_FOUND');
      expect(await codeOf(t.app.roles.revoke('binhtt@kontum.gov.vn', 'auditor', null, ctx))).toBe('ROLE_NOT_FOUND');
    });

    it('a principal is its assignments, the units it heads, and user', async () => {
      const binh = (await t.app.accounts.byAddress('binhtt@kontum.gov.vn'))!;
      expect((await t.app.roles.principal(binh.id)).roles).toEqual([{ role: 'user', unitId: null }]);
      await t.app.roles.grant('binhtt@kontum.gov.vn', 'auditor', null, ctx);
      await t.app.directory.setUnitHead('SNV', binhPersonId, ctx);
      const p = await t.app.roles.principal(binh.id);
      expect(p.username).toBe('binhtt@kontum.gov.vn');
      expect(p.roles).toEqual([
        { role: 'auditor', unitId: null },
        { role: 'agency-head', unitId: snv },
        { role: 'user', unitId: null },
      ]);
    });

    it('revokes, audits the revocation and tells listeners', async () => {
      const seen: number[] = [];
      t.app.roles.onChange((id) => seen.push(id));
      await t.app.roles.revoke('annv@kontum.gov.vn', 'agency-clerk', 'SNV', ctx);
      expect(await t.app.roles.list('annv@kontum.gov.vn')).toEqual([]);
      expect(seen).toEqual([(await t.app.accounts.byAddress('annv@kontum.gov.vn'))!.id]);
      expect((await t.app.audit.list(1))[0]).toMatchObject({ action: 'role.revoke', target: 'annv@kontum.gov.vn' });
    });
  });
}
