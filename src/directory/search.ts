// The directory's search index, in memory: folded tokens (lower case, no diacritics, đ → d) of
// names, codes and mail local parts → documents, with a sorted token list for prefix lookups.
// Queries are diacritic-insensitive, prefix and multi-word (every word must match some token),
// ranked: whole name, then exact given-name / address / whole-word matches, then prefixes; ties in
// Vietnamese order. Kept current by the directory service (see service.ts `ensureIndex`).
import { foldVietnamese, normalizeNfc } from '../core/text/fold.ts';
import type { DirectoryEntry } from './service.ts';

export type EntryKind = 'person' | 'unit' | 'list';

export interface IndexDoc {
  entry: DirectoryEntry;
  /** Text to index: names, codes, local parts (any case, any accents). */
  texts: string[];
  /** The folded full name as written (family first for people). */
  fullName: string;
  /** The folded given name (people), '' otherwise. */
  givenName: string;
  /** Mail local parts (primary and aliases), lower case. */
  localParts: string[];
  /** Addresses (primary and aliases), lower case: a query that is an address finds its owner. */
  addresses: string[];
  sortKey: string;
}

interface Doc extends IndexDoc {
  key: string;
  tokens: string[];
  nfcWords: string[];
  alive: boolean;
}

export function tokenize(s: string): string[] {
  return foldVietnamese(s)
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function foldedPhrase(s: string): string {
  return tokenize(s).join(' ');
}

export interface IndexQuery {
  limit?: number;
  kinds?: EntryKind[];
  /** Only entries whose unit (or, for units, itself) is in this set. */
  units?: Set<number> | null;
  /** Include people who left and units no longer valid. */
  includeInactive?: boolean;
}

export class SearchIndex {
  private docs: Doc[] = [];
  private byKey = new Map<string, number>();
  private postings = new Map<string, number[]>();
  private sortedTokens: string[] | null = [];
  private byAddress = new Map<string, number>();
  private stamp = new Uint32Array(1024);
  private generation = 0;
  private deadCount = 0;

  static key(kind: EntryKind, id: number): string {
    return `${kind}:${id}`;
  }

  get size(): number {
    return this.docs.length - this.deadCount;
  }

  clear(): void {
    this.docs = [];
    this.byKey.clear();
    this.postings.clear();
    this.byAddress.clear();
    this.sortedTokens = [];
    this.deadCount = 0;
  }

  get(kind: EntryKind, id: number): DirectoryEntry | null {
    const i = this.byKey.get(SearchIndex.key(kind, id));
    return i === undefined ? null : this.docs[i].entry;
  }

  /** All live entries of a kind (for re-deriving people when a unit is renamed). */
  entries(kind: EntryKind): DirectoryEntry[] {
    const out: DirectoryEntry[] = [];
    for (const d of this.docs) if (d.alive && d.entry.kind === kind) out.push(d.entry);
    return out;
  }

  upsert(doc: IndexDoc): void {
    const key = SearchIndex.key(doc.entry.kind, doc.entry.id);
    this.remove(doc.entry.kind, doc.entry.id);
    const tokens = [...new Set(doc.texts.flatMap(tokenize))];
    const nfcWords = doc.texts.flatMap((t) => normalizeNfc(t).toLowerCase().split(/\s+/)).filter(Boolean);
    const i = this.docs.length;
    this.docs.push({ ...doc, key, tokens, nfcWords, alive: true, fullName: foldedPhrase(doc.fullName), givenName: foldedPhrase(doc.givenName) });
    this.byKey.set(key, i);
    for (const t of tokens) {
      let p = this.postings.get(t);
      if (!p) {
        p = [];
        this.postings.set(t, p);
        this.sortedTokens = null;
      }
      p.push(i);
    }
    for (const a of doc.addresses) this.byAddress.set(a.toLowerCase(), i);
  }

  remove(kind: EntryKind, id: number): void {
    const key = SearchIndex.key(kind, id);
    const i = this.byKey.get(key);
    if (i === undefined) return;
    const d = this.docs[i];
    d.alive = false;
    this.deadCount++;
    this.byKey.delete(key);
    for (const a of d.addresses) if (this.byAddress.get(a.toLowerCase()) === i) this.byAddress.delete(a.toLowerCase());
    // postings keep the dead doc until the next compaction
    if (this.deadCount > 1000 && this.deadCount > this.docs.length / 2) this.compact();
  }

  private compact(): void {
    const live = this.docs.filter((d) => d.alive);
    this.clear();
    for (const d of live) this.upsert(d);
  }

  private tokensWithPrefix(prefix: string): string[] {
    if (!this.sortedTokens) this.sortedTokens = [...this.postings.keys()].sort();
    const toks = this.sortedTokens;
    let lo = 0;
    let hi = toks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (toks[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    for (let i = lo; i < toks.length && toks[i].startsWith(prefix); i++) out.push(toks[i]);
    return out;
  }

  private nextGeneration(): number {
    if (this.stamp.length < this.docs.length) {
      const s = new Uint32Array(Math.max(this.docs.length * 2, 1024));
      this.stamp = s;
      this.generation = 0;
    }
    this.generation++;
    if (this.generation === 0xffffffff) {
      this.stamp.fill(0);
      this.generation = 1;
    }
    return this.generation;
  }

  search(q: string, opts: IndexQuery = {}): DirectoryEntry[] {
    const limit = Math.max(1, Math.min(opts.limit ?? 20, 1000));
    const raw = normalizeNfc(q).trim().toLowerCase();
    if (!raw) return [];
    const accept = (d: Doc): boolean => {
      if (!d.alive) return false;
      if (opts.kinds && !opts.kinds.includes(d.entry.kind)) return false;
      if (!opts.includeInactive && (d.entry.status === 'left' || d.entry.status === 'expired')) return false;
      if (opts.units) {
        const u = d.entry.kind === 'unit' ? d.entry.id : d.entry.unitId;
        if (u === null || !opts.units.has(u)) return false;
      }
      return true;
    };
    // A whole address finds its owner (primary address or an alias).
    if (raw.includes('@')) {
      const i = this.byAddress.get(raw);
      return i !== undefined && accept(this.docs[i]) ? [this.docs[i].entry] : [];
    }
    const words = [...new Set(tokenize(raw))];
    if (words.length === 0) return [];
    // Each word: the postings of every token it is a prefix of. Smallest first.
    const perWord = words.map((w) => {
      const lists = this.tokensWithPrefix(w).map((t) => this.postings.get(t)!);
      return { w, lists, total: lists.reduce((n, l) => n + l.length, 0) };
    });
    perWord.sort((a, b) => a.total - b.total);
    if (perWord[0].total === 0) return [];
    let gen = this.nextGeneration();
    let candidates: number[] = [];
    for (const l of perWord[0].lists) {
      for (const i of l) {
        if (this.stamp[i] !== gen) {
          this.stamp[i] = gen;
          candidates.push(i);
        }
      }
    }
    for (const pw of perWord.slice(1)) {
      gen = this.nextGeneration();
      for (const l of pw.lists) for (const i of l) this.stamp[i] = gen;
      candidates = candidates.filter((i) => this.stamp[i] === gen);
      if (candidates.length === 0) return [];
    }
    const phrase = words.join(' ');
    const queryNfc = raw.split(/\s+/).filter((w) => foldVietnamese(w) !== w);
    // Keep the best `limit` (score desc, then Vietnamese order) without sorting every candidate.
    const top: Array<{ d: Doc; score: number }> = [];
    const better = (a: { d: Doc; score: number }, b: { d: Doc; score: number }) =>
      a.score !== b.score ? a.score > b.score : a.d.sortKey !== b.d.sortKey ? a.d.sortKey < b.d.sortKey : a.d.entry.id < b.d.entry.id;
    for (const i of candidates) {
      const d = this.docs[i];
      if (!accept(d)) continue;
      const s = { d, score: score(d, words, phrase, queryNfc) };
      let j: number;
      if (top.length < limit) {
        top.push(s);
        j = top.length - 1;
      } else if (better(s, top[limit - 1])) {
        j = limit - 1;
        top[j] = s;
      } else continue;
      while (j > 0 && better(top[j], top[j - 1])) {
        [top[j], top[j - 1]] = [top[j - 1], top[j]];
        j--;
      }
    }
    return top.map((t) => t.d.entry);
  }
}

function score(d: Doc, words: string[], phrase: string, queryNfc: string[]): number {
  let s = 0;
  if (d.fullName === phrase) s += 1000;
  else if (d.fullName.startsWith(phrase + ' ')) s += 200; // the query is the leading whole words
  else if (words.length > 1 && d.fullName.startsWith(phrase)) s += 150; // … the last one a prefix
  if (d.localParts.includes(phrase)) s += 1000;
  for (const w of words) {
    let best = 0;
    for (const t of d.tokens) {
      let v = 0;
      if (t === w) v = t === d.givenName ? 100 : d.localParts.includes(t) ? 90 : 50;
      else if (t.startsWith(w)) v = t === d.givenName ? 30 : 10;
      if (v > best) best = v;
    }
    s += best;
  }
  // Typed with accents: the exact spelling ranks before other words that fold the same.
  for (const w of queryNfc) if (d.nfcWords.includes(w)) s += 5;
  if (d.entry.status !== 'active') s -= 1;
  return s;
}
