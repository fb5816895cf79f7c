import { describe, expect, it } from 'vitest';
import { BindLimiter } from './bind-limiter.ts';

describe('BindLimiter', () => {
  it('blocks an address after max failures within the window and lets it go after', () => {
    let now = 1_000_000;
    const l = new BindLimiter({ max: 3, windowMs: 60_000, now: () => now });
    l.fail('10.0.0.1');
    l.fail('10.0.0.1');
    expect(l.blocked('10.0.0.1')).toBe(false);
    l.fail('10.0.0.1');
    expect(l.blocked('10.0.0.1')).toBe(true);
    expect(l.blocked('10.0.0.2')).toBe(false);
    now += 60_001;
    expect(l.blocked('10.0.0.1')).toBe(false);
  });

  it('the window slides: old failures stop counting one by one', () => {
    let now = 0;
    const l = new BindLimiter({ max: 2, windowMs: 100, now: () => now });
    l.fail('a');
    now = 50;
    l.fail('a');
    expect(l.blocked('a')).toBe(true);
    now = 101;
    expect(l.blocked('a')).toBe(false);
    l.fail('a');
    expect(l.blocked('a')).toBe(true);
  });
});
