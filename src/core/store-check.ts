// `thutin store check`: does what is on disk agree with the database, and the database with
// itself? Orphan blobs (no contents row, older than the grace), young unreferenced blobs (maybe
// in flight: reported, not a problem), temp files, contents rows nothing references, contents
// rows whose blob is missing, messages and unfinished queue entries whose contents row is
// missing, and accounts whose `used_bytes` is not the sum of their messages' sizes.
// `repair` removes orphans, old temp files and unreferenced rows and recomputes usage; a missing
// blob cannot be made again and is reported as such.
// Owns: the check and the repair; the SQL is in the repositories, the removals in core/reclaim.ts.
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { BlobStore } from '../storage/blobs.ts';
import { CHUNK, contentPage, existingContents, messagesWithoutContent, queueWithoutContent, unreferencedContents } from '../storage/repositories/contents.ts';
import { recomputeUsage, usageMismatches, type UsageMismatch } from '../storage/repositories/store-check.ts';
import type { Reclaimer } from './reclaim.ts';

/** At most this many items of each kind are listed (all are counted). */
export const LIST_LIMIT = 100;

export interface Finding<T> {
  count: number;
  items: T[];
}

export interface StoreCheckReport {
  graceMs: number;
  blobs: number;
  contents: number;
  /** Blob files with no contents row, older than the grace: garbage. */
  orphanBlobs: Finding<{ sha256: string; size: number; mtimeMs: number }>;
  /** Blob files with no contents row, younger than the grace: possibly in flight (not a problem). */
  youngBlobs: Finding<{ sha256: string; size: number; mtimeMs: number }>;
  /** Files in blobs/tmp older than the grace (writes cut off by a crash); younger ones are not counted. */
  tempFiles: Finding<{ name: string; size: number; mtimeMs: number }>;
  /** Contents rows no message and no unfinished queue entry references. */
  unreferencedContents: Finding<string>;
  /** Contents rows whose blob file is missing: those messages cannot be read. */
  missingBlobs: Finding<string>;
  messagesWithoutContent: Finding<{ mailboxId: number; uid: number; sha256: string }>;
  queueWithoutContent: Finding<{ queueId: number; sha256: string; state: string }>;
  usageMismatches: Finding<UsageMismatch>;
  /** No problem found (young blobs are not one). After a repair: none left that a repair can fix. */
  ok: boolean;
  repaired?: { orphanBlobs: number; tempFiles: number; unreferencedContents: number; accounts: number };
  /** What a repair cannot fix: missing blobs, rows pointing at missing contents. */
  unfixable?: { missingBlobs: number; messagesWithoutContent: number; queueWithoutContent: number };
}

function finding<T>(): Finding<T> {
  return { count: 0, items: [] };
}

function add<T>(f: Finding<T>, item: T): void {
  f.count++;
  if (f.items.length < LIST_LIMIT) f.items.push(item);
}

export class StoreCheck {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: 'sqlite' | 'postgres',
    private readonly blobs: BlobStore,
    private readonly reclaimer: Reclaimer,
    private readonly opts: { orphanGraceMs: number; now?: () => number },
  ) {}

  async check(o: { graceMs?: number; repair?: boolean } = {}): Promise<StoreCheckReport> {
    const r = await this.inspect(o.graceMs ?? this.opts.orphanGraceMs);
    if (!o.repair) return r;
    const sweep = await this.reclaimer.sweep({ graceMs: r.graceMs });
    let accounts = 0;
    for (const m of await usageMismatches(this.db, Number.MAX_SAFE_INTEGER)) {
      await this.db.transaction().execute((tx) => recomputeUsage(tx, m.accountId, this.dialect));
      accounts++;
    }
    const after = await this.inspect(r.graceMs);
    return {
      ...r,
      ok: isClean(after),
      repaired: { orphanBlobs: sweep.orphanBlobs, tempFiles: sweep.tempFiles, unreferencedContents: sweep.unreferencedContents, accounts },
      unfixable: { missingBlobs: after.missingBlobs.count, messagesWithoutContent: after.messagesWithoutContent.count, queueWithoutContent: after.queueWithoutContent.count },
    };
  }

  private async inspect(graceMs: number): Promise<StoreCheckReport> {
    const cutoff = (this.opts.now ?? Date.now)() - graceMs;
    const r: StoreCheckReport = {
      graceMs,
      blobs: 0,
      contents: 0,
      orphanBlobs: finding(),
      youngBlobs: finding(),
      tempFiles: finding(),
      unreferencedContents: finding(),
      missingBlobs: finding(),
      messagesWithoutContent: finding(),
      queueWithoutContent: finding(),
      usageMismatches: finding(),
      ok: true,
    };

    // Blob files without a row.
    let batch: Array<{ sha256: string; size: number; mtimeMs: number }> = [];
    const flush = async () => {
      const kept = await existingContents(
        this.db,
        batch.map((b) => b.sha256),
      );
      for (const b of batch) {
        if (kept.has(b.sha256)) continue;
        if (b.mtimeMs < cutoff && !this.blobs.isPinned(b.sha256)) add(r.orphanBlobs, b);
        else add(r.youngBlobs, b);
      }
      batch = [];
    };
    for await (const f of this.blobs.list()) {
      r.blobs++;
      batch.push(f);
      if (batch.length >= CHUNK) await flush();
    }
    if (batch.length) await flush();

    for (const t of await this.blobs.listTemp()) if (!t.inFlight && t.mtimeMs < cutoff) add(r.tempFiles, { name: t.name, size: t.size, mtimeMs: t.mtimeMs });

    // Rows without a blob, rows nothing references.
    for (let after = ''; ;) {
      const page = await contentPage(this.db, after, CHUNK);
      for (const c of page) {
        r.contents++;
        if (!(await this.blobs.exists(c.sha256))) add(r.missingBlobs, c.sha256);
      }
      if (page.length < CHUNK) break;
      after = page[page.length - 1].sha256;
    }
    for (let after = ''; ;) {
      const page = await unreferencedContents(this.db, CHUNK, after);
      for (const s of page) add(r.unreferencedContents, s);
      if (page.length < CHUNK) break;
      after = page[page.length - 1];
    }

    for (const m of await messagesWithoutContent(this.db, Number.MAX_SAFE_INTEGER)) add(r.messagesWithoutContent, m);
    for (const q of await queueWithoutContent(this.db, Number.MAX_SAFE_INTEGER)) add(r.queueWithoutContent, q);
    for (const u of await usageMismatches(this.db, Number.MAX_SAFE_INTEGER)) add(r.usageMismatches, u);
    r.ok = isClean(r);
    return r;
  }
}

function isClean(r: StoreCheckReport): boolean {
  return r.orphanBlobs.count + r.tempFiles.count + r.unreferencedContents.count + r.missingBlobs.count + r.messagesWithoutContent.count + r.queueWithoutContent.count + r.usageMismatches.count === 0;
}
