// Owns: the circuit breaker in front of the DNS servers. When they stop answering (`threshold`
// timeouts in a row, within `windowMs`) it opens: for `openMs` no query is sent and every lookup
// fails at once. Then it is half-open: one lookup goes out as a probe while the others still fail
// at once (waiting for the probe would hold every SMTP session for the resolver's whole timeout,
// every `openMs`); an answer closes it (a DNS server that comes back is used again), silence
// opens it again.
// Time comes from an injected clock; nothing here sleeps or sets timers.

export type BreakerState = 'closed' | 'open' | 'half-open';

/** What became of one query sent upstream. */
export type Outcome =
  /** The server answered (records, NXDOMAIN, no data, SERVFAIL…): it is alive. */
  | 'answer'
  /** No answer in time. */
  | 'silence'
  /** A local failure (connection refused, cancelled…): says nothing either way. */
  | 'other';

export interface BreakerOptions {
  threshold: number;
  windowMs: number;
  openMs: number;
  now: () => number;
  /** Told of every change of state (for the log). */
  onChange?: (state: BreakerState, reason: string) => void;
}

/** Whether a lookup may go upstream now. */
export type Admission = { go: true; probe: boolean } | { go: false };

export class CircuitBreaker {
  private st: BreakerState = 'closed';
  /** When the consecutive timeouts (since the last answer) came. */
  private silences: number[] = [];
  private openedAt = 0;
  /** A probe is out (half-open): the other lookups fail at once until it settles. */
  private probing = false;

  constructor(private readonly opts: BreakerOptions) {}

  get state(): BreakerState {
    if (this.st === 'open' && this.opts.now() - this.openedAt >= this.opts.openMs) this.set('half-open', 'open time over');
    return this.st;
  }

  /** Until when lookups fail at once (0 when not open). */
  get openUntil(): number {
    return this.state === 'open' ? this.openedAt + this.opts.openMs : 0;
  }

  /**
   * closed → go; open → refuse; half-open → the first caller goes as the probe, the others are
   * refused (they fail at once, as while open) until its outcome closes or reopens the breaker.
   */
  admit(): Admission {
    const s = this.state;
    if (s === 'closed') return { go: true, probe: false };
    if (s === 'open' || this.probing) return { go: false };
    this.probing = true;
    return { go: true, probe: true };
  }

  /** Record what became of a query that `admit` let through. */
  record(outcome: Outcome, probe: boolean): void {
    const now = this.opts.now();
    if (outcome === 'answer') {
      this.silences = [];
      if (this.st !== 'closed') this.set('closed', probe ? 'probe answered' : 'answer');
    } else if (outcome === 'silence') {
      this.silences = this.silences.filter((t) => now - t < this.opts.windowMs);
      this.silences.push(now);
      if (probe) this.open(now, 'probe unanswered');
      else if (this.st === 'closed' && this.silences.length >= this.opts.threshold) this.open(now, `${this.silences.length} timeouts in a row`);
    } else if (probe) {
      this.open(now, 'probe failed');
    }
    if (probe) this.probing = false;
  }

  private open(now: number, reason: string): void {
    this.openedAt = now;
    this.silences = [];
    this.set('open', reason);
  }

  private set(state: BreakerState, reason: string): void {
    if (this.st === state) return;
    this.st = state;
    this.opts.onChange?.(state, reason);
  }
}
