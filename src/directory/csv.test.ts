// Directory CSV: export is UTF-8 with BOM (Excel) and Vietnamese headers; import accepts BOM or
// not, ',' or ';', English headers and Kon Tum's reference file; a dry-run lists every refused row
// with its line and why; a file with any refused row changes nothing; a good file applies at once; a
// row renaming another official is refused unless it says it is an update; every change listed field by field.
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends, createTestApp, type TestApp } from '../../test/helpers/harness.ts';
import { readCsv } from './csv.ts';

const ctx = { actor: 'cli:tester', reason: 'CV 12/SNV' };
// The reference facts' units file, as the repository carries it (the demo province loads the same copy).
const REFERENCE = path.resolve(import.meta.dirname, '../demo/kontum-units.csv');

describe('csv reading', () => {
  it('accepts BOM, semicolons, English aliases and keeps line numbers across quoted new lines', () => {
    const rows = readCsv('people', '\ufeffFull_Name;Title;Unit\r\nNguyễn Văn An;"Chuyên viên\r\nphòng 2";SNV\r\nLê Thị Ánh;;STP\r\n');
    expect(rows.map((r) => [r.line, r.values.fullName, r.values.unitCode])).toEqual([
      [2, 'Nguyễn Văn An', 'SNV'],
      [4, 'Lê Thị Ánh', 'STP'],
    ]);
    expect(() => readCsv('people', 'ho_ten,khong_biet\nA B,1\n')).toThrow(/khong_biet/);
    expect(() => readCsv('units', 'ten\nSở Nội vụ\n')).toThrow(/ma/);
  });
});

