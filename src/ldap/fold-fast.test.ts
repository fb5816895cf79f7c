import { describe, expect, it } from 'vitest';
import { foldVietnamese } from '../core/text/fold.ts';
import { foldFast } from './fold-fast.ts';

describe('foldFast gives exactly what foldVietnamese gives', () => {
  it('for every character it folds from its table, alone and after a letter', () => {
    const ranges: Array<[number, number]> = [
      [0x20, 0x24f],
      [0x300, 0x36f],
      [0x1e00, 0x1eff],
    ];
    for (const [from, to] of ranges) {
      for (let cp = from; cp <= to; cp++) {
        const ch = String.fromCodePoint(cp);
        expect(foldFast(ch), `U+${cp.toString(16)}`).toBe(foldVietnamese(ch));
        expect(foldFast(`a${ch}b`), `U+${cp.toString(16)}`).toBe(foldVietnamese(`a${ch}b`));
      }
    }
  });

  it.each([
    'Đặng Thị Hương',
    'NGUYỄN VĂN ĐỨC',
    'Ðặng (U+00D0)',
    'Nguye\u0302\u0303n Va\u0306n An', // decomposed (NFD) input, as macOS sends it
    'Ủy ban nhân dân tỉnh Kon Tum',
    'annv@kontum.gov.vn',
    'Σίσυφος', // outside the table: foldVietnamese itself
    'Đà Lạt 中文',
    '',
  ])('%s', (s) => {
    expect(foldFast(s)).toBe(foldVietnamese(s));
  });
});
