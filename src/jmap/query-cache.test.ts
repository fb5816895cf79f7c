// The query cache: a hit does not load again; the oldest entries go first past the entry or row bound.
import { describe, it, expect } from 'vitest';
import { QueryCache } from './query-cache.ts';

describe('QueryCache', () => {
  it('loads once per key and evicts the least recently used past its bounds', async () => {
    const c = new QueryCache<number>(2, 5);
    let loads = 0;
    const load = (n: number) => async () => {
      loads++;
      return Array.from({ length: n }, (_, i) => i);
    };
    expect(await c.get('a', load(2))).toEqual([0, 1]);
    expect(await c.get('a', load(2))).toEqual([0, 1]);
    expect(loads).toBe(1);
    await c.get('b', load(2));
    await c.get('a', load(2)); // a is now the most recent
    await c.get('c', load(1)); // three entries: b goes
    expect(loads).toBe(3);
    await c.get('a', load(2));
    expect(loads).toBe(3);
    await c.get('b', load(2));
    expect(loads).toBe(4);
    await c.get('d', load(5)); // the row bound: everything older goes
    await c.get('b', load(2));
    expect(loads).toBe(6);
  });
  it('does not keep a result larger than the row bound', async () => {
    const c = new QueryCache<number>(10, 3);
    let loads = 0;
    const big = async () => {
      loads++;
      return [1, 2, 3, 4];
    };
    await c.get('x', big);
    await c.get('x', big);
    expect(loads).toBe(2);
  });
});
