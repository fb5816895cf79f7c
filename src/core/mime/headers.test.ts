import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { formatAddressList, parseAddressList } from './address.ts';
import { decodeBytes, headerBytesToString, resolveCharset } from './charset.ts';
import { parseMailDate } from './date.ts';
import { decodeEncodedWords } from './encoded-words.ts';
import { countReceived, rawFieldValue, splitHeaderFields } from './header-block.ts';
import { normalizeMessageId } from './message-headers.ts';
import { parseContentType, parseParameterizedValue } from './params.ts';
import { toCp1258 } from './fixtures/messages.ts';

describe('encoded-words', () => {
  it('decodes B and Q words to NFC', () => {
    expect(decodeEncodedWords('=?UTF-8?B?QsOhbyBjw6FvIHRow6FuZyAxMQ==?=')).toBe('Báo cáo tháng 11');
    expect(decodeEncodedWords('=?utf-8?q?B=C3=A1o_c=C3=A1o?=')).toBe('Báo cáo');
  });

  it('drops whitespace between adjacent words, keeps it elsewhere', () => {
    expect(decodeEncodedWords('=?UTF-8?Q?B=C3=A1o?= \r\n =?UTF-8?Q?_c=C3=A1o?= cuối')).toBe('Báo cáo cuối');
    expect(decodeEncodedWords('Re: =?UTF-8?Q?a?= b')).toBe('Re: a b');
  });

  it('joins a UTF-8 character split across two words', () => {
    // "Đ" = C4 90, split between the words
    expect(decodeEncodedWords('=?UTF-8?Q?=C4?= =?UTF-8?Q?=90=E1=BB=A9c?=')).toBe('Đức');
  });

  it('decodes windows-1258 words, composing the tone marks (NFC)', () => {
    const out = decodeEncodedWords('=?windows-1258?Q?Pho=CCng_H=E0nh_chi=ECnh?=');
    expect(out).toBe('Phòng Hành chính');
    expect(out).toBe(out.normalize('NFC'));
    expect(out.length).toBe('Phòng Hành chính'.normalize('NFC').length);
  });

  it('ignores the RFC 2231 language suffix and survives unknown charsets', () => {
    expect(decodeEncodedWords('=?UTF-8*vi?Q?Vi=E1=BB=87t?=')).toBe('Việt');
    expect(decodeEncodedWords('=?x-unknown?Q?abc?=')).toBe('abc');
  });
});

describe('charsets', () => {
  it('resolves aliases and refuses UTF-7', () => {
    expect(resolveCharset('cp1258')).toBe('windows-1258');
    expect(resolveCharset('"UTF8"')).toBe('UTF-8');
    expect(resolveCharset('utf-7')).toBeNull();
    expect(resolveCharset('no-such-charset')).toBeNull();
  });

  it('falls back to windows-1258 for 8-bit data that is not UTF-8', () => {
    const bytes = toCp1258('Hà Nội');
    expect([...bytes]).toEqual([0x48, 0x61, 0xcc, 0x20, 0x4e, 0xf4, 0xf2, 0x69]);
    expect(decodeBytes(bytes, null)).toBe('Hà Nội');
    expect(decodeBytes(bytes, 'us-ascii')).toBe('Hà Nội');
    expect(decodeBytes(Buffer.from('Hà Nội'), 'windows-1258')).not.toBe('Hà Nội'); // a declared charset is trusted
    // header bytes are shown raw in IMAP: decoded but not normalised
    expect(headerBytesToString(bytes)).toBe('Ha\u0300 N\u00f4\u0323i');
  });

  it('decodes legacy charsets iconv-lite knows', () => {
    expect(decodeBytes(iconv.encode('Tiếng Việt', 'viscii'), 'VISCII')).toBe('Tiếng Việt');
    expect(decodeBytes(Buffer.from([0x1b, 0x24, 0x42, 0x24, 0x22, 0x1b, 0x28, 0x42]), 'iso-2022-jp')).toBe('あ');
  });
});

