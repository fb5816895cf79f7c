import { describe, expect, it } from 'vitest';
import { bad, ok } from './testing.ts';
import type { SearchKey } from './types.ts';

const query = (input: string | Buffer): SearchKey => ok(input, 'SEARCH').query;
const day = (iso: string): Date => new Date(`${iso}T00:00:00.000Z`);

describe('SEARCH', () => {
  it('parses the RFC 3501 example as an AND of keys', () => {
    expect(ok('A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"')).toEqual({
      name: 'SEARCH',
      tag: 'A282',
      uid: false,
      charset: null,
      returnOptions: null,
      query: {
        type: 'and',
        keys: [
          { type: 'flag', flag: '\\Flagged', set: true },
          { type: 'date', field: 'internal', op: 'since', date: day('1994-02-01') },
          { type: 'not', key: { type: 'header', field: 'from', value: 'Smith' } },
        ],
      },
    });
  });

  it('parses a single key without wrapping it', () => {
    expect(query('A283 SEARCH TEXT "string not in mailbox"')).toEqual({ type: 'text', value: 'string not in mailbox' });
  });

  it('decodes a UTF-8 literal with CHARSET UTF-8 (Vietnamese)', () => {
    const raw = Buffer.concat([Buffer.from('A285 SEARCH CHARSET UTF-8 TEXT {6}\r\n'), Buffer.from('Việt', 'utf8')]);
    expect(Buffer.from('Việt', 'utf8')).toHaveLength(6);
    const cmd = ok(raw, 'SEARCH');
    expect(cmd.charset).toBe('UTF-8');
    expect(cmd.query).toEqual({ type: 'text', value: 'Việt' });
  });

  it('decodes literals as UTF-8 without CHARSET, and accepts US-ASCII in any case', () => {
    expect(query(Buffer.concat([Buffer.from('a SEARCH SUBJECT {8}\r\n'), Buffer.from('Thư mời', 'utf8').subarray(0, 8)]))).toMatchObject({
      type: 'header',
      field: 'subject',
    });
    expect(ok('a SEARCH charset us-ascii ALL', 'SEARCH').charset).toBe('US-ASCII');
  });

  it('refuses other charsets with BADCHARSET so the server can answer NO', () => {
    const r = bad('A286 SEARCH CHARSET KOI8-R TEXT "x"');
    expect(r.tag).toBe('A286');
    expect(r.code).toBe('BADCHARSET');
    expect(r.message.startsWith('[BADCHARSET (UTF-8 US-ASCII)]')).toBe(true);
  });

  it('parses every flag key', () => {
    const keys = 'ANSWERED DELETED DRAFT FLAGGED SEEN RECENT UNANSWERED UNDELETED UNDRAFT UNFLAGGED UNSEEN OLD';
    const q = query(`a SEARCH ${keys}`);
    expect(q).toEqual({
      type: 'and',
      keys: [
        { type: 'flag', flag: '\\Answered', set: true },
        { type: 'flag', flag: '\\Deleted', set: true },
        { type: 'flag', flag: '\\Draft', set: true },
        { type: 'flag', flag: '\\Flagged', set: true },
        { type: 'flag', flag: '\\Seen', set: true },
        { type: 'flag', flag: '\\Recent', set: true },
        { type: 'flag', flag: '\\Answered', set: false },
        { type: 'flag', flag: '\\Deleted', set: false },
        { type: 'flag', flag: '\\Draft', set: false },
        { type: 'flag', flag: '\\Flagged', set: false },
        { type: 'flag', flag: '\\Seen', set: false },
        { type: 'flag', flag: '\\Recent', set: false },
      ],
    });
  });

  it('expands NEW to recent and unseen; parses ALL, KEYWORD and UNKEYWORD', () => {
    expect(query('a SEARCH NEW')).toEqual({
      type: 'and',
      keys: [
        { type: 'flag', flag: '\\Recent', set: true },
        { type: 'flag', flag: '\\Seen', set: false },
      ],
    });
    expect(query('a SEARCH all')).toEqual({ type: 'all' });
    expect(query('a SEARCH KEYWORD $Work UNKEYWORD Junk')).toEqual({
      type: 'and',
      keys: [
        { type: 'flag', flag: '$Work', set: true },
        { type: 'flag', flag: 'Junk', set: false },
      ],
    });
  });

  it('parses the string keys', () => {
    expect(query('a SEARCH BCC a CC b FROM c TO d SUBJECT "e f" BODY g TEXT h HEADER X-Mailer ""')).toEqual({
      type: 'and',
      keys: [
        { type: 'header', field: 'bcc', value: 'a' },
        { type: 'header', field: 'cc', value: 'b' },
        { type: 'header', field: 'from', value: 'c' },
        { type: 'header', field: 'to', value: 'd' },
        { type: 'header', field: 'subject', value: 'e f' },
        { type: 'body', value: 'g' },
        { type: 'text', value: 'h' },
        { type: 'header', field: 'x-mailer', value: '' },
      ],
    });
  });

  it('parses the date keys, quoted or not', () => {
    expect(query('a SEARCH BEFORE 1-Feb-1994 ON "15-mar-2024" SINCE 31-Dec-1999 SENTBEFORE 2-Jan-2000 SENTON 29-Feb-2024 SENTSINCE "1-Jan-2025"')).toEqual({
      type: 'and',
      keys: [
        { type: 'date', field: 'internal', op: 'before', date: day('1994-02-01') },
        { type: 'date', field: 'internal', op: 'on', date: day('2024-03-15') },
        { type: 'date', field: 'internal', op: 'since', date: day('1999-12-31') },
        { type: 'date', field: 'sent', op: 'before', date: day('2000-01-02') },
        { type: 'date', field: 'sent', op: 'on', date: day('2024-02-29') },
        { type: 'date', field: 'sent', op: 'since', date: day('2025-01-01') },
      ],
    });
  });

  it('parses sizes, UID sets and sequence sets', () => {
    expect(query('a SEARCH LARGER 1024 SMALLER 4096 UID 1:5,9 2:* $')).toEqual({
      type: 'and',
      keys: [
        { type: 'size', op: 'larger', size: 1024 },
        { type: 'size', op: 'smaller', size: 4096 },
        {
          type: 'uid',
          set: {
            kind: 'ranges',
            ranges: [
              { start: 1, end: 5 },
              { start: 9, end: 9 },
            ],
          },
        },
        { type: 'sequence', set: { kind: 'ranges', ranges: [{ start: 2, end: '*' }] } },
        { type: 'sequence', set: { kind: 'saved' } },
      ],
    });
  });

  it('parses OR, NOT and parenthesised groups as a tree', () => {
    expect(query('a SEARCH OR (FROM alice SEEN) NOT (TO bob) DELETED')).toEqual({
      type: 'and',
      keys: [
        {
          type: 'or',
          left: {
            type: 'and',
            keys: [
              { type: 'header', field: 'from', value: 'alice' },
              { type: 'flag', flag: '\\Seen', set: true },
            ],
          },
          right: { type: 'not', key: { type: 'header', field: 'to', value: 'bob' } },
        },
        { type: 'flag', flag: '\\Deleted', set: true },
      ],
    });
    expect(query('a SEARCH OR OR SEEN DRAFT FLAGGED')).toEqual({
      type: 'or',
      left: {
        type: 'or',
        left: { type: 'flag', flag: '\\Seen', set: true },
        right: { type: 'flag', flag: '\\Draft', set: true },
      },
      right: { type: 'flag', flag: '\\Flagged', set: true },
    });
  });

  it('parses MODSEQ with and without entry (RFC 7162 examples)', () => {
    expect(query('a SEARCH MODSEQ "/flags/\\\\draft" all 620162338')).toEqual({
      type: 'modseq',
      modSeq: 620162338n,
      entry: { name: '/flags/\\draft', kind: 'all' },
    });
    const cmd = ok('t UID SEARCH OR NOT MODSEQ 720162338 LARGER 50000', 'SEARCH');
    expect(cmd.uid).toBe(true);
    expect(cmd.query).toEqual({
      type: 'or',
      left: { type: 'not', key: { type: 'modseq', modSeq: 720162338n, entry: null } },
      right: { type: 'size', op: 'larger', size: 50000 },
    });
  });

  it('parses OLDER and YOUNGER (RFC 5032)', () => {
    expect(query('a SEARCH YOUNGER 3600 OLDER 60')).toEqual({
      type: 'and',
      keys: [
        { type: 'age', op: 'younger', seconds: 3600 },
        { type: 'age', op: 'older', seconds: 60 },
      ],
    });
  });

  it('parses RETURN options (RFC 4731, RFC 5182) before CHARSET', () => {
    expect(ok('A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"', 'SEARCH').returnOptions).toEqual(['MIN', 'COUNT']);
    expect(ok('A283 SEARCH RETURN () FLAGGED', 'SEARCH').returnOptions).toEqual([]);
    expect(ok('A284 SEARCH RETURN (SAVE) FLAGGED', 'SEARCH').returnOptions).toEqual(['SAVE']);
    expect(ok('a UID SEARCH RETURN (min max all count) CHARSET UTF-8 ALL', 'SEARCH')).toMatchObject({
      returnOptions: ['MIN', 'MAX', 'ALL', 'COUNT'],
      charset: 'UTF-8',
      uid: true,
    });
  });

  it('does not mistake a search key for RETURN or CHARSET', () => {
    expect(bad('a SEARCH CHARSETX').message).toBe('Unknown search key CHARSETX');
    expect(bad('a SEARCH RETURN').message).toBe('Unknown search key RETURN');
  });

  it('rejects malformed criteria', () => {
    expect(bad('a SEARCH').message).toBe('Missing search criteria');
    expect(bad('a SEARCH BOGUS').message).toBe('Unknown search key BOGUS');
    expect(bad('a SEARCH FROM').message).toBe('Missing FROM string');
    expect(bad('a SEARCH HEADER Subject').message).toBe('Missing HEADER string');
    expect(bad('a SEARCH SINCE 1-Foo-1994').message).toBe('Invalid SINCE date');
    expect(bad('a SEARCH SINCE 30-Feb-2024').message).toBe('Invalid SINCE date');
    expect(bad('a SEARCH SINCE 1994-02-01').message).toBe('Invalid SINCE date');
    expect(bad('a SEARCH LARGER x').message).toBe('Invalid LARGER size');
    expect(bad('a SEARCH LARGER 99999999999999999999').message).toBe('Number too large in LARGER size');
    expect(bad('a SEARCH OR SEEN').message).toBe('Missing second OR search key');
    expect(bad('a SEARCH NOT').message).toBe('Missing NOT search key');
    expect(bad('a SEARCH (SEEN').message).toBe('Unterminated search key list');
    expect(bad('a SEARCH ()').message).toBe('Empty search key list');
    expect(bad('a SEARCH SEEN)').message).toBe('Unexpected extra arguments');
    expect(bad('a SEARCH UID 0:5').message).toBe('Invalid UID set: zero is not allowed');
    expect(bad('a SEARCH 1,,2').message).toBe('Invalid sequence set search key');
    expect(bad('a SEARCH MODSEQ "/flags/x" bogus 5').message).toBe('Invalid MODSEQ entry type');
    expect(bad('a SEARCH YOUNGER 0').message).toBe('Invalid YOUNGER interval: zero is not allowed');
    expect(bad('a SEARCH KEYWORD \\Seen').message).toBe('Invalid KEYWORD flag');
    expect(bad('a SEARCH RETURN (BOGUS) ALL').message).toBe('Unknown search return option BOGUS');
    expect(bad('a SEARCH CHARSET').message).toBe('Unknown search key CHARSET');
    expect(bad('a SEARCH CHARSET UTF-8').message).toBe('Missing search criteria');
  });

  it('bounds nesting depth', () => {
    expect(bad(`a SEARCH ${'NOT '.repeat(100)}SEEN`).message).toBe('Search criteria nested too deeply');
    expect(bad(`a SEARCH ${'('.repeat(100)}SEEN${')'.repeat(100)}`).message).toBe('Too deeply nested search key');
    expect(query(`a SEARCH ${'NOT '.repeat(10)}SEEN`).type).toBe('not');
  });
});
