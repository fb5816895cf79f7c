// Content-addressed blob store for message bodies: each body is a file named by its SHA-256
// under blobs/ab/cd/<hash>. A write goes to a temporary file, is fsynced, then renamed into
// place (and the directory fsynced), so a blob is either whole or absent. The same message
// delivered to many recipients is one file.
// Owns: blob files and temp files on disk, and the in-process pins of blobs in flight (ingested
// but not yet committed, or being read for reuse): a pinned blob is never removed by this process.
// Pins are counted. `write` pins its result in the same tick as it checks for an existing file,
// and `removeIfUnpinned` checks the pin and unlinks in one tick, so a concurrent ingest of
// identical bytes can never lose its file. Whether a blob is still wanted (its `contents` row)
// is the reclaimer's question (core/reclaim.ts), not this file's.
// With writer threads (`writers`, blob-writers.ts) the bytes are written, hashed and tapped (the
// MIME indexer) in a thread; the pin is still taken here, on the main thread, and the thread looks
// for an existing file and renames only after it: the same order, one message apart.
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { BlobWriters, WritersUnavailable, type TapSpec, type WriterTrace } from './blob-writers.ts';
import { readFileRange } from './file-range.ts';

export type { TapSpec } from './blob-writers.ts';

export interface BlobWrite {
  sha256: string;
  size: number;
  /** What the write's tap returned (the MIME index), when it had one. */
  tap?: unknown;
}

export interface BlobWriteOptions {
  maxSize?: number;
  /** Sees every chunk, on the caller's thread. */
  onChunk?: (c: Buffer) => void;
  /** Run over every chunk where the bytes are written (a writer thread, when there are some): see blob-writers.ts. */
  tap?: TapSpec;
}

export interface BlobStoreOptions {
  /** Writer threads (blob-writers.ts): writes are made off the event loop. 0: on the caller's thread. */
  writers?: number;
  /** The module the writer threads run (tests only: one that fails to start). */
  writerThread?: string;
  /** Sees every message to and from the writer threads (tests only: the protocol's shape). */
  writerTrace?: WriterTrace;
}

/** A blob file found on disk (the sweep and `thutin store check`). */
export interface BlobFile {
  sha256: string;
  size: number;
  mtimeMs: number;
}

/** A file left in blobs/tmp: a write in progress, or one cut off by a crash. */
export interface TempFile {
  name: string;
  size: number;
  mtimeMs: number;
  /** Being written by this process right now. */
  inFlight: boolean;
}

/** See `BlobStore.guard`. */
export interface RemovalGuard {
  /** `removeIfUnpinned`, refused also when the blob was pinned or unpinned since the guard began. */
  remove(sha256: string, opts?: { olderThanMs?: number }): boolean;
  end(): void;
}

/** What a tap module exports (the writer threads load it too). */
interface TapModule {
  createTap(options: unknown): { write(chunk: Buffer): void; end(): unknown };
}

const BLOB_NAME = /^[0-9a-f]{64}$/;
/** Bytes gathered before a write to the file (see writeTo). */
const WRITE_BATCH = 256 * 1024;
const FAN = /^[0-9a-f]{2}$/;

export class SizeLimitError extends Error {
  constructor(public readonly limit: number) {
    super(`message exceeds the size limit of ${limit} bytes`);
    this.name = 'SizeLimitError';
  }
}

export class BlobStore {
  /** Fan-out directories known to exist (at most 65,536), so a write does not mkdir each time. */
  private readonly dirs = new Set<string>();
  /** Blobs in flight in this process, with how many holders each. */
  private readonly pins = new Map<string, number>();
  /** Pinned blobs whose removal was refused because of the pin (their row may be gone meanwhile). */
  private readonly contested = new Set<string>();
  /** Blobs under a removal guard, and whether they were pinned or unpinned since it began. */
  private readonly watched = new Map<string, { count: number; touched: boolean }>();
  /** Names of the temp files this process is writing. */
  private readonly writing = new Set<string>();
  private readonly tmpDir: string;
  private writers: BlobWriters | null;

  constructor(
    private readonly root: string,
    opts: BlobStoreOptions = {},
  ) {
    this.tmpDir = path.join(root, 'tmp');
    fs.mkdirSync(this.tmpDir, { recursive: true });
    this.writers = opts.writers ? new BlobWriters(opts.writers, opts.writerThread, opts.writerTrace) : null;
  }

