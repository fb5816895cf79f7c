// Owns: the cache in front of the DNS servers. Answers are kept for their TTL (or a default when
// the record type brings none), capped, in a bounded least-recently-used map; "no such name" and
// "no such record" for `negativeTtlMs`; SERVFAIL, timeouts and refusals for `failureTtlMs`.
// Identical lookups in flight (same name and type) share one upstream query. Every upstream query
// passes the circuit breaker (breaker.ts): while it is open, and while its one probe is out when
// half-open, lookups fail at once with ETIMEOUT, which mailauth reports as `temperror` and
// outbound delivery as a deferral. The upstream is a function, so the whole of it is testable
// with a fake one and an injected clock. A lookup can also tell its caller until when the answer
// it gave stays cached (`lookup`'s `expires`): the auth stage's verdict memo lives no longer.
import { CircuitBreaker, type BreakerState, type Outcome } from './breaker.ts';

export interface UpstreamAnswer {
  value: unknown;
  /** How long the answer may be kept, when the record type tells (A, AAAA); else the default. */
  ttlMs?: number;
}

/** Asks the DNS servers: resolves with the answer or rejects with a node-style DNS error. */
export type Upstream = (name: string, rrtype: string) => Promise<UpstreamAnswer>;

export interface DnsCacheOptions {
  upstream: Upstream;
  now?: () => number;
  maxEntries?: number;
  defaultTtlMs?: number;
  maxTtlMs?: number;
  negativeTtlMs?: number;
  failureTtlMs?: number;
  breaker?: { threshold: number; windowMs: number; openMs: number };
  onBreakerChange?: (state: BreakerState, reason: string) => void;
}

/**
 * A DNS failure as node's resolver reports it (code ENOTFOUND, ENODATA, ETIMEOUT, ESERVFAIL …).
 * An answer, not a fault of ours: made without a stack trace (with a silent resolver every message
 * met two or three of them, some 25 µs each to capture and source-map).
 */
export class DnsError extends Error {
  readonly hostname: string;
  readonly code: string;
  readonly syscall: string;
  constructor(code: string, syscall: string, hostname: string, message?: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(message ?? `${syscall} ${code} ${hostname}`);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.name = 'DnsError';
    this.code = code;
    this.syscall = syscall;
    this.hostname = hostname;
  }
}

/** The name does not exist, or has no record of the type: a (cacheable) answer. */
const NEGATIVE = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN']);
/** The server answered, though not with records: it is alive. */
const ANSWERED = new Set(['ESERVFAIL', 'EREFUSED', 'EFORMERR', 'ENOTIMP', 'EBADRESP', 'EBADNAME']);

export interface DnsStats {
  /** Queries sent to the DNS servers. */
  upstream: number;
  /** Lookups answered from the cache (records or a cached failure). */
  hits: number;
  /** Lookups that joined an identical query in flight. */
  coalesced: number;
  /** Lookups refused at once because the breaker was open. */
  shortCircuited: number;
}

type Entry = { expires: number; ok: true; value: unknown } | { expires: number; ok: false; code: string; syscall: string; message: string };

export function normName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

function clone<T>(v: T): T {
  return v === null || typeof v !== 'object' ? v : structuredClone(v);
}

/**
 * Told, for each lookup, until when (on the cache's clock, `now`) the cache gives the same answer:
 * the expiry of the entry that answered, records or a failure; `now()` when nothing was kept (the
 * breaker refused the lookup, or the cache keeps nothing).
 */
export type ExpiryNote = (expires: number) => void;

export class DnsCache {
  readonly stats: DnsStats = { upstream: 0, hits: 0, coalesced: 0, shortCircuited: 0 };
  readonly breaker: CircuitBreaker;
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Entry>>();
  /** The cache's clock (injected in tests); expiries are on it. */
  readonly now: () => number;
  private readonly maxEntries: number;
  private readonly defaultTtlMs: number;
  private readonly maxTtlMs: number;
  private readonly negativeTtlMs: number;
  private readonly failureTtlMs: number;

