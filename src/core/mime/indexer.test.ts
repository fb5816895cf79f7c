import { describe, expect, it } from 'vitest';
import { indexMessage } from './indexer.ts';
import { partFilename } from './part-headers.ts';
import type { MimeNode } from './types.ts';
import { HTML_B64, PDF_BYTES, VI_PLAIN, alternativeVi, crlf, lf, mixedAttachment, nestedRfc822, qp, rfc3501Example, simpleText } from './fixtures/messages.ts';

const body = (raw: Buffer, n: MimeNode): string => raw.subarray(n.bodyStart, n.end).toString('utf8');
const header = (raw: Buffer, n: MimeNode): string => raw.subarray(n.headerStart, n.bodyStart).toString('utf8');

describe('single part', () => {
  it('indexes offsets, lines and defaults of a plain message', () => {
    const raw = simpleText();
    const ix = indexMessage(raw);
    const sep = raw.indexOf('\r\n\r\n') + 4;
    expect(ix.size).toBe(raw.length);
    expect(ix.headerSize).toBe(sep);
    expect(ix.root).toMatchObject({ headerStart: 0, bodyStart: sep, end: raw.length, bodyLines: 2, type: 'text', subtype: 'plain', params: {} });
    expect(body(raw, ix.root)).toBe('Hello world.\r\nSecond line.\r\n');
    expect(ix.root.encoding).toBeUndefined();
    expect(ix.messageId).toBe('<20241111083000.1@sotttt.gov.vn>');
    expect(ix.sentDate).toBe('2024-11-11T01:30:00.000Z');
  });

  it('counts a last line without a line break as no line (like Dovecot)', () => {
    const ix = indexMessage(Buffer.from('Subject: x\r\n\r\nhello'));
    expect(ix.root.bodyLines).toBe(0);
    expect(ix.root.end - ix.root.bodyStart).toBe(5);
  });

  it('defaults to text/plain when Content-Type is missing or unparseable, keeping its charset', () => {
    const a = indexMessage(crlf(['Subject: a', '', 'x']));
    expect([a.root.type, a.root.subtype]).toEqual(['text', 'plain']);
    const b = indexMessage(crlf(['Content-Type: garbage; charset=utf-8', '', 'x']));
    expect([b.root.type, b.root.subtype, b.root.params]).toEqual(['text', 'plain', { charset: 'utf-8' }]);
  });

  it('a message that is only a header has an empty body at its end', () => {
    const raw = Buffer.from('From: a@b.c\r\nSubject: no body\r\n');
    const ix = indexMessage(raw);
    expect(ix.root).toMatchObject({ bodyStart: raw.length, end: raw.length, bodyLines: 0 });
    expect(ix.envelope.subject).toBe('no body');
  });

  it('unfolds folded header fields and keeps encoded-words raw in the envelope', () => {
    const raw = crlf(['Subject: =?UTF-8?B?QsOhbyBjw6Fv?=', ' =?UTF-8?B?IHRow6FuZyAxMQ==?=', 'Content-Type: text/plain;', '\tcharset="utf-8"', '', 'x']);
    const ix = indexMessage(raw);
    expect(ix.envelope.subject).toBe('=?UTF-8?B?QsOhbyBjw6Fv?= =?UTF-8?B?IHRow6FuZyAxMQ==?=');
    expect(ix.search.subject).toBe('Báo cáo tháng 11');
    expect(ix.root.params).toEqual({ charset: 'utf-8' });
  });

  it('records the sender spelling of tokens it lower-cases', () => {
    const ix = indexMessage(crlf(['Content-Type: TEXT/Plain; CHARSET=UTF-8', 'Content-Transfer-Encoding: Quoted-Printable', '', 'x']));
    expect(ix.root.type).toBe('text');
    expect(ix.root.encoding).toBe('quoted-printable');
    expect(ix.root.spelling).toEqual({ text: 'TEXT', plain: 'Plain', charset: 'CHARSET', 'quoted-printable': 'Quoted-Printable' });
  });

  it('parses all Content-* fields, the first occurrence winning', () => {
    const ix = indexMessage(
      crlf([
        'Content-Type: text/plain; charset=us-ascii',
        'Content-Type: text/html',
        'Content-ID: <foo@example.com>',
        'Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==',
        'Content-Disposition: inline; foo=bar',
        'Content-Description: =?UTF-8?Q?M=C3=B4_t=E1=BA=A3?=',
        'Content-Language: vi, en (English)',
        'Content-Location: http://example.com/test.txt',
        'Content-Transfer-Encoding: ?invalid',
        '',
        'x',
      ]),
    );
    expect(ix.root).toMatchObject({
      type: 'text',
      subtype: 'plain',
      params: { charset: 'us-ascii' },
      id: '<foo@example.com>',
      md5: 'Q2hlY2sgSW50ZWdyaXR5IQ==',
      disposition: { type: 'inline', params: { foo: 'bar' } },
      description: '=?UTF-8?Q?M=C3=B4_t=E1=BA=A3?=',
      language: ['vi', 'en'],
      location: 'http://example.com/test.txt',
    });
    expect(ix.root.encoding).toBeUndefined(); // not a token: default 7bit, as Dovecot
  });
});

