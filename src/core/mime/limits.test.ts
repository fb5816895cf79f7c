// Hostile structure: nesting, part count and header size limits (limits.ts) keep the index
// bounded, serialisable and byte-exact before the limit.
import { describe, expect, it } from 'vitest';
import { indexMessage, MimeIndexer } from './indexer.ts';
import { MAX_HEADER_SECTION, MAX_MIME_DEPTH, MAX_MIME_PARTS } from './limits.ts';
import { HEADER_TEXT_CAP } from './search-text.ts';
import type { MessageIndex, MimeNode } from './types.ts';
import { crlf } from './fixtures/messages.ts';
import { rng } from '../../../test/helpers/rng.ts';

const body = (raw: Buffer, n: MimeNode): string => raw.subarray(n.bodyStart, n.end).toString('latin1');

/** A multipart nested `levels` deep; the first part of every level is a text part "t<i>". */
function nestedMultipart(levels: number): Buffer {
  const lines = ['Subject: deep', 'Content-Type: multipart/mixed; boundary="b0"', ''];
  for (let i = 1; i < levels; i++) lines.push(`--b${i - 1}`, '', `t${i - 1}`, `--b${i - 1}`, `Content-Type: multipart/mixed; boundary="b${i}"`, '');
  lines.push(`--b${levels - 1}`, '', 'bottom');
  for (let i = levels - 1; i >= 0; i--) lines.push(`--b${i}--`);
  return crlf([...lines, '']);
}

function nestedRfc822(levels: number): Buffer {
  let s = '';
  for (let i = 0; i < levels; i++) s += `Subject: level ${i}\r\nContent-Type: message/rfc822\r\n\r\n`;
  return Buffer.from(s + 'Subject: bottom\r\n\r\nhello\r\n');
}

function manyParts(n: number): Buffer {
  const lines = ['Content-Type: multipart/mixed; boundary=x', ''];
  for (let i = 0; i < n; i++) lines.push('--x', '', `p${i}`);
  return crlf([...lines, '--x--', '']);
}

function bigHeader(bytes: number, end = '\r\n'): Buffer {
  const line = 'X-Filler: ' + 'a'.repeat(60) + '\r\n';
  return Buffer.from('Subject: big\r\nFrom: a@b.vn\r\n' + line.repeat(Math.ceil(bytes / line.length)) + end + 'body\r\n');
}

function depthOf(n: MimeNode): number {
  // iterative: a test helper must not itself overflow on a deep tree
  let max = 0;
  const todo: [MimeNode, number][] = [[n, 0]];
  while (todo.length) {
    const [m, d] = todo.pop()!;
    max = Math.max(max, d);
    for (const c of m.children ?? []) todo.push([c, d + 1]);
    if (m.message) todo.push([m.message.root, d + 1]);
  }
  return max;
}

function roundTrips(ix: MessageIndex): void {
  expect(JSON.parse(JSON.stringify(ix))).toEqual(ix);
}

function chunked(raw: Buffer, seed: number): MessageIndex {
  const r = rng(seed);
  const ix = new MimeIndexer();
  for (let i = 0; i < raw.length;) {
    const n = 1 + Math.floor(r() * 3000);
    ix.write(raw.subarray(i, i + n));
    i += n;
  }
  return ix.end();
}

