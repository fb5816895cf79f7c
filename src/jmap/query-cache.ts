// Email/query's results kept while nothing changes: a query's answer depends only on the folders
// it scans at their HIGHESTMODSEQ (every append, flag change and expunge raises it; a message's
// date, size and text never change), its filter and its sort. So the sorted result of a query,
// and each folder's message list, are kept under that key, and a client paging a 100,000-message
// folder (position/anchor) reads the list and sorts it once per change, not once per page.
// Bounded by entries and by rows held; the oldest goes first. One per JMAP server (per store).
// Owns: the query cache.

export class QueryCache<T> {
  private readonly entries = new Map<string, T[]>();
  private rows = 0;

  constructor(
    private readonly maxEntries = 64,
    private readonly maxRows = 400_000,
  ) {}

  /** A kept result, without loading or reordering (Email/queryChanges reads the old result). */
  peek(key: string): T[] | undefined {
    return this.entries.get(key);
  }

  async get(key: string, load: () => Promise<T[]>): Promise<T[]> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key); // most recently used last
      this.entries.set(key, hit);
      return hit;
    }
    const value = await load();
    if (value.length > this.maxRows) return value;
    this.entries.set(key, value);
    this.rows += value.length;
    for (const [k, v] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.rows <= this.maxRows) break;
      this.entries.delete(k);
      this.rows -= v.length;
    }
    return value;
  }
}
