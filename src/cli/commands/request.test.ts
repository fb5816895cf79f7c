// `thutin request` as the Provincial Office runs it on the server: a unit is created through a
// request (filed with its decision, submitted, approved, executed with a progress line, shown with
// its events and the change it made), a missing document and a batch with a bad row are refused with
// Vietnamese messages naming the row, and the list shows what is pending.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { thutin } from '../../../test/helpers/cli.ts';

describe('thutin request', { timeout: 180_000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-request-'));
    expect((await thutin(dir, ['init', '--domain', 'kontum.gov.vn'])).code).toBe(0);
    expect((await thutin(dir, ['unit', 'add', 'UBND', '--name', 'Ủy ban nhân dân tỉnh', '--kind', 'province', '--no-mailbox', '--reason', 'QĐ 1'])).code).toBe(0);
    expect((await thutin(dir, ['unit', 'add', 'SNV', '--name', 'Sở Nội vụ', '--kind', 'agency', '--parent', 'UBND', '--reason', 'QĐ 1'])).code).toBe(0);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates a unit through a request: filed, refused without its document, submitted, approved, executed with progress', async () => {
    const noDoc = await thutin(dir, ['request', 'create', 'unit-create', '--code', 'SNV-TT', '--name', 'Thanh tra Sở', '--unit-kind', 'department', '--parent', 'SNV', '--json']);
    expect(noDoc.code, noDoc.stderr).toBe(0);
    const draft = JSON.parse(noDoc.stdout);
    const refused = await thutin(dir, ['request', 'submit', String(draft.id)]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Thiếu văn bản làm căn cứ');

    const filed = await thutin(dir, [
      'request',
      'create',
      'unit-create',
      '--code',
      'SNV-TT',
      '--name',
      'Thanh tra Sở',
      '--unit-kind',
      'department',
      '--parent',
      'SNV',
      '--doc-number',
      '77/QĐ-UBND',
      '--doc-date',
      '01/12/2026',
      '--doc-signer',
      'Chủ tịch UBND tỉnh',
    ]);
    expect(filed.code, filed.stderr).toBe(0);
    const id = /^#(\d+)/.exec(filed.stdout)![1];
    expect(filed.stdout).toContain('văn bản / document: 77/QĐ-UBND, 2026-12-01, Chủ tịch UBND tỉnh');
    expect((await thutin(dir, ['request', 'submit', id])).stdout).toContain('(submitted)');
    expect((await thutin(dir, ['request', 'approve', id, '--note', 'Đồng ý'])).stdout).toContain('(scheduled)');
    const ran = await thutin(dir, ['request', 'execute', id]);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stderr).toContain('thực hiện / executing [##############################] 1/1');
    expect(ran.stdout).toContain('(notified)');
    const shown = JSON.parse((await thutin(dir, ['request', 'show', id, '--json'])).stdout);
    expect(shown.events.map((e: { event: string }) => e.event)).toEqual(['create', 'submit', 'approve', 'start', 'finish', 'notify']);
    expect(shown.changes).toEqual([expect.objectContaining({ entity: 'unit' })]);
    const unit = await thutin(dir, ['unit', 'show', 'SNV-TT', '--json']);
    expect(JSON.parse(unit.stdout).name).toBe('Thanh tra Sở');
    // a second execution finds nothing to do: the state says so, in Vietnamese
    const again = await thutin(dir, ['request', 'execute', id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('đang ở trạng thái "đã thực hiện và thông báo"');
  });

  it('refuses a batch with a bad row, naming the row; lists what is pending', async () => {
    const csv = path.join(dir, 'lo.csv');
    fs.writeFileSync(csv, '\ufeffloai_yeu_cau,ho_ten,ma_don_vi,chuc_vu\r\ntiếp nhận,Nguyễn Thị Một,SNV,Chuyên viên\r\ntiếp nhận,Trần Văn Hai,KHONG-CO,Chuyên viên\r\n');
    const bad = await thutin(dir, ['request', 'create', 'batch', '--csv', csv]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('dòng / line 3: Không tìm thấy đơn vị: KHONG-CO');
    fs.writeFileSync(csv, '\ufeffloai_yeu_cau,ho_ten,ma_don_vi,chuc_vu\r\ntiếp nhận,Nguyễn Thị Một,SNV,Chuyên viên\r\ntiếp nhận,Trần Văn Hai,SNV-TT,Chuyên viên\r\n');
    const ok = await thutin(dir, ['request', 'create', 'batch', '--csv', csv, '--doc-number', '80/QĐ-SNV', '--doc-date', '2026-12-03', '--doc-signer', 'Giám đốc Sở Nội vụ']);
    expect(ok.code, ok.stderr).toBe(0);
    const list = await thutin(dir, ['request', 'list', '--state', 'draft']);
    expect(list.stdout).toMatch(/#\d+\tbatch\tdraft\tSNV\t/);
    expect(list.stdout).toContain('0/2');
  });
});
