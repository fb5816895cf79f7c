import { describe, expect, it } from 'vitest';
import { bad, ok } from './testing.ts';

describe('STORE', () => {
  it('parses the RFC 3501 example', () => {
    expect(ok('A003 STORE 2:4 +FLAGS (\\Deleted)')).toEqual({
      name: 'STORE',
      tag: 'A003',
      uid: false,
      sequence: { kind: 'ranges', ranges: [{ start: 2, end: 4 }] },
      unchangedSince: null,
      operation: 'add',
      silent: false,
      flags: ['\\Deleted'],
    });
  });

  it('parses every operation, with and without .SILENT', () => {
    expect(ok('a STORE 1 FLAGS (\\Seen)', 'STORE')).toMatchObject({ operation: 'set', silent: false });
    expect(ok('a STORE 1 flags.silent (\\Seen)', 'STORE')).toMatchObject({ operation: 'set', silent: true });
    expect(ok('a STORE 1 +FLAGS.SILENT (\\Seen)', 'STORE')).toMatchObject({ operation: 'add', silent: true });
    expect(ok('a STORE 1 -FLAGS (\\Seen)', 'STORE')).toMatchObject({ operation: 'remove', silent: false });
    expect(ok('a STORE 1 -FLAGS.SILENT (\\Seen)', 'STORE')).toMatchObject({ operation: 'remove', silent: true });
  });

  it('accepts space-separated flags without parentheses', () => {
    expect(ok('a STORE 1 +FLAGS \\Seen \\deleted $Label1', 'STORE').flags).toEqual(['\\Seen', '\\Deleted', '$Label1']);
  });

  it('normalises system flags, keeps keyword case, and drops duplicates', () => {
    expect(ok('a STORE 1 FLAGS (\\SEEN \\answered \\FlAgGeD \\draft \\Deleted Work work)', 'STORE').flags).toEqual(['\\Seen', '\\Answered', '\\Flagged', '\\Draft', '\\Deleted', 'Work']);
  });

  it('accepts an empty flag list for FLAGS (clear all)', () => {
    expect(ok('a STORE 1:* FLAGS ()', 'STORE').flags).toEqual([]);
  });

  it('parses UNCHANGEDSINCE and UID STORE (RFC 7162 example)', () => {
    expect(ok('a103 UID STORE 6,4,8 (UNCHANGEDSINCE 12121230045) +FLAGS.SILENT (\\Deleted)')).toEqual({
      name: 'STORE',
      tag: 'a103',
      uid: true,
      sequence: {
        kind: 'ranges',
        ranges: [
          { start: 6, end: 6 },
          { start: 4, end: 4 },
          { start: 8, end: 8 },
        ],
      },
      unchangedSince: 12121230045n,
      operation: 'add',
      silent: true,
      flags: ['\\Deleted'],
    });
    expect(ok('a STORE 1 (UNCHANGEDSINCE 0) FLAGS ()', 'STORE').unchangedSince).toBe(0n);
  });

  it('rejects \\Recent, unknown system flags and bad keywords', () => {
    expect(bad('a STORE 1 +FLAGS (\\Recent)').message).toBe('The \\Recent flag cannot be set');
    expect(bad('a STORE 1 +FLAGS (\\*)').message).toBe('Invalid flag');
    expect(bad('a STORE 1 +FLAGS (\\Important)').message).toBe('Unknown system flag \\Important');
    expect(bad('a STORE 1 +FLAGS ("quoted")').message).toBe('Invalid flag');
    expect(bad('a STORE 1 +FLAGS (a]b)').message).toBe('Invalid flag list');
  });

  it('rejects malformed STORE commands', () => {
    expect(bad('a STORE 1 FLAG (\\Seen)').message).toBe('Invalid store data item FLAG');
    expect(bad('a STORE 1 +FLAGS').message).toBe('Missing flags');
    expect(bad('a STORE 1').message).toBe('Missing store data item');
    expect(bad('a STORE +FLAGS (\\Seen)').message).toBe('Invalid sequence set');
    expect(bad('a STORE 1 (UNCHANGEDSINCE) FLAGS ()').message).toBe('Missing UNCHANGEDSINCE mod-sequence');
    expect(bad('a STORE 1 (FOO 1) FLAGS ()').message).toBe('Unknown store modifier FOO');
    expect(bad('a STORE 1 (UNCHANGEDSINCE 1 UNCHANGEDSINCE 2) FLAGS ()').message).toBe('Duplicate store modifier UNCHANGEDSINCE');
    expect(bad('a STORE 1 +FLAGS (\\Seen').message).toBe('Unterminated flag list');
    expect(bad('a STORE 1 +FLAGS (\\Seen) extra').message).toBe('Unexpected extra arguments');
  });
});

describe('COPY / MOVE', () => {
  it('parses the RFC 3501 COPY example', () => {
    expect(ok('A003 COPY 2:4 MEETING')).toEqual({
      name: 'COPY',
      tag: 'A003',
      uid: false,
      sequence: { kind: 'ranges', ranges: [{ start: 2, end: 4 }] },
      mailbox: 'MEETING',
    });
  });

  it('parses UID MOVE (RFC 6851) and decodes the destination', () => {
    expect(ok('a UID MOVE 42:69 foo')).toEqual({
      name: 'MOVE',
      tag: 'a',
      uid: true,
      sequence: { kind: 'ranges', ranges: [{ start: 42, end: 69 }] },
      mailbox: 'foo',
    });
    expect(ok('a MOVE 1:* "Th&AbA- r&AOE-c"', 'MOVE').mailbox).toBe('Thư rác');
    expect(ok('a UID COPY $ inbox', 'COPY')).toMatchObject({ sequence: { kind: 'saved' }, mailbox: 'INBOX' });
  });

  it('rejects missing arguments', () => {
    expect(bad('a COPY 1').message).toBe('Missing mailbox name');
    expect(bad('a MOVE').message).toBe('Missing sequence set');
    expect(bad('a MOVE 1 a b').message).toBe('Unexpected extra arguments');
  });
});

describe('EXPUNGE / UID EXPUNGE', () => {
  it('parses UID EXPUNGE with a UID set (RFC 4315)', () => {
    expect(ok('A003 UID EXPUNGE 3000:3002')).toEqual({
      name: 'EXPUNGE',
      tag: 'A003',
      uid: true,
      sequence: { kind: 'ranges', ranges: [{ start: 3000, end: 3002 }] },
    });
  });

  it('requires the set for UID EXPUNGE', () => {
    expect(bad('A003 UID EXPUNGE').message).toBe('Missing UID set');
  });
});
