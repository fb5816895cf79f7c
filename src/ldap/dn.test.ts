import { describe, expect, it } from 'vitest';
import { normalizeValue } from './attributes.ts';
import { DnSyntaxError, escapeDnValue, isWithin, parseDn, sameDn, unescapeDnValue } from './dn.ts';

describe('parseDn', () => {
  it('normalises attribute names, aliases, case, spaces and Vietnamese diacritics', () => {
    expect(parseDn('UID=AnNV, OU=People ,DC=kontum,dc=GOV,dc=vn')).toEqual(['uid=annv', 'ou=people', 'dc=kontum', 'dc=gov', 'dc=vn']);
    expect(parseDn('commonName=Đặng Thị Hương,o=Tỉnh Kon Tum')).toEqual(['cn=dang thi huong', 'o=tinh kon tum']);
    expect(parseDn('0.9.2342.19200300.100.1.1=annv')).toEqual(['uid=annv']);
  });

  it('undoes escapes: backslash-character and hex UTF-8 pairs', () => {
    expect(parseDn('cn=Nguyễn\\, Văn An,dc=vn')).toEqual(['cn=nguyen, van an', 'dc=vn']);
    expect(unescapeDnValue('\\c4\\90\\e1\\ba\\b7ng')).toBe('Đặng');
  });

  it('sorts the parts of a multi-valued RDN', () => {
    expect(parseDn('uid=a+cn=B,dc=vn')).toEqual(['cn=b+uid=a', 'dc=vn']);
  });

  it("'' is the root DSE", () => {
    expect(parseDn('')).toEqual([]);
    expect(parseDn('  ')).toEqual([]);
  });

  it.each(['uid', 'dc=vn,,', '=x', 'c n=x'])('%s is not a DN', (dn) => {
    expect(() => parseDn(dn)).toThrow(DnSyntaxError);
  });
});

describe('escapeDnValue', () => {
  it('escapes what RFC 4514 requires and round-trips through parseDn', () => {
    const v = '#Sở, Ban+Ngành "A" <B>; C=D ';
    const escaped = escapeDnValue(v);
    expect(escaped).toBe('\\#Sở\\, Ban\\+Ngành \\"A\\" \\<B\\>\\; C\\=D\\ ');
    expect(parseDn(`ou=${escaped}`)).toEqual([`ou=${normalizeValue('ou', v)}`]);
  });
});

describe('scope helpers', () => {
  const base = parseDn('dc=kontum,dc=gov,dc=vn');
  it('isWithin: the DN itself and everything below, nothing beside', () => {
    expect(isWithin(base, base)).toBe(true);
    expect(isWithin(parseDn('uid=a,ou=people,dc=kontum,dc=gov,dc=vn'), base)).toBe(true);
    expect(isWithin(parseDn('dc=gov,dc=vn'), base)).toBe(false);
    expect(isWithin(parseDn('uid=a,dc=quangngai,dc=gov,dc=vn'), base)).toBe(false);
    expect(sameDn(parseDn('DC=Kontum,DC=Gov,DC=VN'), base)).toBe(true);
  });
});
