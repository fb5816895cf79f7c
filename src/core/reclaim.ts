// Reclaiming storage. The `contents` row is the truth: a blob file without one is garbage once
// nothing in flight may still commit it. Rows go in the transaction that removes their last
// reference (repositories/contents.ts `dropUnreferenced`); their blobs go after it committed
// (`release`), or, when a crash came between, at the next sweep.
// Owns: unlinking blobs whose row is gone (re-checked, never a pinned one), and the sweep: temp
// files and orphan blobs older than a grace period, and rows nothing references.
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { BlobStore } from '../storage/blobs.ts';
import { CHUNK, dropUnreferenced, existingContents, unreferencedContents } from '../storage/repositories/contents.ts';

export interface ReclaimerOptions {
  now?: () => number;
  /**
   * Other processes share this blob directory (PostgreSQL): their pins are invisible here, so
   * `release` leaves a blob written or reused less than this long ago for the sweep. 0 (SQLite:
   * one server process per data directory) trusts the pins alone.
   */
  sharedGraceMs?: number;
}

export interface SweepResult {
  /** Temp files removed (writes cut off by a crash). */
  tempFiles: number;
  /** Blob files removed that had no contents row. */
  orphanBlobs: number;
  /** Blob files without a row left alone: younger than the grace, or pinned (in flight). */
  youngBlobs: number;
  /** Contents rows nothing referenced, removed (with their blobs). */
  unreferencedContents: number;
}

export class Reclaimer {
  private readonly now: () => number;
  private readonly sharedGraceMs: number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly blobs: BlobStore,
    opts: ReclaimerOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.sharedGraceMs = opts.sharedGraceMs ?? 0;
  }

  /**
   * After a transaction that dropped contents rows committed (or after `blobs.unpin` of a refused
   * or committed ingest): unlink those blobs that still have no row and are not pinned. Returns
   * how many files went. A blob saved again meanwhile keeps its file.
   */
  async release(sha256s: string[]): Promise<number> {
    const names = [...new Set(sha256s)];
    if (!names.length) return 0;
    let removed = 0;
    for (let i = 0; i < names.length; i += CHUNK) {
      const chunk = names.slice(i, i + CHUNK);
      // The guard first, then the question: an ingest of identical bytes that commits a row this
      // query cannot see yet pins (or unpins) meanwhile and marks the blob.
      const guard = this.blobs.guard(chunk);
      try {
        const olderThanMs = this.sharedGraceMs > 0 ? this.now() - this.sharedGraceMs : undefined;
        const kept = await existingContents(this.db, chunk);
        for (const sha of chunk) {
          if (kept.has(sha)) continue;
          // Pin check and unlink in one tick: an ingest of identical bytes pins before it looks.
          if (guard.remove(sha, { olderThanMs })) removed++;
        }
      } finally {
        guard.end();
      }
    }
    return removed;
  }

  /**
   * Remove what nothing will use: contents rows nothing references (with their blobs), temp files
   * and blob files without a row older than `graceMs` (by modification time) and not pinned here.
   * `graceMs: 0` only where no other process can have a write in flight (SQLite at `serve` start).
   */
  async sweep(opts: { graceMs: number }): Promise<SweepResult> {
    const result: SweepResult = { tempFiles: 0, orphanBlobs: 0, youngBlobs: 0, unreferencedContents: 0 };
    result.unreferencedContents = await this.dropAllUnreferenced();
    const cutoff = this.now() - opts.graceMs;

    for (const t of await this.blobs.listTemp()) {
      if (t.inFlight || t.mtimeMs >= cutoff) continue;
      if (this.blobs.removeTemp(t.name, { olderThanMs: cutoff })) result.tempFiles++;
    }

    let batch: Array<{ sha256: string; mtimeMs: number }> = [];
    const flush = async () => {
      const names = batch.map((b) => b.sha256);
      const guard = this.blobs.guard(names);
      try {
        const kept = await existingContents(this.db, names);
        for (const b of batch) {
          if (kept.has(b.sha256)) continue;
          if (b.mtimeMs >= cutoff || this.blobs.isPinned(b.sha256)) result.youngBlobs++;
          else if (guard.remove(b.sha256, { olderThanMs: cutoff })) result.orphanBlobs++;
          else result.youngBlobs++; // reused since it was listed, or removed by someone else
        }
      } finally {
        guard.end();
      }
      batch = [];
    };
    for await (const f of this.blobs.list()) {
      batch.push(f);
      if (batch.length >= CHUNK) await flush();
    }
    if (batch.length) await flush();
    return result;
  }

  /** Remove every contents row nothing references, a page at a time, each page in its own transaction. */
  async dropAllUnreferenced(): Promise<number> {
    let total = 0;
    let after = '';
    for (;;) {
      const page = await unreferencedContents(this.db, CHUNK, after);
      if (!page.length) return total;
      after = page[page.length - 1];
      // Dropped again in a transaction: the statement re-checks the references (one may have come back).
      const dropped = await this.db.transaction().execute((tx) => dropUnreferenced(tx, page));
      total += dropped.length;
      await this.release(dropped);
      if (page.length < CHUNK) return total;
    }
  }
}
