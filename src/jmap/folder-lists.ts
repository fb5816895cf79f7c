// Each folder's message list as Email/query reads it, kept between requests and brought up to
// date from the change log (MailStore.changesSince) instead of read again: a flag change or a new
// message in a 100,000-message folder costs the rows that changed, not the folder. A list whose
// log was compacted past its MODSEQ is read again whole. Rows are kept at least as new as the
// MODSEQ they are filed under (a change landing between the two reads is applied twice, which is
// harmless). Bounded by rows held; the least recently used folder goes first.
// Owns: the folder list cache.
import type { MailStore, MessageMeta } from '../core/mailstore.ts';

interface Entry {
  modseq: number;
  rows: MessageMeta[];
}

export class FolderLists {
  private readonly entries = new Map<number, Entry>();
  private rows = 0;

  constructor(private readonly maxRows = 400_000) {}

  async get(store: Pick<MailStore, 'listMessages' | 'changesSince'>, folderId: number, modseq: number): Promise<MessageMeta[]> {
    const e = this.entries.get(folderId);
    if (e && e.modseq >= modseq) {
      this.touch(folderId, e);
      return e.rows;
    }
    if (e) {
      const ch = await store.changesSince(folderId, e.modseq);
      if (ch.complete) {
        const byUid = new Map(e.rows.map((m) => [m.uid, m]));
        for (const uid of ch.expunged) byUid.delete(uid);
        for (const m of ch.changed) byUid.set(m.uid, m);
        const rows = [...byUid.values()].sort((a, b) => a.uid - b.uid);
        this.put(folderId, { modseq: Math.max(modseq, ch.highestModseq), rows });
        return rows;
      }
    }
    const rows = await store.listMessages(folderId);
    this.put(folderId, { modseq, rows });
    return rows;
  }

  private touch(folderId: number, e: Entry): void {
    this.entries.delete(folderId);
    this.entries.set(folderId, e);
  }

  private put(folderId: number, e: Entry): void {
    const old = this.entries.get(folderId);
    if (old) {
      this.rows -= old.rows.length;
      this.entries.delete(folderId);
    }
    if (e.rows.length > this.maxRows) return;
    this.entries.set(folderId, e);
    this.rows += e.rows.length;
    for (const [k, v] of this.entries) {
      if (this.rows <= this.maxRows) break;
      this.entries.delete(k);
      this.rows -= v.rows.length;
    }
  }
}
