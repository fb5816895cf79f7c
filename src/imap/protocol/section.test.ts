import { describe, expect, it } from 'vitest';
import { indexMessage } from '../../core/mime/indexer.ts';
import { crlf, lf, nestedRfc822 } from '../../core/mime/fixtures/messages.ts';
import { filterHeaderFields, partialRange, resolveSection, type SectionSpec } from './section.ts';

/** What a FETCH of `spec` returns: resolve, then read (and filter) the blob. */
function fetch(raw: Buffer, spec: string): string {
  const ix = indexMessage(raw);
  const m = /^([\d.]*?)\.?(HEADER\.FIELDS\.NOT|HEADER\.FIELDS|HEADER|TEXT|MIME)?(?: \(([^)]*)\))?$/.exec(spec)!;
  const section: SectionSpec = {
    path: m[1] ? m[1].split('.').map(Number) : [],
    part: (m[2] ?? null) as SectionSpec['part'],
    fields: m[3] ? m[3].split(' ') : undefined,
  };
  const r = resolveSection(ix, section);
  if ('empty' in r) return '<empty>';
  if ('filterHeaders' in r) {
    const f = r.filterHeaders;
    return filterHeaderFields(raw.subarray(f.start, f.end), f.fields, f.not).toString('utf8');
  }
  return raw.subarray(r.start, r.end).toString('utf8');
}

describe('resolveSection: answers Dovecot 2.3 gives for the same message', () => {
  const raw = nestedRfc822();
  it.each([
    ['1', 'See forwarded message.\r\n'],
    ['1.MIME', 'Content-Type: text/plain\r\n\r\n'],
    ['2.MIME', 'Content-Type: message/rfc822\r\nContent-Description: forwarded\r\n\r\n'],
    [
      '2.HEADER',
      'From: "Phạm C" <c@z.vn>\r\nTo: a@x.vn\r\nSubject: =?utf-8?b?TOG7i2NoIGjhu41w?=\r\nDate: Wed, 13 Nov 2024 10:00:00 +0700\r\nMessage-ID: <inner@z.vn>\r\nContent-Type: multipart/mixed; boundary="inner"\r\n\r\n',
    ],
    [
      '2.TEXT',
      '--inner\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHọp lúc 9 giờ.\r\n--inner\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--inner--\r\n',
    ],
    ['2.1', 'Họp lúc 9 giờ.'],
    ['2.1.MIME', 'Content-Type: text/plain; charset=utf-8\r\n\r\n'],
    ['2.2', 'iVBORw0KGgo='],
    ['2.HEADER.FIELDS (SUBJECT TO)', 'To: a@x.vn\r\nSubject: =?utf-8?b?TOG7i2NoIGjhu41w?=\r\n\r\n'],
    ['2.HEADER.FIELDS.NOT (SUBJECT TO FROM)', 'Date: Wed, 13 Nov 2024 10:00:00 +0700\r\nMessage-ID: <inner@z.vn>\r\nContent-Type: multipart/mixed; boundary="inner"\r\n\r\n'],
    ['HEADER.FIELDS (from)', 'From: a@x.vn\r\n\r\n'],
    ['HEADER.FIELDS (X-NONE)', '\r\n'],
    ['HEADER', 'From: a@x.vn\r\nTo: b@y.vn\r\nSubject: Fwd: Lịch họp\r\nContent-Type: multipart/mixed; boundary=outer\r\n\r\n'],
    // nonexistent parts and specifiers that only apply to messages are empty
    ['3', '<empty>'],
    ['2.3', '<empty>'],
    ['1.TEXT', '<empty>'],
    ['2.1.HEADER', '<empty>'],
    ['MIME', '<empty>'],
    // a non-multipart part is its own part 1
    ['1.1', 'See forwarded message.\r\n'],
    ['2.1.1', 'Họp lúc 9 giờ.'],
    ['2.1.1.1', '<empty>'],
    ['2.1.2', '<empty>'],
  ])('BODY[%s]', (spec, expected) => {
    expect(fetch(raw, spec)).toBe(expected);
  });

  it('BODY[] and BODY[TEXT] of the whole message', () => {
    expect(fetch(raw, '')).toBe(raw.toString('utf8'));
    expect(fetch(raw, 'TEXT')).toBe(raw.subarray(raw.indexOf('\r\n\r\n') + 4).toString('utf8'));
  });

  it('the embedded message: BODY[2] is all of it, BODY[2.1] addresses inside it', () => {
    expect(fetch(raw, '2')).toBe(fetch(raw, '2.HEADER') + fetch(raw, '2.TEXT'));
  });
});

