// Owns: the tests of the blob-writer threads (blob-writers.ts, blob-writer-thread.ts) through the
// blob store: a write in a thread gives the same SHA-256, size, bytes and MIME index as one on the
// caller's thread; the size limit drains and leaves nothing; a thread that dies fails only its own
// writes (the others finish, the next write gets a new thread); identical bytes written at once
// are one pinned file; threads that cannot start fall back to the caller's thread; a large write
// goes through the hand-over limit; idle threads keep no process alive.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { BlobStore, SizeLimitError } from './blobs.ts';
import { INDEX_TAP } from '../core/mime/index-tap.ts';

const FIXTURES = new URL('../../test/fixtures/blob-writers/', import.meta.url);
const DYING_TAP = new URL('dying-tap.ts', FIXTURES).href;
/** Its result is the threadId the write ran in (0: the caller's thread). */
const THREAD_TAP = { module: new URL('thread-tap.ts', FIXTURES).href };

let root: string;
const open: BlobStore[] = [];
function store(writers: number, extra: { writerThread?: string } = {}): BlobStore {
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

  it('a write of several megabytes passes the hand-over limit and comes out whole', async () => {
    const blobs = store(1);
    const chunk = crypto.randomBytes(64 * 1024);
    const chunks = Array.from({ length: 96 }, (_, i) => Buffer.concat([Buffer.from(String(i).padStart(4, '0')), chunk.subarray(4)]));
    const w = await blobs.write(chunks);
    expect(w.size).toBe(96 * 64 * 1024);
    expect(w.sha256).toBe(crypto.createHash('sha256').update(Buffer.concat(chunks)).digest('hex'));
    expect(fs.statSync(blobs.pathOf(w.sha256)).size).toBe(w.size);
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
