import { describe, expect, it } from 'vitest';
import { readBatchCsv } from './batch-csv.ts';

describe('the batch CSV of requests', () => {
  it('reads the type column in Vietnamese or English, with the directory headers, each row with its line', () => {
    const csv =
      '\ufeffLoại yêu cầu;Họ tên;Mã đơn vị;Chức vụ;Địa chỉ thư\r\nTiếp nhận;Nguyễn Văn Một;SNV-VP;Chuyên viên;\r\nđiều chuyển;;STP;;hai@kontum.gov.vn\r\nleaver;;;;ba@kontum.gov.vn\r\nCẬP NHẬT;;;Trưởng phòng;bon@kontum.gov.vn\r\ncấp lại mật khẩu;;;;nam@kontum.gov.vn\r\n';
    const r = readBatchCsv(csv);
    expect(r.errors).toEqual([]);
    expect(r.items).toEqual([
      { kind: 'joiner', line: 2, payload: { fullName: 'Nguyễn Văn Một', unitCode: 'SNV-VP', title: 'Chuyên viên' } },
      { kind: 'mover', line: 3, payload: { person: 'hai@kontum.gov.vn', unitCode: 'STP' } },
      { kind: 'leaver', line: 4, payload: { person: 'ba@kontum.gov.vn' } },
      { kind: 'update', line: 5, payload: { person: 'bon@kontum.gov.vn', title: 'Trưởng phòng' } },
      { kind: 'password-reset', line: 6, payload: { person: 'nam@kontum.gov.vn' } },
    ]);
  });

  it('names the line of a row whose type it does not know, and refuses an unknown column or a file without the type', () => {
    const r = readBatchCsv('loai_yeu_cau,ho_ten,ma_don_vi\ntiếp nhận,"Lê Thị\nHai",SNV\nthăng chức,Ai Đó,SNV\n');
    expect(r.items.map((i) => i.line)).toEqual([2]);
    expect(r.errors).toEqual([{ line: 4, message: expect.stringContaining('thăng chức') }]);
    expect(() => readBatchCsv('loai_yeu_cau,ho_ten,luong\ntiếp nhận,A,1\n')).toThrow(/luong/);
    expect(() => readBatchCsv('ho_ten,ma_don_vi\nA,SNV\n')).toThrow(/loai_yeu_cau/);
  });
});
