// Owns: the metadata of folders (UID, flags, keywords, MODSEQ, size, INTERNALDATE) kept in memory
// for the metadata-only FETCH of a whole folder ("FETCH 1:* (UID FLAGS)", a client's resync, a
// quarter of imaptest's mix). Reading every row of a folder for each such FETCH cost a large part
// of a busy server's time; a table kept here is brought up to date from the change log (what
// changed and what was expunged since its MODSEQ: the few rows a change touched) and then answers.
//
// Each answer comes from a read of the change log begun after it was asked for: a caller waits
// for the read in flight, if any, and then for the next one, which every caller that arrived
// meanwhile shares. Whatever a session was shown before it asked (a change it made, a FETCH, an
// update) was committed before, so the table it gets is at least that new. The rows are never
// changed in place (a change replaces a row), so an answer read out at once stays as it was read.
// A folder whose change log no longer reaches the table's MODSEQ is read whole again. At most
// `maxRows` rows are kept in all, the tables used least recently dropped first; a folder larger
// than that is read whole each time, as before.
// A flag change this process commits (a STORE, a FETCH that sets \Seen) is applied to a table at
// once when the table is exactly as of the MODSEQ before it and no read is in flight (FlagDelta,
// core/mailstore.ts): the next answer's read of the change log then finds nothing, instead of every
// row a "STORE 1:*" touched. Any other change (another process's, a delivery, an expunge) is read
// from the change log as before.
import type { FlagDelta, MailStore, MessageMeta } from '../core/mailstore.ts';

interface Table {
  modseq: number;
  rows: Map<number, MessageMeta> | null;
  /** The rows in UID order, never changed once made (a change makes a new one, or none until asked). */
  ordered: readonly MessageMeta[] | null;
  /** The update in flight. */
  running: Promise<void> | null;
  /** The update that starts when the one in flight ends, shared by the callers that came meanwhile. */
  next: Promise<void> | null;
}

type Store = Pick<MailStore, 'changesSince' | 'listFlags' | 'getMailboxById'> & Partial<Pick<MailStore, 'onFlagsCommitted'>>;

/**
 * Only what a metadata FETCH shows (not where the bytes are), and every row of every table built
 * here, by this one literal: rows of one shape keep the code that reads 20,000 of them fast (a row
 * copied with `...` has another shape, and the reader's optimized code is thrown away).
 */
function tableRow(m: MessageMeta, flags = m.flags, keywords = m.keywords, modseq = m.modseq): MessageMeta {
  return {
    uid: m.uid,
    modseq,
    flags,
    keywords,
    size: m.size,
    internalDate: m.internalDate,
    internalDateZone: m.internalDateZone,
    sha256: '',
    headerPrefix: null,
    prefixReplaces: 0,
    origin: m.origin ?? null,
    threadId: m.threadId ?? null,
  };
}

/** A table's rows in UID order. */
function inUidOrder(rows: ReadonlyMap<number, MessageMeta>): MessageMeta[] {
  const list = [...rows.values()];
  for (let i = 1; i < list.length; i++) if (list[i].uid < list[i - 1].uid) return list.sort((a, b) => a.uid - b.uid);
  return list;
}

/** A new ordered array with the rows of `changed` UIDs as `rows` now has them (the others as they were). */
function replaced(ordered: readonly MessageMeta[], rows: ReadonlyMap<number, MessageMeta>, changed: ReadonlyArray<{ uid: number }>): MessageMeta[] {
  if (changed.length * 8 > ordered.length) return ordered.map((m) => rows.get(m.uid) ?? m);
  const out = ordered.slice();
  for (const { uid } of changed) {
    let lo = 0;
    let hi = out.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (out[mid].uid < uid) lo = mid + 1;
      else if (out[mid].uid > uid) hi = mid - 1;
      else {
        out[mid] = rows.get(uid)!;
        break;
      }
    }
  }
  return out;
}

export class FlagTables {
  private readonly tables = new Map<number, Table>();
  private rowsKept = 0;
  /** Whole-folder reads, change-log reads and committed flag changes applied here (tests, the profile). */
  readonly stats = { whole: 0, deltas: 0, applied: 0 };
  private readonly stopListening: () => void;

  constructor(
    private readonly store: Store,
    private readonly maxRows = 100_000,
  ) {
    this.stopListening = store.onFlagsCommitted?.((d) => this.apply(d)) ?? (() => {});
  }

