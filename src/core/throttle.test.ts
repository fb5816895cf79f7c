// The throttle's pure rules: reservations count before the check, the window slides, the max-th
// failure locks, delays double after the free failures, a success gives its reservation back, and
// client addresses are counted as IPv4 or IPv6 /64.
import { describe, expect, it } from 'vitest';
import { addressKey, admit, delayAfter, EMPTY_BUCKET, isIdle, PENDING_TTL_MS, settle, type BucketState, type ThrottleLimits } from './throttle.ts';

const L: ThrottleLimits = { max: 10, windowMs: 15 * 60_000, lockoutMs: 15 * 60_000, freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 60_000 };
const NO_DELAY: ThrottleLimits = { ...L, freeFailures: Infinity };

function fail(s: BucketState, now: number, l = L): BucketState {
  const a = admit(s, now, l);
  if (!a.ok) throw new Error(`refused at ${now}: ${a.reason}`);
  return settle(a.state, now, false, now, l).state;
}

describe('sign-in throttle rules', () => {
  it('counts an attempt before its check: 100 simultaneous reservations, 10 admitted, the rest wait (busy) and nothing is locked', () => {
    let s: BucketState = { ...EMPTY_BUCKET };
    let admitted = 0;
    const refusals = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const a = admit(s, 1000, L);
      s = a.state;
      if (a.ok) admitted++;
      else refusals.add(a.reason);
    }
    expect(admitted).toBe(10);
    expect([...refusals]).toEqual(['busy']);
    expect(s.lockedUntil).toBe(0);
    // The ten turn out wrong: the tenth counted failure locks.
    let lockedNow = 0;
    for (let i = 0; i < 10; i++) {
      const r = settle(s, 1000, false, 1001, NO_DELAY);
      s = r.state;
      if (r.lockedNow) lockedNow++;
    }
    expect(s.failures).toHaveLength(10);
    expect(s.pending).toHaveLength(0);
    expect(lockedNow).toBe(1);
    expect(admit(s, 1002, L)).toMatchObject({ ok: false, reason: 'locked' });
  });

  it('ten clients of one official signing in at once with the right password: the eleventh waits, none locks', () => {
    let s: BucketState = { ...EMPTY_BUCKET };
    for (let i = 0; i < 10; i++) s = (admit(s, 5, L) as { state: BucketState }).state;
    expect(admit(s, 6, L)).toMatchObject({ ok: false, reason: 'busy', lockedNow: false });
    s = settle(s, 5, true, 7, L).state; // one check ended: its place is free
    const a = admit(s, 8, L);
    expect(a.ok).toBe(true);
    expect(a.state.pending).toHaveLength(10);
    expect(a.state.failures).toHaveLength(0);
  });

  it('a reservation left by a process that died mid-check stops counting after PENDING_TTL_MS', () => {
    let s: BucketState = { ...EMPTY_BUCKET };
    for (let i = 0; i < 10; i++) s = (admit(s, 0, L) as { state: BucketState }).state;
    expect(admit(s, PENDING_TTL_MS - 1, L)).toMatchObject({ ok: false, reason: 'busy' });
    expect(admit(s, PENDING_TTL_MS + 1, L).ok).toBe(true);
  });

  it('a right password gives its reservation back and clears the run of failures', () => {
    let s = fail(fail({ ...EMPTY_BUCKET }, 0, NO_DELAY), 1, NO_DELAY);
    const a = admit(s, 2, NO_DELAY);
    expect(a.ok).toBe(true);
    expect(a.state.failures).toHaveLength(2);
    expect(a.state.pending).toEqual([2]);
    s = settle(a.state, 2, true, 3, NO_DELAY).state;
    expect(s.failures).toEqual([0, 1]);
    expect(s.pending).toEqual([]);
    expect(s.consecutive).toBe(0);
  });

  it('locks at the max-th failure for lockoutMs, and never allows more than max in any window', () => {
    let s: BucketState = { ...EMPTY_BUCKET };
    const guesses: number[] = [];
    // A guess every second for two hours, without delays: only the window and the lockout stop it.
    for (let t = 0; t < 2 * 3600_000; t += 1000) {
      const a = admit(s, t, NO_DELAY);
      s = a.state;
      if (!a.ok) continue;
      guesses.push(t);
      const r = settle(a.state, t, false, t, NO_DELAY);
      s = r.state;
      if (guesses.length === 10) expect(r.lockedNow).toBe(true);
    }
    for (let i = 0; i + 10 < guesses.length; i++) expect(guesses[i + 10] - guesses[i]).toBeGreaterThanOrEqual(L.windowMs);
    expect(guesses.length).toBeLessThanOrEqual(10 * 9); // 2 h / 15 min, plus the first window
  });

  it('delays double after the free failures, up to the maximum', () => {
    expect([0, 1, 2, 3, 4, 5, 12].map((n) => delayAfter(n, L))).toEqual([0, 0, 0, 1000, 2000, 4000, 60_000]);
    let s: BucketState = { ...EMPTY_BUCKET };
    for (let t = 0; t < 3; t++) s = fail(s, t);
    const refused = admit(s, 500, L);
    expect(refused).toMatchObject({ ok: false, reason: 'delay' });
    expect(refused.ok ? 0 : refused.retryAfterMs).toBe(502);
    expect(admit(s, 1002, L).ok).toBe(true);
    expect(delayAfter(50, NO_DELAY)).toBe(0);
  });

  it('the window slides and an idle bucket can be forgotten', () => {
    let s: BucketState = { ...EMPTY_BUCKET };
    for (let t = 0; t < 9; t++) s = fail(s, t * 1000, NO_DELAY);
    expect(isIdle(s, 10_000, NO_DELAY)).toBe(false);
    const later = admit(s, L.windowMs + 500, NO_DELAY).state;
    expect(later.failures).toHaveLength(8); // the first went out of the window …
    expect(later.pending).toHaveLength(1); // … and the new reservation came in
    expect(isIdle(s, L.windowMs + 9000, NO_DELAY)).toBe(true);
  });

  it('counts IPv4 as is and IPv6 per /64', () => {
    expect(addressKey('10.1.2.3')).toBe('10.1.2.3');
    expect(addressKey('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:0db8:0001:0002::/64');
    expect(addressKey('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe(addressKey('2001:db8:1:2::9'));
    expect(addressKey('2001:db8:1:3::9')).not.toBe(addressKey('2001:db8:1:2::9'));
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0000:0000:0000::/64');
    expect(addressKey('::1')).toBe('0000:0000:0000:0000::/64');
  });
});
