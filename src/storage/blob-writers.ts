// Owns: the blob-writer threads (worker_threads running blob-writer-thread.ts) and the protocol
// between them and the main thread. An ingest's bytes arrive on the event loop (the SMTP or IMAP
// socket); they are copied to a writer thread, which writes, hashes, taps (the MIME indexer) and
// fsyncs them, so the blocking file calls and that CPU no longer hold up the other sessions, and a
// second core does that share of each message. Each message to or from a thread costs the event
// loop, so the source's chunks are gathered here into batches of HAND_OVER bytes, each copied once
// into an ArrayBuffer moved to the thread: the first batch carries the `begin`, the last the `end`,
// and a message of up to HAND_OVER bytes goes over in one post and comes back as one `hashed`. The
// main thread keeps the pins (blobs.ts): when a thread reports the bytes durable and their SHA-256,
// `place` pins the name on the main thread, and only then is the thread told to rename the file
// into place. Memory per write is bounded: no more than MAX_IN_FLIGHT bytes (and one batch) are
// handed over and not yet acknowledged, and no more than one batch gathered (the source is not read
// meanwhile). Threads start on the first write (or `warmUp`), are shared by all writes (the least
// busy is chosen), keep the process alive only while they hold a write (an idle one is unref'd: a
// test or a CLI command ends without closing them), and one that dies fails only its own writes.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Readable } from 'node:stream';

/** A module run in the writer thread over every chunk: `createTap(options)` → { write(chunk), end() → result }. */
export interface TapSpec {
  /** URL of the module (import.meta.url-relative, resolved by the caller). */
  module: string;
  /** Structured-cloneable options for createTap. */
  options?: unknown;
}

/**
 * To a thread. A write's bytes come in batches: the first with `begin`, the others as `chunk`;
 * the last says `end` (the thread then fsyncs, hashes and answers `hashed`, or `error`).
 */
export type ToThread =
  | { t: 'begin'; id: number; tmp: string; tap?: TapSpec; data: ArrayBuffer; end: boolean }
  | { t: 'chunk'; id: number; data: ArrayBuffer; end: boolean }
  | { t: 'abort'; id: number }
  | { t: 'place'; id: number; final: string; dir: string };

/** To the main thread. `ack`: bytes of a write the thread has taken in (every ACK_EVERY bytes). */
export type ToMain =
  | { t: 'ready' }
  | { t: 'ack'; id: number; bytes: number }
  | { t: 'hashed'; id: number; sha256: string; size: number; tap?: unknown }
  | { t: 'placed'; id: number }
  | { t: 'error'; id: number; message: string; code?: string }
  | { t: 'fatal'; message: string };

export interface WrittenInThread {
  sha256: string;
  size: number;
  /** What the tap's end() returned. */
  tap?: unknown;
}

/** The writer threads could not be started: the caller writes on its own thread instead (nothing of the source was read). */
export class WritersUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WritersUnavailable';
  }
}

/** Each message crossing to or from a writer thread, as it is posted or received (tests: the protocol's shape). */
export type WriterTrace = (e: { to: 'thread'; m: ToThread } | { to: 'main'; m: ToMain }) => void;

/** Bytes handed to a thread and not yet acknowledged, past which the source is not read. */
export const MAX_IN_FLIGHT = 1024 * 1024;
/**
 * Bytes gathered on the main thread before they are handed over (one copy, one post): most mail
 * is smaller, and goes over whole with its `begin` and `end`. A batch is handed over once it is
 * full and more bytes come, so every batch but the last is exactly this size.
 */
export const HAND_OVER = 64 * 1024;
/**
 * Bytes a thread takes in between its acknowledgements (several batches; the last batch of a write
 * is answered by `hashed` instead): the main thread waits for one only past MAX_IN_FLIGHT, and
 * resumes at half of it, so a write smaller than this never gets one.
 */
export const ACK_EVERY = 256 * 1024;

interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
  reject(e: unknown): void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((a, b) => ((resolve = a), (reject = b)));
  promise.catch(() => {}); // rejections are read where they are awaited
  return { promise, resolve, reject };
}

interface Job {
  inFlight: number;
  resume: (() => void) | null;
  hashed: Deferred<WrittenInThread>;
  placed: Deferred<void>;
  /** Set once either deferred was rejected: later chunks are not sent. */
  failed: Error | null;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  jobs: Map<number, Job>;
  dead: boolean;
}

