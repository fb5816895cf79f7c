// Content-addressed blob store for message bodies: each body is a file named by its SHA-256
// under blobs/ab/cd/<hash>. A write goes to a temporary file, is fsynced, then renamed into
// place (and the directory fsynced), so a blob is either whole or absent. The same message
// delivered to many recipients is one file.
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

export interface BlobWrite {
  sha256: string;
  size: number;
}

export class SizeLimitError extends Error {
  constructor(public readonly limit: number) {
    super(`message exceeds the size limit of ${limit} bytes`);
    this.name = 'SizeLimitError';
  }
}

export class BlobStore {
  /** Fan-out directories known to exist (at most 65,536), so a write does not mkdir each time. */
  private readonly dirs = new Set<string>();

  constructor(private readonly root: string) {
    fs.mkdirSync(path.join(root, 'tmp'), { recursive: true });
  }

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('invalid blob name');
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  /**
   * Stream bytes into the store. `onChunk` sees every chunk (the indexer parses as it goes).
   * Throws SizeLimitError (after draining the stream) when more than `maxSize` bytes arrive.
   */
  async write(source: Readable | Iterable<Buffer> | AsyncIterable<Buffer>, opts: { maxSize?: number; onChunk?: (c: Buffer) => void } = {}): Promise<BlobWrite> {
    const tmp = path.join(this.root, 'tmp', `${process.pid}-${crypto.randomBytes(8).toString('hex')}`);
    const fh = await fsp.open(tmp, 'w', 0o600);
    const hash = crypto.createHash('sha256');
    let size = 0;
    let over = false;
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += buf.length;
        if (opts.maxSize !== undefined && size > opts.maxSize) {
          over = true; // keep draining so the protocol stays in step, but stop storing
          continue;
        }
        hash.update(buf);
        opts.onChunk?.(buf);
        await fh.write(buf);
      }
      if (over) throw new SizeLimitError(opts.maxSize!);
      await fh.sync();
      await fh.close();
    } catch (e) {
      await fh.close().catch(() => {});
      await fsp.unlink(tmp).catch(() => {});
      throw e;
    }
    const sha256 = hash.digest('hex');
    const final = this.pathOf(sha256);
    const dir = path.dirname(final);
    if (!this.dirs.has(dir)) {
      await fsp.mkdir(dir, { recursive: true });
      this.dirs.add(dir);
    }
    if (fs.existsSync(final)) {
      await fsp.unlink(tmp);
    } else {
      await fsp.rename(tmp, final);
      await fsyncDir(dir);
    }
    return { sha256, size };
  }

  async writeBuffer(buf: Buffer): Promise<BlobWrite> {
    return this.write([buf]);
  }

  /** Read bytes [start, end) of a blob. */
  async read(sha256: string, start = 0, end?: number): Promise<Buffer> {
    const fh = await fsp.open(this.pathOf(sha256), 'r');
    try {
      const stop = end ?? (await fh.stat()).size;
      const len = Math.max(0, stop - start);
      const buf = Buffer.allocUnsafe(len);
      let off = 0;
      while (off < len) {
        const { bytesRead } = await fh.read(buf, off, len - off, start + off);
        if (bytesRead === 0) break;
        off += bytesRead;
      }
      return off === len ? buf : buf.subarray(0, off);
    } finally {
      await fh.close();
    }
  }

  /** The blob as a stream, from byte `start` (default 0) to byte `end` inclusive (default: the last). */
  createReadStream(sha256: string, opts: { start?: number; end?: number } = {}): fs.ReadStream {
    return fs.createReadStream(this.pathOf(sha256), { start: opts.start ?? 0, end: opts.end });
  }

  async exists(sha256: string): Promise<boolean> {
    return fs.existsSync(this.pathOf(sha256));
  }

  async remove(sha256: string): Promise<void> {
    await fsp.unlink(this.pathOf(sha256)).catch(() => {});
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
