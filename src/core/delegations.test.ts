// Delegations: rights are validated and replaced on re-grant, the owner has all rights, revoked
// rights vanish, shared mailboxes are listed for the grantee, and every change is audited with its reason.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends, createTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/harness.ts';
import { isThutinError } from './errors.ts';
import { parseRights } from './delegations.ts';

describe.each(backends())('delegations (%s)', (backend) => {
  let t: TestApp;
  let unit: number;
  let head: number;
  let clerk: number;
  beforeAll(async () => {
    t = await createTestApp({ backend });
    unit = (await t.app.accounts.create('stttt@kontum.gov.vn', TEST_PASSWORD, 'test')).id;
    head = (await t.app.accounts.create('giamdoc.stttt@kontum.gov.vn', TEST_PASSWORD, 'test')).id;
    clerk = (await t.app.accounts.create('vanthu.stttt@kontum.gov.vn', TEST_PASSWORD, 'test')).id;
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('validates rights', () => {
    expect(parseRights('send-as, read')).toEqual(['read', 'send-as']);
    expect(() => parseRights('read,admin')).toThrow(/admin/);
    expect(() => parseRights('')).toThrowError(/Quyền/);
    expect(() => parseRights([])).toThrowError(/Quyền/);
  });

  it('grants, replaces, lists and revokes, the owner always having every right', async () => {
    const ctx = { actor: 'cli:tester', reason: 'QĐ 12/QĐ-STTTT' };
    expect(await t.app.delegations.rightsOn(unit, clerk)).toEqual([]);
    expect(await t.app.delegations.rightsOn(unit, unit)).toEqual(['read', 'send-as', 'send-on-behalf', 'manage']);
    await t.app.delegations.grant('STTTT@kontum.gov.vn', 'giamdoc.stttt@kontum.gov.vn', ['manage', 'read', 'send-as'], ctx);
    await t.app.delegations.grant('stttt@kontum.gov.vn', 'vanthu.stttt@kontum.gov.vn', ['read', 'send-on-behalf'], ctx);
    expect(await t.app.delegations.rightsOn(unit, head)).toEqual(['read', 'send-as', 'manage']);
    expect(await t.app.delegations.list('stttt@kontum.gov.vn')).toEqual([
      { grantee: 'giamdoc.stttt@kontum.gov.vn', granteeAccountId: head, rights: ['read', 'send-as', 'manage'] },
      { grantee: 'vanthu.stttt@kontum.gov.vn', granteeAccountId: clerk, rights: ['read', 'send-on-behalf'] },
    ]);
    expect(await t.app.delegations.sharedWith(clerk)).toEqual([{ ownerAccountId: unit, owner: 'stttt@kontum.gov.vn', rights: ['read', 'send-on-behalf'] }]);
    // Re-granting replaces.
    await t.app.delegations.grant('stttt@kontum.gov.vn', 'vanthu.stttt@kontum.gov.vn', ['read'], ctx);
    expect(await t.app.delegations.rightsOn(unit, clerk)).toEqual(['read']);
    expect((await t.app.delegations.sendableAddresses(clerk)).size).toBe(0);
    expect([...(await t.app.delegations.sendableAddresses(head)).keys()]).toEqual(['stttt@kontum.gov.vn']);
    await t.app.delegations.revoke('stttt@kontum.gov.vn', 'vanthu.stttt@kontum.gov.vn', ctx);
    expect(await t.app.delegations.rightsOn(unit, clerk)).toEqual([]);
    expect(await t.app.delegations.sharedWith(clerk)).toEqual([]);

    const log = (await t.app.audit.list()).filter((e) => e.action.startsWith('delegation.'));
    expect(log.map((e) => e.action)).toEqual(['delegation.revoke', 'delegation.grant', 'delegation.grant', 'delegation.grant']);
    expect(log.every((e) => e.actor === 'cli:tester' && e.target === 'stttt@kontum.gov.vn')).toBe(true);
    expect(JSON.parse(log[1].details)).toMatchObject({ grantee: 'vanthu.stttt@kontum.gov.vn', rights: ['read'], previous: ['read', 'send-on-behalf'] });
  });

  it('refuses unknown accounts, bad rights, self-delegation and revoking what was never granted', async () => {
    const ctx = { actor: 'test' };
    const code = (c: string) => (e: unknown) => isThutinError(e, c as never);
    await expect(t.app.delegations.grant('nobody@kontum.gov.vn', 'vanthu.stttt@kontum.gov.vn', ['read'], ctx)).rejects.toSatisfy(code('ACCOUNT_NOT_FOUND'));
    await expect(t.app.delegations.grant('stttt@kontum.gov.vn', 'vanthu.stttt@kontum.gov.vn', ['root' as never], ctx)).rejects.toSatisfy(code('RIGHTS_INVALID'));
    await expect(t.app.delegations.grant('stttt@kontum.gov.vn', 'stttt@kontum.gov.vn', ['read'], ctx)).rejects.toSatisfy(code('DELEGATION_SELF'));
    await expect(t.app.delegations.revoke('stttt@kontum.gov.vn', 'vanthu.stttt@kontum.gov.vn', ctx)).rejects.toSatisfy(code('DELEGATION_NOT_FOUND'));
  });

  it('does not list a disabled owner as shared', async () => {
    await t.app.delegations.grant('stttt@kontum.gov.vn', 'vanthu.stttt@kontum.gov.vn', ['read'], { actor: 'test' });
    await t.app.accounts.setStatus('stttt@kontum.gov.vn', 'disabled', 'test');
    expect(await t.app.delegations.sharedWith(clerk)).toEqual([]);
    await t.app.accounts.setStatus('stttt@kontum.gov.vn', 'active', 'test');
    expect((await t.app.delegations.sharedWith(clerk)).length).toBe(1);
  });
});
