// `thutin delegate` and `thutin list` as an administrator runs them: a unit mailbox delegated
// with rights, listed and revoked; a static list created, filled, shown and deleted; bad rights
// and kinds refused with a clear message (the allowed ones listed); every change needs --reason and
// is audited with the CLI actor and reason.
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

describe('thutin delegate and thutin list', { timeout: 300000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-deleg-'));
    expect((await thutin(dir, ['init', '--domain', 'kontum.gov.vn'])).code).toBe(0);
    for (const a of ['stttt@kontum.gov.vn', 'vanthu@kontum.gov.vn']) {
      expect((await thutin(dir, ['account', 'add', a, '--password-stdin'], 'Matkhau#2026\n')).code).toBe(0);
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('grants, lists and revokes a delegation; refuses unknown rights', async () => {
    const g = await thutin(dir, ['delegate', 'grant', 'stttt@kontum.gov.vn', 'vanthu@kontum.gov.vn', '--rights', 'send-on-behalf,read', '--reason', 'QĐ 15/QĐ-STTTT']);
    expect(g.code, g.stderr).toBe(0);
    expect(g.stdout).toContain('vanthu@kontum.gov.vn → stttt@kontum.gov.vn: read, send-on-behalf');
    const list = JSON.parse((await thutin(dir, ['delegate', 'list', 'stttt@kontum.gov.vn', '--json'])).stdout);
    expect(list).toMatchObject([{ grantee: 'vanthu@kontum.gov.vn', rights: ['read', 'send-on-behalf'] }]);
    const bad = await thutin(dir, ['delegate', 'grant', 'stttt@kontum.gov.vn', 'vanthu@kontum.gov.vn', '--rights', 'read,admin', '--reason', 'QĐ 15/QĐ-STTTT']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('Invalid right');
    expect((await thutin(dir, ['delegate', 'revoke', 'stttt@kontum.gov.vn', 'vanthu@kontum.gov.vn', '--reason', 'QĐ 16/QĐ-STTTT'])).code).toBe(0);
    expect((await thutin(dir, ['delegate', 'list', 'stttt@kontum.gov.vn'])).stdout).toContain('(0 người được uỷ quyền / delegates)');
    const audit = JSON.parse((await thutin(dir, ['audit', 'list', '--action', 'delegation.', '--json'])).stdout) as Array<{ action: string; actor: string; reason: string }>;
    expect(audit.map((e) => e.action)).toEqual(['delegation.revoke', 'delegation.grant']);
    expect(audit[0]).toMatchObject({ reason: 'QĐ 16/QĐ-STTTT' });
    expect(audit[0].actor).toMatch(/^cli:/);
  });

  it('creates, fills, shows and deletes a static list; refuses a bad kind and an address taken by a mailbox', async () => {
    const c = await thutin(dir, ['list', 'create', 'ban-bien-tap@kontum.gov.vn', '--name', 'Ban biên tập', '--senders', 'members', '--reason', 'QĐ 20/QĐ-UBND']);
    expect(c.code, c.stderr).toBe(0);
    expect((await thutin(dir, ['list', 'add', 'ban-bien-tap@kontum.gov.vn', 'vanthu@kontum.gov.vn', '--reason', 'QĐ 21/QĐ-UBND'])).code).toBe(0);
    expect((await thutin(dir, ['list', 'add', 'ban-bien-tap@kontum.gov.vn', 'phongvien@baokontum.com.vn', '--reason', 'QĐ 21/QĐ-UBND'])).code).toBe(0);
    const show = await thutin(dir, ['list', 'show', 'ban-bien-tap@kontum.gov.vn']);
    expect(show.stdout).toContain('Ban biên tập');
    expect(show.stdout).toContain('  phongvien@baokontum.com.vn\n  vanthu@kontum.gov.vn\n(2 thành viên / members)');
    expect((await thutin(dir, ['list', 'remove', 'ban-bien-tap@kontum.gov.vn', 'phongvien@baokontum.com.vn', '--reason', 'QĐ 22/QĐ-UBND'])).code).toBe(0);
    expect(JSON.parse((await thutin(dir, ['list', 'show', 'ban-bien-tap@kontum.gov.vn', '--json'])).stdout)).toMatchObject({ kind: 'static', senders: 'members', members: ['vanthu@kontum.gov.vn'] });
    const badKind = await thutin(dir, ['list', 'create', 'x@kontum.gov.vn', '--name', 'X', '--kind', 'everyone', '--reason', 'QĐ 23/QĐ-UBND']);
    expect(badKind.code).not.toBe(0);
    expect(badKind.stderr).toContain('everyone');
    expect(badKind.stderr).toContain('static, unit-members, unit-heads');
    const taken = await thutin(dir, ['list', 'create', 'stttt@kontum.gov.vn', '--name', 'Trùng', '--reason', 'QĐ 24/QĐ-UBND']);
    expect(taken.code).not.toBe(0);
    expect(taken.stderr).toContain('Address already in use');
    expect((await thutin(dir, ['list', 'delete', 'ban-bien-tap@kontum.gov.vn', '--reason', 'QĐ 25/QĐ-UBND'])).code).toBe(0);
    expect((await thutin(dir, ['list', 'all'])).stdout).toContain('(0 danh sách / lists)');
  });
});
