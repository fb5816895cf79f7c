import { describe, expect, it } from 'vitest';
import { canQuote, formatInternalDate, formatMailboxName, quoteOrLiteral, serialize, serializeTo } from './serialize.ts';
import { atom, literal, run } from './value.ts';

const s = (v: Parameters<typeof serialize>[0]): string => serialize(v).toString('utf8');

describe('serialize', () => {
  it('quotes short 7-bit strings, escaping backslash and double quote', () => {
    expect(s('hello world')).toBe('"hello world"');
    expect(s('')).toBe('""');
    expect(s('a"b\\c')).toBe('"a\\"b\\\\c"');
  });

  it('sends strings with CR, LF or NUL as literals', () => {
    expect(s('line1\r\nline2')).toBe('{12}\r\nline1\r\nline2');
    expect(s('a\u0000b')).toBe('{3}\r\na\u0000b');
  });

  it('sends 8-bit strings as literals counting UTF-8 bytes', () => {
    expect(s('Việt')).toBe('{6}\r\nViệt');
  });

  it('sends long strings as literals', () => {
    const long = 'x'.repeat(1025);
    expect(s(long)).toBe(`{1025}\r\n${long}`);
    expect(s('x'.repeat(1024))).toBe(`"${'x'.repeat(1024)}"`);
  });

  it('writes NIL, numbers, bigints, atoms and literals', () => {
    expect(s(null)).toBe('NIL');
    expect(s(0)).toBe('0');
    expect(s(4294967295)).toBe('4294967295');
    expect(s(9223372036854775807n)).toBe('9223372036854775807');
    expect(s(atom('\\Seen'))).toBe('\\Seen');
    expect(s(literal(Buffer.from('abc')))).toBe('{3}\r\nabc');
  });

  it('writes nested lists', () => {
    expect(s([])).toBe('()');
    expect(s([atom('FLAGS'), [atom('\\Seen'), atom('$Label1')], atom('UID'), 42, null, 'x'])).toBe('(FLAGS (\\Seen $Label1) UID 42 NIL "x")');
  });

  it('keeps literal payloads as separate chunks without copying', () => {
    const payload = Buffer.from('0123456789');
    const chunks: Buffer[] = [];
    serializeTo([atom('BODY[]'), literal(payload)], chunks);
    expect(chunks.some((c) => c === payload)).toBe(true);
    expect(Buffer.concat(chunks).toString()).toBe('(BODY[] {10}\r\n0123456789)');
  });

  it('rejects negative and fractional numbers', () => {
    expect(() => serialize(-1)).toThrow(RangeError);
    expect(() => serialize(1.5)).toThrow(RangeError);
    expect(() => serialize(-1n)).toThrow(RangeError);
  });
});

describe('quoteOrLiteral', () => {
  it('quotes when it can and uses a literal otherwise', () => {
    expect(quoteOrLiteral('INBOX').toString()).toBe('"INBOX"');
    expect(quoteOrLiteral(Buffer.from('a\nb')).toString()).toBe('{3}\r\na\nb');
    expect(quoteOrLiteral('Thư').toString()).toBe('{4}\r\nThư');
  });

  it('canQuote reflects the rules', () => {
    expect(canQuote(Buffer.from('plain'))).toBe(true);
    expect(canQuote(Buffer.from([0x80]))).toBe(false);
    expect(canQuote(Buffer.from('a\rb'))).toBe(false);
  });
});

describe('formatInternalDate', () => {
  it('renders the RFC 3501 example in a negative zone', () => {
    expect(formatInternalDate(new Date('1996-07-17T09:44:25Z'), -420)).toBe('17-Jul-1996 02:44:25 -0700');
  });

  it('defaults to UTC and pads day, time and zone', () => {
    expect(formatInternalDate(new Date('1994-02-07T05:02:03Z'))).toBe('07-Feb-1994 05:02:03 +0000');
  });

  it('handles half-hour zones and crossing midnight', () => {
    expect(formatInternalDate(new Date('2024-12-31T20:00:00Z'), 330)).toBe('01-Jan-2025 01:30:00 +0530');
    expect(formatInternalDate(new Date('2024-03-01T00:30:00Z'), 7 * 60)).toBe('01-Mar-2024 07:30:00 +0700');
  });

  it('serialises as a quoted string', () => {
    expect(s(formatInternalDate(new Date('1996-07-17T09:44:25Z'), -420))).toBe('"17-Jul-1996 02:44:25 -0700"');
  });

  it('refuses an invalid date', () => {
    expect(() => formatInternalDate(new Date('nope'))).toThrow(RangeError);
  });
});

describe('formatMailboxName', () => {
  it('encodes to modified UTF-7 and quotes', () => {
    expect(formatMailboxName('INBOX')).toBe('"INBOX"');
    expect(formatMailboxName('Thư đã gửi')).toBe('"Th&AbA- &AREA4w- g&Hu0-i"');
    expect(formatMailboxName('AT&T')).toBe('"AT&-T"');
    expect(formatMailboxName('say "hi"\\')).toBe('"say \\"hi\\"\\\\"');
  });

  it('sends UTF-8 when UTF8=ACCEPT is enabled', () => {
    expect(formatMailboxName('Thư', { utf8: true })).toBe('"Thư"');
  });
});

describe('runs (RFC 3501 1*body, 1*address)', () => {
  it('writes the items of a run one after another, with no space between them', () => {
    const v = [
      run([
        ['a', null],
        ['b', null],
      ]),
      'mixed',
    ];
    expect(serialize(v).toString()).toBe('(("a" NIL)("b" NIL) "mixed")');
  });
});