/**
 * The code each thread starts with: the writer module; when the thread cannot load TypeScript
 * (a loader given with `--import tsx` is not always active in a thread; bin/thutin.js and test
 * runners register theirs in the main thread only), tsx's loader is registered in the thread and
 * the module loaded again (under another URL: a failed import is remembered).
 */
const BOOT = `
const { workerData, parentPort } = require('node:worker_threads');
(async () => {
  try {
    await import(workerData.main);
  } catch (e) {
    if (!e || e.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw e;
    const m = await import(workerData.tsx);
    (m.register || m.default.register)();
    await import(workerData.main + '?tsx');
  }
})().catch((e) => parentPort.postMessage({ t: 'fatal', message: String((e && e.stack) || e) }));
`;

function bootData(main: string): { tsx: string; main: string } {
  return { tsx: tsxApi(), main };
}

/** tsx's ESM API (its `register`), as an ES module: `require.resolve` would give the CommonJS build, which cannot register from an eval'd thread. */
function tsxApi(): string {
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch {
    const pkg = createRequire(import.meta.url).resolve('tsx/package.json');
    return pathToFileURL(pkg.replace(/package\.json$/, 'dist/esm/api/index.mjs')).href;
  }
}

export class BlobWriters {
  private readonly slots: Slot[] = [];
  private seq = 0;
  private closed = false;

  /** `main`: the module each thread runs (tests give one that fails to start); `trace` sees every message (tests). */
  constructor(
    private readonly size: number,
    private readonly main = new URL('./blob-writer-thread.ts', import.meta.url).href,
    private readonly trace?: WriterTrace,
  ) {}

  /** Start the threads now (a server does, so its first message does not wait for them). */
  warmUp(): Promise<void> {
    while (this.slots.length < this.size) this.spawn();
    return Promise.all(this.slots.map((s) => s.ready)).then(() => {});
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = this.slots.splice(0);
    await Promise.all(all.map((s) => s.worker.terminate().catch(() => 0)));
  }

  private spawn(): Slot {
    const worker = new Worker(BOOT, { eval: true, workerData: bootData(this.main) });
    const ready = deferred<void>();
    const slot: Slot = { worker, ready: ready.promise, jobs: new Map(), dead: false };
    const die = (e: Error) => {
      if (slot.dead) return;
      slot.dead = true;
      ready.reject(new WritersUnavailable(e.message));
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      for (const job of slot.jobs.values()) failJob(job, e);
      slot.jobs.clear();
      worker.unref();
      void worker.terminate().catch(() => 0);
    };
    worker.on('message', (m: ToMain) => {
      this.trace?.({ to: 'main', m });
      if (m.t === 'ready') {
        // Kept alive while starting (a warmUp is awaited); idle from now on unless a write holds it.
        if (slot.jobs.size === 0) worker.unref();
        return ready.resolve();
      }
      if (m.t === 'fatal') return die(new Error(`blob writer thread failed to start: ${m.message}`));
      const job = slot.jobs.get(m.id);
      if (!job) return;
      switch (m.t) {
        case 'ack':
          job.inFlight -= m.bytes;
          if (job.resume && job.inFlight <= MAX_IN_FLIGHT / 2) {
            const r = job.resume;
            job.resume = null;
            r();
          }
          break;
        case 'hashed':
          job.inFlight = 0;
          job.resume?.();
          job.hashed.resolve({ sha256: m.sha256, size: m.size, tap: m.tap });
          break;
        case 'placed':
          this.drop(slot, m.id);
          job.placed.resolve();
          break;
        case 'error':
          this.drop(slot, m.id);
          failJob(job, Object.assign(new Error(m.message), m.code ? { code: m.code } : {}));
          break;
      }
    });
    worker.on('error', die);
    worker.on('exit', (code) => die(new Error(`blob writer thread exited (${code})`)));
    this.slots.push(slot);
    return slot;
  }

  /** A write is done with its thread: an idle thread no longer keeps the process alive. */
  private drop(slot: Slot, id: number): boolean {
    const had = slot.jobs.delete(id);
    if (had && slot.jobs.size === 0) slot.worker.unref();
    return had;
  }

