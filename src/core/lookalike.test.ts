// The look-alike rule: a domain imitating ours, by separators, embedding, IDN and Cyrillic/Greek
// homoglyphs, or a small edit distance — and ours, its subdomains and unrelated domains never.
import { describe, expect, it } from 'vitest';
import { domainSkeleton, editDistance, imitatedDomain } from './lookalike.ts';

const LOCAL = ['kontum.gov.vn', 'sotttt.kontum.gov.vn'];

describe('imitatedDomain', () => {
  it('flags separators moved or removed: kontum-gov.vn, kontumgov.vn', () => {
    expect(imitatedDomain('kontum-gov.vn', LOCAL)).toEqual({ imitates: 'kontum.gov.vn', how: 'skeleton' });
    expect(imitatedDomain('kontumgov.vn', LOCAL)).toEqual({ imitates: 'kontum.gov.vn', how: 'skeleton' });
  });

  it('flags our domain embedded in another: kontum.gov.vn.example, kontum-gov-vn.com', () => {
    expect(imitatedDomain('kontum.gov.vn.example', LOCAL)).toMatchObject({ imitates: 'kontum.gov.vn', how: 'embedded' });
    expect(imitatedDomain('mail-kontum-gov-vn.com', LOCAL)).toMatchObject({ how: 'embedded' });
  });

  it('flags Cyrillic and Greek homoglyphs, also written as IDN punycode', () => {
    const cyrillic = 'k\u043entum.g\u043ev.vn'; // о U+043E
    expect(imitatedDomain(cyrillic, LOCAL)).toMatchObject({ imitates: 'kontum.gov.vn', how: 'skeleton' });
    const puny = new URL(`http://${cyrillic}/`).hostname;
    expect(puny.startsWith('xn--')).toBe(true);
    expect(imitatedDomain(puny, LOCAL)).toMatchObject({ imitates: 'kontum.gov.vn' });
    expect(imitatedDomain('\u03baontum.gov.vn', LOCAL)).toMatchObject({ imitates: 'kontum.gov.vn' }); // Greek κ
    expect(imitatedDomain('k0ntum.gov.vn', LOCAL)).toMatchObject({ imitates: 'kontum.gov.vn' });
    expect(imitatedDomain('konturn.gov.vn', LOCAL)).toMatchObject({ imitates: 'kontum.gov.vn' }); // rn for m
  });

  it('flags a small edit distance: kontun.gov.vn, kontum.gov.com.vn is not ours either', () => {
    expect(imitatedDomain('kontun.gov.vn', LOCAL)).toMatchObject({ how: 'edit-distance' });
    expect(imitatedDomain('kontum.gv.vn', LOCAL)).toMatchObject({ how: 'edit-distance' });
  });

  it('never flags our domains, their subdomains, or unrelated ones', () => {
    for (const d of ['kontum.gov.vn', 'KONTUM.GOV.VN.', 'sotttt.kontum.gov.vn', 'mail.kontum.gov.vn', 'gialai.gov.vn', 'daklak.gov.vn', 'gmail.com', 'vnpt.vn', 'chinhphu.vn']) {
      expect(imitatedDomain(d, LOCAL), d).toBeNull();
    }
  });

  it('allows fewer edits on short domains (one per five characters)', () => {
    expect(imitatedDomain('ab.vm', ['ab.vn'])).toBeNull();
    expect(editDistance('kontumgovvn', 'kontungovvn')).toBe(1);
    expect(editDistance('abc', 'xyzxyz', 1)).toBe(2);
  });

  it('skeletons fold diacritics and đ', () => {
    expect(domainSkeleton('đăk-hà.vn')).toBe('dakhavn');
  });
});
