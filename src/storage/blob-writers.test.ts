// Owns: the tests of the blob-writer threads (blob-writers.ts, blob-writer-thread.ts) through the
// blob store: a write in a thread gives the same SHA-256, size, bytes and MIME index as one on the
// caller's thread; the size limit drains and leaves nothing; a thread that dies fails only its own
// writes (the others finish, the next write gets a new thread); identical bytes written at once
// are one pinned file; threads that cannot start fall back to the caller's thread; idle threads
// keep no process alive. And the protocol's shape, seen through the store's trace of the messages:
// a small message goes over in one post and comes back in one `hashed`; the bytes go in batches of
// HAND_OVER with the result unchanged around that size; a large write stays within MAX_IN_FLIGHT
// and holds its source back; a write over the limit, or failed, or cut off leaves no file.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { BlobStore, SizeLimitError } from './blobs.ts';
import { ACK_EVERY, HAND_OVER, MAX_IN_FLIGHT, type ToMain, type ToThread, type WriterTrace } from './blob-writers.ts';
import { INDEX_TAP } from '../core/mime/index-tap.ts';

const FIXTURES = new URL('../../test/fixtures/blob-writers/', import.meta.url);
const DYING_TAP = new URL('dying-tap.ts', FIXTURES).href;
/** Its result is the threadId the write ran in (0: the caller's thread). */
const THREAD_TAP = { module: new URL('thread-tap.ts', FIXTURES).href };
/** Throws in the thread on a chunk holding FAIL. */
const FAILING_TAP = { module: new URL('failing-tap.ts', FIXTURES).href };

let root: string;
const open: BlobStore[] = [];
function store(writers: number, extra: { writerThread?: string; writerTrace?: WriterTrace } = {}): BlobStore {
  const b = new BlobStore(root, { writers, ...extra });
  open.push(b);
  return b;
}
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-blob-writers-'));
});
afterEach(async () => {
  for (const b of open.splice(0)) await b.close();
  fs.rmSync(root, { recursive: true, force: true });
});

/** A Vietnamese multipart message, split into socket-sized chunks. */
function message(tag: string): Buffer[] {
  const text = `Kính gửi các đơn vị,\r\nĐề nghị báo cáo trước ngày 15 (${tag}).\r\n`.repeat(40);
  const raw = Buffer.from(
    [
      'From: "Văn phòng UBND" <vanphong@kontum.gov.vn>',
      'To: so-noi-vu@kontum.gov.vn',
      `Subject: =?UTF-8?B?${Buffer.from(`Công văn ${tag}`).toString('base64')}?=`,
      'Message-ID: <' + tag + '@kontum.gov.vn>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      text,
      '--b1',
      'Content-Type: application/pdf; name="cv.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      crypto.createHash('sha512').update(tag).digest('base64').repeat(30),
      '--b1--',
      '',
    ].join('\r\n'),
  );
  const out: Buffer[] = [];
  for (let i = 0; i < raw.length; i += 1460) out.push(raw.subarray(i, i + 1460));
  return out;
}

function tmpFiles(): string[] {
  return fs.readdirSync(path.join(root, 'tmp'));
}
function blobFiles(): string[] {
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /^[0-9a-f]{64}$/.test(e.name))
    .map((e) => e.name);
}

/** A source that yields its chunks only as `release` allows: a write held open in its thread. */
function gated(chunks: Buffer[]): { source: AsyncIterable<Buffer>; release(): void; pulled: () => number } {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  let pulled = 0;
  return {
    source: (async function* () {
      yield chunks[0];
      pulled++;
      await gate;
      for (const c of chunks.slice(1)) {
        pulled++;
        yield c;
      }
    })(),
    release: () => open(),
    pulled: () => pulled,
  };
}

/** `raw` in socket-sized chunks. */
function split(raw: Buffer, size = 1460): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < raw.length; i += size) out.push(raw.subarray(i, i + size));
  return out;
}

