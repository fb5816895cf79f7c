// The blob store's pins: a written blob comes back pinned (counted), a pinned blob is never
// removed, a removal guard refuses a blob pinned or unpinned since it began, and a write of
// identical bytes racing a removal never loses its file. Listing finds blob and temp files.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlobStore } from './blobs.ts';

let root: string;
let blobs: BlobStore;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-blobs-'));
  blobs = new BlobStore(root);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('blob pins', () => {
  it('a written blob is pinned until unpinned as many times as it was written', async () => {
    const a = await blobs.writeBuffer(Buffer.from('Giấy mời họp\r\n'));
    const b = await blobs.writeBuffer(Buffer.from('Giấy mời họp\r\n'));
    expect(b.sha256).toBe(a.sha256);
    expect(blobs.removeIfUnpinned(a.sha256)).toBe(false);
    blobs.unpin(a.sha256);
    expect(blobs.removeIfUnpinned(a.sha256)).toBe(false);
    blobs.unpin(a.sha256);
    expect(blobs.isPinned(a.sha256)).toBe(false);
    expect(blobs.removeIfUnpinned(a.sha256)).toBe(true);
    expect(fs.existsSync(blobs.pathOf(a.sha256))).toBe(false);
    expect(blobs.removeIfUnpinned(a.sha256)).toBe(false); // already gone
  });

  it('removeIfUnpinned with olderThanMs keeps a file written or reused at or after that time', async () => {
    const a = await blobs.writeBuffer(Buffer.from('x'));
    blobs.unpin(a.sha256);
    const old = new Date(Date.now() - 3_600_000);
    fs.utimesSync(blobs.pathOf(a.sha256), old, old);
    const b = await blobs.writeBuffer(Buffer.from('x')); // reuse refreshes the time
    blobs.unpin(b.sha256);
    expect(blobs.removeIfUnpinned(a.sha256, { olderThanMs: Date.now() - 60_000 })).toBe(false);
    expect(blobs.removeIfUnpinned(a.sha256, { olderThanMs: Date.now() + 1000 })).toBe(true);
  });

  it('a guard refuses a blob pinned or unpinned since it began, even if unpinned again', async () => {
    const a = await blobs.writeBuffer(Buffer.from('y'));
    blobs.unpin(a.sha256);
    const g = blobs.guard([a.sha256]);
    // … the reclaimer asks the database here; meanwhile identical bytes are ingested, committed, released:
    const again = await blobs.writeBuffer(Buffer.from('y'));
    blobs.unpin(again.sha256);
    expect(g.remove(a.sha256)).toBe(false);
    g.end();
    const g2 = blobs.guard([a.sha256]);
    expect(g2.remove(a.sha256)).toBe(true);
    g2.end();
  });

  it('a concurrent write of identical bytes during a release never loses the file', async () => {
    const body = Buffer.from('Subject: Công văn\r\n\r\n' + 'nội dung '.repeat(500));
    const first = await blobs.writeBuffer(body);
    blobs.unpin(first.sha256);
    for (let i = 0; i < 60; i++) {
      // A release (guard, a database question of a few ticks, unlink) races an ingest of the same bytes.
      const release = (async () => {
        const g = blobs.guard([first.sha256]);
        for (let k = 0; k < i % 7; k++) await tick();
        g.remove(first.sha256);
        g.end();
      })();
      const ingest = (async () => {
        for (let k = 0; k < i % 5; k++) await tick();
        return blobs.writeBuffer(body);
      })();
      const [, w] = await Promise.all([release, ingest]);
      // Returned pinned: the file is there for as long as the caller holds it.
      expect(fs.existsSync(blobs.pathOf(w.sha256))).toBe(true);
      expect(await blobs.read(w.sha256)).toEqual(body);
      expect(blobs.removeIfUnpinned(w.sha256)).toBe(false);
      blobs.unpin(w.sha256);
    }
    expect(blobs.pinnedCount).toBe(0);
  });

  it('lists blob files with their times and temp files, in flight or not', async () => {
    const a = await blobs.writeBuffer(Buffer.from('a'));
    const b = await blobs.writeBuffer(Buffer.from('b'));
    fs.writeFileSync(path.join(root, 'tmp', '123-deadbeef'), 'cut off');
    fs.writeFileSync(path.join(root, 'stray.txt'), 'not a blob');
    const listed = [];
    for await (const f of blobs.list()) listed.push(f);
    expect(listed.map((f) => f.sha256).sort()).toEqual([a.sha256, b.sha256].sort());
    expect(listed[0].size).toBe(1);
    expect(listed[0].mtimeMs).toBeGreaterThan(0);
    const temps = await blobs.listTemp();
    expect(temps).toEqual([expect.objectContaining({ name: '123-deadbeef', inFlight: false })]);
    expect(blobs.removeTemp('123-deadbeef', { olderThanMs: 0 })).toBe(false); // newer than that
    expect(blobs.removeTemp('123-deadbeef')).toBe(true);
    expect(await blobs.listTemp()).toEqual([]);
  });

  it('a temp file being written is listed as in flight and never removed', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* slow() {
      yield Buffer.from('first part ');
      await gate;
      yield Buffer.from('second part');
    }
    const w = blobs.write(slow());
    for (let i = 0; i < 20 && !(await blobs.listTemp()).length; i++) await tick();
    const [t] = await blobs.listTemp();
    expect(t.inFlight).toBe(true);
    expect(blobs.removeTemp(t.name)).toBe(false);
    release();
    const done = await w;
    expect((await blobs.read(done.sha256)).toString()).toBe('first part second part');
  });
});