describe('nesting limit', () => {
  it('a multipart 10,000 levels deep is cut at level 100: an opaque text/plain leaf, offsets before it exact', () => {
    const raw = nestedMultipart(10_000);
    const ix = indexMessage(raw);
    expect(ix.truncated).toBe('depth');
    expect(depthOf(ix.root)).toBe(MAX_MIME_DEPTH);
    roundTrips(ix);
    let n = ix.root;
    for (let i = 0; i < MAX_MIME_DEPTH; i++) {
      expect(n.params.boundary).toBe(`b${i}`);
      expect(n.children).toHaveLength(2);
      expect(body(raw, n.children![0])).toBe(`t${i}`); // BODY[2.2...2.1]
      // it ends where its parent's close delimiter starts (the root at the end of the message)
      expect(n.end).toBe(i === 0 ? raw.length : raw.indexOf(`\r\n--b${i - 1}--`));
      n = n.children![1];
    }
    expect(n).toMatchObject({ type: 'text', subtype: 'plain', params: {} });
    expect(n.children).toBeUndefined();
    expect(body(raw, n)).toMatch(/^--b100\r\n\r\nt100\r\n--b100\r\nContent-Type: multipart\/mixed; boundary="b101"/);
    expect(body(raw, n)).toMatch(/--b101--\r\n--b100--$/);
    expect(ix.search.body).not.toContain('t100'); // opaque: not indexed as text
    expect(ix.search.body).toContain('t99');
    expect(chunked(raw, 1)).toEqual(ix);
  });

  it('message/rfc822 10,000 levels deep: the part at level 100 keeps an empty embedded message', () => {
    const raw = nestedRfc822(10_000);
    const ix = indexMessage(raw);
    expect(ix.truncated).toBe('depth');
    roundTrips(ix);
    let n = ix.root;
    for (let i = 0; i < MAX_MIME_DEPTH; i++) {
      expect(n).toMatchObject({ type: 'message', subtype: 'rfc822', end: raw.length });
      expect(n.message!.envelope.subject).toBe(`level ${i + 1}`);
      n = n.message!.root;
    }
    expect(n).toMatchObject({ type: 'message', subtype: 'rfc822', end: raw.length });
    expect(raw.subarray(n.headerStart, n.bodyStart).toString()).toBe('Subject: level 100\r\nContent-Type: message/rfc822\r\n\r\n');
    expect(n.message!.root).toMatchObject({ headerStart: n.bodyStart, bodyStart: n.bodyStart, end: n.bodyStart, type: 'text' });
    expect(n.message!.envelope.subject).toBeNull();
    expect(depthOf(ix.root)).toBe(MAX_MIME_DEPTH + 1);
    expect(chunked(raw, 2)).toEqual(ix);
  });

  it('the limit is an option; a tree within it is not marked', () => {
    const raw = nestedMultipart(5);
    expect(indexMessage(raw).truncated).toBeUndefined();
    expect('truncated' in indexMessage(raw)).toBe(false);
    const ix = indexMessage(raw, { maxDepth: 2 });
    expect(ix.truncated).toBe('depth');
    expect(depthOf(ix.root)).toBe(2);
    const cut = ix.root.children![1].children![1];
    expect(cut).toMatchObject({ type: 'text', subtype: 'plain', end: raw.indexOf('\r\n--b1--') });
    expect(indexMessage(raw, { maxDepth: 0 }).root).toMatchObject({ type: 'text', headerStart: 0, end: raw.length });
  });

  it('matching a line against many open boundaries does not depend on how many are open', () => {
    const open = 5000;
    const lines = ['Content-Type: multipart/mixed; boundary=b0', ''];
    for (let i = 1; i < open; i++) lines.push(`--b${i - 1}`, `Content-Type: multipart/mixed; boundary=b${i}`, '');
    lines.push(`--b${open - 1}`, '', 'x');
    for (let i = 0; i < 40_000; i++) lines.push(`--b${i % 7}x`); // look like delimiters, match none
    const raw = crlf(lines);
    const t0 = Date.now();
    const ix = indexMessage(raw, { maxDepth: 1e9 });
    expect(Date.now() - t0).toBeLessThan(4000); // the earlier scan of every open boundary: minutes
    expect(depthOf(ix.root)).toBe(open);
  });
});