/** A message of exactly `n` bytes: a header section, then lines of base64. */
function sized(n: number): Buffer {
  const head = Buffer.from(`Subject: =?UTF-8?B?${Buffer.from(`Báo cáo ${n}`).toString('base64')}?=\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n`);
  const body = Buffer.from(
    crypto
      .randomBytes(Math.ceil((n * 3) / 4))
      .toString('base64')
      .replace(/.{76}/g, '$&\r\n'),
  );
  return Buffer.concat([head, body]).subarray(0, n);
}

/** What a write sends to its thread, `n` bytes in batches of HAND_OVER: the first with `begin`, the last with `end`, then `place`. */
function handedOver(n: number): Sent[] {
  const sizes: number[] = [];
  for (let at = 0; at < n; at += HAND_OVER) sizes.push(Math.min(HAND_OVER, n - at));
  if (!sizes.length) sizes.push(0);
  return [...sizes.map((bytes, i) => ({ t: i ? ('chunk' as const) : ('begin' as const), bytes, end: i === sizes.length - 1 })), { t: 'place' }];
}

/** A message to a thread: its type, and a batch's size and `end` (its bytes are moved away once posted). */
interface Sent {
  t: ToThread['t'];
  bytes?: number;
  end?: boolean;
}

/**
 * A store with one writer thread, and the messages to and from it since `clear` (but `ready`, and
 * those of earlier writes: an aborted write's last acknowledgements may come after it failed).
 */
function traced(): { blobs: BlobStore; sent: Sent[]; received: ToMain[]; clear(): void } {
  const sent: Sent[] = [];
  const received: ToMain[] = [];
  let since = 0;
  let last = 0;
  const blobs = store(1, {
    writerTrace: (e) => {
      if (e.to === 'main') {
        if ('id' in e.m && e.m.id > since) received.push(e.m);
        return;
      }
      last = Math.max(last, e.m.id);
      sent.push('data' in e.m ? { t: e.m.t, bytes: e.m.data.byteLength, end: e.m.end } : { t: e.m.t });
    },
  });
  return {
    blobs,
    sent,
    received,
    clear: () => {
      sent.length = 0;
      received.length = 0;
      since = last;
    },
  };
}

/** `chunks`, and how many bytes were read from them. */
function counted(chunks: Buffer[]): { source: Iterable<Buffer>; pulled: () => number } {
  let pulled = 0;
  return {
    source: (function* () {
      for (const c of chunks) {
        pulled += c.length;
        yield c;
      }
    })(),
    pulled: () => pulled,
  };
}

/** Waits (2 s at most) until `ok`: a thread removes an aborted write's file as it takes the `abort`. */
async function until(ok: () => boolean): Promise<void> {
  for (const end = Date.now() + 2000; !ok() && Date.now() < end;) await new Promise((r) => setTimeout(r, 10));
}

