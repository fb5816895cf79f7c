// Owns: writing many messages into one account through the core, as fast as the disk allows but in
// order — each message is ingested (blob written, parsed once, fsynced) while the ones before it
// are still being ingested (up to `depth` at a time), and committed into its folder with its flags
// and internal date strictly in the order given, so UIDs follow the source's order. Used by the
// import (src/transfer/import.ts) and the IMAP migration (src/migrate/).
import { Readable } from 'node:stream';
import type { CommitOrigin, MailStore, StoredContent } from '../core/mailstore.ts';

export interface WriteItem {
  accountId: number;
  folder: string;
  flags: string[];
  internalDate: number;
  body: Buffer | AsyncIterable<Buffer> | (() => Promise<AsyncIterable<Buffer>>);
}

export type WriteResult = { ok: true; uid: number; size: number } | { ok: false; error: Error };

export class MessageWriter {
  /** Resolves once the last pushed message's commit has been handed to the store (not committed). */
  private calls: Promise<void> = Promise.resolve();
  private readonly pending = new Set<Promise<void>>();

  /** `origin`: what the commits are (an import or a migration: neither journaled nor counted as mail received). */
  constructor(
    private readonly store: MailStore,
    private readonly origin: Exclude<CommitOrigin, 'delivery'>,
    private readonly depth = 16,
  ) {}

  private async ingest(body: WriteItem['body']): Promise<StoredContent> {
    if (Buffer.isBuffer(body)) return this.store.ingest([body]);
    const src = typeof body === 'function' ? await body() : body;
    return this.store.ingest(src instanceof Readable ? src : Readable.from(src));
  }

  /**
   * Queue one message; resolves once there is room for the next (at most `depth` in flight). Its
   * commit is handed to the store right after the one before it (so consecutive messages share a
   * group commit's transaction, in order); `done` is told its result once committed.
   */
  async push(item: WriteItem, done?: (r: WriteResult) => void): Promise<void> {
    while (this.pending.size >= this.depth) await Promise.race(this.pending);
    const ingested = this.ingest(item.body).then(
      (c) => ({ c, e: null as Error | null }),
      (e: unknown) => ({ c: null, e: e instanceof Error ? e : new Error(String(e)) }),
    );
    let finished!: Promise<void>;
    const handedOver = new Promise<void>((handed) => {
      finished = this.calls.then(async () => {
        const { c, e } = await ingested;
        if (!c) {
          handed();
          return done?.({ ok: false, error: e! });
        }
        // store.commit queues its work with the group commit before its first await: in order.
        const committing = this.store.commit(c, {
          copies: [{ local: [{ accountId: item.accountId, mailbox: item.folder, flags: item.flags }] }],
          internalDate: item.internalDate,
          origin: this.origin,
        });
        handed();
        try {
          const out = await committing;
          done?.({ ok: true, uid: out.delivered[0]?.uid ?? 0, size: c.size });
        } catch (err) {
          done?.({ ok: false, error: err instanceof Error ? err : new Error(String(err)) });
        } finally {
          await this.store.release(c);
        }
      });
    });
    this.calls = handedOver;
    const tracked: Promise<void> = finished.catch(() => undefined).then(() => void this.pending.delete(tracked)); // a `done` that throws must not stop the others
    this.pending.add(tracked);
  }

  /** Wait until every queued message is committed (or failed). */
  async flush(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }
}
