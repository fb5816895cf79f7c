// Owns: FETCH ENVELOPE (RFC 3501 7.4.2) from the indexed Envelope.
// Owns: the order of the ten envelope fields and the address structure
// (name adl mailbox host); group syntax is already encoded in the Addr list
// (start: mailbox = group name, host NIL; end: all NIL). Strings are raw header text
// (encoded-words kept) and become quoted strings or literals in serialize.ts.
import type { Addr, Envelope } from '../../core/mime/types.ts';
import { run, type ImapValue } from './value.ts';

/** NUL cannot be sent in an IMAP string or literal. */
const clean = (s: string | null): string | null => (s === null ? null : s.includes('\0') ? s.replace(/\0/g, '') : s);

function addressList(list: Addr[] | null): ImapValue {
  if (list === null || list.length === 0) return null;
  // env-from = "(" 1*address ")": addresses follow each other without a space.
  return [run(list.map((a) => [clean(a.name), clean(a.adl), clean(a.mailbox), clean(a.host)]))];
}

/** (date subject from sender reply-to to cc bcc in-reply-to message-id) */
export function envelopeValue(env: Envelope): ImapValue {
  return [
    clean(env.date),
    clean(env.subject),
    addressList(env.from),
    addressList(env.sender ?? env.from),
    addressList(env.replyTo ?? env.from),
    addressList(env.to),
    addressList(env.cc),
    addressList(env.bcc),
    clean(env.inReplyTo),
    clean(env.messageId),
  ];
}