  /** Stop following the store's flag changes. */
  close(): void {
    this.stopListening();
  }

  /** A flag change committed here: applied when the table is exactly as of the MODSEQ before it and no read is in flight. */
  private apply(d: FlagDelta): void {
    const t = this.tables.get(d.mailboxId);
    if (!t?.rows || t.running || t.next || t.modseq !== d.modseq - 1) return;
    const rows = t.rows;
    if (!d.changed.every((m) => rows.has(m.uid))) return; // not the folder as of modseq - 1 after all: the log will tell
    for (const m of d.changed) rows.set(m.uid, tableRow(rows.get(m.uid)!, m.flags, m.keywords, m.modseq));
    t.ordered = t.ordered && replaced(t.ordered, rows, d.changed);
    t.modseq = d.modseq;
    this.stats.applied++;
  }

  /**
   * The folder's messages by UID, as a read begun after this call found them. Read what is needed at
   * once (the next update replaces rows); a caller must not change the rows.
   */
  async current(mailboxId: number): Promise<ReadonlyMap<number, MessageMeta>> {
    let t = this.tables.get(mailboxId);
    if (t)
      this.tables.delete(mailboxId); // most recently used last
    else t = { modseq: 0, rows: null, ordered: null, running: null, next: null };
    this.tables.set(mailboxId, t);
    const table = t;
    if (!table.next) {
      const start = async (): Promise<void> => {
        table.next = null;
        const run = this.update(mailboxId, table);
        table.running = run;
        try {
          await run;
        } finally {
          if (table.running === run) table.running = null;
        }
      };
      // Never the read in flight: it may have begun before this call.
      table.next = (table.running ?? Promise.resolve()).then(start, start);
    }
    await table.next;
    const rows = table.rows ?? new Map<number, MessageMeta>();
    this.trim();
    return rows;
  }

  /**
   * The folder's messages in UID order, as `current` finds them. The array is never changed (a
   * change makes a new one), so it may be kept across awaits; a caller must not change it.
   */
  async ordered(mailboxId: number): Promise<readonly MessageMeta[]> {
    const rows = await this.current(mailboxId);
    const t = this.tables.get(mailboxId);
    if (!t || t.rows !== rows) return inUidOrder(rows);
    t.ordered ??= inUidOrder(rows);
    return t.ordered;
  }

  private async update(mailboxId: number, t: Table): Promise<void> {
    if (t.rows) {
      this.stats.deltas++;
      const cs = await this.store.changesSince(mailboxId, t.modseq);
      if (cs.complete) {
        const rows = t.rows;
        const before = rows.size;
        // Rows read after the MODSEQ the answer names may be newer than it: applying them again later is harmless.
        const changedOnly = !cs.expunged.length && cs.changed.every((m) => rows.has(m.uid));
        for (const m of cs.changed) rows.set(m.uid, tableRow(m));
        for (const uid of cs.expunged) rows.delete(uid);
        // Only rows replaced: the same order with them; otherwise the order is made when asked for.
        if (cs.changed.length || cs.expunged.length) t.ordered = changedOnly && t.ordered ? replaced(t.ordered, rows, cs.changed) : null;
        this.rowsKept += rows.size - before;
        t.modseq = Math.max(t.modseq, cs.highestModseq);
        return;
      }
    }
    this.stats.whole++;
    // The MODSEQ first: the rows read after it are at least that new.
    const info = await this.store.getMailboxById(mailboxId);
    const list = info ? await this.store.listFlags(mailboxId) : [];
    const rows = new Map<number, MessageMeta>();
    for (const m of list) rows.set(m.uid, tableRow(m));
    this.rowsKept += rows.size - (t.rows?.size ?? 0);
    t.rows = rows;
    t.ordered = null;
    t.modseq = info?.highestModseq ?? 0;
  }

  /** Keep at most maxRows: the least recently used tables with no read in flight go first. */
  private trim(): void {
    if (this.rowsKept <= this.maxRows) return;
    for (const [id, t] of this.tables) {
      if (this.rowsKept <= this.maxRows) break;
      if (t.running || t.next) continue;
      this.rowsKept -= t.rows?.size ?? 0;
      this.tables.delete(id);
    }
  }
}
