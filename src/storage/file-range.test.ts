// Owns: the tests of storage/file-range.ts: a range, the whole file, a range past the end cut
// short, an empty range and a missing file, each both inline and through the thread pool; which
// reads go inline; and slow inline reads sending reads to the pool until the cool-down ends.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileRangeReader, INLINE_MAX, readFileRange } from './file-range.ts';

describe('readFileRange', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-range-'));
  const file = path.join(dir, 'thư');
  const bytes = Buffer.from('Kính gửi đồng chí Nguyễn Văn An,\r\n'.repeat(3000));
  fs.writeFileSync(file, bytes);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['inline', new FileRangeReader({ inlineMax: Infinity })],
    ['through the thread pool', new FileRangeReader({ inlineMax: -1 })],
  ])('reads a range, the whole file, a range past the end cut short, an empty range (%s)', async (_, r) => {
    expect(await r.read(file, 10, 5000)).toEqual(bytes.subarray(10, 5000));
    expect(await r.read(file, 0, bytes.length)).toEqual(bytes);
    expect(await r.read(file, bytes.length - 7, bytes.length + 100)).toEqual(bytes.subarray(bytes.length - 7));
    expect((await r.read(file, 20, 20)).length).toBe(0);
    await expect(r.read(path.join(dir, 'none'), 0, 10)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reads the whole file when no end is given, through the pool (its size is not known)', async () => {
    const r = new FileRangeReader();
    expect(await r.read(file)).toEqual(bytes);
    expect(r.counts).toEqual({ inline: 0, pooled: 1, slow: 0 });
    expect(await readFileRange(file, 3, 9)).toEqual(bytes.subarray(3, 9));
  });

  it('reads ranges up to INLINE_MAX inline and larger ones through the pool', async () => {
    const r = new FileRangeReader();
    const big = path.join(dir, 'lớn');
    fs.writeFileSync(big, Buffer.alloc(INLINE_MAX + 10, 'đ'));
    await r.read(big, 0, INLINE_MAX);
    expect(r.counts).toEqual({ inline: 1, pooled: 0, slow: 0 });
    await r.read(big, 0, INLINE_MAX + 1);
    expect(r.counts).toEqual({ inline: 1, pooled: 1, slow: 0 });
  });

  it('one slow inline read changes nothing; three of the last sixteen send reads to the pool until the cool-down has passed', async () => {
    let t = 0;
    let step = 0; // each look at the clock advances it by `step`: with 5, an inline read "takes" 5 ms
    const r = new FileRangeReader({ now: () => (t += step), slowMs: 2, coolDownMs: 1000 });
    const read = async () => expect(await r.read(file, 0, 100)).toEqual(bytes.subarray(0, 100));
    const slowRead = async () => {
      step = 5;
      await read();
      step = 0;
    };
    await slowRead();
    for (let i = 0; i < 15; i++) await read();
    await slowRead(); // the first slow read is 16 reads back: out of the window
    await read();
    await slowRead();
    expect(r.counts).toEqual({ inline: 19, pooled: 0, slow: 3 });
    await slowRead(); // three slow among the last sixteen
    expect(r.counts).toEqual({ inline: 20, pooled: 0, slow: 4 });
    for (let i = 0; i < 3; i++) await read();
    expect(r.counts).toEqual({ inline: 20, pooled: 3, slow: 4 });
    t += 1000;
    await read();
    await slowRead(); // the window began afresh: one slow read changes nothing again
    await read();
    expect(r.counts).toEqual({ inline: 23, pooled: 3, slow: 5 });
  });
});