  /** The least busy thread; a new one while there are fewer than `size` and all are busy. */
  private pick(): Slot {
    let best: Slot | null = null;
    for (const s of this.slots) if (!best || s.jobs.size < best.jobs.size) best = s;
    if (!best || (best.jobs.size > 0 && this.slots.length < this.size)) return this.spawn();
    return best;
  }

  /**
   * Stream `source` into the temp file `tmp` in a writer thread. `onChunk` sees every chunk on this
   * thread (before it is handed over). When the bytes are durable, `place(sha256)` is called on this
   * thread (the caller pins the name there and says where the file goes); the promise resolves once
   * the file is there. Throws `over(size)`'s error after draining when more than `maxSize` bytes come,
   * and WritersUnavailable (before reading anything) when no thread can be started.
   */
  async write(
    tmp: string,
    source: Readable | Iterable<Buffer> | AsyncIterable<Buffer>,
    opts: { maxSize?: number; onChunk?: (c: Buffer) => void; tap?: TapSpec; over: () => Error },
    place: (sha256: string) => { final: string; dir: string },
  ): Promise<WrittenInThread> {
    if (this.closed) throw new WritersUnavailable('blob writers closed');
    const slot = this.pick();
    await slot.ready;
    if (slot.dead) throw new WritersUnavailable('blob writer thread ended');
    const id = ++this.seq;
    const job: Job = { inFlight: 0, resume: null, hashed: deferred(), placed: deferred(), failed: null };
    slot.jobs.set(id, job);
    slot.worker.ref(); // a write in flight keeps the process alive until it is durable
    const post = (m: ToThread, transfer?: ArrayBuffer[]) => {
      if (slot.dead) return;
      this.trace?.({ to: 'thread', m });
      slot.worker.postMessage(m, transfer);
    };
    // The batch being gathered: the source's chunks (or pieces of one), at most HAND_OVER bytes.
    let batch: Buffer[] = [];
    let batchBytes = 0;
    let begun = false;
    const handOver = (end: boolean) => {
      // One copy of exactly these bytes, moved (not cloned) to the thread: a socket's Buffer may be a view of a larger pool.
      const data = new ArrayBuffer(batchBytes);
      const view = new Uint8Array(data);
      let at = 0;
      for (const b of batch) {
        view.set(b, at);
        at += b.length;
      }
      job.inFlight += batchBytes;
      batch = [];
      batchBytes = 0;
      if (begun) post({ t: 'chunk', id, data, end }, [data]);
      else post({ t: 'begin', id, tmp, tap: opts.tap, data, end }, [data]);
      begun = true;
    };
    let size = 0;
    let over = false;
    try {
      for await (const c of source as AsyncIterable<Buffer>) {
        const buf = typeof c === 'string' ? Buffer.from(c) : c;
        size += buf.length;
        if (opts.maxSize !== undefined && size > opts.maxSize) {
          over = true; // keep draining so the protocol stays in step, but stop storing
          batch = [];
          batchBytes = 0;
          continue;
        }
        if (job.failed) continue;
        opts.onChunk?.(buf);
        for (let at = 0; at < buf.length && !job.failed;) {
          if (batchBytes === HAND_OVER) {
            handOver(false); // full, and more bytes come: the last batch is kept for the `end`
            if (job.inFlight > MAX_IN_FLIGHT) await new Promise<void>((r) => (job.resume = r));
            if (job.failed) break;
          }
          const piece = at === 0 && buf.length <= HAND_OVER - batchBytes ? buf : buf.subarray(at, at + HAND_OVER - batchBytes);
          batch.push(piece);
          batchBytes += piece.length;
          at += piece.length;
        }
      }
      if (over) throw opts.over();
      if (job.failed) throw job.failed;
      handOver(true);
      const written = await job.hashed.promise;
      let where: { final: string; dir: string };
      try {
        where = place(written.sha256);
      } catch (e) {
        post({ t: 'abort', id });
        throw e;
      }
      post({ t: 'place', id, ...where });
      await job.placed.promise;
      return written;
    } catch (e) {
      // A write the thread never heard of (failed or over the limit before its first batch) needs no abort.
      if (this.drop(slot, id) && begun) post({ t: 'abort', id });
      throw e;
    }
  }
}

function failJob(job: Job, e: Error): void {
  job.failed = e;
  job.hashed.reject(e);
  job.placed.reject(e);
  const r = job.resume;
  job.resume = null;
  r?.();
}
