import { describe, expect, it } from 'vitest';
import { LdapEntry } from './entry.ts';
import { compileFilter, matchesFilter, substringMatch } from './filter-eval.ts';
import { parseFilter } from './protocol/filter.ts';

const huong = new LdapEntry('uid=huongdt,ou=people,dc=kontum,dc=gov,dc=vn', 'person', 1)
  .set('objectclass', ['top', 'person', 'organizationalPerson', 'inetOrgPerson'])
  .set('cn', ['Đặng Thị Hương'])
  .set('displayname', ['Đặng Thị Hương'])
  .set('sn', ['Đặng'])
  .set('givenname', ['Hương'])
  .set('mail', ['huongdt@kontum.gov.vn'])
  .set('uid', ['huongdt'])
  .set('title', ['Phó Giám đốc'])
  .set('ou', ['Sở Nội vụ'])
  .set('telephonenumber', ['0260 3862 123']);

const match = (f: string) => matchesFilter(parseFilter(f), huong);
const tri = (f: string) => compileFilter(parseFilter(f))(huong);

describe('filter evaluation with Vietnamese folding', () => {
  it.each([
    '(cn=*dang*)',
    '(cn=*DANG*)',
    '(cn=*Đặng*)',
    '(cn=*đang*)',
    '(sn=dang)',
    '(givenName=huong)',
    '(cn=dang*huong)',
    '(cn=dang thi huong)',
    '(displayName=ĐẶNG THỊ HƯƠNG)',
    '(ou=so noi vu)',
    '(title=*giam doc*)',
    '(mail=HuongDT@Kontum.gov.vn)',
    '(commonName=*huong)',
    '(2.5.4.4=dang)',
    '(cn;lang-vi=*dang*)',
    '(telephoneNumber=02603862123)',
    '(telephoneNumber=*3862*)',
    '(objectClass=inetorgperson)',
    '(objectCategory=person)',
    '(cn~=huong)',
    '(sn>=c)',
    '(sn<=e)',
  ])('%s matches Đặng Thị Hương', (f) => {
    expect(match(f)).toBe(true);
  });

  it.each(['(cn=*dung*)', '(cn=huong*)', '(cn=*dang)', '(sn=đặng thị)', '(mail=huong@kontum.gov.vn)', '(sn>=f)', '(cn=dang*thi*dang*)'])('%s does not match', (f) => {
    expect(match(f)).toBe(false);
  });

  it("Thunderbird's and Outlook's filters", () => {
    expect(match('(|(cn=*dang*)(mail=*dang*)(givenName=*dang*)(sn=*dang*))')).toBe(true);
    expect(match('(|(cn=dang*huong*)(mail=dang*huong*)(sn=dang*huong*))')).toBe(true);
    expect(match('(&(mail=*)(|(anr=huong)))')).toBe(true);
    expect(match('(&(mail=*)(|(anr=hu)))')).toBe(true);
    expect(match('(&(mail=*)(|(anr=thi h)))')).toBe(true);
    expect(match('(anr=Hương Đặng)')).toBe(true);
    expect(match('(anr=huong nguyen)')).toBe(false);
    expect(match('(&(mail=*)(|(anr=huongdt@)))')).toBe(true);
    expect(match('(anr=nguyen)')).toBe(false);
    expect(match('(|(cn=x*)(sn=x*)(givenName=x*)(mail=x*))')).toBe(false);
  });
});

describe('three-valued logic (RFC 4511 4.5.1.7)', () => {
  it('an unknown attribute type is Undefined, and NOT of Undefined stays Undefined', () => {
    expect(tri('(shoeSize=42)')).toBeUndefined();
    expect(tri('(!(shoeSize=42))')).toBeUndefined();
    expect(match('(!(shoeSize=42))')).toBe(false);
  });

  it('a known attribute the entry lacks is FALSE, so NOT of it is TRUE', () => {
    expect(tri('(description=x)')).toBe(false);
    expect(tri('(!(description=x))')).toBe(true);
  });

  it('AND: FALSE wins over Undefined; OR: TRUE wins over Undefined', () => {
    expect(tri('(&(shoeSize=1)(cn=nobody))')).toBe(false);
    expect(tri('(&(shoeSize=1)(cn=*dang*))')).toBeUndefined();
    expect(tri('(|(shoeSize=1)(cn=*dang*))')).toBe(true);
    expect(tri('(|(shoeSize=1)(cn=nobody))')).toBeUndefined();
    expect(tri('(&)')).toBe(true);
    expect(tri('(|)')).toBe(false);
  });

  it('extensibleMatch is Undefined; presence of an unknown type is FALSE', () => {
    expect(tri('(cn:caseExactMatch:=Đặng Thị Hương)')).toBeUndefined();
    expect(tri('(shoeSize=*)')).toBe(false);
    expect(tri('(mail=*)')).toBe(true);
  });
});

describe('substringMatch', () => {
  it('initial, any in order without overlap, final after them', () => {
    expect(substringMatch('abcabc', 'ab', ['ca'], 'bc')).toBe(true);
    expect(substringMatch('abc', 'ab', [], 'bc')).toBe(false);
    expect(substringMatch('aXbXc', null, ['b', 'a'], null)).toBe(false);
    expect(substringMatch('abc', null, [], null)).toBe(true);
  });
});