describe('multipart', () => {
  it('multipart/alternative: delimiter CRLF is not part of the bodies, preamble is not a part', () => {
    const raw = alternativeVi();
    const ix = indexMessage(raw);
    const [plain, html] = ix.root.children!;
    expect(ix.root).toMatchObject({ type: 'multipart', subtype: 'alternative', params: { boundary: '----=_Part_0_123.456' } });
    expect(ix.root.children).toHaveLength(2);
    expect(plain).toMatchObject({ type: 'text', subtype: 'plain', params: { charset: 'UTF-8' }, encoding: 'quoted-printable' });
    expect(header(raw, plain)).toBe('Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n');
    expect(body(raw, plain)).toBe(qp(VI_PLAIN));
    expect(plain.bodyLines).toBe(qp(VI_PLAIN).split('\n').length - 1);
    expect(html).toMatchObject({ type: 'text', subtype: 'html', params: { charset: 'utf-8' }, encoding: 'base64' });
    expect(body(raw, html).replace(/\r\n/g, '')).toBe(HTML_B64);
    expect(raw.subarray(html.end, html.end + 2).toString()).toBe('\r\n');
    expect(ix.root.end).toBe(raw.length);
  });

  it('multipart/mixed with an RFC 2231 Vietnamese file name', () => {
    const raw = mixedAttachment();
    const ix = indexMessage(raw);
    const att = ix.root.children![1];
    expect(att).toMatchObject({
      type: 'application',
      subtype: 'pdf',
      encoding: 'base64',
      id: '<att1@sotttt>',
      params: { name: '=?UTF-8?Q?B=C3=A1o_c=C3=A1o.pdf?=' },
      disposition: { type: 'attachment', params: { filename: 'Báo cáo.pdf' } },
    });
    expect(partFilename(att)).toBe('Báo cáo.pdf');
    expect(Buffer.from(body(raw, att), 'base64').equals(PDF_BYTES)).toBe(true);
    expect(body(raw, ix.root.children![0])).toBe('Gửi kèm báo cáo.');
  });

  it('message/rfc822 holding a multipart: embedded offsets, envelope and parts', () => {
    const raw = nestedRfc822();
    const ix = indexMessage(raw);
    const [text, fwd] = ix.root.children!;
    expect(ix.root.children).toHaveLength(2);
    expect(body(raw, text)).toBe('See forwarded message.\r\n');
    expect(fwd).toMatchObject({ type: 'message', subtype: 'rfc822', description: 'forwarded' });
    const inner = fwd.message!.root;
    expect(inner.headerStart).toBe(fwd.bodyStart);
    expect(inner.end).toBe(fwd.end);
    expect(body(raw, fwd).startsWith('From: "Phạm C" <c@z.vn>\r\n')).toBe(true);
    expect(body(raw, fwd).endsWith('--inner--\r\n')).toBe(true); // "\r\n" of the empty epilogue line
    expect(inner).toMatchObject({ type: 'multipart', subtype: 'mixed', params: { boundary: 'inner' } });
    expect(inner.children!.map((c) => `${c.type}/${c.subtype}`)).toEqual(['text/plain', 'image/png']);
    expect(body(raw, inner.children![0])).toBe('Họp lúc 9 giờ.');
    expect(body(raw, inner.children![1])).toBe('iVBORw0KGgo=');
    expect(fwd.message!.envelope).toMatchObject({
      subject: '=?utf-8?b?TOG7i2NoIGjhu41w?=',
      messageId: '<inner@z.vn>',
      date: 'Wed, 13 Nov 2024 10:00:00 +0700',
      from: [{ name: 'Phạm C', adl: null, mailbox: 'c', host: 'z.vn' }],
      sender: [{ name: 'Phạm C', adl: null, mailbox: 'c', host: 'z.vn' }],
    });
    expect(fwd.bodyLines).toBe(body(raw, fwd).split('\n').length - 1);
  });

  it('follows RFC 2046 where Dovecot does not: a close delimiter right before the outer one', () => {
    const raw = crlf(['Content-Type: multipart/mixed; boundary=o', '', '--o', 'Content-Type: multipart/alternative; boundary=i', '', '--i', '', 'a', '--i--', '--o--', '']);
    const inner = indexMessage(raw).root.children![0];
    expect(body(raw, inner)).toBe('--i\r\n\r\na\r\n--i--'); // Dovecot also counts the next CRLF
  });

  it('recognises delimiters with trailing whitespace and ignores look-alikes', () => {
    const raw = crlf(['Content-Type: multipart/mixed; boundary="b1"', '', '--b1  ', '', 'one', '--b1x', '-- b1', '--b1 \t', '', 'two', '--b1--\t ', 'epilogue', '']);
    const ix = indexMessage(raw);
    expect(ix.root.children!.map((c) => body(raw, c))).toEqual(['one\r\n--b1x\r\n-- b1', 'two']);
  });

  it('keeps preamble and epilogue out of the parts; delimiters after the close delimiter are epilogue', () => {
    const raw = crlf(['Content-Type: multipart/mixed; boundary=b', '', 'pre', '--b', '', 'x', '--b--', 'epi', '--b', '', 'y', '']);
    const ix = indexMessage(raw);
    expect(ix.root.children).toHaveLength(1);
    expect(body(raw, ix.root.children![0])).toBe('x');
    expect(ix.root.end).toBe(raw.length);
    expect(ix.search.body).toBe('x');
  });

  it('ends open parts at the end of the message when the close delimiter is missing', () => {
    const raw = crlf(['Content-Type: multipart/mixed; boundary=b', '', '--b', '', 'first', '--b', 'Content-Type: text/html', '', '<p>last</p>', '']);
    const ix = indexMessage(raw);
    const last = ix.root.children![1];
    expect(last.end).toBe(raw.length);
    expect(body(raw, last)).toBe('<p>last</p>\r\n');
    expect(last.bodyLines).toBe(1);
  });

  it('a multipart in which no delimiter appears is indexed as text/plain with its text searchable', () => {
    const raw = crlf(['Content-Type: multipart/mixed; boundary="XYZ"', '', 'Nội dung không có ranh giới', '']);
    const ix = indexMessage(raw);
    expect(ix.root).toMatchObject({ type: 'text', subtype: 'plain', params: {} });
    expect(ix.root.children).toBeUndefined();
    expect(ix.search.body).toBe('Nội dung không có ranh giới\n');
  });

  it('a multipart without a boundary parameter is indexed as text/plain', () => {
    const ix = indexMessage(crlf(['Content-Type: multipart/mixed', '', 'hello', '']));
    expect([ix.root.type, ix.root.subtype, ix.root.children]).toEqual(['text', 'plain', undefined]);
  });

  it('a part whose header runs into the next delimiter has header up to the delimiter and an empty body', () => {
    const raw = crlf(['Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: text/html', '--b--', '']);
    const part = indexMessage(raw).root.children![0];
    expect(header(raw, part)).toBe('Content-Type: text/html'); // same bytes as Dovecot's BODY[1.MIME]
    expect(part).toMatchObject({ type: 'text', subtype: 'html', bodyLines: 0 });
    expect(part.end).toBe(part.bodyStart);
  });

  it('an empty part body between the blank line and the delimiter', () => {
    const raw = crlf(['Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: text/plain', '', '--b--', '']);
    const part = indexMessage(raw).root.children![0];
    expect(part.end).toBe(part.bodyStart);
    expect(header(raw, part)).toBe('Content-Type: text/plain\r\n\r\n');
  });

  it('an empty last part right before an outer delimiter keeps every enclosing part around it (fuzz regression)', () => {
    const raw = crlf([
      'Content-Type: multipart/mixed; boundary=o',
      '',
      '--o',
      'Content-Type: message/rfc822',
      '',
      'Subject: s',
      'Content-Type: multipart/mixed; boundary=i',
      '',
      '--i',
      'Content-Type: text/plain',
      '',
      '--o--',
      '',
    ]);
    const fwd = indexMessage(raw).root.children![0];
    const inner = fwd.message!.root;
    const leaf = inner.children![0];
    const closeAt = raw.indexOf('--o--');
    expect([leaf.bodyStart, leaf.end, inner.end, fwd.end]).toEqual([closeAt, closeAt, closeAt, closeAt]);
    expect([leaf.bodyLines, inner.bodyLines]).toEqual([0, 3]); // same as Dovecot: "--i", header, blank line
  });

  it('nested boundaries where one is a prefix of the other', () => {
    const raw = crlf([
      'Content-Type: multipart/mixed; boundary="ab"',
      '',
      '--ab',
      'Content-Type: multipart/alternative; boundary="abc"',
      '',
      '--abc',
      '',
      'inner',
      '--abc--',
      '--ab',
      '',
      'outer',
      '--ab--',
      '',
    ]);
    const ix = indexMessage(raw);
    expect(ix.root.children).toHaveLength(2);
    expect(ix.root.children![0].children!.map((c) => body(raw, c))).toEqual(['inner']);
    expect(body(raw, ix.root.children![1])).toBe('outer');
  });

  it('parts of multipart/digest default to message/rfc822', () => {
    const raw = crlf(['Content-Type: multipart/digest; boundary=d', '', '--d', '', 'Subject: one', '', 'body one', '--d', 'Content-Type: text/plain', '', 'plain', '--d--', '']);
    const ix = indexMessage(raw);
    const [m, t] = ix.root.children!;
    expect([m.type, m.subtype]).toEqual(['message', 'rfc822']);
    expect(m.message!.envelope.subject).toBe('one');
    expect(body(raw, m.message!.root)).toBe('body one');
    expect([t.type, t.subtype]).toEqual(['text', 'plain']);
  });

  it('message/rfc822 with a base64 encoding is a leaf with an empty embedded message (as Dovecot)', () => {
    const raw = crlf(['Content-Type: message/rfc822', 'Content-Transfer-Encoding: base64', '', 'U3ViamVjdDogeA0KDQp5', '']);
    const ix = indexMessage(raw);
    expect(ix.root.message!.root).toMatchObject({ headerStart: ix.root.bodyStart, bodyStart: ix.root.bodyStart, end: ix.root.bodyStart });
    expect(ix.root.message!.envelope.subject).toBeNull();
  });

  it('message/global is parsed like message/rfc822', () => {
    const raw = crlf(['Content-Type: message/global', '', 'Subject: Thư mới', '', 'nội dung', '']);
    const ix = indexMessage(raw);
    expect(ix.root.message!.envelope.subject).toBe('Thư mới');
    expect(body(raw, ix.root.message!.root)).toBe('nội dung\r\n');
  });

  it('bare LF line endings give the same structure with LF-sized offsets', () => {
    const lines = [
      'From: a@x.vn',
      'Content-Type: multipart/mixed; boundary=outer',
      '',
      'pre',
      '--outer',
      'Content-Type: text/plain',
      '',
      'line 1',
      'line 2',
      '--outer',
      'Content-Type: message/rfc822',
      '',
      'Subject: inner',
      'Content-Type: multipart/alternative; boundary=in',
      '',
      '--in',
      '',
      'a',
      '--in',
      'Content-Type: text/html',
      '',
      '<i>b</i>',
      '--in--',
      '',
      '--outer--',
      '',
    ];
    const a = crlf(lines);
    const b = lf(lines);
    const ia = indexMessage(a);
    const ib = indexMessage(b);
    const shape = (n: MimeNode): unknown => ({
      t: `${n.type}/${n.subtype}`,
      lines: n.bodyLines,
      kids: n.children?.map(shape),
      msg: n.message ? shape(n.message.root) : undefined,
    });
    expect(shape(ib.root)).toEqual(shape(ia.root));
    const bodies = (raw: Buffer, n: MimeNode): string[] => [
      body(raw, n).replace(/\r\n/g, '\n'),
      ...(n.children ?? []).flatMap((c) => bodies(raw, c)),
      ...(n.message ? bodies(raw, n.message.root) : []),
    ];
    expect(bodies(b, ib.root)).toEqual(bodies(a, ia.root));
    expect(ib.root.children![0].end - ib.root.children![0].bodyStart).toBe('line 1\nline 2'.length);
    expect(ib.headerSize).toBe(b.indexOf('\n\n') + 2);
  });

  it('the RFC 3501 example structure: sizes and line counts', () => {
    const ix = indexMessage(rfc3501Example());
    const [a, b] = ix.root.children!;
    expect([a.end - a.bodyStart, a.bodyLines]).toEqual([1152, 23]);
    expect([b.end - b.bodyStart, b.bodyLines]).toEqual([4554, 73]);
    expect(b).toMatchObject({ id: '<960723163407.20117h@cac.washington.edu>', description: 'Compiler diff', encoding: 'base64', params: { charset: 'US-ASCII', name: 'cc.diff' } });
  });

  it('every part lies inside its parent and parts are in order', () => {
    for (const raw of [alternativeVi(), mixedAttachment(), nestedRfc822(), rfc3501Example()]) {
      const check = (n: MimeNode, lo: number, hi: number): void => {
        expect(lo <= n.headerStart && n.headerStart <= n.bodyStart && n.bodyStart <= n.end && n.end <= hi).toBe(true);
        let prev = n.bodyStart;
        for (const c of n.children ?? []) {
          expect(c.headerStart).toBeGreaterThanOrEqual(prev);
          check(c, n.bodyStart, n.end);
          prev = c.end;
        }
        if (n.message) check(n.message.root, n.bodyStart, n.end);
      };
      const ix = indexMessage(raw);
      check(ix.root, 0, raw.length);
    }
  });

  it('the index survives a JSON round trip unchanged', () => {
    const ix = indexMessage(nestedRfc822());
    expect(JSON.parse(JSON.stringify(ix))).toEqual(ix);
  });
});
