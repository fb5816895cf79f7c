// Owns: whether a submitted message's From: field says one thing to every reader (issue 9 finding 5).
// `From: alice@kontum.gov.vn <bob@kontum.gov.vn>` reads as alice to one parser and as bob (shown
// under the name "alice@kontum.gov.vn") to nodemailer/mailparser and to mail clients. The field is
// read by nodemailer's addressparser (the well-kept parser mailparser uses) and by our own RFC 5322
// parser; it is refused when:
//  - the two do not read the same list of addresses, in the same order;
//  - an address is broken (no local part, no domain, two @) or the field holds a group;
//  - a display name (or a comment a client shows as one), encoded-words decoded and compatibility
//    forms folded (＠ → @), shows an address other than the one it names.
// Pure: no I/O. The caller checks sending rights on the addresses it returns.
import addressparser from 'nodemailer/lib/addressparser';
import { decodeEncodedWords, parseAddressList, MISSING_DOMAIN, MISSING_MAILBOX } from '../core/mime/index.ts';

export type FromVerdict = { ok: true; addresses: string[] } | { ok: false; why: string };

/** Something shaped like an address inside a display name. */
const ADDRESS_LIKE = /[^\s<>()[\]",;:@]+@[^\s<>()[\]",;:@]+\.[^\s<>()[\]",;:@]+/gu;

/** The addresses a display name shows, as a reader would see them. */
export function addressesShownIn(name: string): string[] {
  const shown = decodeEncodedWords(name).normalize('NFKC');
  return [...shown.matchAll(ADDRESS_LIKE)].map((m) => m[0].toLowerCase().replace(/[.>]+$/, ''));
}

interface Entry {
  address: string;
  name: string;
}

function wellKept(value: string): Entry[] | string {
  const out: Entry[] = [];
  for (const a of addressparser(value)) {
    if ('group' in a && a.group) return 'group in From';
    out.push({ address: (a as { address?: string }).address ?? '', name: a.name ?? '' });
  }
  return out;
}

function ours(value: string): Entry[] | string {
  const out: Entry[] = [];
  for (const a of parseAddressList(value) ?? []) {
    if (!a.host && !a.mailbox) continue; // end of a group
    if (!a.host) return 'group in From';
    if (!a.mailbox || a.mailbox === MISSING_MAILBOX || a.host === MISSING_DOMAIN) return 'broken address';
    out.push({ address: `${a.mailbox}@${a.host}`, name: a.name ?? '' });
  }
  return out;
}

const WELL_FORMED = /^[^\s@<>()[\]",;:]+@[^\s@<>()[\]",;:]+$/;

/** The verdict on one From: field value (unfolded, as it appears after "From:"). */
export function checkFromField(value: string): FromVerdict {
  const a = wellKept(value);
  const b = ours(value);
  if (typeof a === 'string') return { ok: false, why: a };
  if (typeof b === 'string') return { ok: false, why: b };
  if (a.length === 0) return { ok: false, why: 'no address' };
  for (const e of a) if (!WELL_FORMED.test(e.address)) return { ok: false, why: `broken address "${e.address}"` };
  const la = a.map((e) => e.address.toLowerCase());
  const lb = b.map((e) => e.address.toLowerCase());
  if (la.join('\n') !== lb.join('\n')) return { ok: false, why: `parsers disagree: ${la.join(', ')} / ${lb.join(', ') || '(none)'}` };
  for (const list of [a, b]) {
    for (const e of list) {
      const other = addressesShownIn(e.name).find((x) => x !== e.address.toLowerCase());
      if (other) return { ok: false, why: `display name shows ${other}, address is ${e.address.toLowerCase()}` };
    }
  }
  return { ok: true, addresses: la };
}
