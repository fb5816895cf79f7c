// Address naming rules for the directory: how a Vietnamese full name splits into family, middle
// and given names; the personal mailbox local part (default: given name + initials of family and
// middle names, unaccented — Nguyễn Văn An → annv, a number on a clash: annv2); the unit mailbox
// local part (its abbreviation); reserved names. Pure functions, configured by `config.directory`.
// Owns: name splitting and mailbox local parts; no storage.
import { foldVietnamese, normalizeNfc } from '../core/text/fold.ts';
import { ThutinError } from '../core/errors.ts';

export type PersonAddressStyle = 'given-initials' | 'given.family' | 'family.given';

export interface NamingRules {
  personAddress: PersonAddressStyle;
  clashStart: number;
  reserved: string[];
}

export const DEFAULT_NAMING: NamingRules = {
  personAddress: 'given-initials',
  clashStart: 2,
  reserved: ['postmaster', 'abuse', 'admin', 'hostmaster', 'webmaster', 'root', 'noreply', 'mailer-daemon', 'security'],
};

export interface SplitName {
  fullName: string; // NFC, single spaces
  familyName: string;
  middleName: string;
  givenName: string;
}

/** Clean a name as typed: NFC, trimmed, single spaces; the look-alike Ð (U+00D0) becomes Đ. */
export function cleanName(s: string): string {
  return normalizeNfc(s)
    .replace(/\u00d0/g, 'Đ')
    .replace(/\u00f0/g, 'đ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Vietnamese order: family name first, given name last, middle names between. */
export function splitName(fullName: string): SplitName {
  const clean = cleanName(fullName);
  const words = clean.split(' ').filter(Boolean);
  if (words.length < 2 || words.some((w) => !/^[\p{L}\p{M}'’.-]+$/u.test(w))) throw new ThutinError('NAME_INVALID', fullName);
  return { fullName: clean, familyName: words[0], middleName: words.slice(1, -1).join(' '), givenName: words[words.length - 1] };
}

/** Unaccented lower-case letters and digits only (đ → d). */
export function asciiWord(s: string): string {
  return foldVietnamese(s).replace(/[^a-z0-9]/g, '');
}

/** The base local part for a person, before clash numbering. */
export function personLocalPart(fullName: string, style: PersonAddressStyle = 'given-initials'): string {
  const n = splitName(fullName);
  const given = asciiWord(n.givenName);
  const others = [n.familyName, ...n.middleName.split(' ').filter(Boolean)].map(asciiWord).filter(Boolean);
  if (!given) throw new ThutinError('NAME_INVALID', fullName);
  switch (style) {
    case 'given.family':
      return `${given}.${others[0] ?? ''}`.replace(/\.$/, '');
    case 'family.given':
      return `${others[0] ? others[0] + '.' : ''}${given}`;
    default:
      return given + others.map((w) => w[0]).join('');
  }
}

/** A unit's local part: its abbreviation, unaccented lower case (Sở TT&TT → stttt). */
export function unitLocalPart(abbreviation: string): string {
  const s = foldVietnamese(cleanName(abbreviation)).replace(/[^a-z0-9.-]/g, '');
  if (!s) throw new ThutinError('UNIT_INVALID', abbreviation);
  return s;
}

/** An abbreviation from a unit name when none is given: initials, unaccented (Sở Nội vụ → snv). */
export function abbreviationFromName(name: string): string {
  return cleanName(name)
    .split(' ')
    .map((w) => asciiWord(w)[0] ?? '')
    .join('');
}

export function isReserved(localPart: string, rules: Pick<NamingRules, 'reserved'> = DEFAULT_NAMING): boolean {
  const lp = localPart.toLowerCase();
  return rules.reserved.some((r) => r.toLowerCase() === lp);
}

export function assertNotReserved(localPart: string, rules: Pick<NamingRules, 'reserved'> = DEFAULT_NAMING): void {
  if (isReserved(localPart, rules)) throw new ThutinError('ADDRESS_RESERVED', localPart);
}

/**
 * The first free local part: base, then base2, base3 … (`clashStart`). `taken` answers whether a
 * candidate is in use (addresses, lists); reserved names are skipped the same way.
 */
export async function freeLocalPart(base: string, taken: (candidate: string) => Promise<boolean> | boolean, rules: NamingRules = DEFAULT_NAMING): Promise<string> {
  if (!isReserved(base, rules) && !(await taken(base))) return base;
  for (let n = rules.clashStart; n < rules.clashStart + 10000; n++) {
    const c = `${base}${n}`;
    if (!isReserved(c, rules) && !(await taken(c))) return c;
  }
  throw new ThutinError('ACCOUNT_EXISTS', base);
}

/** A name typed all in capitals (NGUYỄN VĂN HÙNG) or all in small letters: not how a name is written. */
export function isUniformCase(name: string): boolean {
  const letters = cleanName(name).replace(/[^\p{L}]/gu, '');
  if (letters.length < 2) return false;
  return letters === letters.toLocaleUpperCase('vi') || letters === letters.toLocaleLowerCase('vi');
}

/** Vietnamese title case: each word's first letter a capital, the rest small (NGUYỄN VĂN HÙNG → Nguyễn Văn Hùng, ĐẶNG → Đặng; H'NHUNG → H'Nhung). */
export function vietnameseTitleCase(name: string): string {
  return cleanName(name)
    .split(' ')
    .map((w) =>
      w
        .toLocaleLowerCase('vi')
        .split(/(['’-])/)
        .map((part) => (part ? part[0].toLocaleUpperCase('vi') + part.slice(1) : part))
        .join(''),
    )
    .join(' ');
}

/**
 * The name to store: a name typed in uniform case is stored in title case unless `keepCase`;
 * `adjusted` tells the caller so it can say so (and offer to keep what was typed).
 */
export function storedName(typed: string, keepCase = false): { name: string; adjusted: boolean } {
  const clean = cleanName(typed);
  if (keepCase || !isUniformCase(clean)) return { name: clean, adjusted: false };
  const name = vietnameseTitleCase(clean);
  return { name, adjusted: name !== clean };
}
