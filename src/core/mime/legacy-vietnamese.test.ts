// Legacy Vietnamese encodings (core/mime/legacy-vietnamese.ts): real sentences typed in TCVN3
// (.VnTime) and VNI (VNI-Times) and sent labelled windows-1258, iso-8859-1 or nothing come out as
// Unicode NFC; text that really is in its label (windows-1258 Vietnamese, French Latin-1, UTF-8,
// ASCII) is left as the label says.
import { describe, it, expect } from 'vitest';
import { decodeTcvn3, decodeVietnameseText, detectLegacyVietnamese, isVietnameseSyllable, toneOnU, vniToUnicode } from './legacy-vietnamese.ts';

/** The bytes a TCVN3 / VNI document has, written here as the Latin-1 characters a mail client shows for them. */
const latin1 = (s: string) => Buffer.from(s, 'latin1');

describe('TCVN3 (ABC, .VnTime)', () => {
  it('converts the province’s name and everyday sentences', () => {
    const b = latin1('Uû ban nh©n d©n tØnh Kon Tum');
    expect(detectLegacyVietnamese(b, 'windows-1258')).toBe('tcvn3');
    expect(decodeVietnameseText(b, 'windows-1258')).toBe('Ủy ban nhân dân tỉnh Kon Tum');
    expect(decodeVietnameseText(latin1('KÝnh göi: Së Th«ng tin vµ TruyÒn th«ng'), 'iso-8859-1')).toBe('Kính gửi: Sở Thông tin và Truyền thông');
    expect(decodeVietnameseText(latin1('§Ò nghÞ c¸c ®¬n vÞ b¸o c¸o tr\u00adíc ngµy 15 th¸ng 12 n¨m 2026.'), null)).toBe('Đề nghị các đơn vị báo cáo trước ngày 15 tháng 12 năm 2026.');
  });
  it('maps every letter of the TCVN 5712:1993 table to NFC', () => {
    expect(decodeTcvn3(Uint8Array.from([0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae]))).toBe('ăâêôơưđ');
    expect(decodeTcvn3(Uint8Array.from([0xb5, 0xb6, 0xb7, 0xb8, 0xb9]))).toBe('àảãáạ');
    expect(decodeTcvn3(Uint8Array.from([0xfa, 0xfb, 0xfc, 0xfd, 0xfe]))).toBe('ỳỷỹýỵ');
    // a base letter and TCVN's combining tone marks compose
    expect(decodeTcvn3(Uint8Array.from([0x61, 0xb3]))).toBe('á');
    expect(decodeTcvn3(Uint8Array.from([0x61, 0xb3])).length).toBe(1);
  });
});

describe('VNI (VNI-Times)', () => {
  it('converts base letter + mark pairs and the single-character letters', () => {
    expect(vniToUnicode('UÛy ban nhaân daân tænh Kon Tum')).toBe('Uỷ ban nhân dân tỉnh Kon Tum'.replace('Uỷ', 'Ủy'));
    const b = latin1('Ñeà nghò caùc ñôn vò baùo caùo tröôùc ngaøy 15 thaùng 12 naêm 2026.');
    expect(detectLegacyVietnamese(b, 'windows-1252')).toBe('vni');
    expect(decodeVietnameseText(b, 'windows-1252')).toBe('Đề nghị các đơn vị báo cáo trước ngày 15 tháng 12 năm 2026.');
    expect(decodeVietnameseText(latin1('COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM'), 'iso-8859-1')).toBe('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(vniToUnicode('ÔÛ ÖÙ ÑAÊNG')).toBe('Ở Ứ ĐĂNG');
  });
});

describe('text that is what its label says', () => {
  it('keeps windows-1258 Vietnamese, UTF-8, ASCII and French Latin-1', () => {
    const cp1258 = Buffer.from('4bed6e682067fdd2692063e16320f0f56e207669f2207472fdf26320746875f4f2632c20f0eacc206e676869f22062e16f2063e16f', 'hex');
    expect(detectLegacyVietnamese(cp1258, 'windows-1258')).toBeNull();
    expect(decodeVietnameseText(cp1258, 'windows-1258')).toBe('Kính gửi các đơn vị trực thuộc, đề nghị báo cáo');
    expect(decodeVietnameseText(Buffer.from('Ủy ban nhân dân tỉnh Kon Tum', 'utf8'), 'utf-8')).toBe('Ủy ban nhân dân tỉnh Kon Tum');
    expect(decodeVietnameseText(Buffer.from('Ủy ban nhân dân tỉnh Kon Tum', 'utf8'), null)).toBe('Ủy ban nhân dân tỉnh Kon Tum');
    expect(decodeVietnameseText(Buffer.from('Kon Tum, 07/12/2026'), 'iso-8859-1')).toBe('Kon Tum, 07/12/2026');
    const french = latin1('Où est la gare ? Très bien, déjà vu, à bientôt. Noël à Besançon.');
    expect(detectLegacyVietnamese(french, 'iso-8859-1')).toBeNull();
    expect(decodeVietnameseText(french, 'iso-8859-1')).toBe('Où est la gare ? Très bien, déjà vu, à bientôt. Noël à Besançon.');
    // a label no legacy text carries
    expect(detectLegacyVietnamese(latin1('Uû ban nh©n d©n tØnh'), 'koi8-r')).toBeNull();
  });
});

describe('pieces', () => {
  it('knows a Vietnamese syllable', () => {
    for (const w of ['nghiêng', 'trước', 'khuỷu', 'đơn', 'ủy', 'quý', 'gì']) expect(isVietnameseSyllable(w), w).toBe(true);
    for (const w of ['nh©n', 'tøx', 'déjà', 'bientôt', 'áà']) expect(isVietnameseSyllable(w), w).toBe(false);
  });
  it('puts a syllable-final uy’s tone on the u, but not after q or before a final letter', () => {
    expect(toneOnU('Uỷ ban, thuỷ lợi, tuỳ ý, huỷ bỏ; quý, quỷ, khuỷu tay, THUỶ')).toBe('Ủy ban, thủy lợi, tùy ý, hủy bỏ; quý, quỷ, khuỷu tay, THỦY');
  });
});
