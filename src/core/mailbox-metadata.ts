// IMAP METADATA's entries (RFC 5464) as the core keeps them: per folder or for the server,
// /shared (seen by everyone who sees the folder) or /private (one account's own), with the
// entry-name rules, the size and count limits, and the server's read-only entries
// (/shared/admin, /shared/comment). Front ends (IMAP now, JMAP later) call it; rights on the folder
// are theirs to check before.
// Owns: metadata rules; rows through storage/repositories/mailbox-metadata.ts.
import { transactor, type Reader, type Transactor } from '../storage/tx.ts';
import * as repo from '../storage/repositories/mailbox-metadata.ts';

export const SERVER = 0;

export interface MetadataLimits {
  /** Largest value (octets). */
  maxSize: number;
  /** Most entries one account (or /shared) may keep on one folder. */
  maxEntries: number;
}

export type MetadataRefusal = { kind: 'maxsize'; max: number } | { kind: 'toomany' } | { kind: 'readonly'; entry: string };

export interface MetadataEntry {
  /** The full entry name, lower case: /shared/… or /private/…. */
  entry: string;
  value: Buffer;
}

/** An entry name per RFC 5464 §3.2: /private/… or /shared/…, no empty component, no wildcard or control character. */
export function validEntry(name: string): boolean {
  return /^\/(private|shared)(\/[^/*%\u0000-\u001f\u007f]+)+$/i.test(name) && name.length <= 1024;
}

function split(entry: string): { shared: boolean; rest: string } {
  const e = entry.toLowerCase();
  return e.startsWith('/shared/') ? { shared: true, rest: e.slice(7) } : { shared: false, rest: e.slice(8) };
}

export class MailboxMetadata {
  private readonly tx: Transactor;
  private readonly now: () => number;

  constructor(
    private readonly db: Reader,
    private readonly limits: MetadataLimits,
    private readonly server: { admin: string; comment: string },
    opts: { now?: () => number } = {},
  ) {
    this.tx = transactor(db);
    this.now = opts.now ?? Date.now;
  }

  /** The server's own entries, answered whatever is stored. */
  private builtIn(folderId: number): MetadataEntry[] {
    if (folderId !== SERVER) return [];
    const out: MetadataEntry[] = [];
    if (this.server.admin) out.push({ entry: '/shared/admin', value: Buffer.from(this.server.admin) });
    if (this.server.comment) out.push({ entry: '/shared/comment', value: Buffer.from(this.server.comment) });
    return out;
  }

  /**
   * The entries asked for, and with `depth` those below them (1: one level, infinity: all), that
   * this account sees on the folder (0: the server).
   */
  async get(folderId: number, accountId: number, asked: string[], depth: '0' | '1' | 'infinity'): Promise<MetadataEntry[]> {
    const stored = (await repo.entriesOf(this.db, folderId, accountId)).map((r) => ({ entry: `${r.accountId === 0 ? '/shared' : '/private'}${r.entry}`, value: r.value }));
    const builtIn = this.builtIn(folderId);
    const all = [...builtIn, ...stored.filter((s) => !builtIn.some((b) => b.entry === s.entry))];
    const out: MetadataEntry[] = [];
    for (const e of all) {
      const hit = asked.some((a) => {
        const p = a.toLowerCase();
        if (e.entry === p) return true;
        if (depth === '0' || !e.entry.startsWith(p + '/')) return false;
        return depth === 'infinity' || !e.entry.slice(p.length + 1).includes('/');
      });
      if (hit && !out.some((o) => o.entry === e.entry)) out.push(e);
    }
    return out;
  }

  /**
   * Set (a value) or remove (null) entries, all or none. Refused: a value past the size limit, more
   * entries than allowed, a server entry that is the server's.
   */
  async set(folderId: number, accountId: number, items: Array<{ entry: string; value: Buffer | null }>): Promise<MetadataRefusal | null> {
    const builtIn = this.builtIn(folderId);
    for (const it of items) {
      if (it.value && it.value.length > this.limits.maxSize) return { kind: 'maxsize', max: this.limits.maxSize };
      if (builtIn.some((b) => b.entry === it.entry.toLowerCase())) return { kind: 'readonly', entry: it.entry };
    }
    return this.tx
      .transaction(async (tx) => {
        const now = this.now();
        for (const it of items) {
          const { shared, rest } = split(it.entry);
          const owner = shared ? 0 : accountId;
          if (it.value === null) await repo.deleteEntry(tx, folderId, owner, rest);
          else await repo.setEntry(tx, folderId, owner, rest, it.value, now);
        }
        for (const owner of new Set(items.map((it) => (split(it.entry).shared ? 0 : accountId)))) {
          if ((await repo.countOf(tx, folderId, owner)) > this.limits.maxEntries) throw new TooMany();
        }
        return null;
      })
      .catch((e: unknown) => {
        if (e instanceof TooMany) return { kind: 'toomany' } as const;
        throw e;
      });
  }
}

class TooMany extends Error {}
