// Owns: The sequence-number ↔ UID map of a selected mailbox, kept as runs of consecutive UIDs, so a
// session on a 20,000-message folder whose UIDs are mostly contiguous holds a few numbers, not
// 20,000 (memory per idle connection). Sequence number n is the n-th UID in ascending order.
export class UidMap {
  private starts: number[] = [];
  private lens: number[] = [];
  /** prefix[i] = number of UIDs in runs before run i (rebuilt lazily after changes). */
  private prefix: number[] = [];
  private dirty = false;
  private count = 0;

  /** From runs of consecutive UIDs, ascending: [first, count]. */
  static fromRuns(runs: ReadonlyArray<readonly [number, number]>): UidMap {
    const m = new UidMap();
    for (const [first, n] of runs) {
      if (n <= 0) continue;
      m.starts.push(first);
      m.lens.push(n);
      m.prefix.push(m.count);
      m.count += n;
    }
    return m;
  }

  static from(sortedUids: Iterable<number>): UidMap {
    const m = new UidMap();
    for (const u of sortedUids) m.push(u);
    return m;
  }

  get size(): number {
    return this.count;
  }

  get max(): number {
    const i = this.starts.length - 1;
    return i < 0 ? 0 : this.starts[i] + this.lens[i] - 1;
  }

  /** Append a UID larger than every UID already held. */
  push(uid: number): void {
    const i = this.starts.length - 1;
    if (i >= 0 && this.starts[i] + this.lens[i] === uid) this.lens[i]++;
    else {
      this.starts.push(uid);
      this.lens.push(1);
      this.prefix.push(this.count);
    }
    this.count++;
  }

  private ensurePrefix(): void {
    if (!this.dirty) return;
    let c = 0;
    for (let i = 0; i < this.starts.length; i++) {
      this.prefix[i] = c;
      c += this.lens[i];
    }
    this.prefix.length = this.starts.length;
    this.dirty = false;
  }

  /** Index of the run holding `uid`, or -(insertion point) - 1. */
  private runOf(uid: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (uid < this.starts[mid]) hi = mid - 1;
      else if (uid >= this.starts[mid] + this.lens[mid]) lo = mid + 1;
      else return mid;
    }
    return -lo - 1;
  }

  has(uid: number): boolean {
    return this.runOf(uid) >= 0;
  }

  /** Sequence number of `uid`, 0 when absent. */
  seqOf(uid: number): number {
    const r = this.runOf(uid);
    if (r < 0) return 0;
    this.ensurePrefix();
    return this.prefix[r] + (uid - this.starts[r]) + 1;
  }

  /** UID at sequence number `seq` (1-based); 0 when out of range. */
  uidAt(seq: number): number {
    if (seq < 1 || seq > this.count) return 0;
    this.ensurePrefix();
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.prefix[mid] < seq) lo = mid;
      else hi = mid - 1;
    }
    return this.starts[lo] + (seq - 1 - this.prefix[lo]);
  }

  /** How many held UIDs lie in [lo, hi]. */
  countInRange(lo: number, hi: number): number {
    let n = 0;
    for (let i = 0; i < this.starts.length; i++) {
      const a = Math.max(lo, this.starts[i]);
      const b = Math.min(hi, this.starts[i] + this.lens[i] - 1);
      if (b >= a) n += b - a + 1;
    }
    return n;
  }

  /** Held UIDs within the inclusive ranges (ascending, non-overlapping), ascending. */
  inRanges(ranges: ReadonlyArray<readonly [number, number]>): number[] {
    const out: number[] = [];
    let i = 0;
    for (const [lo, hi] of ranges) {
      while (i < this.starts.length && this.starts[i] + this.lens[i] - 1 < lo) i++;
      for (let j = i; j < this.starts.length && this.starts[j] <= hi; j++) {
        const a = Math.max(lo, this.starts[j]);
        const b = Math.min(hi, this.starts[j] + this.lens[j] - 1);
        for (let u = a; u <= b; u++) out.push(u);
      }
    }
    return out;
  }

  /** The parts of the inclusive ranges (ascending, non-overlapping) that hold no UID of the map. */
  absentIn(ranges: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    let i = 0;
    for (const [lo, hi] of ranges) {
      while (i < this.starts.length && this.starts[i] + this.lens[i] - 1 < lo) i++;
      let cur = lo;
      for (let j = i; cur <= hi && j < this.starts.length && this.starts[j] <= hi; j++) {
        if (this.starts[j] > cur) out.push([cur, this.starts[j] - 1]);
        cur = Math.max(cur, this.starts[j] + this.lens[j]);
      }
      if (cur <= hi) out.push([cur, hi]);
    }
    return out;
  }

  /**
   * Remove UIDs. Returns, for each removed UID in ascending order, its sequence number at the
   * moment of its removal (RFC 3501 7.4.1: each EXPUNGE shifts the later ones down by one).
   */
  remove(uids: Iterable<number>): number[] {
    const seqs = [...new Set(uids)]
      .map((u) => this.seqOf(u))
      .filter((s) => s > 0)
      .sort((a, b) => a - b);
    if (!seqs.length) return [];
    const gone = new Set(seqs.map((s) => this.uidAt(s)));
    const kept = [...this].filter((u) => !gone.has(u));
    this.starts = [];
    this.lens = [];
    this.prefix = [];
    this.count = 0;
    this.dirty = false;
    for (const u of kept) this.push(u);
    return seqs.map((s, i) => s - i);
  }

  *[Symbol.iterator](): IterableIterator<number> {
    for (let i = 0; i < this.starts.length; i++) for (let u = this.starts[i]; u < this.starts[i] + this.lens[i]; u++) yield u;
  }
}

/** Inclusive ranges as sequence-set text: [[1, 3], [5, 5]] → "1:3,5". */
export function formatRanges(ranges: ReadonlyArray<readonly [number, number]>): string {
  return ranges.map(([a, b]) => (a === b ? String(a) : `${a}:${b}`)).join(',');
}
