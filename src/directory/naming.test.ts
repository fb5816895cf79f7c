// Address naming: the common Vietnamese government practice (given name + initials), clash
// numbering, reserved names refused, đ/Đ/Ð folded to d, names kept in NFC; capitals offered in title case.
import { describe, it, expect } from 'vitest';
import { personLocalPart, splitName, unitLocalPart, freeLocalPart, assertNotReserved, abbreviationFromName, DEFAULT_NAMING, storedName } from './naming.ts';
import { isThutinError } from '../core/errors.ts';

describe('address naming', () => {
  it.each([
    ['Nguyễn Văn An', 'annv'],
    ['Trần Thị Thu Hương', 'huongttt'],
    ['Nguyễn Quang Vinh', 'vinhnq'],
    ['Đặng Đình Đức', 'ducdd'],
    ['Ðặng Văn Ðông', 'dongdv'], // U+00D0 look-alike
    ['Lê Na', 'nal'],
    ['  nguyễn   văn   an ', 'annv'],
  ])('%s → %s', (name, lp) => {
    expect(personLocalPart(name)).toBe(lp);
  });

  it('other configured styles', () => {
    expect(personLocalPart('Nguyễn Văn An', 'given.family')).toBe('an.nguyen');
    expect(personLocalPart('Nguyễn Văn An', 'family.given')).toBe('nguyen.an');
  });

  it('splits family, middle and given names and keeps NFC', () => {
    const n = splitName('Tra\u0302\u0300n Thị Thu Hương');
    expect(n).toEqual({ fullName: 'Trần Thị Thu Hương', familyName: 'Trần', middleName: 'Thị Thu', givenName: 'Hương' });
    expect(n.fullName).toBe(n.fullName.normalize('NFC'));
    expect(() => splitName('An')).toThrow(/Họ tên/);
    expect(() => splitName('Nguyễn V@n')).toThrow();
  });

  it('numbers a clash: annv, annv2, annv3', async () => {
    const taken = new Set(['annv', 'annv2']);
    expect(await freeLocalPart('annv', (c) => taken.has(c))).toBe('annv3');
    expect(await freeLocalPart('binhlt', (c) => taken.has(c))).toBe('binhlt');
    expect(await freeLocalPart('annv', (c) => c === 'annv')).toBe('annv2');
  });

  it('refuses reserved names and skips them when numbering', async () => {
    for (const r of ['postmaster', 'Abuse', 'admin', 'hostmaster', 'webmaster', 'root', 'noreply', 'mailer-daemon', 'security']) {
      expect(() => assertNotReserved(r)).toThrow(expect.objectContaining({ code: 'ADDRESS_RESERVED' }));
    }
    expect(() => assertNotReserved('annv')).not.toThrow();
    expect(await freeLocalPart('root', () => false, { ...DEFAULT_NAMING })).toBe('root2');
    try {
      assertNotReserved('postmaster');
    } catch (e) {
      expect(isThutinError(e, 'ADDRESS_RESERVED')).toBe(true);
    }
  });

  it('unit local part is the unaccented abbreviation', () => {
    expect(unitLocalPart('STTTT')).toBe('stttt');
    expect(unitLocalPart('SNV')).toBe('snv');
    expect(unitLocalPart('VPUBND')).toBe('vpubnd');
    expect(unitLocalPart('ĐăkGlei')).toBe('dakglei');
    expect(abbreviationFromName('Sở Nội vụ')).toBe('snv');
    expect(abbreviationFromName('Sở Thông tin và Truyền thông')).toBe('sttvtt');
  });

  it('offers Vietnamese title case for names typed all in capitals (or small letters), keeps mixed case as typed', () => {
    expect(storedName('NGUYỄN VĂN HÙNG')).toEqual({ name: 'Nguyễn Văn Hùng', adjusted: true });
    expect(storedName('ĐẶNG THỊ HỒNG NHUNG')).toEqual({ name: 'Đặng Thị Hồng Nhung', adjusted: true });
    expect(storedName('đinh  văn   lâm')).toEqual({ name: 'Đinh Văn Lâm', adjusted: true });
    expect(storedName("KSOR H'NHUNG").name).toBe("Ksor H'Nhung");
    expect(storedName('NGUYỄN VĂN HÙNG', true)).toEqual({ name: 'NGUYỄN VĂN HÙNG', adjusted: false });
    expect(storedName('Nguyễn Văn An')).toEqual({ name: 'Nguyễn Văn An', adjusted: false });
    expect(storedName('Y Ngọc')).toEqual({ name: 'Y Ngọc', adjusted: false });
  });
});
