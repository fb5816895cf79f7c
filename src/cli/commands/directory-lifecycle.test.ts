// The directory's life cycle from the shell, as a provincial IT officer meets it (issue 15, items
// 10–12, 14, 15, 17), through the real `thutin` command: a CSV row that would rename another official
// refused, and the dry run naming every change field by field; a head moved out of their unit
// leaving the headship vacant with a warning; a head change printing the unit mailbox's new
// password; a likely duplicate refused until --confirm-duplicate; names typed in capitals stored in
// title case unless --keep-case; --reason required everywhere; kinds offered as choices; leavers kept
// out of static lists and marked in `list show`; `serve --demo` on existing data saying it skipped.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { thutin as run, serve, loopbackEnv } from '../../../test/helpers/cli.ts';

const D = 'kontum.gov.vn';
const thutin = (dir: string, args: string[]) => run(dir, args);

describe('the directory life cycle from the shell', { timeout: 900000 }, () => {
  let dir: string;
  const ok = async (args: string[]) => {
    const r = await thutin(dir, args);
    expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
    return r.stdout;
  };
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-lifecycle-'));
    await ok(['init', '--domain', D, '--hostname', `mail.${D}`]);
    await ok(['unit', 'add', 'KT', '--name', 'Ủy ban nhân dân tỉnh Kon Tum', '--kind', 'province', '--no-mailbox', '--reason', 'QĐ 1/QĐ-UBND']);
    await ok(['unit', 'add', 'PNT', '--name', 'UBND phường Nguyễn Trãi', '--kind', 'commune', '--parent', 'KT', '--abbreviation', 'pnt', '--reason', 'QĐ 2/QĐ-UBND']);
    await ok(['unit', 'add', 'SNV', '--name', 'Sở Nội vụ', '--kind', 'agency', '--parent', 'KT', '--reason', 'QĐ 3/QĐ-UBND']);
    await ok(['person', 'add', 'Nguyễn Văn An', '--unit', 'PNT', '--title', 'Chủ tịch UBND phường', '--reason', 'QĐ 4/QĐ-UBND']);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a head change prints the unit mailbox new password once, for the new head, never by mail', async () => {
    const out = await ok(['unit', 'set-head', 'PNT', 'annv', '--reason', 'QĐ 5/QĐ-UBND']);
    expect(out).toContain('annv@kontum.gov.vn quản lý hộp thư đơn vị / manages the unit mailbox pnt@kontum.gov.vn');
    expect(out).toMatch(/New password of the unit mailbox pnt@kontum\.gov\.vn \(the old one no longer works; change at first login\): \S{14}/);
    expect(out).toContain('never by mail');
  });

  it('refuses a CSV row that would rename another official, and the dry run names every change field by field', async () => {
    const file = path.join(dir, 'people.csv');
    fs.writeFileSync(file, 'ho_ten,chuc_vu,ma_don_vi,dien_thoai,dia_chi_thu,trang_thai\nTrần Văn Bình,Chuyên viên,SNV,,annv@kontum.gov.vn,\nLê Thị Ánh,Chuyên viên,SNV,,,\n');
    const refused = await thutin(dir, ['directory', 'import', file, '--kind', 'people', '--dry-run', '--reason', 'CV 7/SNV']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('dòng / line 2: annv@kontum.gov.vn là hộp thư của Nguyễn Văn An <annv@kontum.gov.vn> (PNT), khác tên "Trần Văn Bình"');
    expect(refused.stdout).toContain('set column action = update if this is an update'.slice(0, 20));
    expect(refused.stdout).toContain('nothing changed');
    // The row says it is an update: the dry run shows whom it touches and every field.
    fs.writeFileSync(file, 'ho_ten,chuc_vu,ma_don_vi,dien_thoai,dia_chi_thu,trang_thai,thao_tac\nTrần Văn Bình,Chuyên viên,SNV,,annv@kontum.gov.vn,,cập nhật\nLê Thị Ánh,Chuyên viên,SNV,,,,\n');
    const dry = await ok(['directory', 'import', file, '--kind', 'people', '--dry-run', '--reason', 'CV 7/SNV']);
    expect(dry).toContain('dòng / line 2: cập nhật / update Nguyễn Văn An <annv@kontum.gov.vn>\n');
    expect(dry).toContain('    họ tên / name: Nguyễn Văn An → Trần Văn Bình\n');
    expect(dry).toContain('    chức vụ / title: Chủ tịch UBND phường → Chuyên viên\n');
    expect(dry).toContain('    đơn vị / unit: PNT → SNV\n');
    expect(dry).toMatch(/ {4}thủ trưởng \(để trống, thu hồi hộp thư đơn vị\) \/ head \(vacated, unit mailbox rights withdrawn\): PNT → ∅\n/);
    expect(dry).toContain('dòng / line 3: thêm mới / new Lê Thị Ánh <địa chỉ tự cấp / generated address>\n');
    expect(dry).toContain('Chạy thử / dry run: 2 dòng / rows, 1 mới / new, 1 cập nhật / updated');
    const an = JSON.parse(await ok(['person', 'show', 'annv', '--json']));
    expect(an).toMatchObject({ fullName: 'Nguyễn Văn An', unitCode: 'PNT' });
  });

  it('moving a head out of the unit leaves the headship vacant, withdraws the unit-mailbox rights and warns', async () => {
    const out = await ok(['person', 'move', 'annv', 'SNV', '--reason', 'QĐ 8/QĐ-UBND']);
    expect(out).toContain('Đã chuyển / moved: Nguyễn Văn An → SNV Sở Nội vụ');
    expect(out).toMatch(/⚠ Nguyễn Văn An chuyển khỏi PNT UBND phường Nguyễn Trãi: chức thủ trưởng để trống.*the headship is vacant and the unit mailbox rights \(pnt@kontum\.gov\.vn\) were withdrawn/);
    expect(await ok(['unit', 'show', 'PNT'])).toContain('Thủ trưởng / head: -');
    expect(await ok(['delegate', 'list', 'pnt@kontum.gov.vn'])).toContain('(0 người được uỷ quyền / delegates)');
  });

  it('warns about a likely duplicate and adds it only with --confirm-duplicate; capitals become title case unless --keep-case', async () => {
    await ok(['person', 'add', 'Đặng Thị Hồng Nhung', '--unit', 'SNV', '--reason', 'QĐ 10/QĐ-SNV']);
    const again = await thutin(dir, ['person', 'add', 'Dang Thi Hong Nhung', '--unit', 'SNV', '--reason', 'QĐ 11/QĐ-SNV']);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/Có thể trùng với \/ likely the same person as:\n {2}\d+\tĐặng Thị Hồng Nhung\tSNV\tnhungdth@kontum\.gov\.vn\t/);
    expect(again.stdout).toContain('--confirm-duplicate');
    expect(await ok(['person', 'add', 'Đặng Thị Hồng Nhung', '--unit', 'SNV', '--confirm-duplicate', '--reason', 'QĐ 12/QĐ-SNV'])).toContain('<nhungdth2@kontum.gov.vn>');
    const caps = await ok(['person', 'add', 'NGUYỄN VĂN HÙNG', '--unit', 'SNV', '--reason', 'QĐ 13/QĐ-SNV']);
    expect(caps).toContain('name stored in title case as "Nguyễn Văn Hùng" (--keep-case keeps it as typed)');
    expect(caps).toContain('Đã tạo / created: Nguyễn Văn Hùng <hungnv@kontum.gov.vn>');
    const kept = await ok(['person', 'add', 'TRẦN THỊ MAI', '--unit', 'PNT', '--keep-case', '--reason', 'QĐ 14/QĐ-SNV']);
    expect(kept).toContain('Đã tạo / created: TRẦN THỊ MAI <maitt@kontum.gov.vn>');
  });

  it('requires --reason for delegations and lists, and offers the allowed kinds', async () => {
    const grant = await thutin(dir, ['delegate', 'grant', 'pnt@kontum.gov.vn', 'hungnv@kontum.gov.vn', '--rights', 'read']);
    expect(grant.code).not.toBe(0);
    expect(grant.stderr).toContain('--reason');
    const blank = await thutin(dir, ['delegate', 'revoke', 'pnt@kontum.gov.vn', 'hungnv@kontum.gov.vn', '--reason', ' ']);
    expect(blank.code).not.toBe(0);
    expect(blank.stderr).toContain('The reference of the authorising document is required (--reason)');
    expect((await thutin(dir, ['list', 'create', 'lanhdao@kontum.gov.vn', '--name', 'Lãnh đạo'])).stderr).toContain('--reason');
    const kind = await thutin(dir, ['unit', 'add', 'X1', '--name', 'Phòng X', '--kind', 'phong', '--reason', 'QĐ 15']);
    expect(kind.code).not.toBe(0);
    expect(kind.stderr).toContain('province, agency, district, commune, department');
    const listKind = await thutin(dir, ['list', 'create', 'x@kontum.gov.vn', '--name', 'X', '--kind', 'everyone', '--reason', 'QĐ 16']);
    expect(listKind.code).not.toBe(0);
    expect(listKind.stderr).toContain('static, unit-members, unit-heads');
  });

  it('keeps leavers out of static lists and marks those already on one', async () => {
    await ok(['list', 'create', 'banbientap@kontum.gov.vn', '--name', 'Ban biên tập', '--reason', 'QĐ 20/QĐ-UBND']);
    await ok(['list', 'add', 'banbientap@kontum.gov.vn', 'hungnv@kontum.gov.vn', '--reason', 'QĐ 21/QĐ-UBND']);
    await ok(['list', 'add', 'banbientap@kontum.gov.vn', 'nhungdth@kontum.gov.vn', '--reason', 'QĐ 21/QĐ-UBND']);
    await ok(['person', 'leave', 'hungnv', '--reason', 'QĐ 22/QĐ-SNV']);
    await ok(['person', 'leave', 'nhungdth2', '--reason', 'QĐ 23/QĐ-SNV']);
    const show = await ok(['list', 'show', 'banbientap@kontum.gov.vn']);
    expect(show).toContain('  hungnv@kontum.gov.vn\t(đã nghỉ việc / left — hãy bỏ khỏi danh sách / remove from the list)\n');
    expect(show).toContain('  nhungdth@kontum.gov.vn\n');
    const add = await thutin(dir, ['list', 'add', 'banbientap@kontum.gov.vn', 'nhungdth2@kontum.gov.vn', '--reason', 'QĐ 24/QĐ-UBND']);
    expect(add.code).toBe(1);
    expect(add.stderr).toContain('The person has left; not added to the list: nhungdth2@kontum.gov.vn');
  });

  it('serve --demo on a directory with data says that it skipped the load', async () => {
    const s = serve(dir, loopbackEnv({ THUTIN_HTTP_TLS_PORT: '0' }), ['--demo']);
    try {
      const { stdout } = await s.ready;
      expect(stdout).toContain('the demo province was not loaded (to load it anyway: thutin demo --force)');
    } finally {
      await s.stop();
    }
  });
});
