// The Email object's pieces: keywords ↔ IMAP flags (\Deleted kept, a keyword's stored case kept),
// RFC 8621 §4.1.4's textBody / htmlBody / attachments, header forms, transfer decoding.
import { describe, it, expect } from 'vitest';
import { indexMessage } from '../core/mime/indexer.ts';
import { bodyLists, bodyStructure, flagsFromKeywords, formValue, keywordsOf, parseHeaderProperty, partText, transferDecode, truncateUtf8, isJmapKeyword } from './message.ts';

describe('keywords and flags', () => {
  it('maps system flags to $-keywords and lower-cases keywords', () => {
    expect(keywordsOf({ flags: 1 | 4 | 8, keywords: '$Forwarded NonJunk' })).toEqual({ $seen: true, $flagged: true, $forwarded: true, nonjunk: true });
  });
  it('keeps \\Deleted and a stored keyword spelling when set back', () => {
    expect(flagsFromKeywords({ $seen: true, $forwarded: true, $new: true }, { flags: 8 | 4, keywords: '$Forwarded' })).toEqual({ mask: 8 | 1, keywords: ['$Forwarded', '$new'] });
  });
  it('accepts only RFC 8621 keywords', () => {
    expect(isJmapKeyword('$seen')).toBe(true);
    for (const bad of ['', 'a b', 'a(b', 'a]', 'ư', 'a%']) expect(isJmapKeyword(bad)).toBe(false);
  });
});

function parts(raw: string) {
  const idx = indexMessage(Buffer.from(raw.replace(/\n/g, '\r\n')));
  return bodyLists(bodyStructure({ mailboxId: 1, uid: 1 }, idx.root));
}

describe('textBody, htmlBody and attachments (RFC 8621 §4.1.4)', () => {
  it('a plain message is its own text and HTML body', () => {
    const l = parts('Subject: x\n\nhello\n');
    expect(l.textBody.map((p) => p.partId)).toEqual(['1']);
    expect(l.htmlBody.map((p) => p.partId)).toEqual(['1']);
    expect(l.attachments).toEqual([]);
  });
  it('multipart/alternative splits text and HTML; an attachment beside it is an attachment', () => {
    const l = parts(
      'Content-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: multipart/alternative; boundary=a\n\n--a\nContent-Type: text/plain\n\nt\n--a\nContent-Type: text/html\n\n<p>h</p>\n--a--\n--o\nContent-Type: image/png\nContent-Disposition: attachment; filename=a.png\n\nxx\n--o--\n',
    );
    expect(l.textBody.map((p) => [p.partId, p.type])).toEqual([['1.1', 'text/plain']]);
    expect(l.htmlBody.map((p) => [p.partId, p.type])).toEqual([['1.2', 'text/html']]);
    expect(l.attachments.map((p) => [p.partId, p.name])).toEqual([['2', 'a.png']]);
  });
  it('an inline image in mixed shows in both bodies and as an attachment', () => {
    const l = parts('Content-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: text/plain\n\nt\n--o\nContent-Type: image/jpeg\n\nxx\n--o--\n');
    expect(l.textBody.map((p) => p.partId)).toEqual(['1', '2']);
    expect(l.htmlBody.map((p) => p.partId)).toEqual(['1', '2']);
    expect(l.attachments).toEqual([]);
  });
});

describe('header forms and body text', () => {
  it('parses the forms', () => {
    expect(parseHeaderProperty('header:From:asAddresses:all')).toEqual({ name: 'From', form: 'Addresses', all: true });
    expect(parseHeaderProperty('header:X-A')).toEqual({ name: 'X-A', form: 'Raw', all: false });
    expect(parseHeaderProperty('header:From:asNothing')).toBeNull();
    expect(formValue(' =?UTF-8?B?' + Buffer.from('Đặng Văn Hùng').toString('base64') + '?= <hung@kontum.gov.vn>', 'Addresses')).toEqual([{ name: 'Đặng Văn Hùng', email: 'hung@kontum.gov.vn' }]);
    expect(formValue(' =?UTF-8?Q?B=C3=A1o_c=C3=A1o?=\r\n th\xc3\xa1ng', 'Text')).toBe('Báo cáo tháng');
    expect(formValue(' Mon, 30 Nov 2026 08:30:00 +0700', 'Date')).toBe('2026-11-30T01:30:00Z');
    expect(formValue(' <a@b> <c@d>', 'MessageIds')).toEqual(['a@b', 'c@d']);
    expect(formValue(' <https://x.vn/u>, <mailto:a@b>', 'URLs')).toEqual(['https://x.vn/u', 'mailto:a@b']);
  });
  it('undoes quoted-printable and base64 and decodes the charset', () => {
    expect(transferDecode(Buffer.from('YWJj\r\nZGVm\r\n'), 'base64').toString()).toBe('abcdef');
    const idx = indexMessage(Buffer.from('Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nTi=E1=BA=BFng Vi=E1=BB=87t=\r\n nh=C3=A9\r\n'));
    expect(partText(Buffer.from('Ti=E1=BA=BFng Vi=E1=BB=87t=\r\n nh=C3=A9\r\n'), idx.root)).toBe('Tiếng Việt nhé\n');
  });
  it('truncates UTF-8 on a character boundary', () => {
    expect(truncateUtf8('đồng', 3)).toEqual({ value: 'đ', truncated: true });
    expect(truncateUtf8('abc', 3)).toEqual({ value: 'abc', truncated: false });
  });
});
