// `thutin role` as an administrator runs it: the first sysadmin is granted from the shell,
// listed, revoked, and wrong roles or scopes are refused with a clear message.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const BIN = path.resolve(import.meta.dirname, '../../../bin/thutin.js');

function thutin(dir: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, '--data', dir, ...args], { timeout: 60000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin!.end(input ?? '');
  });
}

describe('thutin role', { timeout: 120000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-role-'));
    expect((await thutin(dir, ['init', '--domain', 'kontum.gov.vn'])).code).toBe(0);
    expect((await thutin(dir, ['account', 'add', 'admin@kontum.gov.vn', '--password-stdin'], 'Matkhau#2026\n')).code).toBe(0);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('grants the first sysadmin, lists it and revokes it', async () => {
    const g = await thutin(dir, ['role', 'grant', 'admin@kontum.gov.vn', 'sysadmin', '--reason', 'QĐ 15/QĐ-VP']);
    expect(g.code).toBe(0);
    expect(g.stdout).toContain('admin@kontum.gov.vn sysadmin');
    const list = JSON.parse((await thutin(dir, ['role', 'list', '--json'])).stdout);
    expect(list).toMatchObject([{ account: 'admin@kontum.gov.vn', role: 'sysadmin', unitCode: null }]);
    expect(list[0].grantedBy).toMatch(/^cli:/);
    expect((await thutin(dir, ['role', 'revoke', 'admin@kontum.gov.vn', 'sysadmin'])).code).toBe(0);
    expect((await thutin(dir, ['role', 'list'])).stdout).toContain('(0 phân quyền / role assignments)');
  });

  it('refuses an unknown role and a scope the role cannot have', async () => {
    const bad = await thutin(dir, ['role', 'grant', 'admin@kontum.gov.vn', 'king']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('invalid role: king');
    const scoped = await thutin(dir, ['role', 'grant', 'admin@kontum.gov.vn', 'agency-head']);
    expect(scoped.code).not.toBe(0);
    expect(scoped.stderr).toContain('Invalid role scope');
  });
});
