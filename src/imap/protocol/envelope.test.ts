import { describe, expect, it } from 'vitest';
import { indexMessage } from '../../core/mime/indexer.ts';
import { crlf, mixedAttachment, rfc3501Example } from '../../core/mime/fixtures/messages.ts';
import { envelopeValue } from './envelope.ts';
import { wire } from './testing.ts';
import type { ImapValue } from './value.ts';

describe('envelopeValue', () => {
  it('RFC 3501 example headers', () => {
    const env = indexMessage(rfc3501Example()).envelope;
    expect(wire(envelopeValue(env))).toBe(
      '(NIL "IMAP4rev1 WG mtg summary and minutes" (("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) NIL NIL NIL NIL NIL)',
    );
  });

  it('groups and encoded-words, as Dovecot 2.3 answers for the same message', () => {
    const env = indexMessage(mixedAttachment()).envelope;
    expect(wire(envelopeValue(env))).toBe(
      '("13 Nov 2024 09:00 +0700" "=?UTF-8?Q?B=C3=A1o_c=C3=A1o?= =?UTF-8?Q?_th=C3=A1ng_11?=" ((NIL NIL "hung" "sotttt.gov.vn")) ((NIL NIL "hung" "sotttt.gov.vn")) ((NIL NIL "hung" "sotttt.gov.vn")) ((NIL NIL "Phòng Tổ chức" NIL) (NIL NIL "a" "ubnd.gov.vn") ("Lê B" NIL "b" "ubnd.gov.vn") (NIL NIL NIL NIL) (NIL NIL "d" "ubnd.gov.vn")) ((NIL NIL "undisclosed-recipients" NIL) (NIL NIL NIL NIL)) NIL NIL NIL)',
    );
  });

  it('last occurrence wins, raw values, defaults and repairs (as Dovecot 2.3)', () => {
    const raw = crlf([
      'From: "Nguyen \\"Van\\" A" <a@b.c>, =?UTF-8?B?Tmd1eeG7hW4=?= <x@y.z>, nodomain, (Comment Name) c@d.e, e@f.g (Trailing Comment), <@r1,@r2:h@i.j>, Group One: m@n.o, p@q.r;, Empty:;',
      'To:',
      'Cc: undisclosed-recipients:;',
      'Subject: first   ',
      'Subject: second',
      'Date:   Sat, 24 Mar 2007 23:00:00 +0200  ',
      'Message-ID:  <abc@def>  (comment)',
      'In-Reply-To: <x@y> <z@w>',
      '',
      'hello',
      '',
    ]);
    const from =
      '(("Nguyen \\"Van\\" A" NIL "a" "b.c") ("=?UTF-8?B?Tmd1eeG7hW4=?=" NIL "x" "y.z") (NIL NIL "nodomain" "MISSING_DOMAIN") (NIL NIL "c" "d.e") ("Trailing Comment" NIL "e" "f.g") (NIL "@r1,@r2" "h" "i.j") (NIL NIL "Group One" NIL) (NIL NIL "m" "n.o") (NIL NIL "p" "q.r") (NIL NIL NIL NIL) (NIL NIL "Empty" NIL) (NIL NIL NIL NIL))';
    expect(wire(envelopeValue(indexMessage(raw).envelope))).toBe(
      `("Sat, 24 Mar 2007 23:00:00 +0200  " "second" ${from} ${from} ${from} NIL ((NIL NIL "undisclosed-recipients" NIL) (NIL NIL NIL NIL)) NIL "<x@y> <z@w>" "<abc@def>  (comment)")`,
    );
  });

  it('sender and reply-to default to from only when absent or empty', () => {
    const env = indexMessage(crlf(['From: a@x.vn', 'Sender:', 'Reply-To: r@x.vn', 'Subject:', '', ''])).envelope;
    const v = envelopeValue(env) as ImapValue[];
    expect(wire(v[3])).toBe('((NIL NIL "a" "x.vn"))');
    expect(wire(v[4])).toBe('((NIL NIL "r" "x.vn"))');
    expect(v[1]).toBe(''); // empty Subject is "", not NIL (as Dovecot)
  });

  it('a message without any envelope header', () => {
    expect(wire(envelopeValue(indexMessage(Buffer.from('\r\nbody')).envelope))).toBe('(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)');
  });

  it('drops NUL, which no IMAP string can carry', () => {
    const v = envelopeValue(indexMessage(Buffer.from('Subject: a\0b\r\n\r\n')).envelope) as ImapValue[];
    expect(v[1]).toBe('ab');
  });
});
