// Owns: the live results of RFC 5267 SEARCH / SORT … RETURN (UPDATE) in one selected mailbox —
// each context's tag, query, sort criteria and result (UIDs), the UIDs touched since the last
// update (flags changed, new messages), and the REMOVEFROM lines an expunge causes, written before
// the EXPUNGE responses while the expunged messages still have their sequence numbers. The
// contexts end with the selection or with CANCELUPDATE. Evaluating touched messages against the
// queries needs the store and lives in search-updates.ts; this part is synchronous and small.
import type { SearchKey, SortCriterion } from './parser/types.ts';
import { formatSequenceSet } from './parser/sequence-set.ts';

/** At most this many contexts per selected mailbox (as Dovecot); past it, `NO [NOUPDATE "tag"]`. */
export const MAX_SEARCH_CONTEXTS = 10;

export interface SearchContext {
  tag: string;
  /** UID SEARCH / UID SORT: updates name UIDs; otherwise sequence numbers. */
  uid: boolean;
  query: SearchKey;
  /** SORT's criteria; null for SEARCH. */
  criteria: SortCriterion[] | null;
  /** The UIDs in the result: ascending for SEARCH, in sort order for SORT. */
  result: number[];
}

/** `ESEARCH (TAG "…")` and ` UID` for UID commands: the head of every ESEARCH response. */
export function esearchHead(tag: string, uid: boolean): string {
  return `ESEARCH (TAG "${tag.replace(/["\\]/g, '')}")${uid ? ' UID' : ''}`;
}

export class SearchContexts {
  private readonly byTag = new Map<string, SearchContext>();
  private touchedUids = new Set<number>();

  get size(): number {
    return this.byTag.size;
  }

  has(tag: string): boolean {
    return this.byTag.has(tag);
  }

  /** Keep a context; false when the mailbox already has MAX_SEARCH_CONTEXTS. */
  add(ctx: SearchContext): boolean {
    if (this.byTag.size >= MAX_SEARCH_CONTEXTS) return false;
    this.byTag.set(ctx.tag, ctx);
    return true;
  }

  /** CANCELUPDATE: false when no context has this tag. */
  cancel(tag: string): boolean {
    const had = this.byTag.delete(tag);
    if (!this.byTag.size) this.touchedUids.clear();
    return had;
  }

  all(): IterableIterator<SearchContext> {
    return this.byTag.values();
  }

  /** Messages whose flags changed or that arrived: tested again at the next update. Free when no context is open. */
  touch(uids: Iterable<number>): void {
    if (!this.byTag.size) return;
    for (const u of uids) this.touchedUids.add(u);
  }

  /** The touched UIDs, ascending, and forget them. */
  takeTouched(): number[] {
    if (!this.touchedUids.size) return [];
    const out = [...this.touchedUids].sort((a, b) => a - b);
    this.touchedUids = new Set();
    return out;
  }

  /**
   * Messages are expunged: they leave every result. The REMOVEFROM responses to send before the
   * EXPUNGE (or VANISHED) responses — `seqOf` still knows their sequence numbers. A SEARCH
   * context's position is 0 (its result is a set); a SORT context names each message's position
   * in its result, highest first, so each stays valid as the client applies them in order.
   */
  expunged(uids: readonly number[], seqOf: (uid: number) => number): string[] {
    if (!this.byTag.size || !uids.length) return [];
    const gone = new Set(uids);
    const out: string[] = [];
    for (const ctx of this.byTag.values()) {
      const id = (u: number) => (ctx.uid ? u : seqOf(u));
      if (!ctx.criteria) {
        const removed = ctx.result.filter((u) => gone.has(u));
        if (!removed.length) continue;
        ctx.result = ctx.result.filter((u) => !gone.has(u));
        out.push(`${esearchHead(ctx.tag, ctx.uid)} REMOVEFROM (0 ${formatSequenceSet(removed.map(id))})`);
        continue;
      }
      const pairs: string[] = [];
      for (let i = ctx.result.length - 1; i >= 0; i--) if (gone.has(ctx.result[i])) pairs.push(`${i + 1} ${id(ctx.result[i])}`);
      if (!pairs.length) continue;
      ctx.result = ctx.result.filter((u) => !gone.has(u));
      out.push(`${esearchHead(ctx.tag, ctx.uid)} REMOVEFROM (${pairs.join(' ')})`);
    }
    for (const u of uids) this.touchedUids.delete(u);
    return out;
  }
}
