import { describe, expect, it } from 'vitest';
import { MAX_DELIMITER_LINE, MimeIndexer, indexMessage } from './indexer.ts';
import { ALL_FIXTURES, bigAttachment, crlf } from './fixtures/messages.ts';
import { rng } from '../../../test/helpers/rng.ts';

function indexInChunks(raw: Buffer, sizes: () => number): ReturnType<typeof indexMessage> {
  const ix = new MimeIndexer();
  for (let i = 0; i < raw.length;) {
    const n = Math.max(1, Math.min(raw.length - i, sizes()));
    // a fresh copy each time, then scribbled over: the indexer must not keep references
    const chunk = Buffer.from(raw.subarray(i, i + n));
    ix.write(chunk);
    chunk.fill(0x58);
    i += n;
  }
  return ix.end();
}

describe('chunking does not change the index', () => {
  for (const [name, make] of Object.entries(ALL_FIXTURES)) {
    it(`${name}: byte by byte and random chunks equal one chunk`, () => {
      const raw = make();
      const whole = indexMessage(raw);
      expect(indexInChunks(raw, () => 1)).toEqual(whole);
      const r = rng(name.length * 7919);
      for (let k = 0; k < 5; k++) expect(indexInChunks(raw, () => 1 + Math.floor(r() * 40))).toEqual(whole);
    });
  }

  it('a 5 MB attachment fed in random chunk sizes gives the same index as one chunk', () => {
    const raw = bigAttachment(5);
    expect(raw.length).toBeGreaterThan(5 * 1024 * 1024);
    const whole = indexMessage(raw);
    const r = rng(42);
    const chunked = indexInChunks(raw, () => (r() < 0.1 ? 1 + Math.floor(r() * 3) : 1 + Math.floor(r() * 65536)));
    expect(chunked).toEqual(whole);
    const att = whole.root.children![1];
    expect(att).toMatchObject({ type: 'application', subtype: 'octet-stream', encoding: 'base64', params: { name: 'du-lieu.bin' } });
    expect(att.end).toBe(raw.length - '\r\n--=_big--\r\n'.length);
    expect(Buffer.from(raw.subarray(att.bodyStart, att.end).toString('latin1'), 'base64').length).toBe(Math.floor((5 * 1024 * 1024 * 3) / 4));
    expect(whole.search.body).toBe('Tệp lớn đính kèm.');
  });

  it('long lines (no delimiter possible) stream through, with CR LF split across chunks', () => {
    const long = 'Đ'.repeat(MAX_DELIMITER_LINE); // 2 bytes each: longer than any delimiter line
    const raw = crlf(['Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: text/plain; charset=utf-8', '', long, 'tail', '--b--', '']);
    const whole = indexMessage(raw);
    expect(whole.search.body).toBe(`${long}\ntail`);
    const cut = raw.indexOf('\r\ntail');
    // split exactly between CR and LF, and at other awkward places
    for (const at of [cut + 1, cut, cut + 2, 100, raw.indexOf('--b--')]) {
      const ix = new MimeIndexer();
      ix.write(raw.subarray(0, at));
      ix.write(raw.subarray(at));
      expect(ix.end()).toEqual(whole);
    }
    const part = whole.root.children![0];
    expect(raw.subarray(part.bodyStart, part.end).toString()).toBe(`${long}\r\ntail`);
    expect(part.bodyLines).toBe(1);
  });

  it('a long line ending in a lone CR at EOF keeps the CR in the text', () => {
    const raw = Buffer.concat([crlf(['Content-Type: text/plain', '', '']), Buffer.from('x'.repeat(MAX_DELIMITER_LINE + 10) + '\r')]);
    const ix = new MimeIndexer();
    ix.write(raw.subarray(0, raw.length - 1));
    ix.write(raw.subarray(raw.length - 1));
    const out = ix.end();
    expect(out.root.end).toBe(raw.length);
    expect(out).toEqual(indexMessage(raw));
  });

  it('a header line longer than the header cap, fed in small chunks: linear time, exact offsets', () => {
    const huge = `X-Huge: ${'a'.repeat(2 * 1024 * 1024)}`;
    const raw = crlf(['Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: text/html', huge, '--b', '', 'ok', '--b--', '']);
    const t0 = Date.now();
    const chunked = indexInChunks(raw, () => 1024);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(chunked).toEqual(indexMessage(raw));
    const [first, second] = chunked.root.children!;
    expect(first.subtype).toBe('html');
    // the header cap dropped the end of X-Huge, but not its CRLF: the part ends before "\r\n--b"
    expect(first.bodyStart).toBe(raw.indexOf('\r\n--b\r\n\r\nok'));
    expect(second.end - second.bodyStart).toBe(2);
  });

  it('accepts Uint8Array chunks and refuses use after end', () => {
    const raw = crlf(['Subject: x', '', 'y']);
    const ix = new MimeIndexer();
    ix.write(new Uint8Array(raw));
    expect(ix.end()).toEqual(indexMessage(raw));
    expect(() => ix.write(Buffer.from('z'))).toThrow();
    expect(() => ix.end()).toThrow();
  });

  it('an empty message', () => {
    const ix = indexMessage(Buffer.alloc(0));
    expect(ix).toMatchObject({ size: 0, headerSize: 0, root: { headerStart: 0, bodyStart: 0, end: 0, type: 'text', subtype: 'plain' } });
  });
});