  /**
   * Start the writer threads now (a server's first message then does not wait for them). Null when
   * they run (or none are configured); otherwise why they could not start: writes are then made on
   * the caller's thread.
   */
  async warmUp(): Promise<string | null> {
    try {
      await this.writers?.warmUp();
      return null;
    } catch (e) {
      if (!(e instanceof WritersUnavailable)) throw e;
      this.writers = null; // written on the caller's thread from now on
      return e.message;
    }
  }

  /** Stop the writer threads (writes after this are made on the caller's thread). */
  async close(): Promise<void> {
    const w = this.writers;
    this.writers = null;
    await w?.close();
  }

  pathOf(sha256: string): string {
    if (!BLOB_NAME.test(sha256)) throw new Error('invalid blob name');
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  // ---------------------------------------------------------------- pins

  /** Hold a blob: this process will not remove it until as many `unpin` calls. */
  pin(sha256: string): void {
    this.touch(sha256);
    this.pins.set(sha256, (this.pins.get(sha256) ?? 0) + 1);
  }

  /**
   * Let go of one hold on a blob (from `write`, or `pin`). True when this was the last hold and a
   * removal was refused meanwhile because of the pins: whoever lets go last must then ask whether
   * the blob is still wanted.
   */
  unpin(sha256: string): boolean {
    this.touch(sha256);
    const n = this.pins.get(sha256) ?? 0;
    if (n > 1) {
      this.pins.set(sha256, n - 1);
      return false;
    }
    this.pins.delete(sha256);
    return this.contested.delete(sha256);
  }

  isPinned(sha256: string): boolean {
    return this.pins.has(sha256);
  }

  /** Whether a removal guard (a reclaim in progress) is watching this blob. */
  isWatched(sha256: string): boolean {
    return this.watched.has(sha256);
  }

  /** How many blobs are pinned right now (tests, diagnostics). */
  get pinnedCount(): number {
    return this.pins.size;
  }

  /**
   * Watch blobs about to be removed: from now until `end`, any pin or unpin of one of them marks it,
   * and `remove` through the guard refuses a marked blob. A reclaimer takes a guard BEFORE asking
   * the database whether a row names the blob: an ingest that committed a row the question could
   * not see yet (and unpinned meanwhile) has marked it.
   */
  guard(sha256s: Iterable<string>): RemovalGuard {
    const names = [...new Set(sha256s)];
    for (const s of names) {
      const w = this.watched.get(s);
      if (w) w.count++;
      else this.watched.set(s, { count: 1, touched: false });
    }
    let ended = false;
    return {
      remove: (sha256, opts = {}) => {
        if (ended) throw new Error('guard ended');
        const w = this.watched.get(sha256);
        if (!w) throw new Error('blob not guarded');
        if (w.touched) return false;
        return this.removeIfUnpinned(sha256, opts);
      },
      end: () => {
        if (ended) return;
        ended = true;
        for (const s of names) {
          const w = this.watched.get(s)!;
          if (--w.count === 0) this.watched.delete(s);
        }
      },
    };
  }

  private touch(sha256: string): void {
    const w = this.watched.get(sha256);
    if (w) w.touched = true;
  }

  /**
   * Remove a blob unless it is pinned (or, with `olderThanMs`, unless its file changed at or after
   * that time: another process may have just written or reused it). The checks and the unlink run
   * in one tick, so no write of identical bytes can slip in between. True when a file was removed.
   * To remove a blob after asking the database about it, use a `guard` taken before the question.
   */
  removeIfUnpinned(sha256: string, opts: { olderThanMs?: number } = {}): boolean {
    if (this.pins.has(sha256)) {
      this.contested.add(sha256);
      return false;
    }
    const file = this.pathOf(sha256);
    try {
      if (opts.olderThanMs !== undefined && fs.statSync(file).mtimeMs >= opts.olderThanMs) return false;
      fs.unlinkSync(file);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
  }

  /**
   * Stream bytes into the store. `onChunk` sees every chunk (the indexer parses as it goes).
   * Throws SizeLimitError (after draining the stream) when more than `maxSize` bytes arrive.
   * The blob comes back **pinned**: the caller unpins it once its delivery committed or was refused.
   */
  async write(source: Readable | Iterable<Buffer> | AsyncIterable<Buffer>, opts: BlobWriteOptions = {}): Promise<BlobWrite> {
    const name = `${process.pid}-${crypto.randomBytes(8).toString('hex')}`;
    const tmp = path.join(this.tmpDir, name);
    this.writing.add(name);
    try {
      if (this.writers) {
        try {
          return await this.writeInThread(this.writers, tmp, source, opts);
        } catch (e) {
          if (!(e instanceof WritersUnavailable)) throw e;
          this.writers = null; // no thread could start (nothing was read): this thread writes from now on
        }
      }
      return await this.writeTo(tmp, source, opts);
    } finally {
      this.writing.delete(name);
    }
  }

  /**
   * The write in a writer thread. The name is pinned here, on this thread, when the thread reports
   * the bytes durable, and the thread renames the file only after that: the same order as below.
   */
  private async writeInThread(writers: BlobWriters, tmp: string, source: Readable | Iterable<Buffer> | AsyncIterable<Buffer>, opts: BlobWriteOptions): Promise<BlobWrite> {
    let pinned: string | null = null;
    try {
      const w = await writers.write(tmp, source, { ...opts, over: () => new SizeLimitError(opts.maxSize!) }, (sha256) => {
        const final = this.pathOf(sha256);
        this.pin(sha256);
        pinned = sha256;
        return { final, dir: path.dirname(final) };
      });
      return { sha256: w.sha256, size: w.size, ...(opts.tap ? { tap: w.tap } : {}) };
    } catch (e) {
      if (pinned) this.unpin(pinned);
      unlinkQuietly(tmp);
      throw e;
    }
  }

  private async writeTo(tmp: string, source: Readable | Iterable<Buffer> | AsyncIterable<Buffer>, opts: BlobWriteOptions): Promise<BlobWrite> {
    const tap = opts.tap ? (await tapModule(opts.tap.module)).createTap(opts.tap.options) : null;
    // The quick file operations (open, write, close, mkdir, rename: page cache and directory
    // entries, microseconds) are made synchronously, like a C mail server does; only the fsyncs,
    // which wait for the disk, go to the thread pool. Each asynchronous operation costs a round
    // trip to the pool and a promise, several times the work of the system call itself.
    const fd = fs.openSync(tmp, 'w', 0o600);
    let open = true;
    const close = () => {
      if (open) {
        open = false;
        fs.closeSync(fd);
      }
    };
    const hash = crypto.createHash('sha256');
    let size = 0;
    let over = false;
    let tapped: unknown;
    // Chunks are gathered up to WRITE_BATCH bytes and written together (one writev): a message
    // arrives in many small socket reads.
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = () => {
      if (pending.length) writeAllSync(fd, pending);
      pending = [];
      pendingBytes = 0;
    };
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += buf.length;
        if (opts.maxSize !== undefined && size > opts.maxSize) {
          over = true; // keep draining so the protocol stays in step, but stop storing
          pending = [];
          pendingBytes = 0;
          continue;
        }
        hash.update(buf);
        opts.onChunk?.(buf);
        tap?.write(buf);
        pending.push(buf);
        pendingBytes += buf.length;
        if (pendingBytes >= WRITE_BATCH) flush();
      }
      if (over) throw new SizeLimitError(opts.maxSize!);
      flush();
      await fsync(fd);
      close();
      tapped = tap?.end();
    } catch (e) {
      try {
        close();
      } catch {
        /* already failing */
      }
      unlinkQuietly(tmp);
      throw e;
    }
    const sha256 = hash.digest('hex');
    const final = this.pathOf(sha256);
    const dir = path.dirname(final);
    // Pin, then look for the file, in one tick: a removal either happened before (the file is
    // gone, ours is renamed in) or comes after and sees the pin. An existing file's time is
    // refreshed, so another process's sweep counts it as young (in flight) again.
    this.pin(sha256);
    try {
      if (!this.dirs.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        this.dirs.add(dir);
      }
      // Looked up without an exception for the usual answer (no such file yet).
      if (fs.statSync(final, { throwIfNoEntry: false })) {
        const t = new Date();
        fs.utimesSync(final, t, t);
        fs.unlinkSync(tmp);
      } else {
        fs.renameSync(tmp, final);
        await fsyncDir(dir);
      }
    } catch (e) {
      this.unpin(sha256);
      unlinkQuietly(tmp);
      throw e;
    }
    return { sha256, size, ...(tap ? { tap: tapped } : {}) };
  }

