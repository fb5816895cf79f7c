// Owns: reading a byte range of a file whole, for the blob store's reads (storage/blobs.ts): a
// message's body for FETCH, a part for BINARY, a header section. With fs's callback calls rather
// than fs/promises: a FileHandle costs the event loop several times more per open, and a FETCH of
// 500 bodies opens 500 files (the bench's UID FETCH of 500 bodies: 75 → 44 ms).
import fs from 'node:fs';

const open = (file: string) => new Promise<number>((resolve, reject) => fs.open(file, 'r', (e, fd) => (e ? reject(e) : resolve(fd))));
const size = (fd: number) => new Promise<number>((resolve, reject) => fs.fstat(fd, (e, st) => (e ? reject(e) : resolve(st.size))));
const read = (fd: number, buf: Buffer, off: number, len: number, pos: number) => new Promise<number>((resolve, reject) => fs.read(fd, buf, off, len, pos, (e, n) => (e ? reject(e) : resolve(n))));
const close = (fd: number) => new Promise<void>((resolve) => fs.close(fd, () => resolve()));

/** Bytes [start, end) of a file (to its end when `end` is not given); fewer if the file is shorter. */
export async function readFileRange(file: string, start = 0, end?: number): Promise<Buffer> {
  const fd = await open(file);
  try {
    const stop = end ?? (await size(fd));
    const len = Math.max(0, stop - start);
    const buf = Buffer.allocUnsafe(len);
    let off = 0;
    while (off < len) {
      const n = await read(fd, buf, off, len - off, start + off);
      if (n === 0) break;
      off += n;
    }
    return off === len ? buf : buf.subarray(0, off);
  } finally {
    await close(fd);
  }
}
