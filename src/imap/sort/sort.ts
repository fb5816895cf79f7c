// SORT's order (RFC 5256 §3, RFC 5957): the keys of each message — arrival, sent date, size, base
// subject, the first From/To/Cc mailbox, the display name — compared in the order asked, REVERSE
// per key, then by sequence number. Text is compared the Vietnamese way, case-insensitively but
// with diacritics (a < á < ă, d < đ): the province's collation instead of i;ascii-casemap, which
// orders plain ASCII alike. Pure: the caller gives each message's envelope and dates.
// Owns: sort keys and their comparison.
import type { Addr, Envelope } from '../../core/mime/types.ts';
import { decodeEncodedWords } from '../../core/mime/encoded-words.ts';
import type { SortCriterion, SortKeyName } from '../parser/types.ts';
import { baseSubject } from './base-subject.ts';

const collator = new Intl.Collator('vi', { sensitivity: 'accent' });

/** Text order of SORT and THREAD: Vietnamese, case-insensitive, diacritics significant. */
export function compareText(a: string, b: string): number {
  return collator.compare(a, b);
}

export interface SortItem {
  n: number;
  seq: number;
  size: number;
  /** Internal date, ms. */
  arrival: number;
  /** Sent date (Date: field, or the internal date when that is missing or invalid), ms. */
  date: number;
  envelope: Envelope | null;
}

function firstAddress(list: Addr[] | null | undefined): Addr | null {
  return list?.find((a) => a.mailbox !== null && a.host !== null) ?? null;
}

/** RFC 5256: the addr-mailbox (local part) of the first address, '' when none. */
function mailboxOf(list: Addr[] | null | undefined): string {
  return firstAddress(list)?.mailbox ?? '';
}

/** RFC 5957: the first address's display name, decoded, or its addr-spec when it has none. */
function displayOf(list: Addr[] | null | undefined): string {
  const a = firstAddress(list);
  if (!a) return '';
  const name = a.name ? decodeEncodedWords(a.name).trim() : '';
  return name || `${a.mailbox}@${a.host}`;
}

function keyOf(item: SortItem, key: SortKeyName): string | number {
  const e = item.envelope;
  switch (key) {
    case 'ARRIVAL':
      return item.arrival;
    case 'DATE':
      return item.date;
    case 'SIZE':
      return item.size;
    case 'SUBJECT':
      return baseSubject(e?.subject).base;
    case 'FROM':
      return mailboxOf(e?.from);
    case 'TO':
      return mailboxOf(e?.to);
    case 'CC':
      return mailboxOf(e?.cc);
    case 'DISPLAYFROM':
      return displayOf(e?.from);
    case 'DISPLAYTO':
      return displayOf(e?.to);
  }
}

/** The items in SORT order (a new array). */
export function sortItems(items: SortItem[], criteria: SortCriterion[]): SortItem[] {
  const keys = items.map((it) => ({ it, k: criteria.map((c) => keyOf(it, c.key)) }));
  keys.sort((a, b) => {
    for (let i = 0; i < criteria.length; i++) {
      const x = a.k[i];
      const y = b.k[i];
      const d = typeof x === 'number' && typeof y === 'number' ? x - y : compareText(String(x), String(y));
      if (d !== 0) return criteria[i].reverse ? -d : d;
    }
    return a.it.seq - b.it.seq;
  });
  return keys.map((x) => x.it);
}