describe('parts limit', () => {
  it('100,000 parts: 10,000 are indexed, the last one holds the rest of the message', () => {
    const raw = manyParts(100_000);
    const t0 = Date.now();
    const ix = indexMessage(raw);
    expect(Date.now() - t0).toBeLessThan(4000);
    expect(ix.truncated).toBe('parts');
    const kids = ix.root.children!;
    expect(kids).toHaveLength(MAX_MIME_PARTS - 1); // the root is a part too
    for (const k of [0, 1, 500, 9997]) expect(body(raw, kids[k])).toBe(`p${k}`);
    const last = kids[kids.length - 1];
    expect(body(raw, last)).toMatch(/^p9998\r\n--x\r\n\r\np9999\r\n/);
    expect(last.end).toBe(raw.length);
    expect(ix.root.end).toBe(raw.length);
    roundTrips(ix);
    expect(chunked(raw, 3)).toEqual(ix);
  });

  it('exactly maxParts parts is not truncated, and the close delimiter still counts', () => {
    const raw = manyParts(4);
    const ix = indexMessage(raw, { maxParts: 5 });
    expect(ix.truncated).toBeUndefined();
    expect(ix.root.children).toHaveLength(4);
    expect(ix.root.children![3].end).toBe(raw.indexOf('\r\n--x--'));
    const cut = indexMessage(manyParts(5), { maxParts: 5 });
    expect(cut.truncated).toBe('parts');
    expect(cut.root.children).toHaveLength(4);
  });

  it('an embedded message past the limit keeps an empty embedded message; nothing after it is a part', () => {
    const raw = crlf(['Content-Type: multipart/mixed; boundary=x', '', '--x', 'Content-Type: message/rfc822', '', 'Subject: inner', '', 'hi', '--x', '', 'after', '--x--', '']);
    const ix = indexMessage(raw, { maxParts: 2 });
    expect(ix.truncated).toBe('parts');
    expect(ix.root.children).toHaveLength(1);
    const m = ix.root.children![0];
    expect(m).toMatchObject({ type: 'message', subtype: 'rfc822', end: raw.length });
    expect(m.message!.root).toMatchObject({ bodyStart: m.bodyStart, end: m.bodyStart });
    // root, the message part, its embedded root, the last part
    expect(indexMessage(raw, { maxParts: 3 }).root.children).toHaveLength(1);
    expect(indexMessage(raw, { maxParts: 4 }).truncated).toBeUndefined();
    expect(indexMessage(raw, { maxParts: 4 }).root.children).toHaveLength(2);
  });

  it('past the parts limit a multipart is a text/plain leaf', () => {
    const raw = crlf(['Content-Type: multipart/mixed; boundary=x', '', '--x', '', 'a', '--x', 'Content-Type: multipart/alternative; boundary=y', '', '--y', '', 'b', '--y--', '--x--', '']);
    const ix = indexMessage(raw, { maxParts: 2 });
    expect(ix.truncated).toBe('parts');
    expect(ix.root.children).toHaveLength(1);
    expect(body(raw, ix.root.children![0])).toMatch(/^a\r\n--x\r\nContent-Type: multipart\/alternative/);
  });
});

describe('header section size', () => {
  it('a 1 MB header is flagged (default 256 KB), as soon as that much has been written', () => {
    const raw = bigHeader(1024 * 1024);
    const s = new MimeIndexer();
    s.write(raw.subarray(0, MAX_HEADER_SECTION));
    expect(s.headerTooLarge).toBe(false);
    s.write(raw.subarray(MAX_HEADER_SECTION, MAX_HEADER_SECTION + 10));
    expect(s.headerTooLarge).toBe(true);
    expect(s.headerSectionSize).toBe(MAX_HEADER_SECTION + 10);
    s.write(raw.subarray(MAX_HEADER_SECTION + 10));
    const ix = s.end();
    expect(ix.headerTooLarge).toBe(true);
    expect(ix.headerSize).toBe(raw.indexOf('\r\n\r\n') + 4);
    expect(ix.envelope.subject).toBe('big');
    expect(body(raw, ix.root)).toBe('body\r\n');
    expect(ix.search.headers.length).toBeLessThanOrEqual(HEADER_TEXT_CAP);
    roundTrips(ix);
    expect(indexMessage(raw)).toEqual(ix);
  });

  it('the limit is an option; a normal header is not marked', () => {
    const raw = bigHeader(1024 * 1024);
    const ix = indexMessage(raw, { maxHeaderSize: 2 * 1024 * 1024 });
    expect('headerTooLarge' in ix).toBe(false);
    const small = new MimeIndexer({ maxHeaderSize: 20 });
    small.write(crlf(['Subject: exactly', '', 'x'])); // header section: 20 bytes
    expect(small.headerTooLarge).toBe(false);
    expect(small.end().headerTooLarge).toBeUndefined();
  });

  it('a header that never ends (10 MB, no blank line) is counted, not kept', () => {
    const raw = bigHeader(10 * 1024 * 1024, '');
    const ix = indexMessage(raw);
    expect(ix.headerTooLarge).toBe(true);
    expect(ix.headerSize).toBe(raw.length);
    expect(ix.envelope.subject).toBe('big');
    expect(JSON.stringify(ix).length).toBeLessThan(HEADER_TEXT_CAP + 16 * 1024);
  });

  it('nested part headers do not count toward the top-level header section', () => {
    const raw = crlf(['Content-Type: multipart/mixed; boundary=x', '', '--x', `X-Big: ${'a'.repeat(300 * 1024)}`, '', 'p', '--x--', '']);
    const ix = indexMessage(raw);
    expect(ix.headerTooLarge).toBeUndefined();
    expect(body(raw, ix.root.children![0])).toBe('p');
  });
});
