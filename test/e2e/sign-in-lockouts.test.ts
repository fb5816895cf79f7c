// An administrator sees and lifts sign-in lockouts — through the admin API (sysadmin lifts, an
// auditor may only look, a user neither) and through the real CLI (`thutin security lockouts`,
// `--lift … --reason …`, the reason required) — each lift audited with its reason.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { thutin as runCli } from '../helpers/cli.ts';
import { startAdminApi, type AdminApi } from '../helpers/admin-api.ts';
import { TEST_PASSWORD } from '../helpers/harness.ts';

/** The real CLI (test/helpers/cli.ts), its output and errors together. */
async function thutin(dir: string, args: string[]): Promise<{ code: number; out: string }> {
  const r = await runCli(dir, args);
  return { code: r.code, out: r.stdout + r.stderr };
}

describe('sign-in lockouts: seen and lifted by administrators', { timeout: 180_000 }, () => {
  let api: AdminApi;
  let admin: string;
  let auditor: string;
  let user: string;
  beforeAll(async () => {
    api = await startAdminApi({ config: { security: { signIn: { baseDelayMs: 0 } } } }); // no delays: ten quick failures lock
    const a = api.t.app;
    for (const u of ['quantri', 'kiemtoan', 'annv', 'binhtt', 'chilt']) await a.accounts.create(`${u}@kontum.gov.vn`, TEST_PASSWORD, 'test');
    await a.roles.grant('quantri@kontum.gov.vn', 'sysadmin', null, { actor: 'test' });
    await a.roles.grant('kiemtoan@kontum.gov.vn', 'auditor', null, { actor: 'test' });
    [admin, auditor, user] = await Promise.all([api.login('quantri'), api.login('kiemtoan'), api.login('annv')]);
    // Lock two accounts from an attacker's address (not their usual one).
    for (const login of ['binhtt', 'chilt']) {
      for (let i = 0; i < 10; i++) await a.signIn.signIn({ protocol: 'imap', remote: '198.51.100.9', login, password: `Sai#${i}` }).catch(() => null);
    }
  });
  afterAll(async () => api?.stop());

  it('lists lockouts for a sysadmin and an auditor, not for a user', async () => {
    const r = await api.call(admin, 'GET', '/api/v1/security/lockouts');
    expect(r.status).toBe(200);
    const subjects = (r.json.lockouts as Array<{ kind: string; subject: string }>).filter((l) => l.kind === 'account').map((l) => l.subject);
    expect(subjects).toEqual(expect.arrayContaining(['binhtt@kontum.gov.vn', 'chilt@kontum.gov.vn']));
    expect((await api.call(auditor, 'GET', '/api/v1/security/lockouts')).status).toBe(200);
    expect((await api.call(user, 'GET', '/api/v1/security/lockouts')).status).toBe(403);
    expect((await api.call(auditor, 'POST', '/api/v1/security/lockouts/lift', { target: 'binhtt', reason: 'x' })).status).toBe(403);
  });

  it('a sysadmin lifts a lockout through the API, with the reason required and audited', async () => {
    expect((await api.call(admin, 'POST', '/api/v1/security/lockouts/lift', { target: 'binhtt' })).status).toBe(400);
    const r = await api.call(admin, 'POST', '/api/v1/security/lockouts/lift', { target: 'binhtt', reason: 'Phiếu hỗ trợ 45/2026' });
    expect(r).toMatchObject({ status: 200, json: { cleared: 1 } });
    const s = await api.t.app.signIn.signIn({ protocol: 'imap', remote: '198.51.100.9', login: 'binhtt', password: TEST_PASSWORD });
    expect(s.ok).toBe(true);
    const entry = (await api.t.app.audit.list(5, { action: 'security.lockout-lift' }))[0];
    expect(entry).toMatchObject({ actor: 'api:quantri@kontum.gov.vn', target: 'binhtt@kontum.gov.vn', reason: 'Phiếu hỗ trợ 45/2026' });
  });

  it('`thutin doctor` prints the sign-in and connection limits in force', async () => {
    const r = await thutin(api.t.dataDir, ['doctor']);
    expect(r.out).toMatch(/^✓ limits: đăng nhập \/ sign-in: 10 lần sai mỗi tài khoản trong \/ failures per account in 15 min/m);
    expect(r.out).toMatch(/^✓ limits: IMAP: 5000 kết nối \/ connections, 100 mỗi địa chỉ \/ per address; trước đăng nhập \/ before login: literal 8 KB/m);
    expect(r.out).toMatch(/^✓ limits: SMTP: 50 /m);
  });

  it('`thutin security lockouts` lists them, and --lift needs --reason', async () => {
    const dir = api.t.dataDir;
    const list = await thutin(dir, ['security', 'lockouts']);
    expect(list.code, list.out).toBe(0);
    expect(list.out).toMatch(/chilt@kontum\.gov\.vn/);
    expect(list.out).toMatch(/198\.51\.100\.9|khoá đăng nhập/);
    const noReason = await thutin(dir, ['security', 'lockouts', '--lift', 'chilt']);
    expect(noReason.code).not.toBe(0);
    expect(noReason.out).toMatch(/--reason/);
    const lifted = await thutin(dir, ['security', 'lockouts', '--lift', 'chilt', '--reason', 'CV 9/2026']);
    expect(lifted.code, lifted.out).toBe(0);
    expect(lifted.out).toMatch(/Đã gỡ khoá \/ lifted: chilt/);
    expect((await thutin(dir, ['security', 'lockouts', '--json'])).out).not.toMatch(/chilt@/);
    const entry = (await api.t.app.audit.list(5, { action: 'security.lockout-lift' }))[0];
    expect(entry).toMatchObject({ target: 'chilt@kontum.gov.vn', reason: 'CV 9/2026' });
    expect(entry.actor).toMatch(/^cli:/);
  });
});
