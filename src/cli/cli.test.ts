// The `thutin` command as an administrator runs it (through bin/thutin.js, like `npx thutin`):
// init makes config and TLS, account add/passwd/list manage mailboxes, doctor checks, queue list.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const exec = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../../bin/thutin.js');

async function thutin(dir: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, '--data', dir, ...args], { timeout: 60000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin!.end(input);
    else child.stdin!.end();
  });
}

describe('thutin CLI', { timeout: 120000 }, () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-cli-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('init writes the configuration and a self-signed certificate naming localhost', async () => {
    const r = await thutin(dir, ['init', '--domain', 'KonTum.gov.vn', '--hostname', 'mail.kontum.gov.vn']);
    expect(r.code).toBe(0);
    const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'thutin.json'), 'utf8'));
    expect(cfg.domains.primary).toBe('kontum.gov.vn');
    const { stdout } = await exec('openssl', ['x509', '-in', path.join(dir, 'tls', 'cert.pem'), '-noout', '-ext', 'subjectAltName']);
    expect(stdout).toContain('DNS:localhost');
    expect(stdout).toContain('DNS:mail.kontum.gov.vn');
  });

  it('adds accounts from stdin, lists them, changes passwords, and refuses bad input clearly', async () => {
    expect((await thutin(dir, ['account', 'add', 'annv@kontum.gov.vn', '--password-stdin'], 'Matkhau#2026\n')).code).toBe(0);
    const dup = await thutin(dir, ['account', 'add', 'annv@kontum.gov.vn', '--password-stdin'], 'Matkhau#2026\n');
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toContain('Địa chỉ đã tồn tại / Address already exists');
    const weak = await thutin(dir, ['account', 'add', 'binh@kontum.gov.vn', '--password-stdin'], 'abc\n');
    expect(weak.stderr).toContain('Mật khẩu phải có ít nhất 8 ký tự');
    const foreign = await thutin(dir, ['account', 'add', 'x@gmail.com', '--password-stdin'], 'Matkhau#2026\n');
    expect(foreign.stderr).toContain('Domain is not served here');
    expect((await thutin(dir, ['account', 'passwd', 'annv@kontum.gov.vn', '--password-stdin'], 'Moi#Matkhau27\n')).code).toBe(0);
    const list = await thutin(dir, ['account', 'list', '--json']);
    const accounts = JSON.parse(list.stdout);
    expect(accounts.map((a: { username: string }) => a.username)).toEqual(['annv@kontum.gov.vn']);
  });

  it('doctor reports the store and TLS as healthy, and queue list answers', async () => {
    const r = await thutin(dir, ['doctor']);
    expect(r.stdout).toMatch(/✓ tls:/);
    expect(r.stdout).toMatch(/✓ store: sqlite, cơ sở dữ liệu trả lời \/ database answers/);
    expect(r.stdout).toMatch(/✓ config: kontum\.gov\.vn/);
    const q = await thutin(dir, ['queue', 'list']);
    expect(q.code).toBe(0);
    expect(q.stdout).toContain('(0 thư trong hàng đợi / queued messages)');
  });

  it('says what is wrong with an invalid configuration', async () => {
    fs.writeFileSync(path.join(dir, 'thutin.json'), JSON.stringify({ imap: { port: 'abc' } }));
    const r = await thutin(dir, ['doctor']);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('imap.port');
  });
});