  constructor(private readonly opts: DnsCacheOptions) {
    this.now = opts.now ?? Date.now;
    this.maxEntries = opts.maxEntries ?? 10_000;
    this.defaultTtlMs = opts.defaultTtlMs ?? 300_000;
    this.maxTtlMs = opts.maxTtlMs ?? 3_600_000;
    this.negativeTtlMs = opts.negativeTtlMs ?? 300_000;
    this.failureTtlMs = opts.failureTtlMs ?? 30_000;
    const b = opts.breaker ?? { threshold: 3, windowMs: 60_000, openMs: 30_000 };
    this.breaker = new CircuitBreaker({ ...b, now: this.now, onChange: opts.onBreakerChange });
  }

  get size(): number {
    return this.entries.size;
  }

  /** Forget every answer (the breaker keeps its state). */
  clear(): void {
    this.entries.clear();
  }

  /**
   * The answer for `name` / `rrtype` (upper case, e.g. 'TXT'): cached, shared or asked for.
   * `expires`, when given, is told until when this answer (or failure) stays cached.
   */
  async lookup(name: string, rrtype: string, expires?: ExpiryNote): Promise<unknown> {
    const key = `${rrtype} ${normName(name)}`;
    const cached = this.cached(key);
    if (cached) {
      this.stats.hits++;
      return this.settle(cached, name, expires);
    }
    const shared = this.inflight.get(key);
    if (shared) {
      this.stats.coalesced++;
      return this.settle(await shared, name, expires);
    }
    const admission = this.breaker.admit();
    if (admission.go) return this.settle(await this.ask(key, name, rrtype, admission.probe), name, expires);
    // Open, or half-open with its probe out: fail at once (nobody waits for the resolver's timeout).
    this.stats.shortCircuited++;
    expires?.(this.now());
    const secs = Math.max(0, Math.ceil((this.breaker.openUntil - this.now()) / 1000));
    throw new DnsError(
      'ETIMEOUT',
      `query${rrtype}`,
      name,
      secs
        ? `Máy chủ DNS không trả lời, tạm ngừng hỏi ${secs} s / DNS servers not answering, not asking for ${secs} s (${rrtype} ${name})`
        : `Máy chủ DNS không trả lời, đang thử lại / DNS servers not answering, probing them (${rrtype} ${name})`,
    );
  }

  /** An entry as this caller's answer: its own copy of the records, or the failure thrown. */
  private settle(e: Entry, name: string, expires: ExpiryNote | undefined): unknown {
    expires?.(e.expires);
    if (e.ok) return clone(e.value);
    throw new DnsError(e.code, e.syscall, name, e.message);
  }

  private cached(key: string): Entry | null {
    const e = this.entries.get(key);
    if (!e) return null;
    this.entries.delete(key);
    if (e.expires <= this.now()) return null;
    this.entries.set(key, e); // most recently used goes last
    return e;
  }

  /** Keep `e`; the entry as kept: expiring now when it is not (no room at all, no time). */
  private store(key: string, e: Entry): Entry {
    if (this.maxEntries <= 0 || e.expires <= this.now()) return { ...e, expires: this.now() };
    this.entries.delete(key);
    this.entries.set(key, e);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return e;
  }

  /** Ask the upstream; settles with the entry made of its answer or failure (never rejects). */
  private ask(key: string, name: string, rrtype: string, probe: boolean): Promise<Entry> {
    this.stats.upstream++;
    const p = (async (): Promise<Entry> => {
      let outcome: Outcome = 'other';
      try {
        const a = await this.opts.upstream(name, rrtype);
        outcome = 'answer';
        const ttl = Math.min(this.maxTtlMs, a.ttlMs ?? this.defaultTtlMs);
        return this.store(key, { expires: this.now() + ttl, ok: true, value: a.value });
      } catch (err) {
        const e = err as { code?: string; syscall?: string; message?: string };
        const code = e.code ?? 'EUNKNOWN';
        const negative = NEGATIVE.has(code);
        outcome = negative || ANSWERED.has(code) ? 'answer' : code === 'ETIMEOUT' ? 'silence' : 'other';
        const ttl = Math.min(this.maxTtlMs, negative ? this.negativeTtlMs : this.failureTtlMs);
        return this.store(key, { expires: this.now() + ttl, ok: false, code, syscall: e.syscall ?? `query${rrtype}`, message: e.message ?? code });
      } finally {
        this.inflight.delete(key);
        this.breaker.record(outcome, probe);
      }
    })();
    this.inflight.set(key, p);
    return p;
  }
}
