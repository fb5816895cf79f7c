// Owns: the work of one blob-writer thread (started by blob-writers.ts): for each write the main
// thread hands to it in batches (the first with `begin`, the last marked `end`; a small message is
// one batch), the temp file (open, batched writes, fsync, close), the SHA-256, the optional "tap"
// run over every batch (the MIME indexer: core/mime/index-tap.ts) and the acknowledgements that
// let the main thread read on — the CPU and the blocking file system calls of an ingest, off the
// event loop that serves the SMTP sessions. The main thread keeps the pins: once the bytes are
// fsynced and hashed it pins the name, then tells this thread to put the file in place (rename and
// fsync of the directory, or, when a file of that name is already there, refresh its time and drop
// ours), so a blob's placement and its removal are still ordered by the pin (see blobs.ts).
// Messages are handled one after another, in order.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { ACK_EVERY, type ToMain, type ToThread } from './blob-writers.ts';

/** What a tap module exports (core/mime/index-tap.ts). */
interface TapModule {
  createTap(options: unknown): { write(chunk: Buffer): void; end(): unknown };
}

interface Write {
  fd: number;
  tmp: string;
  hash: crypto.Hash;
  size: number;
  pending: Buffer[];
  pendingBytes: number;
  /** Bytes taken in since the last acknowledgement. */
  unacked: number;
  tap: { write(chunk: Buffer): void; end(): unknown } | null;
  failed: Error | null;
  /** `end` is fsyncing the file: an `abort` meanwhile only marks it (end closes and removes it). */
  ending: boolean;
  aborted: boolean;
}

/** Bytes gathered before a write to the file (one writev). */
const WRITE_BATCH = 256 * 1024;

const port = parentPort!;
const writes = new Map<number, Write>();
const taps = new Map<string, Promise<TapModule>>();
/** Fan-out directories known to exist. */
const dirs = new Set<string>();

function send(m: ToMain): void {
  port.postMessage(m);
}

function fail(id: number, e: unknown): void {
  const err = e as NodeJS.ErrnoException;
  send({ t: 'error', id, message: err?.message ?? String(e), code: err?.code });
}

function flush(w: Write): void {
  if (!w.pending.length) return;
  let rest = w.pending;
  while (rest.length) {
    let n = rest.length === 1 ? fs.writeSync(w.fd, rest[0]) : fs.writevSync(w.fd, rest);
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
  w.pending = [];
  w.pendingBytes = 0;
}

function closeQuietly(w: Write): void {
  try {
    fs.closeSync(w.fd);
  } catch {
    /* closed already */
  }
}

function unlinkQuietly(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    /* gone already, or the sweep will take it */
  }
}

function fsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fsync(fd, (e) => (e ? reject(e) : resolve())));
}

async function begin(m: Extract<ToThread, { t: 'begin' }>): Promise<void> {
  let tap: Write['tap'] = null;
  try {
    if (m.tap) {
      let mod = taps.get(m.tap.module);
      if (!mod) taps.set(m.tap.module, (mod = import(m.tap.module) as Promise<TapModule>));
      tap = (await mod).createTap(m.tap.options);
    }
    const fd = fs.openSync(m.tmp, 'w', 0o600);
    writes.set(m.id, { fd, tmp: m.tmp, hash: crypto.createHash('sha256'), size: 0, pending: [], pendingBytes: 0, unacked: 0, tap, failed: null, ending: false, aborted: false });
  } catch (e) {
    // Remembered as failed: the bytes that follow are dropped, `end` reports it.
    writes.set(m.id, { fd: -1, tmp: m.tmp, hash: crypto.createHash('sha256'), size: 0, pending: [], pendingBytes: 0, unacked: 0, tap: null, failed: e as Error, ending: false, aborted: false });
  }
}

/** A batch of a write's bytes; the last one (`end`) starts the fsync. */
function take(id: number, data: ArrayBuffer, last: boolean): void {
  const w = writes.get(id);
  if (!w) return;
  const buf = Buffer.from(data);
  w.unacked += buf.length;
  if (!w.failed && buf.length) {
    try {
      w.size += buf.length;
      w.hash.update(buf);
      w.tap?.write(buf);
      w.pending.push(buf);
      w.pendingBytes += buf.length;
      if (w.pendingBytes >= WRITE_BATCH) flush(w);
    } catch (e) {
      w.failed = e as Error;
    }
  }
  if (last) return void end(id);
  if (w.unacked >= ACK_EVERY) {
    send({ t: 'ack', id, bytes: w.unacked });
    w.unacked = 0;
  }
}

async function end(id: number): Promise<void> {
  const w = writes.get(id);
  if (!w) return;
  w.ending = true;
  try {
    if (w.failed) throw w.failed;
    flush(w);
    await fsync(w.fd);
    fs.closeSync(w.fd);
    w.fd = -1;
    w.ending = false;
    if (w.aborted) {
      unlinkQuietly(w.tmp);
      return;
    }
    const tap = w.tap ? w.tap.end() : undefined;
    send({ t: 'hashed', id, sha256: w.hash.digest('hex'), size: w.size, tap });
  } catch (e) {
    if (w.fd >= 0) closeQuietly(w);
    unlinkQuietly(w.tmp);
    writes.delete(id);
    fail(id, e);
  }
}

function abort(id: number): void {
  const w = writes.get(id);
  if (!w) return;
  writes.delete(id);
  if (w.ending) {
    w.aborted = true; // its fd is being fsynced: `end` closes it (closing it here could close a reused descriptor)
    return;
  }
  if (w.fd >= 0) closeQuietly(w);
  unlinkQuietly(w.tmp);
}

/** The main thread pinned the name: put the file in place. */
async function place(m: Extract<ToThread, { t: 'place' }>): Promise<void> {
  const w = writes.get(m.id);
  writes.delete(m.id);
  if (!w) return;
  try {
    if (!dirs.has(m.dir)) {
      fs.mkdirSync(m.dir, { recursive: true });
      dirs.add(m.dir);
    }
    if (fs.statSync(m.final, { throwIfNoEntry: false })) {
      // The same bytes are stored already: refresh its time (another process's sweep then counts it young) and drop ours.
      const t = new Date();
      fs.utimesSync(m.final, t, t);
      fs.unlinkSync(w.tmp);
    } else {
      fs.renameSync(w.tmp, m.final);
      const fd = fs.openSync(m.dir, 'r');
      try {
        await fsync(fd);
      } finally {
        fs.closeSync(fd);
      }
    }
    send({ t: 'placed', id: m.id });
  } catch (e) {
    unlinkQuietly(w.tmp);
    fail(m.id, e);
  }
}

// One message at a time, in order (a write's batches wait for its `begin`, which may load the
// tap). The fsyncs wait in the thread pool without holding the queue: meanwhile the batches of the
// other writes go on being written.
let chain: Promise<void> = Promise.resolve();
function handle(m: ToThread): Promise<void> | void {
  switch (m.t) {
    case 'begin':
      return begin(m).then(() => take(m.id, m.data, m.end));
    case 'chunk':
      return take(m.id, m.data, m.end);
    case 'abort':
      return abort(m.id);
    case 'place':
      return void place(m);
  }
}
port.on('message', (m: ToThread) => {
  chain = chain.then(() => handle(m)).catch((e: unknown) => fail(m.id, e));
});
send({ t: 'ready' });
