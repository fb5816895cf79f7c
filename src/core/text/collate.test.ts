// Vietnamese order: a < ă < â, d < đ, tones after letters; people by given name, then family and
// middle names; the stored sort key orders exactly as the collator does.
import { describe, it, expect } from 'vitest';
import { compareVi, comparePeople, personSortKey } from './collate.ts';

describe('Vietnamese collation', () => {
  it('orders letters the Vietnamese way', () => {
    expect(['đ', 'd', 'â', 'ă', 'a', 'e', 'ê'].sort(compareVi)).toEqual(['a', 'ă', 'â', 'd', 'đ', 'e', 'ê']);
    expect(['Đức', 'Dũng', 'Ân', 'Ăn', 'An', 'Bình'].sort(compareVi)).toEqual(['An', 'Ăn', 'Ân', 'Bình', 'Dũng', 'Đức']);
  });

  const people = [
    ['Nguyễn', 'Văn', 'An'],
    ['Trần', '', 'Anh'],
    ['Lê', 'Thị', 'Ánh'],
    ['Hồ', '', 'Ăn'],
    ['Đặng', '', 'Ân'],
    ['Phạm', 'Minh', 'Đức'],
    ['Vũ', 'Tiến', 'Dũng'],
    ['Đặng', 'Văn', 'An'],
    ['Dương', 'Văn', 'An'],
    ['Trần', 'Thị Thu', 'Hương'],
    ['Lê', '', 'Hạ'],
    ['Lê', '', 'Hà'],
    ['Nguyễn', '', 'An'],
  ].map(([familyName, middleName, givenName]) => ({ familyName, middleName, givenName }));
  const show = (p: { familyName: string; middleName: string; givenName: string }) => [p.familyName, p.middleName, p.givenName].filter(Boolean).join(' ');

  it('lists people by given name, then family name, then middle names', () => {
    expect([...people].sort(comparePeople).map(show)).toEqual([
      'Dương Văn An',
      'Đặng Văn An',
      'Nguyễn An',
      'Nguyễn Văn An',
      'Trần Anh',
      'Lê Thị Ánh',
      'Hồ Ăn',
      'Đặng Ân',
      'Vũ Tiến Dũng',
      'Phạm Minh Đức',
      'Lê Hà',
      'Lê Hạ',
      'Trần Thị Thu Hương',
    ]);
  });

  it('the stored sort key (plain byte order) agrees with the collator', () => {
    const byKey = [...people].sort((a, b) => (personSortKey(a) < personSortKey(b) ? -1 : personSortKey(a) > personSortKey(b) ? 1 : 0));
    expect(byKey.map(show)).toEqual([...people].sort(comparePeople).map(show));
    for (const p of people) expect(personSortKey(p)).toMatch(/^[0-9a-z]+$/);
  });
});