  async writeBuffer(buf: Buffer): Promise<BlobWrite> {
    return this.write([buf]);
  }

  /** Read bytes [start, end) of a blob. */
  async read(sha256: string, start = 0, end?: number): Promise<Buffer> {
    return readFileRange(this.pathOf(sha256), start, end);
  }

  /** The blob as a stream, from byte `start` (default 0) to byte `end` inclusive (default: the last). */
  createReadStream(sha256: string, opts: { start?: number; end?: number } = {}): fs.ReadStream {
    return fs.createReadStream(this.pathOf(sha256), { start: opts.start ?? 0, end: opts.end });
  }

  async exists(sha256: string): Promise<boolean> {
    return fs.existsSync(this.pathOf(sha256));
  }

  /** Unconditional removal, pins or not. Reclaiming uses `removeIfUnpinned` instead. */
  async remove(sha256: string): Promise<void> {
    await fsp.unlink(this.pathOf(sha256)).catch(() => {});
  }

  // ---------------------------------------------------------------- listing (sweep, store check)

  /** Every blob file under the fan-out directories, with its size and modification time. */
  async *list(): AsyncIterable<BlobFile> {
    for (const a of await subdirs(this.root)) {
      for (const b of await subdirs(path.join(this.root, a))) {
        const dir = path.join(this.root, a, b);
        let names: string[];
        try {
          names = await fsp.readdir(dir);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
          throw e;
        }
        for (const sha256 of names) {
          if (!BLOB_NAME.test(sha256) || !sha256.startsWith(a + b)) continue;
          try {
            const st = await fsp.stat(path.join(dir, sha256));
            if (st.isFile()) yield { sha256, size: st.size, mtimeMs: st.mtimeMs };
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; // removed meanwhile
          }
        }
      }
    }
  }

