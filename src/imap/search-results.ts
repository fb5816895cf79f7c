// Owns: the pieces of a search result answer shared by SEARCH, SORT and their live updates:
// the messages SORT puts in order (SEARCH's hits with their envelopes and dates, sorted by
// sort/sort.ts), RFC 5267 / RFC 9394 PARTIAL windows, and sequence-sets written in result order.
import type { MessageMeta } from '../core/mailstore.ts';
import type { MessageIndex } from '../core/mime/types.ts';
import type { ImapStore } from './context.ts';
import type { PartialRange, SearchKey, SortCriterion } from './parser/types.ts';
import type { SelectedMailbox } from './selected.ts';
import { runSearch } from './search.ts';
import { sortItems } from './sort/sort.ts';

export type ResultStore = Pick<ImapStore, 'listMessages' | 'indexesOf' | 'searchText' | 'searchHeader' | 'sentDates'>;

export interface Hit {
  m: MessageMeta;
  idx: MessageIndex | undefined;
  seq: number;
}

/** The messages the query finds, with their indexes (envelope, sent date). */
export async function hitsWithIndexes(store: ResultStore, sel: SelectedMailbox, query: SearchKey): Promise<Hit[]> {
  const all = await store.listMessages(sel.info.id);
  const hits = await runSearch(store, sel, query, all);
  const indexes = await store.indexesOf(hits);
  return hits.map((m) => ({ m, idx: indexes.get(m), seq: sel.seqOf(m.uid) }));
}

export function sentDate(idx: MessageIndex | undefined, m: MessageMeta): number {
  const t = idx?.sentDate ? Date.parse(idx.sentDate) : NaN;
  return Number.isFinite(t) ? t : m.internalDate;
}

/** SORT: the messages the query finds, in the criteria's order. */
export async function sortedHits(store: ResultStore, sel: SelectedMailbox, query: SearchKey, criteria: SortCriterion[]): Promise<Hit[]> {
  const hits = await hitsWithIndexes(store, sel, query);
  const items = hits.map((h, i) => ({ n: i, seq: h.seq, size: h.m.size, arrival: h.m.internalDate, date: sentDate(h.idx, h.m), envelope: h.idx?.envelope ?? null }));
  return sortItems(items, criteria).map((it) => hits[it.n]);
}

/** The window PARTIAL asks for: positions from 1, or from the end when negative (-1 is the last). */
export function partialSlice<T>(list: readonly T[], p: PartialRange): T[] {
  if (p.from > 0) return list.slice(p.from - 1, p.to);
  const n = list.length;
  const end = n + p.from + 1;
  return end <= 0 ? [] : list.slice(Math.max(0, n + p.to), end);
}

/** `PARTIAL (from:to set)`, NIL when the window holds nothing. */
export function partialData(p: PartialRange, nums: readonly number[]): string {
  return `PARTIAL (${p.from}:${p.to} ${nums.length ? orderedSet(nums) : 'NIL'})`;
}

/** A sequence-set in the given order: runs of consecutive ascending numbers become ranges (RFC 5267 §3.2). */
export function orderedSet(nums: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < nums.length;) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1] === nums[j] + 1) j++;
    out.push(j > i ? `${nums[i]}:${nums[j]}` : String(nums[i]));
    i = j + 1;
  }
  return out.join(',');
}
