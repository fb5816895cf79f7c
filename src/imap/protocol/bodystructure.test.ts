import { describe, expect, it } from 'vitest';
import { indexMessage } from '../../core/mime/indexer.ts';
import type { MimeNode } from '../../core/mime/types.ts';
import { ALL_FIXTURES, crlf, mixedAttachment, nestedRfc822, rfc3501Example } from '../../core/mime/fixtures/messages.ts';
import { envelopeValue } from './envelope.ts';
import { resolveSection } from './section.ts';
import { bodyStructureValue } from './bodystructure.ts';
import { wire } from './testing.ts';

const bs = (raw: Buffer, extended: boolean): string => wire(bodyStructureValue(indexMessage(raw).root, extended));

// Expected values were captured from Dovecot 2.3.19 (FETCH BODYSTRUCTURE / BODY on the same
// bytes); only the rendering differs: literals shown as quoted strings, ")(" as ") (".
describe('bodyStructureValue against Dovecot', () => {
  it('the RFC 3501 example (case as written by the sender)', () => {
    expect(bs(rfc3501Example(), false)).toBe(
      '(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7bit" 1152 23) ("TEXT" "PLAIN" ("CHARSET" "US-ASCII" "NAME" "cc.diff") "<960723163407.20117h@cac.washington.edu>" "Compiler diff" "BASE64" 4554 73) "MIXED")',
    );
    expect(bs(rfc3501Example(), true)).toBe(
      '(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7bit" 1152 23 NIL NIL NIL NIL) ("TEXT" "PLAIN" ("CHARSET" "US-ASCII" "NAME" "cc.diff") "<960723163407.20117h@cac.washington.edu>" "Compiler diff" "BASE64" 4554 73 NIL NIL NIL NIL) "MIXED" ("BOUNDARY" "b") NIL NIL NIL)',
    );
  });

  it('nested message/rfc822 containing a multipart', () => {
    expect(bs(nestedRfc822(), true)).toBe(
      '(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 24 1 NIL NIL NIL NIL) ("message" "rfc822" NIL NIL "forwarded" "7bit" 363 ("Wed, 13 Nov 2024 10:00:00 +0700" "=?utf-8?b?TOG7i2NoIGjhu41w?=" (("Phạm C" NIL "c" "z.vn")) (("Phạm C" NIL "c" "z.vn")) (("Phạm C" NIL "c" "z.vn")) ((NIL NIL "a" "x.vn")) NIL NIL NIL "<inner@z.vn>") (("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 19 0 NIL NIL NIL NIL) ("image" "png" NIL NIL NIL "base64" 12 NIL NIL NIL NIL) "mixed" ("boundary" "inner") NIL NIL NIL) 17 NIL NIL NIL NIL) "mixed" ("boundary" "outer") NIL NIL NIL)',
    );
    expect(bs(nestedRfc822(), false)).toBe(
      '(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 24 1) ("message" "rfc822" NIL NIL "forwarded" "7bit" 363 ("Wed, 13 Nov 2024 10:00:00 +0700" "=?utf-8?b?TOG7i2NoIGjhu41w?=" (("Phạm C" NIL "c" "z.vn")) (("Phạm C" NIL "c" "z.vn")) (("Phạm C" NIL "c" "z.vn")) ((NIL NIL "a" "x.vn")) NIL NIL NIL "<inner@z.vn>") (("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 19 0) ("image" "png" NIL NIL NIL "base64" 12) "mixed") 17) "mixed")',
    );
  });

  it('attachment with an RFC 2231 Vietnamese file name and an encoded-word name', () => {
    expect(bs(mixedAttachment(), true)).toBe(
      '(("text" "plain" ("charset" "utf-8") NIL NIL "8bit" 21 0 NIL NIL NIL NIL) ("application" "pdf" ("name" "=?UTF-8?Q?B=C3=A1o_c=C3=A1o.pdf?=") "<att1@sotttt>" NIL "base64" 48 NIL ("attachment" ("filename*" "UTF-8\'\'B%C3%A1o%20c%C3%A1o.pdf")) NIL NIL) "mixed" ("boundary" "b1") NIL NIL NIL)',
    );
  });

  it('all Content-* extension fields, mixed-case tokens and RFC 2231 continuations', () => {
    const raw = crlf([
      'From: a@b.c',
      'Content-Type: TEXT/Plain; CHARSET=UTF-8; Name*0*=UTF-8\'\'B%C3%A1o; name*1*=%20c%C3%A1o.pdf; Format="flowed"',
      "Content-Disposition: Attachment; FileName*=UTF-8''B%C3%A1o%20c%C3%A1o.pdf; size=123",
      'Content-Transfer-Encoding: Quoted-Printable',
      'Content-Language: vi, EN-us',
      'Content-Location: http://x/y',
      'Content-Description: =?UTF-8?Q?M=C3=B4_t=E1=BA=A3?=',
      'Content-ID: <cid@x>',
      '',
      'hello',
      '',
    ]);
    expect(bs(raw, true)).toBe(
      '("TEXT" "Plain" ("CHARSET" "UTF-8" "Format" "flowed" "Name*" "UTF-8\'\'B%C3%A1o%20c%C3%A1o.pdf") "<cid@x>" "=?UTF-8?Q?M=C3=B4_t=E1=BA=A3?=" "Quoted-Printable" 7 1 NIL ("Attachment" ("size" "123" "FileName*" "UTF-8\'\'B%C3%A1o%20c%C3%A1o.pdf")) ("vi" "EN-us") "http://x/y")',
    );
  });

  it('top-level message/rfc822 (Dovecot)', () => {
    const raw = Buffer.from('Subject: top822\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\ninner body\r\n');
    expect(bs(raw, true)).toBe(
      '("message" "rfc822" NIL NIL NIL "7bit" 30 (NIL "inner" NIL NIL NIL NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 12 1 NIL NIL NIL NIL) 3 NIL NIL NIL NIL)',
    );
  });

  // Dovecot gives the same except 34 / 1 for the first part: it counts the delimiter's CRLF there
  it('base64-encoded message/rfc822 and a header-only part', () => {
    const raw = crlf([
      'Content-Type: multipart/mixed; boundary=XYZ',
      '',
      '--XYZ',
      'Content-Type: message/rfc822',
      'Content-Transfer-Encoding: base64',
      '',
      'U3ViamVjdDogaW5uZXINCg0KYm9keQ0K',
      '--XYZ',
      'Content-Type: text/plain',
      '--XYZ--',
      '',
    ]);
    expect(bs(raw, false)).toBe(
      '(("message" "rfc822" NIL NIL NIL "base64" 32 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0) 0) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0) "mixed")',
    );
  });
});