describe('header blocks', () => {
  it('splits fields byte-exactly with folding and stops at the blank line', () => {
    const block = Buffer.from('Subject: a\r\n b\r\nX-Y : z\nbroken line\r\n\r\nbody: no');
    const { fields, blankLineStart } = splitHeaderFields(block);
    expect(fields.map((f) => [f.name, block.subarray(f.start, f.end).toString()])).toEqual([
      ['Subject', 'Subject: a\r\n b\r\n'],
      ['X-Y', 'X-Y : z\n'],
      ['broken line', 'broken line\r\n'],
    ]);
    expect(blankLineStart).toBe(block.indexOf('\r\n\r\n') + 2);
    expect(rawFieldValue(block, fields[0])).toBe('a b');
    expect(rawFieldValue(block, fields[2])).toBe('');
  });

  it('keeps trailing whitespace and drops leading whitespace of values (as Dovecot)', () => {
    const block = Buffer.from('Date:   Sat, 24 Mar 2007 23:00:00 +0200  \r\n\r\n');
    expect(rawFieldValue(block, splitHeaderFields(block).fields[0])).toBe('Sat, 24 Mar 2007 23:00:00 +0200  ');
  });

  it('reads raw UTF-8 header bytes (RFC 6532)', () => {
    const block = Buffer.from('From: Nguyễn Văn A <a@x.vn>\r\n\r\n');
    expect(rawFieldValue(block, splitHeaderFields(block).fields[0])).toBe('Nguyễn Văn A <a@x.vn>');
  });
});

describe('parameters', () => {
  it('joins RFC 2231 continuations and decodes their charset', () => {
    const p = parseParameterizedValue("attachment; filename*0*=UTF-8''B%C3%A1o; filename*1*=%20c%C3%A1o; filename*2=.pdf; size=123");
    expect(p.value).toBe('attachment');
    expect(p.params).toEqual({ size: '123', filename: 'Báo cáo.pdf' });
  });

  it('prefers the RFC 2231 value over the plain one and records name spelling', () => {
    const p = parseParameterizedValue('inline; FileName="old.pdf"; FILENAME*=iso-8859-1\'vi\'caf%E9.pdf');
    expect(p.params).toEqual({ filename: 'café.pdf' });
    expect(p.names).toEqual({ filename: 'FileName' });
  });

  it('handles quoting, escapes, comments and missing semicolons', () => {
    expect(parseContentType('text/plain; charset="utf-8" (comment); format=flowed').params).toEqual({ charset: 'utf-8', format: 'flowed' });
    expect(parseContentType('text/plain; foo="quoted\\"string"').params).toEqual({ foo: 'quoted"string' });
    expect(parseContentType('text/plain charset=utf-8')).toMatchObject({ type: 'text', subtype: 'plain', params: { charset: 'utf-8' } });
    expect(parseContentType('application/pdf; name=Invoice(1).pdf').params).toEqual({ name: 'Invoice(1).pdf' });
    expect(parseContentType('multipart/mixed; boundary=b (a comment)').params).toEqual({ boundary: 'b' });
    expect(parseContentType('text; charset=utf-8')).toMatchObject({ type: null, subtype: null, params: { charset: 'utf-8' } });
  });

  it('never uses a parameter named like an Object.prototype member as a prototype', () => {
    const p = parseParameterizedValue('x; __proto__=a; constructor=b');
    expect(Object.getPrototypeOf(p.params)).toBe(Object.prototype);
    expect(Object.keys(p.params)).toEqual(['__proto__', 'constructor']);
  });
});

