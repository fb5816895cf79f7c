// Owns: the tests of storage/file-range.ts: a range, the whole file, a range past the end cut
// short, an empty range, and a missing file refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFileRange } from './file-range.ts';

describe('readFileRange', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-range-'));
  const file = path.join(dir, 'thư');
  const bytes = Buffer.from('Kính gửi đồng chí Nguyễn Văn An,\r\n'.repeat(3000));
  fs.writeFileSync(file, bytes);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a range, the whole file, a range past the end cut short, an empty range', async () => {
    expect(await readFileRange(file, 10, 5000)).toEqual(bytes.subarray(10, 5000));
    expect(await readFileRange(file)).toEqual(bytes);
    expect(await readFileRange(file, bytes.length - 7, bytes.length + 100)).toEqual(bytes.subarray(bytes.length - 7));
    expect((await readFileRange(file, 20, 20)).length).toBe(0);
  });

  it('refuses a missing file', async () => {
    await expect(readFileRange(path.join(dir, 'none'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
