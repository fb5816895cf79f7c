// Deterministic randomness: the project's one seeded PRNG (mulberry32; the tests and benches take
// it through test/helpers/rng.ts) and the few helpers the demo's generators need (integers,
// picks, weighted picks).
export type Random = () => number;

/** mulberry32: the same seed gives the same sequence, so a demo can be rebuilt identically. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [min, max] inclusive. */
export function randInt(r: Random, min: number, max: number): number {
  return min + Math.floor(r() * (max - min + 1));
}

export function pick<T>(r: Random, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

/** A table for weighted picks: built once (cumulative weights), then each pick is a binary search. */
export class Weighted<T> {
  private readonly cum: number[] = [];
  private readonly total: number;
  constructor(readonly entries: ReadonlyArray<readonly [T, number]>) {
    let sum = 0;
    for (const [, w] of entries) {
      sum += w;
      this.cum.push(sum);
    }
    this.total = sum;
  }
  pick(r: Random): T {
    const x = r() * this.total;
    let lo = 0;
    let hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cum[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return this.entries[lo][0];
  }
  /** The share of one value (for tests and documentation). */
  share(value: T): number {
    const w = this.entries.filter(([v]) => v === value).reduce((a, [, x]) => a + x, 0);
    return w / this.total;
  }
}
