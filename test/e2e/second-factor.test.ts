// The second factor and app passwords through real clients, on each store backend (issue 9):
// TOTP enrolment and sign-in through the HTTP API with codes computed by otpauth (no browser); a
// missing code answers 401 SECOND_FACTOR_REQUIRED, a wrong one is a failure in the one throttle
// (recorded, then 429); a code is never accepted twice; recovery codes open once; an administrator
// without the second factor may only enrol. App passwords work in mbsync (IMAP) and swaks (SMTP
// AUTH) while the account password is refused there once 2FA is on, and never open the API sign-in.
// POST /me/sessions/end closes an open imapflow session and the caller's own token.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import * as OTPAuth from 'otpauth';
import { backends } from '../helpers/harness.ts';
import { startTestServers, imapClient, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { tlsPaths } from '../../src/config/tls.ts';
import { missingTool } from '../helpers/tools.ts';
import { RawImap } from '../helpers/raw-imap.ts';
import { eventually } from '../../src/smtp/testing/clients.ts';

const run = promisify(execFile);

interface Res {
  status: number;
  body: Record<string, unknown>;
}

describe.each(backends())('second factor and app passwords (%s)', (backend) => {
  let r: Running;
  beforeAll(async () => {
    r = await startTestServers({
      backend,
      // Two free failures, then a long delay: the third wrong attempt in a row is refused unchecked.
      config: { security: { requireSecondFactorForAdmins: true, signIn: { freeFailures: 2, baseDelayMs: 600_000, maxDelayMs: 600_000 } } },
    });
  });
  afterAll(async () => r?.stop());

  async function api(method: string, url: string, body?: unknown, token?: string): Promise<Res> {
    const res = await fetch(`http://127.0.0.1:${r.servers.ports.http}/api/v1${url}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  async function login(username: string, password: string, code?: string): Promise<Res> {
    return api('POST', '/auth/login', { username, password, ...(code ? { code } : {}) });
  }

  /** Enrol and confirm through the API: the TOTP (as an authenticator app would hold it) and the recovery codes. */
  async function enrol(token: string): Promise<{ totp: OTPAuth.TOTP; recovery: string[] }> {
    const e = await api('POST', '/me/2fa/enrol', {}, token);
    expect(e.status).toBe(200);
    expect(String(e.body.uri)).toMatch(/^otpauth:\/\/totp\//);
    const totp = OTPAuth.URI.parse(String(e.body.uri)) as OTPAuth.TOTP;
    expect(totp.secret.base32).toBe(e.body.secret);
    const wrong = await api('POST', '/me/2fa/confirm', { code: '000000' === totp.generate() ? '111111' : '000000' }, token);
    expect(wrong.body.code).toBe('SECOND_FACTOR_INVALID');
    const c = await api('POST', '/me/2fa/confirm', { code: totp.generate() }, token);
    expect(c.status).toBe(200);
    const recovery = c.body.recoveryCodes as string[];
    expect(recovery).toHaveLength(10);
    expect(new Set(recovery).size).toBe(10);
    return { totp, recovery };
  }

  it('enrols an administrator through the API, then asks for a code at every sign-in, throttled', async () => {
    const admin = await r.user('quantri');
    await r.app.roles.grant(admin, 'sysadmin', null, { actor: 'test', reason: 'QĐ 9/2026' });
    const first = await login(admin, TEST_PASSWORD);
    expect(first.status).toBe(200);
    const token = String(first.body.token);
    // Without the second factor an administrator may only look after their own account.
    const refused = await api('GET', '/audit', undefined, token);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('SECOND_FACTOR_ENROLMENT_REQUIRED');
    expect((await api('GET', '/me', undefined, token)).status).toBe(200);

    const { totp, recovery } = await enrol(token);
    expect((await api('GET', '/audit', undefined, token)).status).toBe(200);
    expect((await api('GET', '/me/2fa', undefined, token)).body).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
    // The secret is never in the database in clear.
    const audit = await r.app.audit.list(5, { action: 'account.second-factor-on', target: admin });
    expect(audit).toHaveLength(1);

    // The password alone opens nothing: 401 with a stable code, in Vietnamese and English.
    const noCode = await login(admin, TEST_PASSWORD);
    expect(noCode.status).toBe(401);
    expect(noCode.body.code).toBe('SECOND_FACTOR_REQUIRED');
    expect(noCode.body.message).toMatch(/xác thực hai lớp/);
    expect(noCode.body.messageEn).toMatch(/second-factor/);

    // The confirming code's step was used: the next step's code opens (one step of drift allowed).
    const next = totp.generate({ timestamp: Date.now() + 30_000 });
    const ok = await login(admin, TEST_PASSWORD, next);
    expect(ok.status).toBe(200);
    // Never twice.
    expect((await login(admin, TEST_PASSWORD, next)).body.code).toBe('SECOND_FACTOR_INVALID');
    // A recovery code opens once.
    expect((await login(admin, TEST_PASSWORD, recovery[0].toUpperCase())).status).toBe(200);
    expect((await api('GET', '/me/2fa', undefined, token)).body).toMatchObject({ recoveryCodesLeft: 9 });
    // A used recovery code is a failure; two in a row, and the third attempt is not even checked.
    expect((await login(admin, TEST_PASSWORD, recovery[0])).body.code).toBe('SECOND_FACTOR_INVALID');
    const near = [-30_000, 0, 30_000].map((d) => totp.generate({ timestamp: Date.now() + d }));
    const wrong = ['123456', '654321', '111111', '222222'].find((c) => !near.includes(c))!;
    expect((await login(admin, TEST_PASSWORD, wrong)).body.code).toBe('SECOND_FACTOR_INVALID');
    const third = await login(admin, TEST_PASSWORD, totp.generate({ timestamp: Date.now() + 30_000 }));
    expect(third.status).toBe(429);
    expect(third.body.code).toBe('TOO_MANY_ATTEMPTS');
    const history = (await api('GET', '/me/sign-ins', undefined, String(ok.body.token))).body.signIns as Array<{ outcome: string; success: boolean }>;
    expect(history.filter((h) => h.outcome === 'second-factor-invalid')).toHaveLength(3);
    expect(history.some((h) => h.outcome === 'second-factor-required' && !h.success)).toBe(true);
    await r.app.signIn.lift(admin, 'test', 'test');

    // Turning it off needs the password and a code.
    const off = await api('POST', '/me/2fa/disable', { password: TEST_PASSWORD, code: recovery[1] }, String(ok.body.token));
    expect(off.status).toBe(204);
    expect((await login(admin, TEST_PASSWORD)).status).toBe(200);
  });

  describe('app passwords', () => {
    let binh: string;
    let token: string;
    let appPassword: string;
    let imapEnded = false;
    beforeAll(async () => {
      binh = await r.user('binhlt');
      token = String((await login(binh, TEST_PASSWORD)).body.token);
      const a = await api('POST', '/me/app-passwords', { name: 'Thunderbird máy cơ quan' }, token);
      expect(a.status).toBe(201);
      appPassword = String(a.body.password);
      expect(appPassword).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){4}$/);
      // A mail client signed in with the account password before the second factor is turned on.
      const imap = imapClient(r, binh);
      imap.on('close', () => (imapEnded = true));
      imap.on('error', () => {});
      await imap.connect();
      await imap.mailboxOpen('INBOX');
      const { totp } = await enrol(token);
      // The session that turned it on goes on.
      expect((await api('GET', '/me', undefined, token)).status).toBe(200);
      token = String((await login(binh, TEST_PASSWORD, totp.generate({ timestamp: Date.now() + 30_000 }))).body.token);
    });

    it('turning the second factor on ended the mail session opened with the account password', async () => {
      await eventually(() => imapEnded, 5000, 'imapflow closed');
    });

    it('is listed without the password, and never opens the API sign-in', async () => {
      const list = (await api('GET', '/me/app-passwords', undefined, token)).body.appPasswords as Array<Record<string, unknown>>;
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ name: 'Thunderbird máy cơ quan' });
      expect(JSON.stringify(list)).not.toContain(appPassword);
      const res = await login(binh, appPassword);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('LOGIN_FAILED');
      await r.app.signIn.lift(binh, 'test', 'test');
    });

    it('refuses the account password over IMAP with an alert naming app passwords', async () => {
      const c = await RawImap.connect(r.servers.ports.imaps);
      const out = await c.cmd('a1', `LOGIN ${binh} "${TEST_PASSWORD}"`);
      c.close();
      expect(out).toMatch(/a1 NO \[ALERT\].*mật khẩu ứng dụng.*app password/);
      await r.app.signIn.lift(binh, 'test', 'test');
    });

    it.skipIf(missingTool('mbsync', 'app passwords (mbsync)'))('works in mbsync, where the account password is refused', async () => {
      const dir = path.join(r.dataDir, 'maildir-binh');
      fs.mkdirSync(dir);
      const rc = (pass: string) => {
        const f = path.join(r.dataDir, 'mbsyncrc-binh');
        fs.writeFileSync(
          f,
          [
            'IMAPAccount thutin',
            'Host 127.0.0.1',
            `Port ${r.servers.ports.imaps}`,
            `User ${binh}`,
            `Pass "${pass}"`,
            'SSLType IMAPS',
            `CertificateFile ${tlsPaths(r.app.config).cert}`,
            '',
            'IMAPStore remote',
            'Account thutin',
            '',
            'MaildirStore local',
            `Path ${dir}/`,
            `Inbox ${dir}/INBOX`,
            '',
            'Channel all',
            'Far :remote:',
            'Near :local:',
            'Patterns INBOX',
            'Create Both',
            'SyncState *',
            'Sync All',
            '',
          ].join('\n'),
        );
        return f;
      };
      await expect(run('mbsync', ['-c', rc(TEST_PASSWORD), '-a'], { timeout: 30000 })).rejects.toThrow();
      await r.app.signIn.lift(binh, 'test', 'test');
      await run('mbsync', ['-c', rc(appPassword), '-a'], { timeout: 30000 });
      expect(fs.existsSync(path.join(dir, 'INBOX', 'cur'))).toBe(true);
      const list = (await api('GET', '/me/app-passwords', undefined, token)).body.appPasswords as Array<{ lastUsedAt: number | null }>;
      expect(list[0].lastUsedAt).not.toBeNull();
    });

    it.skipIf(missingTool('swaks', 'app passwords (swaks)') || missingTool('Net::SSLeay', 'app passwords (swaks)'))('works in swaks (SMTP AUTH), where the account password is refused', async () => {
      const swaks = (pass: string) =>
        run(
          'swaks',
          [
            '--server',
            `127.0.0.1:${r.servers.ports.submission}`,
            '--tls',
            '--auth',
            'PLAIN',
            '--auth-user',
            binh,
            '--auth-password',
            pass,
            '--from',
            binh,
            '--to',
            binh,
            '--header',
            'Subject: mat khau ung dung',
          ],
          { timeout: 30000 },
        );
      const refused = await swaks(TEST_PASSWORD).then(
        () => '',
        (e: { stdout?: string }) => e.stdout ?? 'failed',
      );
      expect(refused).toMatch(/535 5\.7\.8 .*mật khẩu ứng dụng/);
      await r.app.signIn.lift(binh, 'test', 'test');
      const sent = await swaks(appPassword);
      expect(sent.stdout).toMatch(/<~\s+250 /);
    });

    it('revoked, stops working at once', async () => {
      const list = (await api('GET', '/me/app-passwords', undefined, token)).body.appPasswords as Array<{ id: number }>;
      const second = await api('POST', '/me/app-passwords', { name: 'điện thoại' }, token);
      expect((await api('DELETE', `/me/app-passwords/${list[0].id}`, undefined, token)).status).toBe(204);
      expect((await api('GET', '/me/app-passwords', undefined, token)).body.appPasswords).toHaveLength(1);
      const c = await RawImap.connect(r.servers.ports.imaps);
      expect(await c.cmd('a1', `LOGIN ${binh} "${appPassword}"`)).toMatch(/a1 NO/);
      expect(await c.cmd('a2', `LOGIN ${binh} "${String(second.body.password)}"`)).toMatch(/a2 OK/);
      c.close();
      const audit = await r.app.audit.list(10, { action: 'account.app-password-revoke', target: binh });
      expect(audit).toHaveLength(1);
    });
  });

  it('ends every session of the caller: an open imapflow session and the caller’s own token', async () => {
    const chi = await r.user('chitv');
    const t1 = String((await login(chi, TEST_PASSWORD)).body.token);
    const t2 = String((await login(chi, TEST_PASSWORD)).body.token);
    const imap = imapClient(r, chi);
    let closed = false;
    imap.on('close', () => (closed = true));
    imap.on('error', () => {});
    await imap.connect();
    await imap.mailboxOpen('INBOX');
    expect((await api('POST', '/me/sessions/end', {}, t1)).status).toBe(204);
    await eventually(() => closed, 5000, 'imapflow closed');
    expect((await api('GET', '/me', undefined, t1)).status).toBe(401);
    expect((await api('GET', '/me', undefined, t2)).status).toBe(401);
    const audit = await r.app.audit.list(5, { action: 'account.sessions-end', target: chi });
    expect(audit).toHaveLength(1);
    // Signing in again works.
    expect((await login(chi, TEST_PASSWORD)).status).toBe(200);
  });
});
