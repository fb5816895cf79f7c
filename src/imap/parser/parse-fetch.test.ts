import { describe, expect, it } from 'vitest';
import { fetchItemLabel, fetchItemSetsSeen } from './fetch-items.ts';
import { bad, ok } from './testing.ts';
import type { FetchItem } from './types.ts';

const items = (input: string): FetchItem[] => ok(input, 'FETCH').items;
const labels = (input: string): string[] => items(input).map(fetchItemLabel);

describe('FETCH', () => {
  it('parses the RFC 3501 example with HEADER.FIELDS', () => {
    const cmd = ok('A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])', 'FETCH');
    expect(cmd).toEqual({
      name: 'FETCH',
      tag: 'A654',
      uid: false,
      sequence: { kind: 'ranges', ranges: [{ start: 2, end: 4 }] },
      items: [
        { type: 'attribute', attribute: 'FLAGS' },
        { type: 'body', peek: false, section: { part: [], specifier: 'HEADER.FIELDS', fields: ['DATE', 'FROM'] }, partial: null },
      ],
      changedSince: null,
      vanished: false,
    });
    expect(cmd.items.map(fetchItemLabel)).toEqual(['FLAGS', 'BODY[HEADER.FIELDS (DATE FROM)]']);
  });

  it('expands the ALL, FAST and FULL macros', () => {
    expect(labels('a FETCH 1 ALL')).toEqual(['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE']);
    expect(labels('a FETCH 1 fast')).toEqual(['FLAGS', 'INTERNALDATE', 'RFC822.SIZE']);
    expect(labels('a FETCH 1 FULL')).toEqual(['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY']);
  });

  it('does not allow macros inside a list', () => {
    expect(bad('a FETCH 1 (ALL)').message).toBe('Unknown fetch attribute ALL');
  });

  it('parses every simple attribute, case-insensitively', () => {
    expect(labels('a FETCH 1 (envelope flags internaldate rfc822 rfc822.header rfc822.size rfc822.text body bodystructure uid modseq)')).toEqual([
      'ENVELOPE',
      'FLAGS',
      'INTERNALDATE',
      'RFC822',
      'RFC822.HEADER',
      'RFC822.SIZE',
      'RFC822.TEXT',
      'BODY',
      'BODYSTRUCTURE',
      'UID',
      'MODSEQ',
    ]);
  });

  it('parses a single attribute without parentheses', () => {
    expect(labels('a FETCH 1 BODY.PEEK[]')).toEqual(['BODY[]']);
  });

  it('parses sections: part paths, HEADER, HEADER.FIELDS.NOT, TEXT, MIME', () => {
    const parsed = items('a FETCH 1 (BODY[] BODY[1] BODY[1.2.3] BODY[1.2.HEADER] BODY[3.TEXT] BODY[2.MIME] BODY[TEXT] BODY.PEEK[HEADER.FIELDS.NOT (Received "X-Spam")])');
    expect(parsed.map(fetchItemLabel)).toEqual(['BODY[]', 'BODY[1]', 'BODY[1.2.3]', 'BODY[1.2.HEADER]', 'BODY[3.TEXT]', 'BODY[2.MIME]', 'BODY[TEXT]', 'BODY[HEADER.FIELDS.NOT (RECEIVED X-SPAM)]']);
    expect(parsed[2]).toMatchObject({ section: { part: [1, 2, 3], specifier: null } });
    expect(parsed[7]).toMatchObject({ peek: true, section: { specifier: 'HEADER.FIELDS.NOT', fields: ['RECEIVED', 'X-SPAM'] } });
  });

  it('parses partial fetches and echoes only the origin', () => {
    const parsed = items('a FETCH 1 (BODY[]<0.2048> BODY.PEEK[1.TEXT]<100.50>)');
    expect(parsed[0]).toMatchObject({ partial: { offset: 0, length: 2048 } });
    expect(parsed.map(fetchItemLabel)).toEqual(['BODY[]<0>', 'BODY[1.TEXT]<100>']);
  });

  it('parses BINARY, BINARY.PEEK and BINARY.SIZE (RFC 3516)', () => {
    const parsed = items('a FETCH 1 (BINARY[1.2] BINARY.PEEK[]<0.100> BINARY.SIZE[3])');
    expect(parsed).toEqual([
      { type: 'binary', peek: false, part: [1, 2], partial: null },
      { type: 'binary', peek: true, part: [], partial: { offset: 0, length: 100 } },
      { type: 'binary.size', part: [3] },
    ]);
    expect(parsed.map(fetchItemLabel)).toEqual(['BINARY[1.2]', 'BINARY[]<0>', 'BINARY.SIZE[3]']);
  });

  it('knows which items set \\Seen', () => {
    expect(items('a FETCH 1 (BODY[] BODY.PEEK[] RFC822 RFC822.HEADER RFC822.TEXT FLAGS BINARY[1])').map(fetchItemSetsSeen)).toEqual([true, false, true, false, true, false, true]);
  });

  it('parses UID FETCH and adds UID (RFC 3501 6.4.8)', () => {
    const cmd = ok('A999 UID FETCH 4827313:4828442 FLAGS', 'FETCH');
    expect(cmd.uid).toBe(true);
    expect(cmd.sequence).toEqual({ kind: 'ranges', ranges: [{ start: 4827313, end: 4828442 }] });
    expect(cmd.items.map(fetchItemLabel)).toEqual(['FLAGS', 'UID']);
    expect(ok('a UID FETCH 1 (UID FLAGS)', 'FETCH').items.map(fetchItemLabel)).toEqual(['UID', 'FLAGS']);
  });

  it('parses CHANGEDSINCE and VANISHED (RFC 7162)', () => {
    const cmd = ok('s100 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)', 'FETCH');
    expect(cmd.changedSince).toBe(12345n);
    expect(cmd.vanished).toBe(false);
    expect(cmd.sequence).toEqual({ kind: 'ranges', ranges: [{ start: 1, end: '*' }] });
    expect(cmd.items.map(fetchItemLabel)).toEqual(['FLAGS', 'UID', 'MODSEQ']);
    const q = ok('s100 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)', 'FETCH');
    expect(q).toMatchObject({ changedSince: 12345n, vanished: true });
  });

  it('parses $ (RFC 5182)', () => {
    expect(ok('A283 FETCH $ (UID INTERNALDATE FLAGS RFC822.SIZE)', 'FETCH').sequence).toEqual({ kind: 'saved' });
  });

  it('rejects VANISHED without UID FETCH and CHANGEDSINCE', () => {
    expect(bad('a FETCH 1 FLAGS (CHANGEDSINCE 1 VANISHED)').message).toBe('VANISHED requires UID FETCH with CHANGEDSINCE');
    expect(bad('a UID FETCH 1 FLAGS (VANISHED)').message).toBe('VANISHED requires UID FETCH with CHANGEDSINCE');
  });

  it('rejects malformed items', () => {
    expect(bad('a FETCH 1 (FLAGS BOGUS)').message).toBe('Unknown fetch attribute BOGUS');
    expect(bad('a FETCH 1 ()').message).toBe('Empty fetch attribute list');
    expect(bad('a FETCH 1').message).toBe('Missing fetch attributes');
    expect(bad('a FETCH FLAGS').message).toBe('Invalid sequence set');
    expect(bad('a FETCH 1 (FLAGS').message).toBe('Unterminated fetch attribute list');
    expect(bad('a FETCH 1 FLAGS)').message).toBe('Unexpected extra arguments');
    expect(bad('a FETCH 1 (FLAGS)UID').message).toBe('Unexpected extra arguments');
    expect(bad('a FETCH 1 (FLAGS"x")').message).toBe('Invalid fetch attribute list');
    expect(bad('a FETCH 1 BODY[').message).toBe("Missing ']' of section");
    expect(bad('a FETCH 1 BODY[HEADER').message).toBe("Missing ']' of section");
    expect(bad('a FETCH 1 BODY[FOO]').message).toBe('Invalid section specifier FOO');
    expect(bad('a FETCH 1 BODY[MIME]').message).toBe('MIME section requires a part number');
    expect(bad('a FETCH 1 BODY[0]').message).toBe('Invalid section part: zero is not allowed');
    expect(bad('a FETCH 1 BODY[1.]').message).toBe('Invalid section specifier');
    expect(bad('a FETCH 1 BODY[HEADER.FIELDS]').message).toBe('Missing header field list');
    expect(bad('a FETCH 1 BODY[HEADER.FIELDS ()]').message).toBe('Empty header field list');
    expect(bad('a FETCH 1 BODY.PEEK').message).toBe('BODY.PEEK requires a section');
    expect(bad('a FETCH 1 BODY[]<0>').message).toBe("Expected '.' in partial range");
    expect(bad('a FETCH 1 BODY[]<0.0>').message).toBe('Invalid partial length: zero is not allowed');
    expect(bad('a FETCH 1 BODY[]<0.10').message).toBe("Missing '>' of partial range");
    expect(bad('a FETCH 1 BINARY[1.TEXT]').message).toBe('Invalid binary section');
    expect(bad('a FETCH 1 BINARY.SIZE[1]<0.1>').message).toBe('Invalid fetch attribute BINARY.SIZE');
    expect(bad('a FETCH 1 FLAGS (CHANGEDSINCE)').message).toBe('Missing CHANGEDSINCE mod-sequence');
    expect(bad('a FETCH 1 FLAGS (FOO)').message).toBe('Unknown fetch modifier FOO');
    expect(bad('a FETCH 1 FLAGS (CHANGEDSINCE 1 CHANGEDSINCE 2)').message).toBe('Duplicate fetch modifier CHANGEDSINCE');
  });
});