describe('addresses', () => {
  it('parses display names, quoted names and encoded-words (kept raw)', () => {
    expect(parseAddressList('"Nguyễn \\"Văn\\" A" <a@b.vn>, =?UTF-8?Q?L=C3=AA?= "Thi" <t@t.vn>, c@d.vn')).toEqual([
      { name: 'Nguyễn "Văn" A', adl: null, mailbox: 'a', host: 'b.vn' },
      { name: '=?UTF-8?Q?L=C3=AA?= Thi', adl: null, mailbox: 't', host: 't.vn' },
      { name: null, adl: null, mailbox: 'c', host: 'd.vn' },
    ]);
  });

  it('encodes groups as start and end markers', () => {
    expect(parseAddressList('Phòng Tổ chức: a@x.vn, b@x.vn;, c@y.vn')).toEqual([
      { name: null, adl: null, mailbox: 'Phòng Tổ chức', host: null },
      { name: null, adl: null, mailbox: 'a', host: 'x.vn' },
      { name: null, adl: null, mailbox: 'b', host: 'x.vn' },
      { name: null, adl: null, mailbox: null, host: null },
      { name: null, adl: null, mailbox: 'c', host: 'y.vn' },
    ]);
    expect(parseAddressList('undisclosed-recipients:;')).toEqual([
      { name: null, adl: null, mailbox: 'undisclosed-recipients', host: null },
      { name: null, adl: null, mailbox: null, host: null },
    ]);
  });

  it('repairs broken addresses the way Dovecot does', () => {
    expect(parseAddressList('Name <>, nodomain, Just Name, a@, @domain.only, e@f.g (Trailing), (Leading) c@d.e, <@r1,@r2:h@i.j>')).toEqual([
      { name: 'Name', adl: null, mailbox: 'MISSING_MAILBOX', host: 'MISSING_DOMAIN' },
      { name: null, adl: null, mailbox: 'nodomain', host: 'MISSING_DOMAIN' },
      { name: 'Just Name', adl: null, mailbox: 'MISSING_MAILBOX', host: 'MISSING_DOMAIN' },
      { name: null, adl: null, mailbox: 'a', host: 'MISSING_DOMAIN' },
      { name: null, adl: null, mailbox: 'MISSING_MAILBOX', host: 'domain.only' },
      { name: 'Trailing', adl: null, mailbox: 'e', host: 'f.g' },
      { name: null, adl: null, mailbox: 'c', host: 'd.e' },
      { name: null, adl: '@r1,@r2', mailbox: 'h', host: 'i.j' },
    ]);
    expect(parseAddressList('')).toBeNull();
    expect(parseAddressList(' , ')).toBeNull();
  });

  it('formats decoded lists for search', () => {
    expect(formatAddressList(parseAddressList('=?UTF-8?B?Tmd1eeG7hW4gVsSDbiBIw7luZw==?= <h@x.vn>, G: a@b.c;, nodomain'))).toBe('Nguyễn Văn Hùng <h@x.vn>, G: a@b.c;, nodomain');
  });
});

describe('dates and message ids', () => {
  it.each([
    ['Mon, 11 Nov 2024 08:30:00 +0700', '2024-11-11T01:30:00.000Z'],
    ['11 Nov 2024 08:30 +0700', '2024-11-11T01:30:00.000Z'],
    ['Mon, 11 Nov 24 08:30:00 GMT', '2024-11-11T08:30:00.000Z'],
    ['Mon, 11 Nov 2024 08:30:00 EST', '2024-11-11T13:30:00.000Z'],
    ['Mon,  1 Jan 1996 00:00:00 +0000 (UTC)', '1996-01-01T00:00:00.000Z'],
    ['2024-11-11T08:30:00+07:00', '2024-11-11T01:30:00.000Z'],
  ])('%s', (input, iso) => {
    expect(parseMailDate(input)).toBe(iso);
  });

  it.each(['', 'not a date', '31 Feb 2024 10:00:00 +0000', '12 Foo 2024 10:00 +0000'])('rejects %j', (input) => {
    expect(parseMailDate(input)).toBeNull();
  });

  it('normalises Message-ID', () => {
    expect(normalizeMessageId('  <abc@def>  (comment)')).toBe('<abc@def>');
    expect(normalizeMessageId('abc@def')).toBe('<abc@def>');
    expect(normalizeMessageId('')).toBeNull();
    expect(normalizeMessageId(null)).toBeNull();
  });
});

describe('countReceived', () => {
  it('counts Received: fields of the header only, not folded lines, look-alikes or the body', () => {
    const header = 'Received: a\r\n\tReceived: folded\r\nX-Received: b\r\nreceived : c\r\nSubject: Received: d\r\n\r\nReceived: body\r\n';
    expect(countReceived(header)).toBe(2);
    expect(countReceived(Buffer.from(header))).toBe(2);
    expect(countReceived('Received: a\nReceived: b\n')).toBe(2);
  });
});
