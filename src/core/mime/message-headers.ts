// Facts taken from a message's own header block (top-level or embedded message/rfc822):
// Owns: the ENVELOPE (RFC 3501 7.4.2, with Dovecot's choices: the last occurrence of a
// field wins, values raw and unfolded, empty address lists are NIL, sender/reply-to
// default to from), the sent date and the normalised Message-ID.
import { parseAddressList } from './address.ts';
import { parseMailDate } from './date.ts';
import { rawFieldValue, type HeaderField } from './header-block.ts';
import type { Envelope } from './types.ts';

export function emptyEnvelope(): Envelope {
  return {
    date: null,
    subject: null,
    from: null,
    sender: null,
    replyTo: null,
    to: null,
    cc: null,
    bcc: null,
    inReplyTo: null,
    messageId: null,
  };
}

/** The value of the last field named `lname` (lower-case), or null when absent. */
export function lastFieldValue(block: Uint8Array, fields: HeaderField[], lname: string): string | null {
  for (let i = fields.length - 1; i >= 0; i--) {
    if (fields[i].lname === lname) return rawFieldValue(block, fields[i]);
  }
  return null;
}

export function buildEnvelope(block: Uint8Array, fields: HeaderField[]): Envelope {
  const get = (n: string): string | null => lastFieldValue(block, fields, n);
  const addrs = (n: string) => {
    const v = get(n);
    return v === null ? null : parseAddressList(v);
  };
  const from = addrs('from');
  return {
    date: get('date'),
    subject: get('subject'),
    from,
    sender: addrs('sender') ?? from,
    replyTo: addrs('reply-to') ?? from,
    to: addrs('to'),
    cc: addrs('cc'),
    bcc: addrs('bcc'),
    inReplyTo: get('in-reply-to'),
    messageId: get('message-id'),
  };
}

export function sentDateOf(env: Envelope): string | null {
  return parseMailDate(env.date);
}

/** "<id@host>" from a Message-ID value (first msg-id, comments ignored), or null. */
export function normalizeMessageId(value: string | null): string | null {
  if (value === null) return null;
  const m = /<[^<>\s]+>/.exec(value);
  if (m) return m[0];
  const bare = value.replace(/\([^)]*\)/g, '').trim();
  if (!bare || /\s/.test(bare)) return null;
  return `<${bare.replace(/^<|>$/g, '')}>`;
}
