// Stored contents: a blob (the message's bytes, content-addressed) and its `contents` row (index
// and folded search text), shared by every message and queue entry that shows it.
// Owns the rules of their life: an ingested blob is pinned until its commit or refusal; a
// `contents` row goes in the same transaction as the last reference to it; its blob is unlinked
// after that commit, unless something pinned it again meanwhile (identical bytes ingested anew).
// A crash between the commit and the unlink leaves a blob without row, which the sweep removes
// (core/reclaim.ts).
import type { Readable } from 'node:stream';
import type { BlobStore, BlobWrite, BlobWriteOptions } from '../storage/blobs.ts';
import type { Tx } from '../storage/tx.ts';
import { dropUnreferenced, saveContent } from '../storage/repositories/contents.ts';
import type { Reclaimer } from './reclaim.ts';
import { foldVietnamese } from './text/fold.ts';
import type { StoredContent } from './delivery.ts';

export class ContentStore {
  constructor(
    private readonly blobs: BlobStore,
    private readonly reclaimer: Reclaimer,
  ) {}

  /** Stream bytes into a new blob, pinned until `release`. */
  write(source: Readable | AsyncIterable<Buffer> | Iterable<Buffer>, opts: BlobWriteOptions): Promise<BlobWrite> {
    return this.blobs.write(source, opts);
  }

  /** Save the row of an ingested content (once per distinct blob) in a commit's transaction. */
  save(tx: Tx, c: StoredContent): Promise<void> {
    const s = c.index.search;
    // Text columns never hold NUL (PostgreSQL refuses it in text: a message with NUL bytes could not be delivered).
    const f = (t: string) => foldVietnamese(t ?? '').replace(/\0/g, '');
    const { search: _omit, ...structure } = c.index;
    void _omit;
    return saveContent(tx, {
      sha256: c.sha256,
      size: c.size,
      headerSize: c.index.headerSize,
      structure: JSON.stringify(structure),
      sentDate: c.index.sentDate ? Date.parse(c.index.sentDate) || null : null,
      messageId: c.index.messageId,
      subject: (s.subject ?? '').replace(/\0/g, ''),
      search: { subject: f(s.subject), from: f(s.from), to: f(s.to), cc: f(s.cc), bcc: f(s.bcc), headers: f(s.headers), body: f(s.body) },
    });
  }

  /** Drop the rows of these contents that nothing references any more; returns their blob names. */
  dropUnreferenced(tx: Tx, sha256s: string[]): Promise<string[]> {
    return sha256s.length ? dropUnreferenced(tx, sha256s) : Promise.resolve([]);
  }

  /** After the transaction that dropped their rows committed: unlink the blobs (unless pinned or saved again). */
  async reclaim(sha256s: string[]): Promise<void> {
    if (sha256s.length) await this.reclaimer.release(sha256s);
  }

  /**
   * `reclaim` for a transaction this service does not commit itself (the directory's purge): the
   * blobs are unlinked once their rows are gone, asked again a few times; the sweep catches the rest.
   */
  reclaimSoon(sha256s: string[], delaysMs: number[] = [200, 2000, 20000]): void {
    if (!sha256s.length) return;
    const attempt = (i: number) => {
      const t = setTimeout(() => {
        this.reclaimer.release(sha256s).then(
          (n) => {
            if (n < sha256s.length && i + 1 < delaysMs.length) attempt(i + 1);
          },
          () => {},
        );
      }, delaysMs[i]);
      t.unref();
    };
    attempt(0);
  }

  /**
   * The caller is done with an ingested blob: unpin it, and remove it if no row names it (refused,
   * or delivered to nobody). `saved`: a commit of the caller saved its row, so it is wanted, unless
   * a removal was refused while it was pinned, or a reclaim is asking about it right now (an
   * expunge or purge since, which dropped the row): only then, or when not saved, is the database
   * asked.
   */
  async release(sha256: string, saved = false): Promise<void> {
    const watched = this.blobs.isWatched(sha256);
    const contested = this.blobs.unpin(sha256);
    if (saved && !contested && !watched) return;
    await this.reclaimer.release([sha256]);
  }
}
