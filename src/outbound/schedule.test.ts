import { describe, expect, it } from 'vitest';
import { backoff, nextAttempt } from './schedule.ts';

const c = { retryMinMs: 300_000, retryMaxMs: 4 * 3600_000, lifetimeMs: 5 * 24 * 3600_000 };

describe('retry schedule', () => {
  it('doubles the wait from the minimum and stops at the maximum', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 40].map((n) => backoff(n, c) / 60_000)).toEqual([5, 10, 20, 40, 80, 160, 240, 240]);
  });

  it('puts the last attempt at the end of the lifetime, and expires after it', () => {
    const created = 1_000_000;
    const end = created + c.lifetimeMs;
    expect(nextAttempt(created + 60_000, created, 1, c)).toBe(created + 60_000 + 300_000);
    expect(nextAttempt(end - 1000, created, 30, c)).toBe(end);
    expect(nextAttempt(end, created, 31, c)).toBe('expired');
  });
});
