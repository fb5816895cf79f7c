// Owns: reading a byte range of a file whole, for the blob store's reads (storage/blobs.ts): a
// message's body for FETCH, a part for BINARY, a header section, a POP3 RETR.
//
// Two ways, chosen per read:
// - A range of at most INLINE_MAX bytes (most mail) is read with blocking calls on the calling
//   thread: open, read, close. From the page cache that is a few microseconds. Through libuv's
//   thread pool each of the three calls is a hand-off to a pool thread and back; once those threads
//   have slept (a server between bursts of work), every hand-off waits for a thread to be woken,
//   which on a virtual machine costs tens of microseconds or more. Measured on this project's
//   2-CPU VM, a UID FETCH of 500 bodies after 2.5 s idle: 62 ms through the pool, 13 ms inline.
// - Larger ranges, reads of a whole file of unknown size, and every read while the disk is slow go
//   through the pool (fs's callback calls; a FileHandle costs the event loop several times more
//   per open). "Slow disk": SLOW_OF_WINDOW of the last WINDOW inline reads took SLOW_MS or more
//   each (the data was not cached and the disk is slow or busy); reads then go to the pool for
//   COOL_DOWN_MS, so a slow disk blocks the event loop for a few reads per cool-down rather than on
//   every message. One slow read alone (a garbage collection or a page fault in the middle of it)
//   changes nothing: the first version switched on one, and a FETCH's hiccup sent every read of
//   the next 10 s through the pool.
import fs from 'node:fs';

const open = (file: string) => new Promise<number>((resolve, reject) => fs.open(file, 'r', (e, fd) => (e ? reject(e) : resolve(fd))));
const size = (fd: number) => new Promise<number>((resolve, reject) => fs.fstat(fd, (e, st) => (e ? reject(e) : resolve(st.size))));
const read = (fd: number, buf: Buffer, off: number, len: number, pos: number) => new Promise<number>((resolve, reject) => fs.read(fd, buf, off, len, pos, (e, n) => (e ? reject(e) : resolve(n))));
const close = (fd: number) => new Promise<void>((resolve) => fs.close(fd, () => resolve()));

/** Ranges up to this many bytes may be read inline. */
export const INLINE_MAX = 64 * 1024;
/** An inline read that took this long (ms) was slow. */
export const SLOW_MS = 2;
/** Inline reads looked back on, and how many of them slow make the disk slow. */
export const WINDOW = 16;
export const SLOW_OF_WINDOW = 3;
/** How long (ms) reads go to the thread pool once the disk is slow. */
export const COOL_DOWN_MS = 5_000;

export interface FileRangeReaderOptions {
  /** Milliseconds, monotonic (tests pass their own). */
  now?: () => number;
  inlineMax?: number;
  slowMs?: number;
  coolDownMs?: number;
}

export class FileRangeReader {
  /** Reads made inline and through the thread pool, and slow inline reads, since start (for tests). */
  readonly counts = { inline: 0, pooled: 0, slow: 0 };
  private poolUntil = -Infinity;
  /** The last WINDOW inline reads, newest in bit 0: 1 = slow. */
  private recent = 0;
  private readonly now: () => number;
  private readonly inlineMax: number;
  private readonly slowMs: number;
  private readonly coolDownMs: number;

  constructor(opts: FileRangeReaderOptions = {}) {
    this.now = opts.now ?? (() => performance.now());
    this.inlineMax = opts.inlineMax ?? INLINE_MAX;
    this.slowMs = opts.slowMs ?? SLOW_MS;
    this.coolDownMs = opts.coolDownMs ?? COOL_DOWN_MS;
  }

  /** Bytes [start, end) of a file (to its end when `end` is not given); fewer if the file is shorter. */
  async read(file: string, start = 0, end?: number): Promise<Buffer> {
    if (end !== undefined && end - start <= this.inlineMax) {
      const t0 = this.now();
      if (t0 >= this.poolUntil) {
        this.counts.inline++;
        try {
          return readInline(file, start, end);
        } finally {
          const t1 = this.now();
          const slow = t1 - t0 >= this.slowMs;
          this.recent = ((this.recent << 1) | (slow ? 1 : 0)) & ((1 << WINDOW) - 1);
          if (slow) this.counts.slow++;
          if (slow && bitCount(this.recent) >= SLOW_OF_WINDOW) {
            this.recent = 0;
            this.poolUntil = t1 + this.coolDownMs;
          }
        }
      }
    }
    this.counts.pooled++;
    return readPooled(file, start, end);
  }
}

function bitCount(n: number): number {
  let c = 0;
  for (; n; n &= n - 1) c++;
  return c;
}

function readInline(file: string, start: number, end: number): Buffer {
  const len = Math.max(0, end - start);
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(len);
    let off = 0;
    while (off < len) {
      const n = fs.readSync(fd, buf, off, len - off, start + off);
      if (n === 0) break;
      off += n;
    }
    return off === len ? buf : buf.subarray(0, off);
  } finally {
    fs.closeSync(fd);
  }
}

async function readPooled(file: string, start: number, end?: number): Promise<Buffer> {
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

/** The process's reader (the blob store's). */
const fileRanges = new FileRangeReader();

/** Bytes [start, end) of a file (to its end when `end` is not given); fewer if the file is shorter. */
export function readFileRange(file: string, start = 0, end?: number): Promise<Buffer> {
  return fileRanges.read(file, start, end);
}
