// SORT and THREAD arguments (RFC 5256 §4 grammar, RFC 5267 ESORT's RETURN, RFC 5957's keys).
import { describe, expect, it } from 'vitest';
import { bad, ok } from './testing.ts';

describe('SORT', () => {
  it('parses the RFC 5256 example', () => {
    expect(ok('A282 SORT (SUBJECT) UTF-8 SINCE 1-Feb-1994', 'SORT')).toEqual({
      name: 'SORT',
      tag: 'A282',
      uid: false,
      returnOptions: null,
      criteria: [{ key: 'SUBJECT', reverse: false }],
      charset: 'UTF-8',
      query: { type: 'date', field: 'internal', op: 'since', date: new Date('1994-02-01T00:00:00.000Z') },
    });
  });

  it('parses REVERSE, several keys, UID, DISPLAYFROM, and ESORT return options', () => {
    const c = ok('a UID SORT RETURN (MIN COUNT) (REVERSE ARRIVAL displayfrom) us-ascii ALL', 'SORT');
    expect(c.uid).toBe(true);
    expect(c.returnOptions).toEqual(['MIN', 'COUNT']);
    expect(c.criteria).toEqual([
      { key: 'ARRIVAL', reverse: true },
      { key: 'DISPLAYFROM', reverse: false },
    ]);
    expect(c.charset).toBe('US-ASCII');
  });

  it('refuses a missing charset, an empty or unknown key, REVERSE alone and a SAVE return option', () => {
    for (const line of ['a SORT (SUBJECT) ALL', 'a SORT () UTF-8 ALL', 'a SORT (SENDER) UTF-8 ALL', 'a SORT (REVERSE) UTF-8 ALL', 'a SORT RETURN (SAVE) (DATE) UTF-8 ALL', 'a SORT (DATE) UTF-8'])
      expect(bad(line).tag).toBe('a');
  });

  it('answers an unknown charset with BADCHARSET', () => {
    expect(bad('a SORT (DATE) KOI8-R ALL').code).toBe('BADCHARSET');
  });
});

describe('THREAD', () => {
  it('parses both algorithms with their search criteria', () => {
    expect(ok('A283 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000', 'THREAD')).toMatchObject({ algorithm: 'ORDEREDSUBJECT', charset: 'UTF-8', uid: false });
    expect(ok('A284 UID THREAD references US-ASCII TEXT "gewp"', 'THREAD')).toMatchObject({ algorithm: 'REFERENCES', uid: true, query: { type: 'text', value: 'gewp' } });
  });

  it('refuses an unknown algorithm and a missing charset', () => {
    expect(bad('a THREAD X-FOO UTF-8 ALL').tag).toBe('a');
    expect(bad('a THREAD REFERENCES ALL').tag).toBe('a');
    expect(bad('a THREAD REFERENCES KOI8-R ALL').code).toBe('BADCHARSET');
  });
});
