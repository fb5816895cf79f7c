import { describe, expect, it } from 'vitest';
import { LoginLimiter } from './login-limiter.ts';

describe('LoginLimiter', () => {
  it('blocks an address after max failures within the window and lets it go after', () => {
    let now = 1_000_000;
    const l = new LoginLimiter({ max: 3, windowMs: 60_000, now: () => now });
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
    const l = new LoginLimiter({ max: 2, windowMs: 1000, now: () => now });
    l.fail('a');
    now = 500;
    l.fail('a');
    now = 900;
    expect(l.blocked('a')).toBe(true);
    expect(l.blocked('b')).toBe(false);
    now = 1200;
    expect(l.blocked('a')).toBe(false);
    l.fail('a');
    expect(l.blocked('a')).toBe(true);
  });

  it('past 10,000 addresses the stale ones are dropped and fresh ones kept', () => {
    let now = 0;
    const l = new LoginLimiter({ max: 1, windowMs: 100, now: () => now });
    for (let i = 0; i < 10_000; i++) l.fail(`old-${i}`);
    now = 60;
    l.fail('fresh');
    now = 150;
    l.fail('newest');
    expect(l.blocked('fresh')).toBe(true);
    expect(l.blocked('old-0')).toBe(false);
  });
});
