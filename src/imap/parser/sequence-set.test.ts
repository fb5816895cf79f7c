import { describe, expect, it } from 'vitest';
import { ParseError } from './errors.ts';
import { expandSequenceSet, filterSequenceSet, formatSequenceSet, parseSequenceSet, resolveSequenceSet, sequenceSetContains, sequenceSetMatcher, sequenceSetToString } from './sequence-set.ts';

describe('parseSequenceSet', () => {
  it('parses numbers, ranges and * kept symbolic', () => {
    expect(parseSequenceSet('1,3:5,7:*')).toEqual({
      kind: 'ranges',
      ranges: [
        { start: 1, end: 1 },
        { start: 3, end: 5 },
        { start: 7, end: '*' },
      ],
    });
    expect(parseSequenceSet('*')).toEqual({ kind: 'ranges', ranges: [{ start: '*', end: '*' }] });
    expect(parseSequenceSet('4294967295')).toEqual({ kind: 'ranges', ranges: [{ start: 4294967295, end: 4294967295 }] });
  });

  it('parses $ (RFC 5182)', () => {
    expect(parseSequenceSet('$')).toEqual({ kind: 'saved' });
  });

  it('rejects malformed sets', () => {
    for (const bad of ['', '0', '1:0', ',', '1,', ':5', '1:', '1::2', '4294967296', '1,$', '$,1', '$$', 'a', '1:2:3']) {
      expect(() => parseSequenceSet(bad), bad).toThrow(ParseError);
    }
  });

  it('honours allowStar and allowSaved', () => {
    expect(() => parseSequenceSet('1:*', 'x', { allowStar: false })).toThrow("'*' is not allowed in x");
    expect(() => parseSequenceSet('$', 'x', { allowSaved: false })).toThrow("'$' is not allowed in x");
  });

  it('renders a set back to text', () => {
    expect(sequenceSetToString(parseSequenceSet('1,3:5,7:*'))).toBe('1,3:5,7:*');
    expect(sequenceSetToString({ kind: 'saved' })).toBe('$');
  });
});

describe('resolving sequence sets', () => {
  it('resolves *, reverses backwards ranges, sorts and merges', () => {
    expect(resolveSequenceSet(parseSequenceSet('7:*,1,3:2,4'), 10)).toEqual([
      [1, 4],
      [7, 10],
    ]);
    expect(resolveSequenceSet(parseSequenceSet('*:4'), 10)).toEqual([[4, 10]]);
  });

  it('does not clip ranges to max (UID 900:* includes the last UID)', () => {
    expect(resolveSequenceSet(parseSequenceSet('900:*'), 500)).toEqual([[500, 900]]);
    expect(sequenceSetContains(parseSequenceSet('900:*'), 500, 500)).toBe(true);
  });

  it('tests membership', () => {
    const set = parseSequenceSet('1,3:5,7:*');
    expect([1, 2, 3, 5, 6, 7, 20, 21].map((n) => sequenceSetContains(set, n, 20))).toEqual([true, false, true, true, false, true, true, false]);
    const has = sequenceSetMatcher(set, 20);
    expect(has(4)).toBe(true);
    expect(has(6)).toBe(false);
  });

  it('expands message sequence numbers within 1..max', () => {
    expect(expandSequenceSet(parseSequenceSet('1,3:5,7:*'), 8)).toEqual([1, 3, 4, 5, 7, 8]);
    expect(expandSequenceSet(parseSequenceSet('2:4,3,100'), 4)).toEqual([2, 3, 4]);
    expect(expandSequenceSet(parseSequenceSet('1:*'), 0)).toEqual([]);
    expect(expandSequenceSet(parseSequenceSet('1:4294967295'), 3)).toEqual([1, 2, 3]);
  });

  it('filters UIDs, * meaning the largest UID', () => {
    const uids = [3, 7, 10, 15, 42];
    expect(filterSequenceSet(parseSequenceSet('5:12,*'), uids)).toEqual([7, 10, 42]);
    expect(filterSequenceSet(parseSequenceSet('100:*'), uids)).toEqual([42]);
    expect(filterSequenceSet(parseSequenceSet('1:*'), [])).toEqual([]);
  });

  it('uses the saved result for $', () => {
    expect(expandSequenceSet({ kind: 'saved' }, 10, [4, 2, 12])).toEqual([2, 4]);
    expect(sequenceSetContains({ kind: 'saved' }, 4, 10, [4])).toBe(true);
    expect(sequenceSetContains({ kind: 'saved' }, 4, 10)).toBe(false);
    expect(filterSequenceSet({ kind: 'saved' }, [1, 2, 3], [3, 1])).toEqual([1, 3]);
  });
});

describe('formatSequenceSet', () => {
  it('compacts runs', () => {
    expect(formatSequenceSet([1, 2, 3, 5, 7, 8, 9, 11])).toBe('1:3,5,7:9,11');
    expect(formatSequenceSet([5, 1, 3, 2, 2])).toBe('1:3,5');
    expect(formatSequenceSet([])).toBe('');
    expect(formatSequenceSet([42])).toBe('42');
  });
});
