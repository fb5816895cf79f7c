// Uploaded blobs (RFC 8620 §6.1): the bytes go into the blob store through MailStore.ingest (parsed
// once, like any message), and the ingested content stays pinned — nothing reclaims it — for an
// hour, or until Email/import or Email/set create commits it into a folder (it is then a message
// like any other; the pin is only given back). Kept in this process's memory: an upload is used
// through the process that took it, and a restart forgets uploads (a client uploads again).
// Owns: the registry of uploads in flight, per account.
import type { Readable } from 'node:stream';
import type { MailStore, StoredContent } from '../core/mailstore.ts';

const TTL_MS = 3600_000;

interface Upload {
  content: StoredContent;
  type: string;
  expires: number;
}

export class Uploads {
  private readonly byKey = new Map<string, Upload>();
  private readonly inFlight = new Map<number, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: Pick<MailStore, 'ingest' | 'release'>,
    private readonly now: () => number = Date.now,
  ) {
    this.timer = setInterval(() => void this.expire(), 60_000);
    this.timer.unref();
  }

  /** Start an upload for `accountId`; false when it already has `max` in flight. */
  begin(accountId: number, max: number): boolean {
    const n = this.inFlight.get(accountId) ?? 0;
    if (n >= max) return false;
    this.inFlight.set(accountId, n + 1);
    return true;
  }

  end(accountId: number): void {
    const n = (this.inFlight.get(accountId) ?? 1) - 1;
    if (n <= 0) this.inFlight.delete(accountId);
    else this.inFlight.set(accountId, n);
  }

  async put(accountId: number, body: Readable, type: string, maxSize: number): Promise<StoredContent> {
    const content = await this.store.ingest(body, { maxSize });
    const key = `${accountId}:${content.sha256}`;
    const had = this.byKey.get(key);
    if (had) await this.store.release(had.content); // the same bytes again: one pin is enough
    this.byKey.set(key, { content, type, expires: this.now() + TTL_MS });
    return content;
  }

  get(accountId: number, sha256: string): { content: StoredContent; type: string } | null {
    const u = this.byKey.get(`${accountId}:${sha256}`);
    return u && u.expires > this.now() ? u : null;
  }

  async expire(): Promise<void> {
    const now = this.now();
    for (const [k, u] of this.byKey) {
      if (u.expires > now) continue;
      this.byKey.delete(k);
      await this.store.release(u.content).catch(() => undefined);
    }
  }

  /** Give every pin back (the server stops). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    for (const u of this.byKey.values()) await this.store.release(u.content).catch(() => undefined);
    this.byKey.clear();
  }
}
