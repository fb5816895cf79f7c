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
});
