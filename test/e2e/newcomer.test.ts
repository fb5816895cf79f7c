// A newcomer's first hour (issue 15), with the README's commands on a data directory that has no
// configuration: `thutin serve` (npm start) writes the configuration (host mail.<domain>), the
// certificate and the DKIM key and prints the next steps; the first administrator is made with the
// very commands printed (run by a shell in the project directory); `thutin doctor` exits 0 against
// the running server; and the admin API's weak-password refusal holds one language per field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';
import { loopbackEnv, REPO, serve, type Serving } from '../helpers/cli.ts';

function sh(command: string, env: Record<string, string>, input: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile('/bin/sh', ['-c', command], { cwd: REPO, env: { ...process.env, ...env }, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(input);
  });
}

describe('a newcomer starts thutin for the first time', { timeout: 240_000 }, () => {
  let root: string;
  let dir: string;
  let dns: TestDnsServer;
  let server: Serving;
  let env: Record<string, string>;

  beforeAll(async () => {
    dns = await startDnsServer({ 'kontum.gov.vn': { MX: [{ exchange: 'mail.kontum.gov.vn', priority: 10 }] } });
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-newcomer-'));
    dir = path.join(root, 'data'); // does not exist yet: the first start makes it
    env = loopbackEnv({ THUTIN_DNS_SERVERS: dns.address });
  });
  afterAll(async () => {
    await server?.stop();
    await dns.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('serve writes the configuration, certificate and DKIM key, and prints the next steps', async () => {
    server = serve(dir, env);
    const { stdout } = await server.ready;
    const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'thutin.json'), 'utf8'));
    expect(cfg.hostname).toBe('mail.kontum.gov.vn');
    expect(cfg.domains.primary).toBe('kontum.gov.vn');
    expect(fs.existsSync(path.join(dir, 'tls', 'cert.pem'))).toBe(true);
    expect(fs.readdirSync(path.join(dir, 'dkim')).some((f) => f.startsWith('kontum.gov.vn.'))).toBe(true);
    expect(stdout).toContain('Lần chạy đầu tiên');
    expect(stdout).toContain('first start');
    expect(stdout).toContain('Chưa có tài khoản nào / there are no accounts yet.');
    // The ready lines are whole plain-text lines, apart from the JSON log.
    expect(stdout).toMatch(/^thutin: sẵn sàng \/ ready — miền \/ domain kontum\.gov\.vn, máy chủ \/ host mail\.kontum\.gov\.vn/m);
  });

  it('the printed commands create the first administrator', async () => {
    const { stdout } = await server.ready;
    const commands = [...stdout.matchAll(/^ {2}(npx thutin .*)$/gm)].map((m) => m[1]);
    expect(commands).toHaveLength(2);
    expect(commands[0]).toBe(`npx thutin --data ${dir} account add quantri@kontum.gov.vn`);
    expect(commands[1]).toMatch(/ role grant quantri@kontum\.gov\.vn sysadmin --reason '/);
    const add = await sh(commands[0], env, 'Matkhau#2026\n');
    expect(add.stderr).toBe('');
    expect(add.stdout).toContain('Đã tạo hộp thư / created: quantri@kontum.gov.vn');
    const grant = await sh(commands[1], env, '');
    expect(grant.code).toBe(0);
    const roles = await sh(`npx thutin --data ${dir} role list --json`, env, '');
    expect(JSON.parse(roles.stdout)).toMatchObject([{ role: 'sysadmin' }]);
  });

  it('doctor exits 0 against the running server, naming it on every listener', async () => {
    const r = await sh(`npx thutin --data ${dir} doctor`, env, '');
    expect(r.stdout).not.toContain('✗');
    expect(r.code).toBe(0);
    for (const key of ['smtp.inboundPort', 'smtp.submissionTlsPort', 'imap.port', 'imap.tlsPort', 'http.port', 'ldap.port', 'ldap.tlsPort', 'sieve.port']) {
      expect(r.stdout).toMatch(new RegExp(`^✓ ${key.replace('.', '\\.')} \\d+ .*: thutin \\(pid ${server.proc.pid}\\) đang phục vụ / serving`, 'm'));
    }
    expect(r.stdout).toMatch(/^✓ imap\.tlsPort .*\(TLS, \* OK /m);
    // What each TLS listener offers (implicit TLS and STARTTLS): TLS 1.2 with ECDHE + AEAD and TLS 1.3, nothing weak.
    for (const key of ['smtp.inboundPort', 'smtp.submissionTlsPort', 'imap.port', 'imap.tlsPort', 'ldap.port', 'ldap.tlsPort', 'http.tlsPort', 'sieve.port']) {
      expect(r.stdout).toMatch(new RegExp(`^✓ tls ${key.replace('.', '\\.')} \\d+: TLSv1\\.2 TLSv1\\.3: .*ECDHE-`, 'm'));
    }
    expect(r.stdout).not.toMatch(/YẾU \/ WEAK|CŨ \/ OLD/);
  });

  it('the admin API refuses a weak password with message in Vietnamese and messageEn in English', async () => {
    const { ports } = await server.ready;
    const base = `http://127.0.0.1:${ports.http}/api/v1`;
    const login = await fetch(`${base}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'quantri@kontum.gov.vn', password: 'Matkhau#2026' }),
    });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const r = await fetch(`${base}/me/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ currentPassword: 'Matkhau#2026', newPassword: 'abc' }),
    });
    const body = (await r.json()) as { code: string; message: string; messageEn: string };
    expect(body.code).toBe('PASSWORD_WEAK');
    expect(body.message).toBe('Mật khẩu phải có ít nhất 8 ký tự và 3 trong 4 loại: chữ thường, chữ hoa, chữ số, ký tự đặc biệt');
    expect(body.messageEn).toBe('Password needs at least 8 characters and 3 of 4 classes: lower case, upper case, digits, symbols');
  });
});
