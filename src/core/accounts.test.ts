// Accounts: argon2id hashes, the password policy, local domains only, login by address or
// local part, disabled accounts refused, and every change audited.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/harness.ts';
import { isThutinError } from './errors.ts';

describe('accounts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('hashes passwords with argon2id and authenticates by address or local part', async () => {
    const a = await t.app.accounts.create('AnNV@KonTum.gov.vn', TEST_PASSWORD, 'test');
    expect(a.username).toBe('annv@kontum.gov.vn');
    const row = await t.app.db.kysely.selectFrom('accounts').select('password_hash').where('id', '=', a.id).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect((await t.app.accounts.authenticate('annv@kontum.gov.vn', TEST_PASSWORD))?.id).toBe(a.id);
    expect((await t.app.accounts.authenticate('annv', TEST_PASSWORD))?.id).toBe(a.id);
    expect(await t.app.accounts.authenticate('annv', 'Sai#Matkhau1')).toBeNull();
    expect(await t.app.accounts.authenticate('nobody', TEST_PASSWORD)).toBeNull();
  });

  it('refuses weak passwords, foreign domains, bad addresses and duplicates', async () => {
    const fails = async (addr: string, pw: string, code: string) => expect(t.app.accounts.create(addr, pw, 'test')).rejects.toSatisfy((e) => isThutinError(e, code as never));
    await fails('x1@kontum.gov.vn', 'short1!', 'PASSWORD_WEAK');
    await fails('x1@kontum.gov.vn', 'alllowercase', 'PASSWORD_WEAK');
    await fails('x1@yahoo.com', TEST_PASSWORD, 'DOMAIN_NOT_LOCAL');
    await fails('bad address@kontum.gov.vn', TEST_PASSWORD, 'ADDRESS_INVALID');
    await fails('annv@kontum.gov.vn', TEST_PASSWORD, 'ACCOUNT_EXISTS');
  });

  it('refuses an account or an alias on the address of a distribution list (one address space)', async () => {
    await t.app.lists.create({ address: 'toanbo@kontum.gov.vn', name: 'Toàn bộ', kind: 'static' }, { actor: 'test' });
    await expect(t.app.accounts.create('toanbo@kontum.gov.vn', TEST_PASSWORD, 'test')).rejects.toSatisfy((e) => isThutinError(e, 'ACCOUNT_EXISTS'));
    const a = await t.app.accounts.create('binhtt@kontum.gov.vn', TEST_PASSWORD, 'test');
    await expect(t.app.accounts.addAlias(a.id, 'toanbo@kontum.gov.vn', 'test')).rejects.toSatisfy((e) => isThutinError(e, 'ACCOUNT_EXISTS'));
  });

  it('refuses login to a disabled account and audits every change without secrets', async () => {
    await t.app.accounts.create('binhlt@kontum.gov.vn', TEST_PASSWORD, 'cli:tester');
    await t.app.accounts.setPassword('binhlt@kontum.gov.vn', 'Moi#Matkhau2027', 'cli:tester');
    await t.app.accounts.setStatus('binhlt@kontum.gov.vn', 'disabled', 'cli:tester');
    expect(await t.app.accounts.authenticate('binhlt', 'Moi#Matkhau2027')).toBeNull();
    const log = await t.app.audit.list();
    const mine = log.filter((e) => e.target === 'binhlt@kontum.gov.vn').map((e) => e.action);
    expect(mine).toEqual(['account.disable', 'account.password', 'account.create']);
    expect(JSON.stringify(log)).not.toContain('Matkhau');
  });

  it('keeps aliases, a changed primary address, resets and listings through the accounts repository', async () => {
    const a = await t.app.accounts.create('cuongpv@kontum.gov.vn', TEST_PASSWORD, 'test');
    await t.app.accounts.addAlias(a.id, 'Pvcuong@KonTum.gov.vn', 'test');
    await t.app.accounts.addAlias(a.id, 'pvcuong@kontum.gov.vn', 'test'); // already its own: nothing to do
    const other = await t.app.accounts.create('dungnt@kontum.gov.vn', TEST_PASSWORD, 'test');
    await expect(t.app.accounts.addAlias(other.id, 'pvcuong@kontum.gov.vn', 'test')).rejects.toSatisfy((e) => isThutinError(e, 'ACCOUNT_EXISTS'));
    await expect(t.app.accounts.addAlias(999999, 'khongai@kontum.gov.vn', 'test')).rejects.toSatisfy((e) => isThutinError(e, 'ACCOUNT_NOT_FOUND'));
    expect(await t.app.accounts.addresses(a.id)).toEqual(['cuongpv@kontum.gov.vn', 'pvcuong@kontum.gov.vn']);
    expect((await t.app.accounts.byAddress('PVCUONG@kontum.gov.vn'))?.id).toBe(a.id);

    await t.app.accounts.changePrimary(a.id, 'pvcuong@kontum.gov.vn', 'test');
    expect((await t.app.accounts.byId(a.id))?.username).toBe('pvcuong@kontum.gov.vn');
    await expect(t.app.accounts.removeAddress('pvcuong@kontum.gov.vn', 'test')).rejects.toSatisfy((e) => isThutinError(e, 'ADDRESS_INVALID'));
    await t.app.accounts.removeAddress('cuongpv@kontum.gov.vn', 'test');
    await expect(t.app.accounts.removeAddress('cuongpv@kontum.gov.vn', 'test')).rejects.toSatisfy((e) => isThutinError(e, 'ACCOUNT_NOT_FOUND'));
    expect(await t.app.accounts.addresses(a.id)).toEqual(['pvcuong@kontum.gov.vn']);

    const pw = await t.app.accounts.resetPassword('pvcuong@kontum.gov.vn', 'test');
    expect(await t.app.accounts.authenticate('pvcuong', TEST_PASSWORD)).toBeNull();
    expect(await t.app.accounts.authenticate('pvcuong', pw)).toMatchObject({ id: a.id, mustChangePassword: true });
    await t.app.accounts.setPassword('pvcuong@kontum.gov.vn', 'Moi#Matkhau2028', 'test');
    expect((await t.app.accounts.byId(a.id))?.mustChangePassword).toBe(false);

    const listed = await t.app.accounts.list();
    expect(listed.find((x) => x.id === a.id)).toEqual({
      id: a.id,
      username: 'pvcuong@kontum.gov.vn',
      status: 'active',
      quotaBytes: a.quotaBytes,
      mustChangePassword: false,
      addresses: ['pvcuong@kontum.gov.vn'],
    });
    expect(listed.find((x) => x.id === other.id)?.addresses).toEqual(['dungnt@kontum.gov.vn']);
    expect(await t.app.accounts.usageBytes(a.id)).toBe(0);
    expect(await t.app.accounts.resolveRecipient('pvcuong@kontum.gov.vn')).toMatchObject({ id: a.id });

    const actions = (await t.app.audit.list()).filter((e) => e.target === 'pvcuong@kontum.gov.vn' || e.target === 'cuongpv@kontum.gov.vn').map((e) => e.action);
    expect(actions).toEqual(['account.password', 'account.password-reset', 'account.alias-remove', 'account.rename', 'account.alias-add', 'account.create']);
  });
});
