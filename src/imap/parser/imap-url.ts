// Owns: the IMAP URLs CATENATE names (RFC 4469 §5 with RFC 5092): absolute
// `imap://[user@]host[:port]/mailbox[;UIDVALIDITY=n]/;UID=n[/;SECTION=s][/;PARTIAL=o[.l]]`, the
// same from `/mailbox…` on, or `;UID=n…` relative to the selected mailbox. Mailbox names and
// sections are percent-decoded UTF-8 (RFC 5092 §3.2); the section uses FETCH's grammar. Pure.
import { readSection } from './fetch-items.ts';
import { Reader } from './tokenizer.ts';
import type { Section } from './types.ts';

export interface ImapUrl {
  /** The user the URL names (absolute URLs), or null. */
  user: string | null;
  /** The mailbox, or null for a URL relative to the selected mailbox. */
  mailbox: string | null;
  uidvalidity: number | null;
  uid: number;
  section: Section | null;
  partial: { offset: number; length: number | null } | null;
}

function decode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

const NUMBER = /^[1-9]\d{0,9}$/;

export function parseImapUrl(url: string): ImapUrl | null {
  let rest = url;
  let user: string | null = null;
  const abs = /^imap:\/\/(?:([^@/;]*)(?:;[^@/]*)?@)?[^/]+(\/.*)$/i.exec(rest);
  if (abs) {
    user = abs[1] ? decode(abs[1]) : null;
    rest = abs[2];
  }
  let mailbox: string | null = null;
  let uidvalidity: number | null = null;
  if (rest.startsWith('/')) {
    const m = /^\/([^;/]+)(?:;UIDVALIDITY=(\d+))?\/(;.*)$/i.exec(rest);
    if (!m) return null;
    mailbox = decode(m[1]);
    if (mailbox === null) return null;
    if (m[2] !== undefined) {
      if (!NUMBER.test(m[2])) return null;
      uidvalidity = Number(m[2]);
    }
    rest = m[3];
  } else if (abs) return null;
  const m = /^;UID=(\d+)(?:\/;SECTION=([^/]+))?(?:\/;PARTIAL=(\d+)(?:\.(\d+))?)?$/i.exec(rest);
  if (!m || !NUMBER.test(m[1])) return null;
  let section: Section | null = null;
  if (m[2] !== undefined) {
    const text = decode(m[2]);
    if (text === null) return null;
    try {
      const r = new Reader(Buffer.from(`[${text}]`, 'utf8'));
      section = readSection(r);
      if (!r.atEnd()) return null;
    } catch {
      return null;
    }
  }
  const partial = m[3] !== undefined ? { offset: Number(m[3]), length: m[4] !== undefined ? Number(m[4]) : null } : null;
  return { user, mailbox, uidvalidity, uid: Number(m[1]), section, partial };
}
