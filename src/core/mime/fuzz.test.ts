// Random mutations of the fixtures: the indexer must never throw, and the tree it returns
// must stay consistent (offsets inside the message and inside the parent, in order).
import { describe, expect, it } from 'vitest';
import { indexMessage, MimeIndexer } from './indexer.ts';
import type { MessageIndex, MimeNode } from './types.ts';
import type { MimeIndexerOptions } from './limits.ts';
import { ALL_FIXTURES } from './fixtures/messages.ts';
import { rng } from '../../../test/helpers/rng.ts';

const INSERTS = [
  '\r\n',
  '\n',
  '\r',
  '--',
  '--b1',
  '--b1--',
  '--outer\r\n',
  '--inner--',
  ': ',
  ';',
  '"',
  '=?',
  '?=',
  '=?UTF-8?B?',
  '\r\n\r\n',
  'Content-Type: multipart/mixed; boundary=b1\r\n',
  'Content-Type: message/rfc822\r\n\r\n',
  '\x00',
  '\xff',
  '(',
  '<',
  '>',
  ',',
  '\t',
  '=',
  '%',
];

function mutate(src: Buffer, r: () => number): Buffer {
  let b = Buffer.from(src);
  const n = 1 + Math.floor(r() * 8);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(r() * (b.length + 1));
    switch (Math.floor(r() * 6)) {
      case 0: // flip a byte
        if (b.length) b[Math.min(at, b.length - 1)] = Math.floor(r() * 256);
        break;
      case 1: // delete a run
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + Math.floor(r() * 40)))]);
        break;
      case 2: // insert a MIME-significant token
        b = Buffer.concat([b.subarray(0, at), Buffer.from(INSERTS[Math.floor(r() * INSERTS.length)], 'latin1'), b.subarray(at)]);
        break;
      case 3: // duplicate a run
        b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + Math.floor(r() * 200)), b.subarray(at)]);
        break;
      case 4: // truncate
        b = b.subarray(0, at);
        break;
      default: // CRLF → LF somewhere
        b = Buffer.from(b.toString('latin1').replace('\r\n', '\n'), 'latin1');
    }
  }
  return b;
}

function checkTree(n: MimeNode, lo: number, hi: number): void {
  if (!(lo <= n.headerStart && n.headerStart <= n.bodyStart && n.bodyStart <= n.end && n.end <= hi)) {
    throw new Error(`bad offsets ${JSON.stringify([lo, n.headerStart, n.bodyStart, n.end, hi])}`);
  }
  if (n.bodyLines < 0) throw new Error('negative lines');
  if (n.type === 'multipart' && (!n.children || n.children.length === 0)) throw new Error('multipart without parts');
  let prev = n.bodyStart;
  for (const c of n.children ?? []) {
    if (c.headerStart < prev) throw new Error('parts out of order');
    checkTree(c, n.bodyStart, n.end);
    prev = c.end;
  }
  if (n.message) checkTree(n.message.root, n.bodyStart, n.end);
}

function countParts(n: MimeNode, max: number): { parts: number; depth: number } {
  let parts = 0;
  let depth = 0;
  const todo: [MimeNode, number][] = [[n, 0]];
  while (todo.length) {
    const [m, d] = todo.pop()!;
    parts++;
    depth = Math.max(depth, d);
    if (d > max && (m.children || m.message)) throw new Error(`parts at depth ${d}`);
    for (const c of m.children ?? []) todo.push([c, d + 1]);
    if (m.message) todo.push([m.message.root, d + 1]);
  }
  return { parts, depth };
}

function checkLimits(ix: MessageIndex, o: Required<Omit<MimeIndexerOptions, 'maxHeaderSize'>>): void {
  const { parts, depth } = countParts(ix.root, o.maxDepth);
  // a message part at the depth limit, or refused by the parts limit, keeps an empty embedded root
  if (depth > o.maxDepth + 1) throw new Error(`depth ${depth}`);
  if (parts > 2 * o.maxParts) throw new Error(`parts ${parts}`);
}

describe('fuzz', () => {
  for (const [name, make] of Object.entries(ALL_FIXTURES)) {
    it(`${name}: 300 mutations never throw and give a consistent tree`, () => {
      const src = make();
      const r = rng(name.charCodeAt(0) * 31 + name.length);
      for (let i = 0; i < 300; i++) {
        const m = mutate(src, r);
        const ix = indexMessage(m);
        expect(ix.size).toBe(m.length);
        checkTree(ix.root, 0, m.length);
        JSON.stringify(ix);
        if (i % 25 === 0) {
          // and chunked the same way
          const s = new MimeIndexer();
          for (let p = 0; p < m.length; p += 7) s.write(m.subarray(p, p + 7));
          expect(s.end()).toEqual(ix);
        }
      }
    });
  }

  for (const [name, make] of Object.entries(ALL_FIXTURES)) {
    it(`${name}: 150 mutations under small depth and parts limits stay consistent, bounded and chunk-independent`, () => {
      const src = make();
      const r = rng(name.length * 131 + 9);
      for (let i = 0; i < 150; i++) {
        const m = mutate(mutate(src, r), r);
        const o = { maxDepth: Math.floor(r() * 4), maxParts: 1 + Math.floor(r() * 6) };
        const ix = indexMessage(m, o);
        expect(ix.size).toBe(m.length);
        checkTree(ix.root, 0, m.length);
        checkLimits(ix, o);
        expect(JSON.parse(JSON.stringify(ix))).toEqual(ix);
        const s = new MimeIndexer(o);
        const step = 1 + (i % 13);
        for (let p = 0; p < m.length; p += step) s.write(m.subarray(p, p + step));
        expect(s.end()).toEqual(ix);
      }
    });
  }

  it('random bytes', () => {
    const r = rng(7);
    for (let i = 0; i < 200; i++) {
      const b = Buffer.alloc(Math.floor(r() * 2000));
      for (let k = 0; k < b.length; k++) b[k] = r() < 0.2 ? 0x0a : Math.floor(r() * 256);
      const ix = indexMessage(b);
      checkTree(ix.root, 0, b.length);
    }
  });
});