describe.each(backends())('directory CSV on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ backend });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("imports Kon Tum's reference units file (30 units: tree, mailboxes) in one go", async () => {
    const text = fs.readFileSync(REFERENCE, 'utf8');
    const dry = await t.app.directory.importCsv('units', text, { dryRun: true }, ctx);
    expect(dry).toMatchObject({ applied: false, rows: 30, created: 30, errors: [] });
    expect(await t.app.directory.listUnits()).toEqual([]);
    const r = await t.app.directory.importCsv('units', text, { dryRun: false }, ctx);
    expect(r).toMatchObject({ applied: true, created: 30, errors: [] });
    expect(r.passwords).toHaveLength(30);
    const dgl = await t.app.directory.getUnit('DGL');
    expect(dgl).toMatchObject({ name: 'Ủy ban nhân dân huyện Đăk Glei', mailbox: 'dakglei@kontum.gov.vn', kind: 'district' });
    expect(await t.app.directory.unitPath(dgl!.id)).toHaveLength(2);
    // the same file again changes nothing
    expect(await t.app.directory.importCsv('units', text, { dryRun: false }, ctx)).toMatchObject({ applied: true, created: 0, updated: 0 });
  });

  it('updates units, sets validity and successors, with children listed before parents', async () => {
    const csv =
      'ma,ten,viet_tat,loai,ma_cap_tren,hieu_luc_tu,hieu_luc_den,ma_ke_nhiem\n' +
      'STTTT,Sở Thông tin và Truyền thông,stttt,agency,KT,,28/02/2025,SKHCN\n' +
      'SKHCN-P1,Phòng Quản lý khoa học,,department,SKHCN,2025-03-01,,\n';
    const r = await t.app.directory.importCsv('units', csv, { dryRun: false }, ctx);
    expect(r).toMatchObject({ applied: true, created: 1, updated: 1, errors: [] });
    const stttt = (await t.app.directory.getUnit('STTTT'))!;
    expect(stttt.successorId).toBe((await t.app.directory.getUnit('SKHCN'))!.id);
    expect(new Date(stttt.validTo!).toISOString()).toBe('2025-02-27T17:00:00.000Z'); // midnight in Vietnam
    expect((await t.app.directory.getUnit('SKHCN-P1'))?.mailbox).toBe('skhcn-p1@kontum.gov.vn');
  });

  it('a dry-run reports every refused row with its line and why; a bad file changes nothing', async () => {
    const bad = [
      'ho_ten,chuc_vu,ma_don_vi,dien_thoai,dia_chi_thu,trang_thai',
      'Nguyễn Văn An,Chuyên viên,SNV,0260 3862 001,,', // 2: fine
      'Tám,,SNV,,,', // 3: one word
      'Lê Văn Bảy,,NOPE,,,', // 4: unknown unit
      'Hồ Thị Mai,,SNV,,postmaster,', // 5: reserved
      'Trần Văn Chín,,SNV,,chintv,đang công tác', // 6: fine
      'Trần Văn Chín,,SNV,,chintv,', // 7: duplicate address
      'Phan Văn Mười,,SNV,,,nghỉ hưu', // 8: bad status
      'Võ Văn Năm,,SNV,,nam@gmail.com,', // 9: foreign domain
      'Lý Thị Sáu,,SNV,,snv,', // 10: a unit mailbox
    ].join('\n');
    const before = (await t.app.directory.listPeople()).length;
    for (const dryRun of [true, false]) {
      const r = await t.app.directory.importCsv('people', bad, { dryRun }, ctx);
      expect(r.applied).toBe(false);
      expect(r.errors.map((e) => e.line)).toEqual([3, 4, 5, 7, 8, 9, 10]);
      expect(r.errors.find((e) => e.line === 4)?.message).toContain('NOPE');
      expect(r.errors.find((e) => e.line === 5)?.message).toContain('postmaster');
      expect(r.errors.find((e) => e.line === 7)?.message).toContain('dòng 6');
    }
    expect((await t.app.directory.listPeople()).length).toBe(before);
    expect(await t.app.accounts.byAddress('chintv@kontum.gov.vn')).toBeNull();
  });

  it('imports people (BOM, semicolons, English headers) in one transaction, then updates them by address', async () => {
    const text =
      '\ufeffname;title;unit;phone;email;status\r\nNguyễn Văn An;Chuyên viên;SNV;0260 3862 001;;\r\nNguyễn Văn An;Văn thư;STP;;;\r\nTrần Văn Chín;;SNV;;chintv;đang công tác\r\nĐặng Thị Hoa;Trưởng phòng;SNV;;;tạm khoá\r\n';
    const r = await t.app.directory.importCsv('people', text, { dryRun: false }, ctx);
    expect(r).toMatchObject({ applied: true, rows: 4, created: 4, updated: 0, errors: [] });
    expect(r.passwords!.map((p) => p.address)).toEqual(['annv@kontum.gov.vn', 'annv2@kontum.gov.vn', 'chintv@kontum.gov.vn', 'hoadt@kontum.gov.vn']);
    expect((await t.app.accounts.byAddress('hoadt@kontum.gov.vn'))?.status).toBe('disabled');
    const update = 'ho_ten,chuc_vu,ma_don_vi,dien_thoai,dia_chi_thu,trang_thai\nNguyễn Văn An,Phó Trưởng phòng,STP,0260 3862 001,annv@kontum.gov.vn,đã nghỉ\n';
    const u = await t.app.directory.importCsv('people', update, { dryRun: false }, ctx);
    expect(u).toMatchObject({ applied: true, created: 0, updated: 1 });
    expect(await t.app.directory.personByAddress('annv@kontum.gov.vn')).toMatchObject({ title: 'Phó Trưởng phòng', unitCode: 'STP', status: 'left' });
  });

  it('an update changes only the columns the file has', async () => {
    const before = (await t.app.directory.personByAddress('chintv@kontum.gov.vn'))!;
    await t.app.directory.updatePerson(before.id, { phone: '0260 3999 999' }, ctx);
    const r = await t.app.directory.importCsv('people', 'ho_ten,dia_chi_thu,chuc_vu\nTrần Văn Chín,chintv,Chuyên viên chính\n', { dryRun: false }, ctx);
    expect(r).toMatchObject({ applied: true, created: 0, updated: 1 });
    expect(await t.app.directory.getPerson(before.id)).toMatchObject({ title: 'Chuyên viên chính', unitCode: 'SNV', phone: '0260 3999 999' });
    const u = await t.app.directory.importCsv('units', 'ma,ten\nSTTTT,Sở Thông tin và Truyền thông tỉnh Kon Tum\n', { dryRun: false }, ctx);
    expect(u).toMatchObject({ applied: true, updated: 1 });
    expect(await t.app.directory.getUnit('STTTT')).toMatchObject({
      name: 'Sở Thông tin và Truyền thông tỉnh Kon Tum',
      parentId: (await t.app.directory.getUnit('KT'))!.id,
      successorId: (await t.app.directory.getUnit('SKHCN'))!.id,
    });
    await t.app.directory.updateUnit('STTTT', { name: 'Sở Thông tin và Truyền thông' }, ctx);
    await t.app.directory.updatePerson(before.id, { title: '' }, ctx);
  });

  it('exports UTF-8 with BOM and Vietnamese headers, people in Vietnamese order, and reads back its own output', async () => {
    const people = await t.app.directory.exportCsv('people');
    expect(people.startsWith('\ufeffho_ten,chuc_vu,ma_don_vi,dien_thoai,dia_chi_thu,trang_thai\r\n')).toBe(true);
    const lines = people.slice(1).trim().split('\r\n');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['Nguyễn Văn An', 'Nguyễn Văn An', 'Trần Văn Chín', 'Đặng Thị Hoa']);
    expect(lines[1]).toContain('đã nghỉ');
    const units = await t.app.directory.exportCsv('units');
    expect(units.startsWith('\ufeffma,ten,viet_tat,loai,ma_cap_tren,hieu_luc_tu,hieu_luc_den,ma_ke_nhiem\r\n')).toBe(true);
    expect(units).toContain('STTTT,Sở Thông tin và Truyền thông,stttt,agency,KT,,2025-02-28,SKHCN');
    expect(units).toContain('"Sở Lao động, Thương binh và Xã hội"');
    // round trip: nothing to change
    expect(await t.app.directory.importCsv('units', units, { dryRun: true }, ctx)).toMatchObject({ created: 0, updated: 0, errors: [] });
    expect(await t.app.directory.importCsv('people', people, { dryRun: true }, ctx)).toMatchObject({ created: 0, updated: 0, errors: [] });
  });

  it('refuses a row whose address belongs to a person of another name unless it says thao_tac = cập nhật; lists each change field by field', async () => {
    const an = await t.app.directory.createPerson({ fullName: 'Lý Văn Thường', unitCode: 'SNV', localPart: 'thuonglv', title: 'Trưởng phòng' }, ctx);
    const text = 'ho_ten,chuc_vu,ma_don_vi,dia_chi_thu\nTrần Văn Khác,Chuyên viên,STP,thuonglv@kontum.gov.vn\n';
    const refused = await t.app.directory.importCsv('people', text, { dryRun: false }, ctx);
    expect(refused).toMatchObject({ applied: false, changes: [] });
    expect(refused.errors).toEqual([{ line: 2, message: expect.stringContaining('thuonglv@kontum.gov.vn là hộp thư của Lý Văn Thường') }]);
    expect((await t.app.directory.getPerson(an.person.id))!.fullName).toBe('Lý Văn Thường');
    const asUpdate = 'ho_ten,chuc_vu,ma_don_vi,dia_chi_thu,thao_tac\nTrần Văn Khác,Chuyên viên,STP,thuonglv@kontum.gov.vn,cập nhật\nPHAN THỊ MỚI,,SNV,,\n';
    const dry = await t.app.directory.importCsv('people', asUpdate, { dryRun: true }, ctx);
    expect(dry.changes).toEqual([
      {
        line: 2,
        action: 'update',
        target: 'Lý Văn Thường <thuonglv@kontum.gov.vn>',
        fields: [
          { field: 'họ tên / name', from: 'Lý Văn Thường', to: 'Trần Văn Khác' },
          { field: 'chức vụ / title', from: 'Trưởng phòng', to: 'Chuyên viên' },
          { field: 'đơn vị / unit', from: 'SNV', to: 'STP' },
        ],
      },
      {
        line: 3,
        action: 'create',
        target: 'Phan Thị Mới <địa chỉ tự cấp / generated address>',
        fields: [
          { field: 'họ tên / name', from: null, to: 'Phan Thị Mới' },
          { field: 'đơn vị / unit', from: null, to: 'SNV' },
        ],
      },
    ]);
    // A case or accent difference is the same name: no action needed (and the change is still listed).
    const accents = await t.app.directory.importCsv('people', 'ho_ten,dia_chi_thu\nLy Van Thuong,thuonglv@kontum.gov.vn\n', { dryRun: true }, ctx);
    expect(accents.errors).toEqual([]);
    expect(accents.changes[0].fields).toEqual([{ field: 'họ tên / name', from: 'Lý Văn Thường', to: 'Ly Van Thuong' }]);
  });
});
