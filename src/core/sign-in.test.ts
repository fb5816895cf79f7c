// The one sign-in of every door, on both backends: attempts are reserved in the database before
// the password is checked (400 simultaneous guesses → 10 checks on an account, 100 from an
// address), a lockout is audited and told to the user by mail, never stops the right password from
// an address the account usually signs in from, and can be lifted (audited); a forced change is a
// result of its own and a first password past its deadline locks; sign-ins are recorded and pruned.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import pino from 'pino';
import { backends, createTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/harness.ts';
import { SignInService, type SignInResult } from './sign-in.ts';

const HOUR = 3600_000;

for (const backend of backends()) {
  describe(`SignInService (${backend})`, { timeout: 120_000 }, () => {
    let t: TestApp;
    let now = Date.now();
    let svc: SignInService;
    beforeAll(async () => {
      t = await createTestApp({ backend });
      for (const u of ['annv', 'binhtt', 'chilt', 'dungpv']) await t.app.accounts.create(`${u}@kontum.gov.vn`, TEST_PASSWORD, 'test');
      svc = new SignInService(t.app.db.kysely, t.app.accounts, t.app.audit, t.app.store, pino({ level: 'silent' }), {
        limits: {
          account: { max: 10, windowMs: 15 * 60_000, lockoutMs: 15 * 60_000, freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 60_000 },
          address: { max: 100, windowMs: HOUR, lockoutMs: HOUR, freeFailures: Infinity, baseDelayMs: 0, maxDelayMs: 0 },
          knownAddressTtlMs: 30 * 24 * HOUR,
          historyRetentionMs: 24 * HOUR,
        },
        firstPasswordDeadlineMs: 6 * HOUR,
        noticeFrom: 'postmaster@kontum.gov.vn',
        now: () => now,
      });
    });
    afterAll(async () => t?.cleanup());

    const checked = async (login: string) =>
      Number(
        (
          await t.app.db.kysely
            .selectFrom('sign_ins')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('login', '=', login)
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('checks at most 10 of 400 simultaneous wrong passwords on one account, whatever the addresses', async () => {
      const results = await Promise.all(
        Array.from({ length: 400 }, (_, i) => svc.signIn({ protocol: 'imap', remote: `10.20.${i % 100}.${1 + Math.floor(i / 100)}`, login: 'annv', password: `Sai#${i}` })),
      );
      expect(await checked('annv@kontum.gov.vn')).toBe(10);
      expect(results.filter((r) => r.ok === false && r.reason === 'invalid')).toHaveLength(10);
      expect(results.filter((r) => r.ok === false && r.reason === 'throttled')).toHaveLength(390);
      // The right password from a new address is refused too: the account is locked …
      expect(await svc.signIn({ protocol: 'smtp', remote: '10.99.0.1', login: 'annv@kontum.gov.vn', password: TEST_PASSWORD })).toMatchObject({ ok: false, reason: 'throttled' });
      const audit = await t.app.audit.list(50, { action: 'security.lockout' });
      expect(audit.some((e) => e.target === 'annv@kontum.gov.vn')).toBe(true);
      // … and the user is told, in their INBOX, in Vietnamese and English.
      const acct = (await t.app.accounts.byAddress('annv@kontum.gov.vn'))!;
      const inbox = (await t.app.store.getMailbox(acct.id, 'INBOX'))!;
      const msgs = await t.app.store.listMessages(inbox.id);
      expect(msgs).toHaveLength(1);
      const text = (await t.app.store.readMessage(msgs[0])).toString('utf8');
      expect(text).toContain('tạm khoá đăng nhập');
      expect(text).toContain('Sign-in to annv@kontum.gov.vn is locked');
      // After the lockout the account may be guessed again, never more than 10 times per 15 minutes.
      now += 15 * 60_000 + 1;
      await Promise.all(Array.from({ length: 50 }, (_, i) => svc.signIn({ protocol: 'ldap', remote: `10.21.0.${i + 1}`, login: 'annv', password: `Sai#${i}` })));
      expect(await checked('annv@kontum.gov.vn')).toBe(20);
      // Locked again, audited again, but the owner was told today already: still one notice.
      expect((await t.app.audit.list(50, { action: 'security.lockout', target: 'annv@kontum.gov.vn' })).length).toBe(2);
      expect(await t.app.store.listMessages(inbox.id)).toHaveLength(1);
    });

    it('checks at most 100 guesses per hour from one address, over many accounts', async () => {
      const logins = Array.from({ length: 300 }, (_, i) => `nobody${i}@kontum.gov.vn`);
      const results = await Promise.all(logins.map((login) => svc.signIn({ protocol: 'http', remote: '2001:db8:5:6::1', login, password: 'Sai#1' })));
      expect(results.filter((r) => r.ok === false && r.reason === 'invalid')).toHaveLength(100);
      // The same /64 is the same client.
      expect(await svc.signIn({ protocol: 'http', remote: '2001:db8:5:6:ffff::2', login: 'binhtt', password: TEST_PASSWORD })).toMatchObject({ reason: 'throttled' });
      expect((await svc.signIn({ protocol: 'http', remote: '2001:db8:5:7::2', login: 'binhtt', password: TEST_PASSWORD })).ok).toBe(true);
      const lockouts = await svc.lockouts();
      expect(lockouts.find((l) => l.kind === 'address')).toMatchObject({ subject: '2001:0db8:0005:0006::/64' });
    });

    it("one person's failures behind a NAT lock that person, not the office's address", async () => {
      await t.app.accounts.create('office1@kontum.gov.vn', TEST_PASSWORD, 'test');
      await t.app.accounts.create('office2@kontum.gov.vn', TEST_PASSWORD, 'test');
      for (let i = 0; i < 12; i++) {
        now += 61_000; // past every delay
        await svc.signIn({ protocol: 'ldap', remote: '100.64.0.1', login: 'office1', password: `Sai#${i}` });
      }
      expect(await svc.signIn({ protocol: 'ldap', remote: '100.64.0.1', login: 'office1', password: 'Sai#x' })).toMatchObject({ reason: 'throttled' });
      expect((await svc.signIn({ protocol: 'ldap', remote: '100.64.0.1', login: 'office2', password: TEST_PASSWORD })).ok).toBe(true);
      expect((await svc.signIn({ protocol: 'http', remote: '100.64.0.1', login: 'office2', password: TEST_PASSWORD })).ok).toBe(true);
    });

    it('thirty clients of one official signing in at once with the right password all get in, and nothing locks', async () => {
      await t.app.accounts.create('emnt@kontum.gov.vn', TEST_PASSWORD, 'test');
      // From a new address (account and address buckets) and then from the now usual one (pair bucket).
      for (const remote of ['10.60.0.1', '10.60.0.1']) {
        const results = await Promise.all(Array.from({ length: 30 }, () => svc.signIn({ protocol: 'imap', remote, login: 'emnt', password: TEST_PASSWORD })));
        expect(results.filter((r) => r.ok)).toHaveLength(30);
      }
      expect((await svc.lockouts()).filter((l) => l.subject.startsWith('emnt@'))).toEqual([]);
      expect(await t.app.audit.list(10, { action: 'security.lockout', target: 'emnt@kontum.gov.vn' })).toEqual([]);
    });

    it('never stops the right password from an address the account usually signs in from', async () => {
      expect((await svc.signIn({ protocol: 'imap', remote: '192.168.1.10', login: 'chilt', password: TEST_PASSWORD })).ok).toBe(true);
      // An attacker elsewhere locks the account …
      for (let i = 0; i < 30; i++) {
        now += 61_000; // past every delay
        await svc.signIn({ protocol: 'smtp', remote: '203.0.113.7', login: 'chilt', password: `Sai#${i}` });
      }
      expect(await svc.signIn({ protocol: 'imap', remote: '203.0.113.8', login: 'chilt', password: TEST_PASSWORD })).toMatchObject({ reason: 'throttled' });
      // … but at the office, a typo and then the right password still work.
      expect(await svc.signIn({ protocol: 'imap', remote: '192.168.1.10', login: 'chilt', password: 'typo' })).toMatchObject({ reason: 'invalid' });
      expect((await svc.signIn({ protocol: 'imap', remote: '192.168.1.10', login: 'chilt', password: TEST_PASSWORD })).ok).toBe(true);
      // An administrator lifts the lockout, audited with the reason.
      expect(await svc.lift('chilt', 'cli:root', 'Phiếu hỗ trợ 12/2026')).toBeGreaterThanOrEqual(1);
      expect((await svc.signIn({ protocol: 'imap', remote: '203.0.113.8', login: 'chilt', password: TEST_PASSWORD })).ok).toBe(true);
      const lift = (await t.app.audit.list(10, { action: 'security.lockout-lift' }))[0];
      expect(lift).toMatchObject({ target: 'chilt@kontum.gov.vn', reason: 'Phiếu hỗ trợ 12/2026', actor: 'cli:root' });
      // That sign-in came from an address never used before: audited.
      expect((await t.app.audit.list(10, { action: 'security.new-address' })).some((e) => e.target === 'chilt@kontum.gov.vn')).toBe(true);
    });

    it('a forced change refuses every door but the web, and a first password past its deadline locks', async () => {
      const { password } = { password: await t.app.accounts.resetPassword('dungpv@kontum.gov.vn', 'test', { reason: 'test' }) };
      const r: SignInResult = await svc.signIn({ protocol: 'imap', remote: '10.30.0.1', login: 'dungpv', password });
      expect(r).toMatchObject({ ok: false, reason: 'must-change' });
      expect((await svc.signIn({ protocol: 'http', remote: '10.30.0.1', login: 'dungpv', password, allowMustChange: true })).ok).toBe(true);
      now += 6 * HOUR + 60_000;
      // The deadline counts from when the password was set (real time in the row): move past it.
      const late = new SignInService(t.app.db.kysely, t.app.accounts, t.app.audit, null, pino({ level: 'silent' }), {
        limits: (svc as unknown as { opts: { limits: never } }).opts.limits,
        firstPasswordDeadlineMs: 6 * HOUR,
        noticeFrom: 'postmaster@kontum.gov.vn',
        now: () => Date.now() + 6 * HOUR + 60_000,
      });
      expect(await late.signIn({ protocol: 'http', remote: '10.30.0.1', login: 'dungpv', password, allowMustChange: true })).toMatchObject({ reason: 'expired' });
      expect(await late.signIn({ protocol: 'smtp', remote: '10.30.0.1', login: 'dungpv', password })).toMatchObject({ reason: 'expired' });
      await t.app.accounts.setPassword('dungpv@kontum.gov.vn', 'Moi#Matkhau2026', 'test');
      expect((await late.signIn({ protocol: 'smtp', remote: '10.30.0.1', login: 'dungpv', password: 'Moi#Matkhau2026' })).ok).toBe(true);
    });

    it('records sign-ins for the user and prunes them with the maintenance pass', async () => {
      const acct = (await t.app.accounts.byAddress('chilt@kontum.gov.vn'))!;
      const h = await svc.history(acct.id, 5);
      expect(h[0]).toMatchObject({ protocol: 'imap', address: '203.0.113.8', success: true, outcome: 'ok' });
      expect(h.some((x) => !x.success && x.outcome === 'invalid')).toBe(true);
      now += 25 * HOUR;
      const pruned = await svc.prune();
      expect(pruned.signIns).toBeGreaterThan(0);
      expect(await svc.history(acct.id, 5)).toEqual([]);
      // The maintenance pass of `serve` runs the same pruning.
      expect((await t.app.maintenance.runOnce()).signIns).toMatchObject({ signIns: expect.any(Number), known: expect.any(Number), buckets: expect.any(Number), sessionEnds: expect.any(Number) });
    });
  });
}
