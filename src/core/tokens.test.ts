// API tokens: login gives a random token of which only the hash is stored; it resolves to the
// session with roles, expires, ends at logout or when the account's sessions are revoked;
// failed logins go through the one sign-in service (throttled per account and address, a usual
// address still signs in) and never log the password.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Writable } from 'node:stream';
import pino from 'pino';
import { backends, createTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/harness.ts';
import { TokenService, hashToken } from './tokens.ts';
import { SignInService } from './sign-in.ts';
import { isThutinError } from './errors.ts';

for (const backend of backends()) {
  describe(`TokenService (${backend})`, { timeout: 60000 }, () => {
    let t: TestApp;
    let logged = '';
    let tokens: TokenService;
    let signIn: SignInService;
    beforeAll(async () => {
      t = await createTestApp({ backend });
      await t.app.accounts.create('annv@kontum.gov.vn', TEST_PASSWORD, 'test');
      const sink = new Writable({ write: (c, _e, cb) => ((logged += c.toString()), cb()) });
      const log = pino({ level: 'info' }, sink);
      const limits = { max: 3, windowMs: 60_000, lockoutMs: 60_000, freeFailures: Infinity, baseDelayMs: 0, maxDelayMs: 0 };
      signIn = new SignInService(t.app.db.kysely, t.app.accounts, t.app.audit, null, log, {
        limits: { account: limits, address: limits, knownAddressTtlMs: 86400_000, historyRetentionMs: 86400_000 },
        firstPasswordDeadlineMs: 0,
        noticeFrom: 'postmaster@kontum.gov.vn',
      });
      tokens = new TokenService(t.app.db.kysely, signIn, t.app.roles, log, { ttlMs: 60_000 });
    });
    afterAll(async () => t.cleanup());

    it('logs in, stores only the hash, resolves to the session with roles, and logs out', async () => {
      const s = await tokens.login('annv', TEST_PASSWORD, '10.0.0.1');
      expect(s.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(s.expiresAt).toBeGreaterThan(Date.now() + 50_000);
      const rows = await t.app.db.kysely.selectFrom('api_tokens').selectAll().execute();
      expect(rows.map((r) => r.token_hash)).toEqual([hashToken(s.token)]);
      expect(JSON.stringify(rows)).not.toContain(s.token);
      const session = await tokens.resolve(s.token);
      expect(session).toMatchObject({ username: 'annv@kontum.gov.vn', mustChangePassword: false, principal: { roles: [{ role: 'user', unitId: null }] } });
      await tokens.logout(s.token);
      expect(await tokens.resolve(s.token)).toBeNull();
    });

    it('sees a new role at once after a grant', async () => {
      const s = await tokens.login('annv@kontum.gov.vn', TEST_PASSWORD, '10.0.0.1');
      await tokens.resolve(s.token);
      await t.app.roles.grant('annv@kontum.gov.vn', 'auditor', null, { actor: 'test' });
      expect((await tokens.resolve(s.token))!.principal.roles[0]).toEqual({ role: 'auditor', unitId: null });
    });

    it('an expired token resolves to nothing', async () => {
      let now = Date.now() - 10_000; // in the past, so the real clock of `tokens` sees it expired too
      const short = new TokenService(t.app.db.kysely, signIn, t.app.roles, pino({ level: 'silent' }), { ttlMs: 1000, now: () => now });
      const s = await short.login('annv@kontum.gov.vn', TEST_PASSWORD, '10.0.0.2');
      expect(await short.resolve(s.token)).not.toBeNull();
      now += 1000;
      expect(await short.resolve(s.token)).toBeNull();
      expect(await tokens.resolve(s.token)).toBeNull();
    });

    it('revoking an account ends its sessions, and a disabled account resolves to nothing', async () => {
      const a = await tokens.login('annv@kontum.gov.vn', TEST_PASSWORD, '10.0.0.1');
      const acct = (await t.app.accounts.byAddress('annv@kontum.gov.vn'))!;
      expect(await tokens.resolve(a.token)).not.toBeNull();
      await tokens.revokeAccount(acct.id);
      expect(await tokens.resolve(a.token)).toBeNull();
      const b = await tokens.login('annv@kontum.gov.vn', TEST_PASSWORD, '10.0.0.1');
      await t.app.accounts.setStatus('annv@kontum.gov.vn', 'disabled', 'test');
      tokens.forgetAccount(acct.id);
      expect(await tokens.resolve(b.token)).toBeNull();
      await t.app.accounts.setStatus('annv@kontum.gov.vn', 'active', 'test');
    });

    it('locks the account after too many failures from elsewhere, but not from its usual address; no password logged', async () => {
      const code = (p: Promise<unknown>) =>
        p.then(
          () => 'ok',
          (e) => (isThutinError(e) ? e.code : String(e)),
        );
      for (let i = 0; i < 3; i++) expect(await code(tokens.login('annv@kontum.gov.vn', 'Sai#Matkhau1', '10.9.9.9'))).toBe('LOGIN_FAILED');
      expect(await code(tokens.login('annv@kontum.gov.vn', TEST_PASSWORD, '10.9.9.9'))).toBe('TOO_MANY_ATTEMPTS');
      expect(await code(tokens.login('annv@kontum.gov.vn', TEST_PASSWORD, '10.9.9.8'))).toBe('TOO_MANY_ATTEMPTS'); // the account is locked …
      expect(await code(tokens.login('annv@kontum.gov.vn', TEST_PASSWORD, '10.0.0.1'))).toBe('ok'); // … but not from where it usually signs in
      expect(logged).toContain('sign-in failed');
      expect(logged).toContain('10.9.9.9');
      expect(logged).not.toContain('Sai#Matkhau1');
      expect(logged).not.toContain(TEST_PASSWORD);
    });
  });
}
