import { describe, expect, it } from 'vitest';
import { ParseError } from './errors.ts';
import { Reader, isAstringChar, isAtomChar, isListChar } from './tokenizer.ts';

const reader = (s: string | Buffer): Reader => new Reader(typeof s === 'string' ? Buffer.from(s, 'latin1') : s);

describe('character classes', () => {
  it('follows RFC 3501 atom-specials', () => {
    for (const ch of '(){ %*"\\]\x00\x1f\x7f\x80') expect(isAtomChar(ch.charCodeAt(0)), JSON.stringify(ch)).toBe(false);
    for (const ch of "aZ09.-_$+!#&'[~:,") expect(isAtomChar(ch.charCodeAt(0)), ch).toBe(true);
    expect(isAstringChar(']'.charCodeAt(0))).toBe(true);
    expect(isListChar('%'.charCodeAt(0)) && isListChar('*'.charCodeAt(0))).toBe(true);
  });
});

describe('Reader', () => {
  it('reads atoms, astrings and numbers', () => {
    const r = reader('FETCH abc] 42 9223372036854775807');
    expect(r.atom('x')).toBe('FETCH');
    r.sp('x');
    expect(r.astring('x').toString()).toBe('abc]');
    r.sp('x');
    expect(r.number('x')).toBe(42);
    r.sp('x');
    expect(r.modSeq('x')).toBe(9223372036854775807n);
    r.end();
  });

  it('reads quoted strings with escapes', () => {
    expect(reader('"a \\"b\\" \\\\ c"').quoted('x').toString()).toBe('a "b" \\ c');
    expect(reader('""').quoted('x')).toEqual(Buffer.alloc(0));
  });

  it('rejects unterminated quotes, bad escapes, CR/LF and NUL in quoted strings', () => {
    expect(() => reader('"abc').quoted('x')).toThrow('Unterminated quoted string in x');
    expect(() => reader('"a\\nb"').quoted('x')).toThrow('Invalid escape in quoted string in x');
    expect(() => reader('"a\r\nb"').quoted('x')).toThrow('Unterminated quoted string in x');
    expect(() => reader(Buffer.from('"a\u0000b"', 'latin1')).quoted('x')).toThrow('NUL byte in command');
  });

  it('accepts UTF-8 in quoted strings', () => {
    expect(reader(Buffer.from('"Việt"', 'utf8')).quoted('x').toString('utf8')).toBe('Việt');
  });

  it('reads literals ({n}, {n+}, ~{n}) with CRLF or LF', () => {
    expect(reader('{3}\r\nabc').literal('x')).toMatchObject({ binary: false, nonSync: false });
    expect(reader('{3+}\nabc').literal('x')).toMatchObject({ nonSync: true });
    expect(reader('~{3}\r\na\u0000c').literal('x', true)).toMatchObject({ binary: true });
    expect(reader('{0}\r\n').literal('x').data).toHaveLength(0);
    expect(() => reader('~{3}\r\nabc').literal('x')).toThrow('Binary literal not allowed in x');
  });

  it('rejects malformed or incomplete literals', () => {
    expect(() => reader('{3}abc').literal('x')).toThrow('Literal announcement must end the line in x');
    expect(() => reader('{}\r\n').literal('x')).toThrow('Invalid literal length in x');
    expect(() => reader('{3\r\nabc').literal('x')).toThrow('Invalid literal in x');
    expect(() => reader('{5}\r\nabc').literal('x')).toThrow('Literal data incomplete in x');
    expect(() => reader('{999999999999}\r\nabc').literal('x')).toThrow('Literal data incomplete in x');
    expect(() => reader(`{${'9'.repeat(30)}}\r\nabc`).literal('x')).toThrow('Literal data incomplete in x');
  });

  it('recognises NIL only as a whole atom', () => {
    expect(reader('NIL').isNil()).toBe(true);
    expect(reader('nil)').isNil()).toBe(true);
    expect(reader('NILS').isNil()).toBe(false);
    expect(reader('"NIL"').nstring('x')?.toString()).toBe('NIL');
  });

  it('rejects numbers that are too large or run into other characters', () => {
    expect(() => reader('4294967296').number('n')).toThrow('Number too large in n');
    expect(() => reader('99999999999999999999999').number('n')).toThrow('Number too large in n');
    expect(() => reader('9223372036854775808').modSeq('n')).toThrow('Number too large in n');
    expect(() => reader('12ab').number('n')).toThrow('Invalid n');
    expect(reader('4294967295').number('n')).toBe(4294967295);
    expect(() => reader('0').nzNumber('n')).toThrow('Invalid n: zero is not allowed');
  });

  it('parses lists and bounds nesting', () => {
    const r = reader('(a b c)');
    expect(r.list('item', () => r.atom('item'))).toEqual(['a', 'b', 'c']);
    const e = reader('()');
    expect(e.list('item', () => e.atom('item'))).toEqual([]);
    const ne = reader('()');
    expect(() => ne.list('item', () => ne.atom('item'), false)).toThrow('Empty item list');
    const open = reader('(a b');
    expect(() => open.list('item', () => open.atom('item'))).toThrow('Unterminated item list');
    const trailing = reader('(a )');
    expect(() => trailing.list('item', () => trailing.atom('item'))).toThrow('Invalid item list');
    const deep = reader('('.repeat(100) + ')'.repeat(100));
    const nested = (): unknown => deep.list('item', nested);
    expect(() => nested()).toThrow('Too deeply nested item');
  });

  it('distinguishes missing from malformed arguments', () => {
    expect(() => reader('').sp('password')).toThrow('Missing password');
    expect(() => reader('x').sp('password')).toThrow('Expected space before password');
    expect(() => reader('   ').sp('password')).toThrow('Missing password');
    expect(() => reader('(x)').astring('user')).toThrow('Invalid user');
    expect(() => reader('\u0000').atom('tag')).toThrow(ParseError);
  });
});
