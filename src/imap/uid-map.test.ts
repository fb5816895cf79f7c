// The run-length UID map agrees with a plain sorted array on every operation.
import { describe, it, expect } from 'vitest';
import { UidMap, formatRanges } from './uid-map.ts';

function rng(seed: number) {
  return () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
}

describe('UidMap', () => {
  it('maps sequence numbers and UIDs like a sorted array, through removals and appends', () => {
    const rand = rng(7);
    let arr: number[] = [];
    for (let u = 1; u <= 500; u++) if (rand() > 0.2) arr.push(u);
    const m = UidMap.from(arr);
    for (let round = 0; round < 30; round++) {
      expect(m.size).toBe(arr.length);
      expect([...m]).toEqual(arr);
      for (let k = 0; k < 20; k++) {
        const seq = 1 + Math.floor(rand() * arr.length);
        expect(m.uidAt(seq)).toBe(arr[seq - 1]);
        expect(m.seqOf(arr[seq - 1])).toBe(seq);
      }
      expect(m.seqOf(100000)).toBe(0);
      expect(m.uidAt(arr.length + 1)).toBe(0);
      const victims = arr.filter(() => rand() < 0.05);
      const expected: number[] = [];
      let removed = 0;
      for (let i = 0; i < arr.length; i++) if (victims.includes(arr[i])) expected.push(i + 1 - removed++);
      expect(m.remove(victims)).toEqual(expected);
      arr = arr.filter((u) => !victims.includes(u));
      const next = (arr[arr.length - 1] ?? 0) + 1 + Math.floor(rand() * 3);
      m.push(next);
      arr.push(next);
      expect(m.max).toBe(next);
      expect(m.countInRange(100, 300)).toBe(arr.filter((u) => u >= 100 && u <= 300).length);
      expect(
        m.inRanges([
          [5, 40],
          [200, 260],
        ]),
      ).toEqual(arr.filter((u) => (u >= 5 && u <= 40) || (u >= 200 && u <= 260)));
    }
  });

  it('builds from runs the same map as from the UIDs', () => {
    const a = UidMap.fromRuns([
      [1, 3],
      [7, 1],
      [10, 4],
    ]);
    expect([...a]).toEqual([1, 2, 3, 7, 10, 11, 12, 13]);
    expect(a.seqOf(10)).toBe(5);
    a.push(14);
    expect(a.uidAt(9)).toBe(14);
  });

  it('holds a contiguous folder of 20,000 UIDs as one run', () => {
    const m = UidMap.from(Array.from({ length: 20000 }, (_, i) => i + 1));
    expect(m.size).toBe(20000);
    expect(m.uidAt(12345)).toBe(12345);
    expect((m as unknown as { starts: number[] }).starts).toHaveLength(1);
  });

  it('gives the parts of ranges that hold no UID (VANISHED without a change log), like a plain array', () => {
    const m = UidMap.from([1, 3, 5, 6, 10, 11, 12, 20]);
    expect(formatRanges(m.absentIn([[1, 25]]))).toBe('2,4,7:9,13:19,21:25');
    expect(
      formatRanges(
        m.absentIn([
          [1, 3],
          [5, 12],
        ]),
      ),
    ).toBe('2,7:9');
    expect(m.absentIn([[10, 12]])).toEqual([]);
    expect(UidMap.from([]).absentIn([[1, 4]])).toEqual([[1, 4]]);
    const r = rng(7);
    for (let t = 0; t < 200; t++) {
      const uids = [...new Set(Array.from({ length: 30 }, () => 1 + Math.floor(r() * 80)))].sort((a, b) => a - b);
      const lo = 1 + Math.floor(r() * 40);
      const hi = lo + Math.floor(r() * 60);
      const want: number[] = [];
      for (let u = lo; u <= hi; u++) if (!uids.includes(u)) want.push(u);
      const got = UidMap.from(uids)
        .absentIn([[lo, hi]])
        .flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i));
      expect(got).toEqual(want);
    }
  });
});
