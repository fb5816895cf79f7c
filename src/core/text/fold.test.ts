import { describe, expect, it } from 'vitest';
import { foldVietnamese, normalizeNfc } from './fold.ts';

describe('foldVietnamese', () => {
  it('folds plain ASCII (every code point, mixed case) exactly as the full path does', () => {
    const ascii = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)).join('');
    const full = (s: string) => s.normalize('NFC').toLowerCase().normalize('NFD').normalize('NFC');
    expect(foldVietnamese(ascii)).toBe(full(ascii));
    expect(foldVietnamese('Subject: RE: Bao Cao THANG 12\r\n')).toBe('subject: re: bao cao thang 12\r\n');
    // One non-ASCII letter anywhere takes the full path.
    expect(foldVietnamese(`${'X'.repeat(5000)}Đ`)).toBe(`${'x'.repeat(5000)}d`);
  });

  it.each([
    ['Nguyễn Văn Đức', 'nguyen van duc'],
    ['ĐẶNG', 'dang'],
    ['Ðặng (U+00D0 look-alike)', 'dang (u+00d0 look-alike)'],
    ['Thành phố Hồ Chí Minh', 'thanh pho ho chi minh'],
    ['Ưu tiên Ơn Ă Â Ê Ô', 'uu tien on a a e o'],
    ['Café Đà Lạt 2024!', 'cafe da lat 2024!'],
  ])('%s → %s', (input, folded) => {
    expect(foldVietnamese(input)).toBe(folded);
  });

  it('old-style and new-style tone placement fold equal ("hòa" / "hoà")', () => {
    expect(foldVietnamese('hòa')).toBe(foldVietnamese('hoà'));
    expect(foldVietnamese('thủy')).toBe(foldVietnamese('thuỷ'));
    expect(foldVietnamese('hòa')).toBe('hoa');
  });

  it('folds decomposed (NFD, windows-1258 style) input the same as composed input', () => {
    expect(foldVietnamese('Ha\u0300 N\u00f4\u0323i')).toBe(foldVietnamese('Hà Nội'));
  });

  it('leaves text without diacritics alone and returns NFC', () => {
    expect(foldVietnamese('plain ascii 123')).toBe('plain ascii 123');
    const out = foldVietnamese('Ω ñ ü ç');
    expect(out).toBe('ω n u c');
    expect(out).toBe(out.normalize('NFC'));
  });
});

describe('normalizeNfc', () => {
  it('composes decomposed Vietnamese', () => {
    const nfd = 'Tiếng Việt'.normalize('NFD');
    expect(nfd.length).toBeGreaterThan('Tiếng Việt'.length);
    expect(normalizeNfc(nfd)).toBe('Tiếng Việt'.normalize('NFC'));
    expect(normalizeNfc(nfd).length).toBe(10);
  });
});
