// Article 9's free-mail rules: the configured domains and their subdomains, display names that
// claim a provincial body (diacritic- and đ-insensitive, whole words), messages with attachments.
import { describe, expect, it } from 'vitest';
import { claimsProvincialBody, domainOf, freeMailMatcher, hasAttachments } from './free-mail.ts';
import { indexMessage } from './mime/index.ts';

describe('free-mail', () => {
  const isFree = freeMailMatcher(['gmail.com', 'yahoo.com.vn', 'Outlook.com']);

  it('matches the domains and their subdomains, case-insensitive, for addresses and domains', () => {
    expect(isFree('an.nguyen@gmail.com')).toBe(true);
    expect(isFree('X@GMAIL.COM.')).toBe(true);
    expect(isFree('outlook.com')).toBe(true);
    expect(isFree('a@mail.yahoo.com.vn')).toBe(true);
    expect(isFree('a@yahoo.com')).toBe(false);
    expect(isFree('a@notgmail.com')).toBe(false);
    expect(isFree('a@kontum.gov.vn')).toBe(false);
    expect(domainOf('"a@b"@Example.ORG')).toBe('example.org');
  });

  it('finds a claim of a provincial body in a display name, whatever the accents', () => {
    const words = ['ubnd', 'uy ban nhan dan', 'so', 'kon tum'];
    expect(claimsProvincialBody('Văn phòng UBND tỉnh', words)).toBe('ubnd');
    expect(claimsProvincialBody('ỦY BAN NHÂN DÂN TỈNH KON TUM', words)).toBe('uy ban nhan dan');
    expect(claimsProvincialBody('Sở Tài chính', words)).toBe('so');
    expect(claimsProvincialBody('Nguyễn Văn Bảo', words)).toBeNull(); // "bao" is not "so"
    expect(claimsProvincialBody('Kontumtravel', words)).toBeNull(); // whole words only
    expect(claimsProvincialBody('', words)).toBeNull();
  });

  it('sees attachments: disposition attachment or a named non-text part, not a plain body', () => {
    const plain = indexMessage(Buffer.from('Subject: x\r\nContent-Type: text/plain\r\n\r\nhello\r\n'));
    expect(hasAttachments(plain.root)).toBe(false);
    const withPdf = indexMessage(
      Buffer.from(
        [
          'Subject: x',
          'MIME-Version: 1.0',
          'Content-Type: multipart/mixed; boundary="b"',
          '',
          '--b',
          'Content-Type: text/plain; charset=UTF-8',
          '',
          'Xem tệp đính kèm',
          '--b',
          'Content-Type: application/pdf; name="bao-cao.pdf"',
          'Content-Disposition: attachment; filename="bao-cao.pdf"',
          'Content-Transfer-Encoding: base64',
          '',
          'JVBERi0xLjQK',
          '--b--',
          '',
        ].join('\r\n'),
      ),
    );
    expect(hasAttachments(withPdf.root)).toBe(true);
  });
});