describe('resolveSection: single-part and top-level message/rfc822 messages (Dovecot)', () => {
  const single = Buffer.from('Subject: single\r\nContent-Type: text/plain\r\n\r\nbody\r\n');
  it.each([
    ['1', 'body\r\n'],
    ['1.MIME', 'Subject: single\r\nContent-Type: text/plain\r\n\r\n'],
    ['1.1', '<empty>'],
    ['2', '<empty>'],
    ['1.HEADER', '<empty>'],
    ['1.TEXT', '<empty>'],
  ])('single part BODY[%s]', (spec, expected) => {
    expect(fetch(single, spec)).toBe(expected);
  });

  const top = Buffer.from('Subject: top822\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\ninner body\r\n');
  it.each([
    ['1', 'Subject: inner\r\n\r\ninner body\r\n'],
    ['1.MIME', 'Subject: top822\r\nContent-Type: message/rfc822\r\n\r\n'],
    ['1.1', 'inner body\r\n'],
    ['1.HEADER', 'Subject: inner\r\n\r\n'],
    ['1.TEXT', 'inner body\r\n'],
    ['1.1.MIME', 'Subject: inner\r\n\r\n'],
    ['1.HEADER.FIELDS (SUBJECT)', 'Subject: inner\r\n\r\n'],
    ['2', '<empty>'],
  ])('message/rfc822 BODY[%s]', (spec, expected) => {
    expect(fetch(top, spec)).toBe(expected);
  });

  it('part numbers below 1 do not exist', () => {
    const ix = indexMessage(single);
    expect(resolveSection(ix, { path: [0], part: null })).toEqual({ empty: true });
    expect(resolveSection(ix, { path: [1, -1], part: null })).toEqual({ empty: true });
  });
});

describe('filterHeaderFields', () => {
  const block = Buffer.from('Received: from a\r\n\tby b\r\nSubject: =?UTF-8?B?QsOhbyBjw6Fv?=\r\n =?UTF-8?B?IHRow6FuZyAxMQ==?=\r\nX-Spam : yes\r\nsubject: second\r\n\r\n');

  it('keeps matching fields with their folding, in order, case-insensitively, plus the blank line', () => {
    expect(filterHeaderFields(block, ['SUBJECT'], false).toString()).toBe('Subject: =?UTF-8?B?QsOhbyBjw6Fv?=\r\n =?UTF-8?B?IHRow6FuZyAxMQ==?=\r\nsubject: second\r\n\r\n');
    expect(filterHeaderFields(block, ['x-spam'], false).toString()).toBe('X-Spam : yes\r\n\r\n');
  });

  it('NOT keeps everything else', () => {
    expect(filterHeaderFields(block, ['Subject', 'X-Spam'], true).toString()).toBe('Received: from a\r\n\tby b\r\n\r\n');
  });

  it('bare-LF headers keep their own blank line; a header without one gets CRLF', () => {
    expect(filterHeaderFields(Buffer.from('A: 1\nB: 2\n\n'), ['b'], false).toString()).toBe('B: 2\n\n');
    expect(filterHeaderFields(Buffer.from('Content-Type: text/plain'), ['content-type'], false).toString()).toBe('Content-Type: text/plain\r\n\r\n');
  });

  it('header of an LF-only message, end to end', () => {
    const raw = lf(['From: a@x.vn', 'Subject: s', '', 'b']);
    expect(fetch(raw, 'HEADER.FIELDS (SUBJECT)')).toBe('Subject: s\n\n');
    expect(fetch(crlf(['From: a@x.vn', 'Subject: s', '', 'b']), 'HEADER.FIELDS.NOT (SUBJECT)')).toBe('From: a@x.vn\r\n\r\n');
  });
});

describe('partialRange', () => {
  const r = { start: 100, end: 110 };
  it.each([
    [0, 4, { start: 100, end: 104 }],
    [8, 100, { start: 108, end: 110 }],
    [10, 5, { start: 110, end: 110 }],
    [50, 5, { start: 110, end: 110 }],
    [3, undefined, { start: 103, end: 110 }],
    [2, 0, { start: 102, end: 102 }],
  ])('offset %s length %s', (offset, length, expected) => {
    expect(partialRange(r, offset, length)).toEqual(expected);
  });
});
