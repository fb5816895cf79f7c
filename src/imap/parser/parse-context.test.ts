// RFC 5267 (CONTEXT=SEARCH, CONTEXT=SORT) and RFC 9394 arguments: RETURN (CONTEXT UPDATE PARTIAL)
// on SEARCH and SORT, and CANCELUPDATE — the RFCs' own examples first.
import { describe, expect, it } from 'vitest';
import { bad, ok } from './testing.ts';
import { parsePartialRange } from './commands/return-options.ts';

describe('RETURN (CONTEXT UPDATE PARTIAL)', () => {
  it('parses RFC 5267 4.4: UID SORT RETURN (UPDATE CONTEXT PARTIAL 23:28)', () => {
    const c = ok('B01 UID SORT RETURN (UPDATE CONTEXT PARTIAL 23:28) (REVERSE ARRIVAL) UTF-8 UNDELETED UNKEYWORD $Junk', 'SORT');
    expect(c).toMatchObject({ uid: true, returnOptions: ['UPDATE', 'CONTEXT', 'PARTIAL'], partial: { from: 23, to: 28 }, criteria: [{ key: 'ARRIVAL', reverse: true }] });
    expect(c.query).toEqual({
      type: 'and',
      keys: [
        { type: 'flag', flag: '\\Deleted', set: false },
        { type: 'flag', flag: '$Junk', set: false },
      ],
    });
  });

  it('parses RFC 5267 4.3 and 9394 SEARCH forms', () => {
    expect(ok('A01 SEARCH RETURN (UPDATE) BODY body SEEN', 'SEARCH')).toMatchObject({ returnOptions: ['UPDATE'], query: { type: 'and' } });
    expect(ok('A02 UID SEARCH RETURN (UPDATE ALL) OR SEEN SUBJECT s22', 'SEARCH').returnOptions).toEqual(['UPDATE', 'ALL']);
    expect(ok('A03 SEARCH RETURN (PARTIAL 1:1) ALL', 'SEARCH').partial).toEqual({ from: 1, to: 1 });
    expect(ok('A04 UID SEARCH RETURN (PARTIAL -1:-100 COUNT) UNDELETED', 'SEARCH')).toMatchObject({ partial: { from: -1, to: -100 }, returnOptions: ['PARTIAL', 'COUNT'] });
    expect(ok('A05 SEARCH RETURN (context min) ALL', 'SEARCH').returnOptions).toEqual(['CONTEXT', 'MIN']);
    // No PARTIAL, no property: plain results compare equal to what they were before RFC 5267.
    expect('partial' in ok('A06 SEARCH RETURN (ALL) ALL', 'SEARCH')).toBe(false);
  });

  it('orders a PARTIAL range (4:2 is 2:4; -5:-1 is -1:-5) and refuses broken ones', () => {
    expect(parsePartialRange('4:2')).toEqual({ from: 2, to: 4 });
    expect(parsePartialRange('-5:-1')).toEqual({ from: -1, to: -5 });
    expect(ok('a SORT RETURN (PARTIAL 4:2) (ARRIVAL) US-ASCII ALL', 'SORT').partial).toEqual({ from: 2, to: 4 });
    for (const range of ['1', '1:*', '*:1', '0:5', '1:-5', '-0:-1', '1:99999999999', 'x:y']) expect(bad(`a SEARCH RETURN (PARTIAL ${range}) ALL`).message).toMatch(/PARTIAL range/);
    expect(bad('a SEARCH RETURN (PARTIAL) ALL').message).toBe('Missing PARTIAL range');
    expect(bad('a SEARCH RETURN (PARTIAL 1:5 PARTIAL 6:9) ALL').message).toBe('PARTIAL can be given only once');
    expect(bad('a SEARCH RETURN (PARTIAL 1:5 ALL) ALL').message).toBe('PARTIAL conflicts with ALL');
    expect(bad('a SORT RETURN (ALL PARTIAL 1:5) (DATE) UTF-8 ALL').message).toBe('PARTIAL conflicts with ALL');
    expect(bad('a SORT RETURN (SAVE) (DATE) UTF-8 ALL').message).toBe('Unknown sort return option SAVE');
  });

  it("takes SORT's RETURN after the charset too (as imaptest writes it), never as a search key", () => {
    const c = ok('a SORT (REVERSE ARRIVAL) us-ascii RETURN (PARTIAL 2:4) ALL', 'SORT');
    expect(c).toMatchObject({ returnOptions: ['PARTIAL'], partial: { from: 2, to: 4 }, charset: 'US-ASCII', query: { type: 'all' } });
    expect(bad('a SORT RETURN (MIN) (DATE) UTF-8 RETURN (MAX) ALL').message).toBe('Unknown search key RETURN');
    expect(bad('a SEARCH ALL RETURN (MIN)').message).toBe('Unknown search key RETURN');
  });
});

describe('CANCELUPDATE', () => {
  it('parses RFC 5267 4.3.5: one or more tag strings', () => {
    expect(ok('B02 CANCELUPDATE "B01"', 'CANCELUPDATE')).toEqual({ name: 'CANCELUPDATE', tag: 'B02', tags: ['B01'] });
    expect(ok('c CANCELUPDATE "a1" a2 {2}\r\na3', 'CANCELUPDATE').tags).toEqual(['a1', 'a2', 'a3']);
  });

  it('refuses it without a tag', () => {
    expect(bad('c CANCELUPDATE').message).toBe('Missing tag');
    expect(bad('c UID CANCELUPDATE "a"').message).toMatch(/Unknown UID command/);
  });
});