describe('blob writer threads', () => {
  it('a write in a thread gives the same SHA-256, size, bytes and MIME index as on the caller’s thread', async () => {
    const inline = store(0);
    const threaded = store(2);
    const chunks = message('a');
    const a = await inline.write(chunks, { tap: { module: INDEX_TAP } });
    inline.unpin(a.sha256);
    fs.unlinkSync(inline.pathOf(a.sha256));
    const seen: Buffer[] = [];
    const b = await threaded.write(chunks, { tap: { module: INDEX_TAP }, onChunk: (c) => seen.push(c) });
    expect(b.sha256).toBe(a.sha256);
    expect(b.size).toBe(a.size);
    expect(b.tap).toEqual(a.tap);
    expect((b.tap as { headerSize: number }).headerSize).toBeGreaterThan(100);
    expect(Buffer.concat(seen)).toEqual(Buffer.concat(chunks));
    expect(fs.readFileSync(threaded.pathOf(b.sha256))).toEqual(Buffer.concat(chunks));
    expect(b.sha256).toBe(crypto.createHash('sha256').update(Buffer.concat(chunks)).digest('hex'));
    expect(threaded.isPinned(b.sha256)).toBe(true);
    expect(tmpFiles()).toEqual([]);
    // Really in a writer thread (a thread that failed to start would have fallen back silently).
    expect((await threaded.write([Buffer.from('t')], { tap: THREAD_TAP })).tap).toBeGreaterThan(0);
    expect((await inline.write([Buffer.from('t')], { tap: THREAD_TAP })).tap).toBe(0);
  });

  it('over the size limit: the source is drained, SizeLimitError, no file and no pin left', async () => {
    const blobs = store(2);
    const chunks = message('big');
    const total = Buffer.concat(chunks).length;
    let pulled = 0;
    const source = (function* () {
      for (const c of chunks) {
        pulled += c.length;
        yield c;
      }
    })();
    await expect(blobs.write(source, { maxSize: total - 1, tap: { module: INDEX_TAP } })).rejects.toBeInstanceOf(SizeLimitError);
    expect(pulled).toBe(total);
    expect(blobs.pinnedCount).toBe(0);
    expect(tmpFiles()).toEqual([]);
    expect(blobFiles()).toEqual([]);
    // Exactly at the limit is accepted.
    const w = await blobs.write(chunks, { maxSize: total });
    expect(w.size).toBe(total);
  });

  it('a thread that dies fails only its own writes: the other thread’s write finishes, the next write gets a new thread', async () => {
    const blobs = store(2);
    expect(await blobs.warmUp()).toBeNull();
    const held = gated(message('held'));
    const survivor = blobs.write(held.source, { tap: { module: INDEX_TAP } });
    while (held.pulled() < 1) await new Promise((r) => setImmediate(r));
    // The least busy thread takes this one; its tap ends the thread in the middle of the write.
    const dying = blobs.write([Buffer.from('Subject: x\r\n\r\n'), Buffer.from('DIE here\r\n'), Buffer.from('more\r\n')], { tap: { module: DYING_TAP } });
    await expect(dying).rejects.toThrow(/crashed/);
    held.release();
    const s = await survivor;
    expect(fs.readFileSync(blobs.pathOf(s.sha256))).toEqual(Buffer.concat(message('held')));
    blobs.unpin(s.sha256);
    const next = await blobs.write(message('next'), { tap: { module: INDEX_TAP } });
    expect(fs.existsSync(blobs.pathOf(next.sha256))).toBe(true);
    blobs.unpin(next.sha256);
    expect(blobs.pinnedCount).toBe(0);
    expect(tmpFiles()).toEqual([]);
    expect(blobFiles().sort()).toEqual([s.sha256, next.sha256].sort());
  });

  it('identical bytes written at once through both threads: one file, pinned once per write', async () => {
    const blobs = store(2);
    const chunks = message('same');
    const all = await Promise.all(Array.from({ length: 12 }, () => blobs.write(chunks, { tap: { module: INDEX_TAP } })));
    expect(new Set(all.map((w) => w.sha256)).size).toBe(1);
    const sha = all[0].sha256;
    expect(blobFiles()).toEqual([sha]);
    expect(tmpFiles()).toEqual([]);
    for (let i = 0; i < 11; i++) {
      blobs.unpin(sha);
      expect(blobs.removeIfUnpinned(sha)).toBe(false);
    }
    blobs.unpin(sha);
    expect(blobs.removeIfUnpinned(sha)).toBe(true);
  });

  it('threads that cannot start: warmUp says why, and writes are made on the caller’s thread, nothing lost', async () => {
    const blobs = store(2, { writerThread: new URL('failing-thread.ts', FIXTURES).href });
    const chunks = message('fallback');
    expect(await blobs.warmUp()).toMatch(/cannot start/);
    const w = await blobs.write(chunks, { tap: { module: INDEX_TAP } });
    expect(fs.readFileSync(blobs.pathOf(w.sha256))).toEqual(Buffer.concat(chunks));
    expect((w.tap as { headerSize: number }).headerSize).toBeGreaterThan(100);
    expect((await blobs.write([Buffer.from('t')], { tap: THREAD_TAP })).tap).toBe(0);
    expect(tmpFiles()).toEqual([]);
  });

  it('a process that wrote through the threads and did not close them ends by itself', async () => {
    const script = new URL('write-and-exit.mjs', FIXTURES).pathname;
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [script, root], { timeout: 20_000 }, (e, stdout, stderr) => (e ? reject(new Error(`${e.message} ${stderr}`)) : resolve(stdout))),
    );
    const r = JSON.parse(out) as { sha256: string; size: number; headerSize: number; threadId: number };
    expect(r.threadId).toBeGreaterThan(0); // written in a thread, tsx registered there as bin/thutin.js does
    expect(r.headerSize).toBe('Subject: Công văn\r\n\r\n'.length + 2);
    expect(fs.existsSync(new BlobStore(root).pathOf(r.sha256))).toBe(true);
  });
});

