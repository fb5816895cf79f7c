import { describe, expect, it } from 'vitest';
import { FAMILY_NAMES, generateName, generateNames } from './names.ts';
import { seededRandom } from './random.ts';
import { personLocalPart, splitName } from '../directory/naming.ts';

describe('demo name generator', () => {
  it('gives the same names for the same seed and different names for another seed', () => {
    const a = generateNames(seededRandom(7), 200).map((n) => n.fullName);
    const b = generateNames(seededRandom(7), 200).map((n) => n.fullName);
    const c = generateNames(seededRandom(8), 200).map((n) => n.fullName);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it('writes every name in NFC, with single spaces, as family + middle + given', () => {
    for (const n of generateNames(seededRandom(1), 3000, { minorityShare: 0.3 })) {
      expect(n.fullName).toBe(n.fullName.normalize('NFC'));
      expect(n.fullName).toBe([n.familyName, n.middleName, n.givenName].filter(Boolean).join(' '));
      expect(n.fullName).not.toMatch(/\s{2}|^\s|\s$/);
      expect(n.fullName.split(' ').length).toBeGreaterThanOrEqual(2);
    }
  });

  it('follows the real frequency of Kinh family names (Nguyễn ≈ 38 %, Trần ≈ 11 %, Lê ≈ 9.5 %)', () => {
    const names = generateNames(seededRandom(42), 20_000, { minorityShare: 0 });
    const share = (f: string) => names.filter((n) => n.familyName === f).length / names.length;
    expect(share('Nguyễn')).toBeGreaterThan(0.35);
    expect(share('Nguyễn')).toBeLessThan(0.42);
    expect(share('Trần')).toBeGreaterThan(0.09);
    expect(share('Trần')).toBeLessThan(0.13);
    expect(share('Lê')).toBeGreaterThan(0.08);
    expect(share('Lê')).toBeLessThan(0.11);
    expect(FAMILY_NAMES.share('Nguyễn')).toBeCloseTo(share('Nguyễn'), 1);
    // the long tail is there too
    expect(new Set(names.map((n) => n.familyName)).size).toBeGreaterThan(30);
  });

  it('chooses middle and given names by gender: Thị only for women, Văn mostly for men', () => {
    const names = generateNames(seededRandom(3), 5000, { minorityShare: 0 });
    const men = names.filter((n) => n.gender === 'male');
    const women = names.filter((n) => n.gender === 'female');
    expect(men.length / names.length).toBeGreaterThan(0.45);
    expect(men.some((n) => n.middleName.split(' ').includes('Thị'))).toBe(false);
    expect(women.some((n) => n.middleName.split(' ').includes('Văn'))).toBe(false);
    expect(women.filter((n) => n.middleName.startsWith('Thị')).length / women.length).toBeGreaterThan(0.35);
    // some have two middle names (Trần Thị Thu Hương)
    expect(names.some((n) => n.middleName.split(' ').length === 2)).toBe(true);
    expect(names.filter((n) => n.middleName.split(' ').length === 2).length / names.length).toBeLessThan(0.15);
  });

  it("includes Kon Tum's ethnic minority names (A … for men, Y … for women; Jrai clan names) in the asked share", () => {
    const names = generateNames(seededRandom(5), 4000, { minorityShare: 0.5, jraiShare: 0.5 });
    const minority = names.filter((n) => n.origin !== 'kinh');
    expect(minority.length / names.length).toBeGreaterThan(0.45);
    expect(minority.length / names.length).toBeLessThan(0.55);
    expect(names.some((n) => /^A [^ ]+$/.test(n.fullName) && n.gender === 'male')).toBe(true);
    expect(names.some((n) => /^Y [^ ]+$/.test(n.fullName) && n.gender === 'female')).toBe(true);
    expect(names.some((n) => n.fullName.startsWith('Rơ Châm '))).toBe(true);
    expect(names.filter((n) => n.familyName === 'A').every((n) => n.gender === 'male')).toBe(true);
    expect(names.filter((n) => n.familyName === 'Y').every((n) => n.gender === 'female')).toBe(true);
    expect(generateNames(seededRandom(5), 500, { minorityShare: 0 }).every((n) => n.origin === 'kinh')).toBe(true);
  });

  it('gives names the directory accepts and turns into valid unaccented addresses', () => {
    for (const n of generateNames(seededRandom(9), 3000, { minorityShare: 0.4, jraiShare: 0.3 })) {
      const s = splitName(n.fullName);
      expect(s.fullName).toBe(n.fullName);
      expect(personLocalPart(n.fullName)).toMatch(/^[a-z0-9]+$/);
    }
    expect(personLocalPart(generateName(seededRandom(1), { minorityShare: 0 }).fullName)).toMatch(/^[a-z]{3,}$/);
  });
});
