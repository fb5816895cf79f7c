// Owns: turning a mailbox argument into the Unicode name handlers use —
// astring bytes → UTF-8 → modified UTF-7 decoding (skipped under UTF8=ACCEPT)
// → "INBOX" in any case normalised to "INBOX". Also list-mailbox patterns.

import { decodeMailboxName } from '../protocol/mutf7.ts';
import type { Reader } from './tokenizer.ts';

/** "INBOX" is case-insensitive (RFC 3501 5.1); every other name is case-sensitive. */
export function normaliseMailboxName(name: string): string {
  return name.length === 5 && name.toUpperCase() === 'INBOX' ? 'INBOX' : name;
}

function decode(r: Reader, bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return r.options.utf8 ? text : decodeMailboxName(text);
}

/** mailbox = "INBOX" / astring */
export function readMailbox(r: Reader, what = 'mailbox name'): string {
  return normaliseMailboxName(decode(r, r.astring(what)));
}

/** A LIST/LSUB reference name: decoded but not INBOX-normalised. */
export function readReference(r: Reader, what = 'reference name'): string {
  return decode(r, r.astring(what));
}

/** list-mailbox = 1*list-char / string — a pattern that may contain % and *. */
export function readListPattern(r: Reader, what = 'mailbox pattern'): string {
  return decode(r, r.listMailbox(what));
}