describe('what crosses to the writer threads', () => {
  it('a message of up to HAND_OVER bytes goes to its thread in one post and comes back in one `hashed`; onChunk saw every byte, in order', async () => {
    const { blobs, sent, received } = traced();
    const chunks = message('one');
    const raw = Buffer.concat(chunks);
    expect(chunks.length).toBeGreaterThan(3);
    expect(raw.length).toBeLessThan(HAND_OVER);
    const seen: Buffer[] = [];
    const w = await blobs.write(chunks, { tap: { module: INDEX_TAP }, onChunk: (c) => seen.push(c) });
    expect(sent).toEqual([{ t: 'begin', bytes: raw.length, end: true }, { t: 'place' }]);
    expect(received.map((m) => m.t)).toEqual(['hashed', 'placed']);
    expect(seen).toEqual(chunks);
    expect(fs.readFileSync(blobs.pathOf(w.sha256))).toEqual(raw);
    expect((w.tap as { headerSize: number }).headerSize).toBeGreaterThan(100);
  });

  it('around HAND_OVER (0, −1, exactly, +1, many megabytes; in socket chunks or one buffer) the bytes go in batches of HAND_OVER, and SHA-256, size, MIME index and file are as on the caller’s thread', async () => {
    const inline = store(0);
    const { blobs, sent, clear } = traced();
    for (const n of [0, HAND_OVER - 1, HAND_OVER, HAND_OVER + 1, 5 * 1024 * 1024 + 7]) {
      const raw = sized(n);
      expect(raw.length).toBe(n);
      for (const chunks of [split(raw), [raw]]) {
        clear();
        const seen: Buffer[] = [];
        const b = await blobs.write(chunks, { tap: { module: INDEX_TAP }, onChunk: (c) => seen.push(c) });
        expect(sent, `${n} bytes in ${chunks.length} chunks`).toEqual(handedOver(n));
        expect(Buffer.concat(seen).equals(raw)).toBe(true); // (toEqual goes byte by byte: minutes for megabytes)
        expect(fs.readFileSync(blobs.pathOf(b.sha256)).equals(raw)).toBe(true);
        blobs.unpin(b.sha256);
        fs.unlinkSync(blobs.pathOf(b.sha256));
        const a = await inline.write(chunks, { tap: { module: INDEX_TAP } });
        expect(b).toEqual(a);
        expect(a.sha256).toBe(crypto.createHash('sha256').update(raw).digest('hex'));
        inline.unpin(a.sha256);
        fs.unlinkSync(inline.pathOf(a.sha256));
      }
    }
    expect(tmpFiles()).toEqual([]);
    expect(blobs.pinnedCount + inline.pinnedCount).toBe(0);
  });

  it('a write of several megabytes: at most MAX_IN_FLIGHT and a batch handed over unacknowledged, the source read no further ahead, one acknowledgement per ACK_EVERY', async () => {
    let posted = 0;
    let acked = 0;
    let posts = 0;
    let acks = 0;
    let maxInFlight = 0;
    const blobs = store(1, {
      writerTrace: (e) => {
        if (e.to === 'thread' && 'data' in e.m) {
          posts++;
          posted += e.m.data.byteLength;
          maxInFlight = Math.max(maxInFlight, posted - acked);
        } else if (e.m.t === 'ack') {
          acks++;
          acked += e.m.bytes;
        }
      },
    });
    const raw = crypto.randomBytes(6 * 1024 * 1024);
    let pulled = 0;
    let maxAhead = 0;
    const source = (function* () {
      for (const c of split(raw)) {
        pulled += c.length;
        maxAhead = Math.max(maxAhead, pulled - acked);
        yield c;
      }
    })();
    const w = await blobs.write(source);
    expect(w.size).toBe(raw.length);
    expect(w.sha256).toBe(crypto.createHash('sha256').update(raw).digest('hex'));
    expect(fs.readFileSync(blobs.pathOf(w.sha256)).equals(raw)).toBe(true);
    expect(maxInFlight).toBeLessThanOrEqual(MAX_IN_FLIGHT + HAND_OVER);
    expect(maxAhead).toBeGreaterThan(MAX_IN_FLIGHT); // the source ran ahead to the limit (the thread is slower than a generator)…
    expect(maxAhead).toBeLessThanOrEqual(MAX_IN_FLIGHT + 2 * HAND_OVER); // …and was held there
    expect(posts).toBe(Math.ceil(raw.length / HAND_OVER));
    expect(acks).toBeGreaterThan(0);
    expect(acks).toBeLessThanOrEqual(raw.length / ACK_EVERY);
  });

  it('over the size limit: a small message never reaches a thread; a large one is drained, aborted in its thread, and leaves no file', async () => {
    const { blobs, sent } = traced();
    const small = counted(message('small'));
    await expect(blobs.write(small.source, { maxSize: 100, tap: { module: INDEX_TAP } })).rejects.toBeInstanceOf(SizeLimitError);
    expect(small.pulled()).toBe(Buffer.concat(message('small')).length);
    expect(sent).toEqual([]);

    const raw = crypto.randomBytes(3 * 1024 * 1024);
    const large = counted(split(raw));
    await expect(blobs.write(large.source, { maxSize: raw.length - 1, tap: { module: INDEX_TAP } })).rejects.toBeInstanceOf(SizeLimitError);
    expect(large.pulled()).toBe(raw.length);
    expect(sent[0]).toEqual({ t: 'begin', bytes: HAND_OVER, end: false });
    expect(sent.at(-1)).toEqual({ t: 'abort' });
    expect(sent.filter((m) => m.end || m.t === 'place')).toEqual([]);
    await until(() => tmpFiles().length === 0);
    expect(tmpFiles()).toEqual([]);
    expect(blobFiles()).toEqual([]);
    expect(blobs.pinnedCount).toBe(0);
  });

  it('a write cut off by its source or failed in its thread leaves no file; a small one cut off never reached a thread, a small one failed there was one post and one `error`', async () => {
    const { blobs, sent, received, clear } = traced();
    const gone = new Error('client went away');
    function* cut(chunks: Buffer[], after: number): Iterable<Buffer> {
      let n = 0;
      for (const c of chunks) {
        if (n >= after) throw gone;
        n += c.length;
        yield c;
      }
    }
    await expect(blobs.write(cut(message('cut'), 3000), { tap: { module: INDEX_TAP } })).rejects.toBe(gone);
    expect(sent).toEqual([]);

    await expect(blobs.write(cut(split(crypto.randomBytes(3 * 1024 * 1024)), 2 * 1024 * 1024))).rejects.toBe(gone);
    expect(sent[0]).toEqual({ t: 'begin', bytes: HAND_OVER, end: false });
    expect(sent.at(-1)).toEqual({ t: 'abort' });
    await until(() => tmpFiles().length === 0);
    expect(tmpFiles()).toEqual([]);

    clear();
    const chunks = [Buffer.from('Subject: x\r\n\r\n'), Buffer.from('FAIL here\r\n'), Buffer.from('more\r\n')];
    await expect(blobs.write(chunks, { tap: FAILING_TAP })).rejects.toThrow(/tap failed/);
    expect(sent).toEqual([{ t: 'begin', bytes: Buffer.concat(chunks).length, end: true }]);
    expect(received.map((m) => m.t)).toEqual(['error']);
    await until(() => tmpFiles().length === 0);
    expect(tmpFiles()).toEqual([]);
    expect(blobFiles()).toEqual([]);
    expect(blobs.pinnedCount).toBe(0);
    // The thread lives on.
    const w = await blobs.write(message('after'), { tap: { module: INDEX_TAP } });
    expect(fs.readFileSync(blobs.pathOf(w.sha256))).toEqual(Buffer.concat(message('after')));
  });
});