describe('bodyStructureValue choices', () => {
  it('message/global is a basic body for IMAP4rev1 and a message body with messageGlobal', () => {
    const raw = crlf(['Content-Type: message/global', '', 'Subject: Thư', '', 'x', '']);
    const root = indexMessage(raw).root;
    expect(wire(bodyStructureValue(root, false))).toBe('("message" "global" NIL NIL NIL "7bit" 20)');
    expect(wire(bodyStructureValue(root, false, { messageGlobal: true }))).toBe(
      '("message" "global" NIL NIL NIL "7bit" 20 (NIL "Thư" NIL NIL NIL NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 3 1) 3)',
    );
  });

  it('non-ASCII parameter values are sent RFC 2231-encoded', () => {
    const raw = Buffer.from('Content-Type: application/octet-stream; name="Báo cáo 100%.xlsx"\r\n\r\nx');
    expect(bs(raw, false)).toBe('("application" "octet-stream" ("name*" "UTF-8\'\'B%C3%A1o%20c%C3%A1o%20100%25.xlsx") NIL NIL "7bit" 1)');
  });

  it("a multipart without parts (not produced by the indexer) gets Dovecot's empty text/plain part", () => {
    const node: MimeNode = { headerStart: 0, bodyStart: 0, end: 0, bodyLines: 0, type: 'multipart', subtype: 'mixed', params: {}, children: [] };
    expect(wire(bodyStructureValue(node, true))).toBe('(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL) "mixed" NIL NIL NIL NIL)');
  });

  it('a multipart with no delimiter is shown as text/plain with its content (not Dovecot)', () => {
    expect(bs(crlf(['Content-Type: multipart/mixed; boundary=XYZ', '', 'hello', '']), false)).toBe('("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 7 1)');
  });

  it('sizes in BODYSTRUCTURE are the lengths of the BODY[section] ranges', () => {
    for (const make of Object.values(ALL_FIXTURES)) {
      const ix = indexMessage(make());
      const walk = (n: MimeNode, path: number[]): void => {
        if (n.children) n.children.forEach((c, i) => walk(c, [...path, i + 1]));
        else {
          const r = resolveSection(ix, { path: path.length ? path : [1], part: null });
          expect('start' in r && r.end - r.start).toBe(n.end - n.bodyStart);
        }
      };
      walk(ix.root, []);
    }
  });
});

describe('fuzzed indexes still produce BODYSTRUCTURE and ENVELOPE', () => {
  it('never throws', () => {
    let seed = 99;
    const r = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (const make of Object.values(ALL_FIXTURES)) {
      const src = make();
      for (let i = 0; i < 100; i++) {
        const b = Buffer.from(src);
        for (let k = 0; k < 6; k++) {
          const at = Math.floor(r() * b.length);
          b[at] = [0x0a, 0x2d, 0x3a, 0x3b, 0x22, 0x3d, 0x00, 0xff][Math.floor(r() * 8)];
        }
        const ix = indexMessage(b);
        wire(bodyStructureValue(ix.root, true));
        wire(bodyStructureValue(ix.root, false, { messageGlobal: true }));
        wire(envelopeValue(ix.envelope));
      }
    }
  });
});
