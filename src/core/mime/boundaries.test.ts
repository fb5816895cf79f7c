// The map-based delimiter matcher agrees with the plain scan of every open boundary
// (innermost first) that it replaces, on random boundaries and lines.
import { describe, expect, it } from 'vitest';
import { OpenBoundaries, type DelimiterHit } from './boundaries.ts';
import { rng } from '../../../test/helpers/rng.ts';

const isLwsp = (b: Buffer, from: number): boolean => [...b.subarray(from)].every((c) => c === 0x20 || c === 0x09);

/** The reference: the earlier per-frame scan, innermost level first. */
function scan(open: { boundary: Buffer; level: number }[], content: Buffer): DelimiterHit | null {
  if (content.length < 2 || content[0] !== 0x2d || content[1] !== 0x2d) return null;
  for (const { boundary: b, level } of [...open].sort((x, y) => y.level - x.level)) {
    if (content.length < 2 + b.length || !content.subarray(2, 2 + b.length).equals(b)) continue;
    const after = 2 + b.length;
    if (isLwsp(content, after)) return { level, close: false };
    if (content[after] === 0x2d && content[after + 1] === 0x2d && isLwsp(content, after + 2)) return { level, close: true };
  }
  return null;
}

const ALPHABET = ['a', 'b', '-', '-', ' ', '\t', '=', 'é'];

function word(r: () => number, max: number): string {
  let s = '';
  const n = Math.floor(r() * max);
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(r() * ALPHABET.length)];
  return s;
}

describe('OpenBoundaries', () => {
  it('matches delimiters and close delimiters, innermost first, with trailing whitespace', () => {
    const o = new OpenBoundaries();
    o.open(Buffer.from('x'), 0);
    o.open(Buffer.from('x--'), 1);
    o.open(Buffer.from('x'), 2);
    expect(o.match(Buffer.from('--x'))).toEqual({ level: 2, close: false });
    expect(o.match(Buffer.from('--x-- \t'))).toEqual({ level: 2, close: true });
    o.close(Buffer.from('x'), 2);
    expect(o.match(Buffer.from('--x--'))).toEqual({ level: 1, close: false });
    expect(o.match(Buffer.from('--x '))).toEqual({ level: 0, close: false });
    expect(o.match(Buffer.from('--x -- '))).toBeNull();
    expect(o.match(Buffer.from('--xx'))).toBeNull();
    expect(o.match(Buffer.from('x'))).toBeNull();
    o.close(Buffer.from('x--'), 1);
    o.close(Buffer.from('x'), 0);
    expect(o.size).toBe(0);
    expect(o.match(Buffer.from('--x'))).toBeNull();
  });

  it('agrees with the scan of every open boundary on 20,000 random lines', () => {
    const r = rng(2046);
    const seen = { open: 0, close: 0, none: 0 };
    for (let round = 0; round < 200; round++) {
      const o = new OpenBoundaries();
      const open: { boundary: Buffer; level: number }[] = [];
      let level = 0;
      for (let step = 0; step < 100; step++) {
        const op = r();
        if (op < 0.25) {
          // boundaries never end in whitespace, and are never empty (the indexer trims them)
          const b = (word(r, 5) + 'ab'[Math.floor(r() * 2)]).replace(/[ \t]+$/, '');
          level += 1 + Math.floor(r() * 3);
          o.open(Buffer.from(b), level);
          open.push({ boundary: Buffer.from(b), level });
        } else if (op < 0.35 && open.length) {
          // a multipart closes (the innermost) or goes into its epilogue (any, in the tests)
          const k = r() < 0.7 ? open.length - 1 : Math.floor(r() * open.length);
          o.close(open[k].boundary, open[k].level);
          open.splice(k, 1);
        } else {
          const base = open.length && r() < 0.7 ? open[Math.floor(r() * open.length)].boundary.toString() : word(r, 6);
          const line = Buffer.from(['--', '', '-'][Math.floor(r() * 3)] + base + ['', '--', ' ', '-- \t', '-', 'a'][Math.floor(r() * 6)]);
          const want = scan(open, line);
          expect(o.match(line), line.toString()).toEqual(want);
          seen[want === null ? 'none' : want.close ? 'close' : 'open']++;
        }
      }
    }
    expect(Math.min(seen.open, seen.close, seen.none)).toBeGreaterThan(1000);
  });
});
