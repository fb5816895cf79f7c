// Owns: the unit proof of the From: rule (issue 9 finding 5): every reading trick found or known is
// refused — display name showing another address, bare address before an angle-addr, comments,
// encoded-words, full-width @, parser disagreements, groups, broken addresses — and honest fields
// (Vietnamese names, quoted names, several authors, the same address in the name) pass.
import { describe, it, expect } from 'vitest';
import { checkFromField } from './from-field.ts';

const b64 = (s: string) => `=?UTF-8?B?${Buffer.from(s).toString('base64')}?=`;

describe('From: read the same by every parser', () => {
  it.each([
    ['alice@kontum.gov.vn <bob@kontum.gov.vn>'],
    ['"alice@kontum.gov.vn" <bob@kontum.gov.vn>'],
    ['alice@kontum.gov.vn (bob@kontum.gov.vn)'],
    ['<alice@kontum.gov.vn> bob@kontum.gov.vn'],
    ['"a" <alice@kontum.gov.vn> <bob@kontum.gov.vn>'],
    [`${b64('bob@kontum.gov.vn')} <alice@kontum.gov.vn>`],
    ['"Giám đốc bob＠kontum.gov.vn" <alice@kontum.gov.vn>'],
    ['"Alice <bob@kontum.gov.vn>" <alice@kontum.gov.vn>'],
    ['alice@kontum.gov.vn@evil.example'],
    ['undisclosed: alice@kontum.gov.vn;'],
    ['Alice'],
    ['<>'],
    [''],
  ])('refuses %j', (value) => {
    const v = checkFromField(value);
    expect(v.ok, JSON.stringify(v)).toBe(false);
  });

  it.each([
    ['alice@kontum.gov.vn', ['alice@kontum.gov.vn']],
    ['<alice@kontum.gov.vn>', ['alice@kontum.gov.vn']],
    ['Alice <Alice@Kontum.gov.vn>', ['alice@kontum.gov.vn']],
    [`${b64('Trần Thị Thu Hương')} <huongttt@kontum.gov.vn>`, ['huongttt@kontum.gov.vn']],
    ['"Nguyễn Văn An, Sở Nội vụ" <annv@kontum.gov.vn>', ['annv@kontum.gov.vn']],
    ['"alice@kontum.gov.vn" <alice@kontum.gov.vn>', ['alice@kontum.gov.vn']],
    ['Alice <alice@kontum.gov.vn>, Bob <bob@kontum.gov.vn>', ['alice@kontum.gov.vn', 'bob@kontum.gov.vn']],
  ])('accepts %j', (value, addresses) => {
    expect(checkFromField(value)).toEqual({ ok: true, addresses });
  });
});
