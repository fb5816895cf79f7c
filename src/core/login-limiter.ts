// Failed-login limiter, shared by the LDAP bind (src/ldap/bind.ts) and the API login
// (src/core/tokens.ts): at most `max` failures per key (the client address) within a sliding
// window of `windowMs`; past that the caller refuses without checking the password.
// The clock is injectable (`now`) so tests move time instead of sleeping.
export interface LoginLimiterOptions {
  max: number;
  windowMs: number;
  now?: () => number;
}

const PRUNE_AT = 10_000; // this many keys: drop the stale ones on the next failure

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly now: () => number;

  constructor(private readonly opts: LoginLimiterOptions) {
    this.now = opts.now ?? Date.now;
  }

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => now - t < this.opts.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  blocked(key: string): boolean {
    return this.recent(key, this.now()).length >= this.opts.max;
  }

  fail(key: string): void {
    const now = this.now();
    if (this.failures.size >= PRUNE_AT) for (const k of [...this.failures.keys()]) this.recent(k, now);
    const list = this.recent(key, now);
    list.push(now);
    this.failures.set(key, list);
  }
}
