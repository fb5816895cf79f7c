// The sign-in throttle's rules, pure (no I/O, the time is a parameter): what a bucket of counted
// failures allows now. A bucket is an account ('acct:<login>'), a client address ('ip:<address>',
// IPv6 counted per /64) or an account seen from one of its usual addresses
// ('pair:<login>|<address>'). Before a password is checked the caller RESERVES an attempt (it is
// recorded as pending at once, in the same transaction that read the bucket, so simultaneous
// attempts cannot all pass); a right password gives the reservation back, a wrong one turns it
// into a failure.
//  - failures plus attempts in flight never exceed `max` within `windowMs`: an attempt that finds
//    the bucket full of attempts in flight waits its turn ('busy': the caller retries shortly, and
//    nothing is locked — ten of an official's own clients signing in at once are not an attack);
//  - the `max`-th counted failure locks the bucket for `lockoutMs` (audited, the user is told);
//  - after `freeFailures` failures in a row, each next attempt waits `baseDelayMs` × 2^(n − free),
//    at most `maxDelayMs` (exponential delay).
// Owns: the bucket keys, admission and settlement; the rows are storage/repositories/sign-in.ts's,
// the flow is core/sign-in.ts's.
import net from 'node:net';
import type { BucketState } from '../storage/repositories/sign-in.ts';

export type { BucketState };

export interface ThrottleLimits {
  /** Failures (attempts in flight included) allowed within the window; the last one locks. */
  max: number;
  windowMs: number;
  /** How long a bucket stays locked once `max` is reached. */
  lockoutMs: number;
  /** Failures in a row before delays start (Infinity: no delays). */
  freeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const EMPTY_BUCKET: Readonly<BucketState> = Object.freeze({ failures: [], pending: [], consecutive: 0, lastFailureAt: 0, lockedUntil: 0 });

/** A reservation older than this was left by a process that died mid-check: it no longer counts. */
export const PENDING_TTL_MS = 60_000;
/** How soon an attempt that found the bucket busy (full of attempts in flight) may try again. */
export const BUSY_RETRY_MS = 100;

export type Admission =
  | { ok: true; state: BucketState }
  /** `lockedNow`: this attempt is the one that locked the bucket (audit, notice). 'busy': full of attempts in flight, retry shortly. */
  | { ok: false; reason: 'locked' | 'delay' | 'busy'; retryAfterMs: number; state: BucketState; lockedNow: boolean };

function inWindow(failures: number[], now: number, windowMs: number): number[] {
  return failures.filter((t) => t > now - windowMs && t <= now + windowMs);
}

function live(pending: number[] | undefined, now: number): number[] {
  return (pending ?? []).filter((t) => t > now - PENDING_TTL_MS && t <= now + PENDING_TTL_MS);
}

/** The wait after `consecutive` failures in a row (0 while free). */
export function delayAfter(consecutive: number, l: ThrottleLimits): number {
  if (!Number.isFinite(l.freeFailures) || consecutive < l.freeFailures) return 0;
  const exp = Math.min(30, consecutive - l.freeFailures);
  return Math.min(l.maxDelayMs, l.baseDelayMs * 2 ** exp);
}

/** May an attempt start now? When it may, the returned state carries its reservation (`now`). */
export function admit(s: BucketState, now: number, l: ThrottleLimits): Admission {
  const failures = inWindow(s.failures, now, l.windowMs);
  const pending = live(s.pending, now);
  const state: BucketState = { ...s, failures, pending };
  if (state.lockedUntil > now) return { ok: false, reason: 'locked', retryAfterMs: state.lockedUntil - now, state, lockedNow: false };
  if (failures.length >= l.max) {
    // Full without a lock (the limits were lowered, or the lock was lifted while failures stayed): lock now.
    state.lockedUntil = now + l.lockoutMs;
    return { ok: false, reason: 'locked', retryAfterMs: l.lockoutMs, state, lockedNow: true };
  }
  if (failures.length + pending.length >= l.max) return { ok: false, reason: 'busy', retryAfterMs: BUSY_RETRY_MS, state, lockedNow: false };
  const wait = state.lastFailureAt + delayAfter(state.consecutive, l) - now;
  if (wait > 0) return { ok: false, reason: 'delay', retryAfterMs: wait, state, lockedNow: false };
  state.pending = [...pending, now];
  return { ok: true, state };
}

/**
 * The check of an attempt reserved at `reservedAt` ended. A success gives the reservation back and
 * clears the run of failures; a failure keeps it, and the `max`-th failure in the window locks.
 */
export function settle(s: BucketState, reservedAt: number, success: boolean, now: number, l: ThrottleLimits): { state: BucketState; lockedNow: boolean } {
  const failures = inWindow(s.failures, now, l.windowMs);
  const pending = live(s.pending, now);
  const i = pending.indexOf(reservedAt);
  if (i >= 0) pending.splice(i, 1);
  if (success) return { state: { ...s, failures, pending, consecutive: 0 }, lockedNow: false };
  if (reservedAt > now - l.windowMs) failures.push(reservedAt); // a failure also when the bucket was lifted meanwhile
  failures.sort((a, b) => a - b);
  const state: BucketState = { failures, pending, consecutive: s.consecutive + 1, lastFailureAt: now, lockedUntil: s.lockedUntil };
  let lockedNow = false;
  if (failures.length >= l.max && state.lockedUntil <= now) {
    state.lockedUntil = now + l.lockoutMs;
    lockedNow = true;
  }
  return { state, lockedNow };
}

/** A bucket nobody needs any more (nothing in the window, not locked, no delay pending). */
export function isIdle(s: BucketState, now: number, l: ThrottleLimits): boolean {
  return inWindow(s.failures, now, l.windowMs).length === 0 && live(s.pending, now).length === 0 && s.lockedUntil <= now && s.lastFailureAt + delayAfter(s.consecutive, l) <= now;
}

// ---------------------------------------------------------------- keys

/** The eight groups of an IPv6 address, each 4 hex digits; null when it is not one. */
function ipv6Groups(a: string): string[] | null {
  if (!net.isIPv6(a)) return null;
  let s = a;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const p = v4[1].split('.').map(Number);
    s = s.slice(0, -v4[1].length) + `${((p[0] << 8) | p[1]).toString(16)}:${((p[2] << 8) | p[3]).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, null];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === null ? [] : new Array(8 - h.length - t.length).fill('0');
  const groups = [...h, ...fill, ...t];
  return groups.length === 8 ? groups.map((g) => g.padStart(4, '0')) : null;
}

/** The client address as counted: IPv4 as is (also when IPv4-mapped), IPv6 by its /64. */
export function addressKey(remote: string): string {
  let a = remote.trim().toLowerCase();
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return mapped[1];
  const g = ipv6Groups(a);
  if (g) return `${g.slice(0, 4).join(':')}::/64`;
  return a || 'unknown';
}

export const accountBucket = (login: string): string => `acct:${login}`;
export const addressBucket = (address: string): string => `ip:${address}`;
export const pairBucket = (login: string, address: string): string => `pair:${login}|${address}`;

/** What a bucket key counts, for administrators: the kind and its subject. */
export function describeBucket(key: string): { kind: 'account' | 'address' | 'account-address'; subject: string } {
  if (key.startsWith('acct:')) return { kind: 'account', subject: key.slice(5) };
  if (key.startsWith('ip:')) return { kind: 'address', subject: key.slice(3) };
  return { kind: 'account-address', subject: key.slice(5) };
}
