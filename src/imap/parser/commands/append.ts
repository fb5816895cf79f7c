// Owns: APPEND mailbox [(flags)] ["date-time"] literal — the literal may be
// {n}, {n+} (LITERAL+) or ~{n} (literal8, RFC 3516); its bytes are kept exactly. Under RFC 6855
// the message may come as `UTF8 (literal8)`, and under RFC 4469 as `CATENATE (TEXT literal / URL
// url …)`.

import { ParseError } from '../errors.ts';
import { readDateTimeZone } from '../dates.ts';
import { readFlagList } from '../flags.ts';
import { readMailbox } from '../mailbox-name.ts';
import type { AppendCommand, CatenatePart } from '../types.ts';
import type { CommandParser } from './context.ts';

export const parseAppend: CommandParser = (r, { tag }): AppendCommand => {
  r.sp('mailbox name');
  const mailbox = readMailbox(r);
  r.sp('message literal');
  let flags: string[] = [];
  let date: Date | null = null;
  let dateZone: number | null = null;
  if (r.peek() === 0x28) {
    flags = readFlagList(r, 'APPEND flag');
    r.sp('message literal');
  }
  if (r.peek() === 0x22) {
    ({ date, zone: dateZone } = readDateTimeZone(r, 'APPEND date-time'));
    r.sp('message literal');
  }
  if (!r.isLiteralStart(true)) {
    const word = r.keyword('message literal');
    if (word === 'CATENATE') {
      // RFC 4469 §5: "CATENATE" SP "(" cat-part *(SP cat-part) ")"; cat-part = "URL" SP astring / "TEXT" SP literal
      r.sp('catenate parts');
      const catenate = r.list(
        'catenate part',
        (): CatenatePart => {
          const kind = r.keyword('catenate part');
          r.sp('catenate part');
          if (kind === 'URL') return { type: 'url', url: r.astring('catenate URL').toString('utf8') };
          if (kind === 'TEXT') {
            if (!r.isLiteralStart(true)) throw new ParseError('Expected a literal after TEXT');
            return { type: 'text', data: r.literal('catenate text', true).data };
          }
          throw new ParseError('Expected URL or TEXT');
        },
        false,
      );
      return { name: 'APPEND', tag, mailbox, flags, date, dateZone, message: Buffer.alloc(0), binary: false, catenate };
    }
    // RFC 6855 §4: append-data =/ "UTF8" SP "(" literal8 ")"
    if (word !== 'UTF8') throw new ParseError('Expected message literal');
    r.sp('UTF8 message');
    r.expectByte(0x28, "'(' of UTF8 message");
    if (!r.isLiteralStart(true)) throw new ParseError('Expected message literal8');
    const lit = r.literal('message literal', true);
    r.expectByte(0x29, "')' of UTF8 message");
    return { name: 'APPEND', tag, mailbox, flags, date, dateZone, message: lit.data, binary: true, catenate: null };
  }
  const lit = r.literal('message literal', true);
  return { name: 'APPEND', tag, mailbox, flags, date, dateZone, message: lit.data, binary: lit.binary, catenate: null };
};