  /** The files in blobs/tmp. */
  async listTemp(): Promise<TempFile[]> {
    const out: TempFile[] = [];
    for (const name of await fsp.readdir(this.tmpDir)) {
      try {
        const st = await fsp.stat(path.join(this.tmpDir, name));
        if (st.isFile()) out.push({ name, size: st.size, mtimeMs: st.mtimeMs, inFlight: this.writing.has(name) });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    return out;
  }

  /** Remove a temp file unless this process is writing it or it changed at or after `olderThanMs`. */
  removeTemp(name: string, opts: { olderThanMs?: number } = {}): boolean {
    if (this.writing.has(name) || name.includes('/') || name.includes(path.sep) || name === '..' || name === '.') return false;
    const file = path.join(this.tmpDir, name);
    try {
      if (opts.olderThanMs !== undefined && fs.statSync(file).mtimeMs >= opts.olderThanMs) return false;
      fs.unlinkSync(file);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
  }
}

/** Tap modules loaded once: an `import()` per message would ask the module loader (and tsx's hooks) each time. */
const taps = new Map<string, Promise<TapModule>>();
function tapModule(url: string): Promise<TapModule> {
  let m = taps.get(url);
  if (!m) taps.set(url, (m = import(url) as Promise<TapModule>));
  return m;
}

async function subdirs(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fsp.readdir(dir, { withFileTypes: true })) if (e.isDirectory() && FAN.test(e.name)) out.push(e.name);
  return out.sort();
}

/** fsync in the thread pool (it waits for the disk). */
function fsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fsync(fd, (e) => (e ? reject(e) : resolve())));
}

async function fsyncDir(dir: string): Promise<void> {
  const fd = fs.openSync(dir, 'r');
  try {
    await fsync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Write every byte of `bufs` at the file's position (a short write is continued). */
function writeAllSync(fd: number, bufs: Buffer[]): void {
  let rest = bufs;
  while (rest.length) {
    let n = rest.length === 1 ? fs.writeSync(fd, rest[0]) : fs.writevSync(fd, rest);
    const next: Buffer[] = [];
    for (const b of rest) {
      if (n >= b.length) n -= b.length;
      else {
        next.push(n > 0 ? b.subarray(n) : b);
        n = 0;
      }
    }
    rest = next;
  }
}

function unlinkQuietly(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    /* gone already, or the sweep will take it */
  }
}
