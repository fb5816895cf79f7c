// `thutin sieve …` as an administrator runs it (bin/thutin.js in a child process) on a data
// directory: put (from --file and from stdin) checks the script before storing it (an invalid one
// is refused naming its line), list marks the active one, show prints the stored bytes, activate,
// deactivate and delete change it; every change needs --reason and is audited as made for the
// owner (sieve.put / sieve.activate / sieve.delete, actor cli:…, the owner's address as target).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../../../test/helpers/harness.ts';

const BIN = path.resolve(import.meta.dirname, '../../../bin/thutin.js');

function thutin(dir: string, args: string[], input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, '--data', dir, ...args], { timeout: 60000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin!.end(input);
  });
}

const VACATION = 'require ["vacation"];\nvacation :days 7 :subject "Đã nghỉ hưu" "Ông An đã nghỉ hưu; xin gửi thư tới vanphong@kontum.gov.vn.";\n';

describe('thutin sieve', { timeout: 180000 }, () => {
  let t: TestApp;
  let id = 0;

  beforeAll(async () => {
    t = await createTestApp();
    id = (await t.app.accounts.create('an@kontum.gov.vn', TEST_PASSWORD, 'test')).id;
  });
  afterAll(async () => t?.cleanup());

  it('puts, lists, shows, activates, deactivates and deletes, each change audited with its reason', async () => {
    const file = path.join(t.dataDir, 'vang-mat.sieve');
    fs.writeFileSync(file, VACATION);
    const noReason = await thutin(t.dataDir, ['sieve', 'put', 'an@kontum.gov.vn', 'nghỉ hưu', '--file', file]);
    expect(noReason.code).not.toBe(0);
    expect(noReason.stderr).toContain('--reason');
    const put = await thutin(t.dataDir, ['sieve', 'put', 'an@kontum.gov.vn', 'nghỉ hưu', '--file', file, '--reason', 'QĐ 12/2026 nghỉ hưu']);
    expect(put.code, put.stderr).toBe(0);
    expect(put.stdout).toContain('Đã lưu kịch bản / script stored: nghỉ hưu (an@kontum.gov.vn)');
    const stdin = await thutin(t.dataDir, ['sieve', 'put', 'an@kontum.gov.vn', 'giữ', '--reason', 'QĐ 12/2026'], 'keep;\n');
    expect(stdin.code, stdin.stderr).toBe(0);
    const bad = await thutin(t.dataDir, ['sieve', 'put', 'an@kontum.gov.vn', 'hỏng', '--reason', 'QĐ 12/2026'], 'keep;\nfrob;\n');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/line 2: /);

    expect((await thutin(t.dataDir, ['sieve', 'activate', 'an@kontum.gov.vn', 'nghỉ hưu', '--reason', 'QĐ 12/2026 nghỉ hưu'])).code).toBe(0);
    expect((await t.app.sieveScripts.active(id))?.name).toBe('nghỉ hưu');
    const list = await thutin(t.dataDir, ['sieve', 'list', 'an@kontum.gov.vn']);
    expect(list.stdout).toMatch(/^\* nghỉ hưu\t\d+ byte\t/m);
    expect(list.stdout).toMatch(/^ {2}giữ\t6 byte\t/m);
    expect(JSON.parse((await thutin(t.dataDir, ['sieve', 'list', 'an@kontum.gov.vn', '--json'])).stdout)).toMatchObject([
      { name: 'giữ', active: false },
      { name: 'nghỉ hưu', active: true },
    ]);
    expect((await thutin(t.dataDir, ['sieve', 'show', 'an@kontum.gov.vn', 'nghỉ hưu'])).stdout).toBe(VACATION);

    const activeDelete = await thutin(t.dataDir, ['sieve', 'delete', 'an@kontum.gov.vn', 'nghỉ hưu', '--reason', 'x']);
    expect(activeDelete.code).not.toBe(0);
    expect((await thutin(t.dataDir, ['sieve', 'deactivate', 'an@kontum.gov.vn', '--reason', 'QĐ 13/2026'])).code).toBe(0);
    expect(await t.app.sieveScripts.active(id)).toBeNull();
    expect((await thutin(t.dataDir, ['sieve', 'delete', 'an@kontum.gov.vn', 'giữ', '--reason', 'QĐ 13/2026'])).code).toBe(0);
    expect((await t.app.sieveScripts.list(id)).map((s) => s.name)).toEqual(['nghỉ hưu']);

    const audit = (await t.app.audit.list(100)).filter((e) => e.action.startsWith('sieve.')).reverse();
    expect(audit.map((e) => [e.action, e.target, e.reason])).toEqual([
      ['sieve.put', 'an@kontum.gov.vn', 'QĐ 12/2026 nghỉ hưu'],
      ['sieve.put', 'an@kontum.gov.vn', 'QĐ 12/2026'],
      ['sieve.activate', 'an@kontum.gov.vn', 'QĐ 12/2026 nghỉ hưu'],
      ['sieve.activate', 'an@kontum.gov.vn', 'QĐ 13/2026'],
      ['sieve.delete', 'an@kontum.gov.vn', 'QĐ 13/2026'],
    ]);
    for (const e of audit) expect(e.actor).toMatch(/^cli:/);
    expect((await t.app.audit.verify()).ok).toBe(true);
  });

  it('names an unknown account', async () => {
    const r = await thutin(t.dataDir, ['sieve', 'list', 'khong-co@kontum.gov.vn']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('khong-co@kontum.gov.vn');
  });
});
