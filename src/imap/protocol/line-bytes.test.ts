// LineBytes: numbers, text and bytes land in order, one byte per char, across its 256 KB buffers.
import { describe, it, expect } from 'vitest';
import { LineBytes } from './line-bytes.ts';

const all = (w: LineBytes) => Buffer.concat(w.take());

describe('LineBytes', () => {
  it('writes numbers in decimal, as String() does', () => {
    const values = [0, 7, 9, 10, 99, 100, 12345, 1_000_000, 2 ** 31, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER];
    const w = new LineBytes(16);
    for (const v of values) w.number(v).text(' ');
    expect(all(w).toString('latin1')).toBe(values.map((v) => `${v} `).join(''));
  });

  it('writes short and long text one byte per char (latin1), and bytes as they are', () => {
    const long = 'ENVELOPE ("x" {4}\r\n\u00e9\u00e0\u00ff\u0080' + 'a'.repeat(100) + ')';
    const w = new LineBytes(8);
    w.text('* 1 FETCH (')
      .text(long)
      .bytes(Buffer.from([0, 1, 255]))
      .bytes(Buffer.alloc(100, 0x41))
      .text(')\r\n');
    const expected = Buffer.concat([Buffer.from(`* 1 FETCH (${long}`, 'latin1'), Buffer.from([0, 1, 255]), Buffer.alloc(100, 0x41), Buffer.from(')\r\n')]);
    expect(all(w).equals(expected)).toBe(true);
  });

  it('keeps the order across buffers and starts empty after take()', () => {
    const w = new LineBytes(100);
    let expected = '';
    for (let i = 1; i <= 40_000; i++) {
      w.text('* ').number(i).text(' FETCH (FLAGS (\\Seen))\r\n');
      expected += `* ${i} FETCH (FLAGS (\\Seen))\r\n`;
    }
    w.text('x'.repeat(300_000)); // larger than one buffer
    expected += 'x'.repeat(300_000);
    const chunks = w.take();
    expect(chunks.length).toBeGreaterThan(3);
    expect(Buffer.concat(chunks).toString('latin1')).toBe(expected);
    expect(w.take()).toEqual([]);
    w.text('again ').number(1);
    expect(all(w).toString('latin1')).toBe('again 1');
    // What was taken is not written over by what comes after.
    expect(Buffer.concat(chunks).toString('latin1')).toBe(expected);
  });

  it('hands each full buffer over at once when asked, the rest at take()', () => {
    const handed: Buffer[] = [];
    const w = new LineBytes(100, (c) => handed.push(c));
    let expected = '';
    for (let i = 1; i <= 10_000; i++) {
      w.text('* ').number(i).text(' FETCH (FLAGS ())\r\n');
      expected += `* ${i} FETCH (FLAGS ())\r\n`;
      if (i === 5_000) expect(handed.length).toBeGreaterThan(0); // before the end
    }
    const rest = w.take();
    expect(Buffer.concat([...handed, ...rest]).toString('latin1')).toBe(expected);
    expect(handed.every((c) => c.length <= 64 * 1024)).toBe(true);
  });
});
