// Owns: writing many messages into one account through the core, as fast as the disk allows but in
// order — each message is ingested (blob written, parsed once, fsynced) while the ones before it
// are still being ingested (up to `depth` at a time), and committed into its folder with its flags
// and internal date strictly in the order given, so UIDs follow the source's order. Used by the
// import (src/transfer/import.ts) and the IMAP migration (src/migrate/).
import { Readable } from 'node:stream';
import type { MailStore, StoredContent } from '../core/mailstore.ts';

export interface WriteItem {
  accountId: number;
  folder: string;
  flags: string[];
  internalDate: number;
  body: Buffer | AsyncIterable<Buffer> | (() => Promise<AsyncIterable<Buffer>>);
}

export type WriteResult = { ok: true; uid: number; size: number } | { ok: false; error: Error };

export class MessageWriter {
  private tail: Promise<void> = Promise.resolve();
  private readonly pending: Array<Promise<void>> = [];

  constructor(
    private readonly store: MailStore,
    private readonly depth = 8,
  ) {}

  private async ingest(body: WriteItem['body']): Promise<StoredContent> {
    if (Buffer.isBuffer(body)) return this.store.ingest([body]);
    const src = typeof body === 'function' ? await body() : body;
    return this.store.ingest(src instanceof Readable ? src : Readable.from(src));
  }

  /** Queue one message; resolves once there is room for the next (at most `depth` in flight). `done` is told its result after its commit. */
  async push(item: WriteItem, done?: (r: WriteResult) => void): Promise<void> {
    while (this.pending.length >= this.depth) await this.pending[0];
    const ingested = this.ingest(item.body).then(
      (c) => ({ c, e: null as Error | null }),
      (e: unknown) => ({ c: null, e: e instanceof Error ? e : new Error(String(e)) }),
    );
    const step = this.tail
      .then(async () => {
        const { c, e } = await ingested;
        if (!c) return done?.({ ok: false, error: e! });
        try {
          const out = await this.store.commit(c, { copies: [{ local: [{ accountId: item.accountId, mailbox: item.folder, flags: item.flags }] }], internalDate: item.internalDate });
          done?.({ ok: true, uid: out.delivered[0]?.uid ?? 0, size: c.size });
        } catch (err) {
          done?.({ ok: false, error: err instanceof Error ? err : new Error(String(err)) });
        } finally {
          await this.store.release(c);
        }
      })
      .catch(() => undefined); // a `done` that throws must not stop the messages after it
    this.tail = step;
    this.pending.push(step);
    void step.then(() => this.pending.splice(this.pending.indexOf(step), 1));
  }

  /** Wait until every queued message is committed (or failed). */
  async flush(): Promise<void> {
    await this.tail;
  }
}
