// The directory and audit commands as an administrator runs them: units and people with --reason,
// search, CSV export (BOM) and a refused import (exit 1, each bad line named), audit verify
// (exit 0, then exit 1 once an entry is altered in the database).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

const BIN = path.resolve(import.meta.dirname, '../../../bin/thutin.js');

function thutin(dir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, '--data', dir, ...args], { timeout: 60000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin!.end();
  });
}

describe('thutin unit / person / directory / audit', { timeout: 180000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-dir-cli-'));
    expect((await thutin(dir, ['init', '--domain', 'kontum.gov.vn', '--hostname', 'mail.kontum.gov.vn'])).code).toBe(0);
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('adds units and people, hands the unit mailbox to the head, finds people without accents, refuses reserved names', async () => {
    const noReason = await thutin(dir, ['unit', 'add', 'SNV', '--name', 'Sở Nội vụ', '--kind', 'agency']);
    expect(noReason.code).not.toBe(0);
    expect(noReason.stderr).toContain('--reason');
    const u = await thutin(dir, ['unit', 'add', 'SNV', '--name', 'Sở Nội vụ', '--kind', 'agency', '--reason', 'QĐ 1/QĐ-UBND']);
    expect(u.code).toBe(0);
    expect(u.stdout).toContain('snv@kontum.gov.vn');
    const p = await thutin(dir, ['person', 'add', 'Đặng Văn Bình', '--unit', 'SNV', '--title', 'Giám đốc', '--reason', 'QĐ 2/QĐ-SNV']);
    expect(p.stdout).toContain('<binhdv@kontum.gov.vn>');
    expect(p.stdout).toMatch(/initial password \(change at first login\): \S{14}/);
    expect((await thutin(dir, ['unit', 'set-head', 'SNV', 'binhdv', '--reason', 'QĐ 3/QĐ-UBND'])).stdout).toContain('manage, read, send-as');
    const s = await thutin(dir, ['directory', 'search', 'dang binh', '--json']);
    expect(JSON.parse(s.stdout)).toMatchObject([{ kind: 'person', name: 'Đặng Văn Bình', email: 'binhdv@kontum.gov.vn', unitCode: 'SNV' }]);
    const refused = await thutin(dir, ['person', 'add', 'Lê Văn Tám', '--local-part', 'postmaster', '--reason', 'x']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Tên hộp thư này được dành riêng cho hệ thống / This mailbox name is reserved');
  });

  it('exports CSV with a BOM and refuses a bad import naming each bad line', async () => {
    const e = await thutin(dir, ['directory', 'export', '--kind', 'people']);
    expect(e.stdout.startsWith('\ufeffho_ten,chuc_vu,ma_don_vi,dien_thoai,dia_chi_thu,trang_thai')).toBe(true);
    const file = path.join(dir, 'people.csv');
    fs.writeFileSync(file, '\ufeffho_ten;ma_don_vi\nNguyễn Văn An;SNV\nTám;SNV\nLê Thị Ánh;NOPE\n');
    const r = await thutin(dir, ['directory', 'import', file, '--kind', 'people', '--dry-run', '--reason', 'CV 5/SNV']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('dòng / line 3:');
    expect(r.stdout).toContain('dòng / line 4:');
    expect(r.stdout).toContain('nothing changed');
  });

  it('audit verify: exit 0 on an intact log, exit 1 once an entry is altered', async () => {
    const ok = await thutin(dir, ['audit', 'verify']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('audit log intact');
    const list = await thutin(dir, ['audit', 'list', '--json']);
    const rows = JSON.parse(list.stdout);
    expect(rows.find((r: { action: string }) => r.action === 'unit.head')).toMatchObject({ reason: 'QĐ 3/QĐ-UBND' });
    const db = new Database(path.join(dir, 'thutin.sqlite'));
    db.prepare("UPDATE audit_log SET actor = 'someone-else' WHERE action = 'person.create'").run();
    db.close();
    const bad = await thutin(dir, ['audit', 'verify']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('the audit log has been tampered with');
  });
});
