// `thutin report capacity` and `thutin request letter` as the Provincial Office runs them on the
// server (the real `thutin` command): the capacity report on the terminal, as CSV (UTF-8 with BOM)
// and as a PDF poppler reads in Vietnamese; the credential letter of an executed password reset
// written to a PDF only its owner may read, with the person's name and a code.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { thutin } from '../../../test/helpers/cli.ts';
import { missingTool } from '../../../test/helpers/tools.ts';

describe.skipIf(missingTool('pdftotext', 'thutin report capacity'))('thutin report capacity, thutin request letter', { timeout: 180_000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-report-'));
    expect((await thutin(dir, ['init', '--domain', 'kontum.gov.vn'])).code).toBe(0);
    expect((await thutin(dir, ['unit', 'add', 'UBND', '--name', 'Ủy ban nhân dân tỉnh', '--kind', 'province', '--no-mailbox', '--reason', 'QĐ 1'])).code).toBe(0);
    expect((await thutin(dir, ['unit', 'add', 'STC', '--name', 'Sở Tài chính', '--kind', 'agency', '--parent', 'UBND', '--reason', 'QĐ 1'])).code).toBe(0);
    expect((await thutin(dir, ['person', 'add', 'Lương Thị Ngân', '--unit', 'STC', '--reason', 'QĐ 2'])).code).toBe(0);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the capacity report to the terminal, a CSV and a PDF', async () => {
    const text = await thutin(dir, ['report', 'capacity']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('STC Sở Tài chính');
    expect(text.stdout).toContain('TỔNG');
    const csv = path.join(dir, 'r.csv');
    const pdf = path.join(dir, 'r.pdf');
    expect((await thutin(dir, ['report', 'capacity', '--csv', csv, '--pdf', pdf])).code).toBe(0);
    const rows = fs.readFileSync(csv, 'utf8').split('\r\n');
    expect(rows[0].startsWith('\ufeffco_quan,ten_co_quan,so_hop_thu')).toBe(true);
    expect(rows.find((r) => r.startsWith('STC,'))).toMatch(/^STC,Sở Tài chính,2,/); // the person's mailbox and the agency's own
    const read = execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' }).normalize('NFC');
    expect(read).toContain('BÁO CÁO DUNG LƯỢNG VÀ DỰ KIẾN NĂM TỚI');
    expect(read).toContain('Sở Tài chính (STC)');
  });

  it('writes the credential letter of an executed password reset, readable by its owner only', async () => {
    const filed = await thutin(dir, ['request', 'create', 'password-reset', '--person', 'nganlt@kontum.gov.vn', '--json']);
    expect(filed.code, filed.stderr).toBe(0);
    const id = String(JSON.parse(filed.stdout).id);
    for (const step of [['submit'], ['approve'], ['execute']]) expect((await thutin(dir, ['request', ...step, id])).code).toBe(0);
    const out = path.join(dir, 'thu.pdf');
    const r = await thutin(dir, ['request', 'letter', id, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    const read = execFileSync('pdftotext', ['-enc', 'UTF-8', out, '-'], { encoding: 'utf8' }).normalize('NFC');
    expect(read).toContain('THƯ CẤP LẠI MẬT KHẨU');
    expect(read).toContain('Lương Thị Ngân');
    expect(read).toMatch(/One-time code\s+\S{4} \S{4}/);
  });
});
