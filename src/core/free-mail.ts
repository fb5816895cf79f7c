// Article 9: official work does not go through free-mail services. Pure rules over the configured
// list (hygiene.freeMail.domains): whether an address or domain is free-mail (the domain itself
// or a subdomain of it), whether a display name claims to be a provincial body, whether a
// message carries attachments. No I/O: the SMTP stages, forwarding and the report call these.
// Owns: what "free-mail" and "claims a provincial body" mean.
import { foldVietnamese } from './text/fold.ts';
import type { MimeNode } from './mime/index.ts';

export type FreeMailMatcher = (addressOrDomain: string) => boolean;

/** The domain of an address (or the domain itself), lower case, without a final dot. */
export function domainOf(addressOrDomain: string): string {
  const at = addressOrDomain.lastIndexOf('@');
  return (at >= 0 ? addressOrDomain.slice(at + 1) : addressOrDomain).trim().toLowerCase().replace(/\.$/, '');
}

/** A matcher over the configured free-mail domains: the domain or any subdomain of it. */
export function freeMailMatcher(domains: readonly string[]): FreeMailMatcher {
  const set = new Set(domains.map((d) => domainOf(d)));
  return (addressOrDomain) => {
    let d = domainOf(addressOrDomain);
    while (d) {
      if (set.has(d)) return true;
      const dot = d.indexOf('.');
      if (dot < 0) return false;
      d = d.slice(dot + 1);
    }
    return false;
  };
}

/** Folded words (no diacritics, đ → d, lower case) of a text, for phrase matching. */
export function foldedWords(s: string): string[] {
  return foldVietnamese(s)
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * Whether a display name claims to be a provincial body: it holds one of `claimWords` (folded
 * phrases, e.g. 'ubnd', 'uy ban nhan dan', 'so') as whole words, in order.
 */
export function claimsProvincialBody(displayName: string, claimWords: readonly string[]): string | null {
  const words = foldedWords(displayName);
  if (!words.length) return null;
  const hay = ` ${words.join(' ')} `;
  for (const c of claimWords) {
    const phrase = foldedWords(c).join(' ');
    if (phrase && hay.includes(` ${phrase} `)) return phrase;
  }
  return null;
}

/** Whether a message has attachments: a part with `Content-Disposition: attachment`, or a named non-text part. */
export function hasAttachments(root: MimeNode): boolean {
  const walk = (n: MimeNode): boolean => {
    if (n.children?.length) return n.children.some(walk);
    if (n.disposition?.type === 'attachment') return true;
    const named = !!(n.disposition?.params['filename'] ?? n.params['name']);
    return named && n.type !== 'text';
  };
  return !!root.children?.length && walk(root);
}
