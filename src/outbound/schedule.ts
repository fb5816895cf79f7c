// The retry schedule of a deferred recipient (Postfix's model): the wait doubles with each
// attempt from `retryMinMs` up to `retryMaxMs`, and the last try falls at the end of the
// message's lifetime, after which a still-failing recipient is bounced.
export interface ScheduleConfig {
  retryMinMs: number;
  retryMaxMs: number;
  lifetimeMs: number;
}

/** Wait before the next attempt after `attempts` failed ones (1 = the first failure). */
export function backoff(attempts: number, c: Pick<ScheduleConfig, 'retryMinMs' | 'retryMaxMs'>): number {
  const n = Math.max(1, attempts);
  const wait = c.retryMinMs * 2 ** Math.min(n - 1, 30);
  return Math.min(c.retryMaxMs, Math.max(c.retryMinMs, wait));
}

/** When a message queued at `createdAt` expires. */
export function expiresAt(createdAt: number, c: Pick<ScheduleConfig, 'lifetimeMs'>): number {
  return createdAt + c.lifetimeMs;
}

/**
 * After a temporary failure at `now`: the time of the next attempt, or 'expired' when the
 * lifetime is over (the recipient is then bounced with the last reason).
 */
export function nextAttempt(now: number, createdAt: number, attempts: number, c: ScheduleConfig): number | 'expired' {
  const end = expiresAt(createdAt, c);
  if (now >= end) return 'expired';
  return Math.min(now + backoff(attempts, c), end);
}
