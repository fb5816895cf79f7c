import { describe, expect, it } from 'vitest';
import { BerReader, BerWriter } from './ber.ts';
import { filterToString, parseFilter, readFilter, writeFilter, FilterSyntaxError, type Filter } from './filter.ts';

function berRoundTrip(f: Filter): Filter {
  const w = new BerWriter();
  writeFilter(w, f);
  const r = new BerReader(w.toBuffer());
  const back = readFilter(r);
  expect(r.atEnd()).toBe(true);
  return back;
}

describe('RFC 4515 string filters', () => {
  // The examples of RFC 4515 section 4.
  it.each([
    '(cn=Babs Jensen)',
    '(!(cn=Tim Howes))',
    '(&(objectClass=Person)(|(sn=Jensen)(cn=Babs J*)))',
    '(o=univ*of*mich*)',
    '(seeAlso=)',
    '(cn:caseExactMatch:=Fred Flintstone)',
    '(cn:=Betty Rubble)',
    '(sn:dn:2.4.6.8.10:=Barney Rubble)',
    '(o:dn:=Ace Industry)',
    '(:1.2.3:=Wilma Flintstone)',
    '(:dn:2.4.6.8.10:=Dino)',
    '(cn>=Nguyễn)',
    '(cn<=Trần)',
    '(cn~=Hương)',
    '(mail=*)',
    '(cn=*dang*)',
    '(cn=dang*huong*)',
    '(mail=*@kontum.gov.vn)',
  ])('%s parses, prints back identically and survives BER', (text) => {
    const f = parseFilter(text);
    expect(filterToString(f)).toBe(text);
    expect(berRoundTrip(f)).toEqual(f);
  });

  it('decodes escapes: \\2a, \\28 \\29, \\5c, \\00 and UTF-8 byte escapes', () => {
    expect(parseFilter('(cn=*\\2A*)')).toEqual({ type: 'substrings', attribute: 'cn', initial: null, any: ['*'], final: null });
    expect(parseFilter('(o=Parens R Us \\28for all your parenthetical needs\\29)')).toEqual({
      type: 'equal',
      attribute: 'o',
      value: 'Parens R Us (for all your parenthetical needs)',
    });
    expect(parseFilter('(filename=C:\\5cMyFile)')).toMatchObject({ value: 'C:\\MyFile' });
    expect(parseFilter('(sn=Lu\\c4\\8di\\c4\\87)')).toMatchObject({ value: 'Lučić' });
    expect(parseFilter('(cn=\\c4\\90\\e1\\ba\\b7ng)')).toMatchObject({ value: 'Đặng' });
  });

  it('escapes special characters when printing', () => {
    const f: Filter = { type: 'equal', attribute: 'cn', value: 'a*(b)\\c' };
    expect(filterToString(f)).toBe('(cn=a\\2a\\28b\\29\\5cc)');
    expect(parseFilter(filterToString(f))).toEqual(f);
  });

  it('accepts a bare item without parentheses, as ldapsearch does', () => {
    expect(parseFilter('uid=annv')).toEqual({ type: 'equal', attribute: 'uid', value: 'annv' });
  });

  it.each(['(cn=a', '(&(cn=a)', 'cn', '(=x)', '(cn=\\zz)', '(cn=a))', '(c n=a)'])('%s is a syntax error', (text) => {
    expect(() => parseFilter(text)).toThrow(FilterSyntaxError);
  });
});

describe('BER filters', () => {
  it('round-trip every choice, nested', () => {
    const f: Filter = {
      type: 'and',
      filters: [
        {
          type: 'or',
          filters: [
            { type: 'present', attribute: 'mail' },
            { type: 'not', filter: { type: 'equal', attribute: 'uid', value: 'x' } },
          ],
        },
        { type: 'substrings', attribute: 'cn', initial: 'a', any: ['b', 'c'], final: 'd' },
        { type: 'ge', attribute: 'sn', value: 'M' },
        { type: 'le', attribute: 'sn', value: 'N' },
        { type: 'approx', attribute: 'cn', value: 'Hương' },
        { type: 'extensible', rule: '2.5.13.2', attribute: 'cn', value: 'Fred', dnAttributes: true },
        { type: 'and', filters: [] },
      ],
    };
    expect(berRoundTrip(f)).toEqual(f);
  });

  it('refuses a substrings filter with no parts and unknown choices', () => {
    expect(() => readFilter(new BerReader(Buffer.from('a4060402636e3000', 'hex')))).toThrow(/at least one part/);
    expect(() => readFilter(new BerReader(Buffer.from('8a0161', 'hex')))).toThrow(/unknown filter choice/);
  });

  it('refuses filters nested deeper than 32 levels', () => {
    let f: Filter = { type: 'present', attribute: 'cn' };
    for (let i = 0; i < 40; i++) f = { type: 'not', filter: f };
    const w = new BerWriter();
    writeFilter(w, f);
    expect(() => readFilter(new BerReader(w.toBuffer()))).toThrow(/too deeply/);
  });
});
