// Owns: the DNS resolver every part uses — MX lookups for delivery, SPF/DKIM/DMARC/ARC for
// verification, the PTR name of SMTP clients. Its servers are configuration (`dns.servers`,
// "host" or "host:port"), so tests point the whole system at a DNS server on a loopback port.
// `createResolver(cfg)` gives the one cached resolver of a configuration (dns-cache.ts: TTL cache,
// shared queries in flight, circuit breaker), so one App shares answers and the breaker between
// verification and delivery; its `resolve` can also tell until when an answer stays cached (the
// auth stage's verdict memo expires with the answers it used). `createDirectResolver` asks the
// servers every time (`thutin dns --check`, which must see what was just published),
// `probeResolver` is `thutin doctor`'s check.
import net from 'node:net';
import { promises as dnsPromises } from 'node:dns';
import { configSchema, type Config } from '../config/config.ts';
import { DnsCache, type DnsStats, type ExpiryNote, type Upstream } from './dns-cache.ts';
import type { BreakerState } from './breaker.ts';

/** What the system asks of a resolver; node's own Resolver has the same shape. */
export interface Resolver {
  resolve(name: string, rrtype: string): Promise<unknown>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
  resolveMx(name: string): Promise<Array<{ exchange: string; priority: number }>>;
  resolveTxt(name: string): Promise<string[][]>;
  resolveSrv(name: string): Promise<Array<{ name: string; port: number; priority: number; weight: number }>>;
  resolveCname(name: string): Promise<string[]>;
  reverse(ip: string): Promise<string[]>;
}

/** The `dns` section; the keys not given take their configured defaults. */
export type DnsSettings = { servers: string[] } & Partial<Config['dns']>;

/** Where changes of the breaker are logged (a pino logger fits). */
export interface ResolverLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface ResolverOptions {
  now?: () => number;
  /** Logs the breaker opening and closing; `createResolver` attaches the first one given. */
  log?: ResolverLog;
}

function settings(cfg: { dns: DnsSettings }): Config['dns'] {
  return configSchema.shape.dns.parse(cfg.dns);
}

function nodeResolver(dns: Config['dns']): dnsPromises.Resolver {
  const r = new dnsPromises.Resolver({ timeout: dns.timeoutMs, tries: dns.tries });
  // Node accepts "1.2.3.4", "1.2.3.4:5353" and "[::1]:5353".
  if (dns.servers.length) r.setServers(dns.servers.map((s) => s.trim()));
  return r;
}

/** The name a PTR query asks for an address (in-addr.arpa / ip6.arpa). */
export function ptrName(ip: string): string {
  const v4 = ip.replace(/^::ffff:/i, '');
  if (net.isIPv4(v4)) return `${v4.split('.').reverse().join('.')}.in-addr.arpa`;
  if (!net.isIPv6(ip)) throw Object.assign(new Error(`Không phải địa chỉ IP / not an IP address: ${ip}`), { code: 'EINVAL' });
  // Expand "::" and every group to four digits, then one label per hex digit, reversed.
  // An IPv4 tail ("::ffff:c000:201" written "::ffff:192.0.2.1", or "64:ff9b::1.2.3.4") is two groups.
  const m = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (m) {
    const b = m[2].split('.').map(Number);
    ip = `${m[1]}${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
  }
  const [head, tail = ''] = ip.includes('::') ? ip.split('::') : [ip, ''];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  const hex = groups.map((g) => g.padStart(4, '0')).join('');
  return `${[...hex].reverse().join('.')}.ip6.arpa`;
}

/** Node's resolver as an upstream: A and AAAA with their TTLs, other types with none. */
function nodeUpstream(r: dnsPromises.Resolver): Upstream {
  const minTtl = (rows: Array<{ ttl: number }>) => (rows.length ? Math.min(...rows.map((x) => x.ttl)) * 1000 : undefined);
  return async (name, rrtype) => {
    if (rrtype === 'A' || rrtype === 'AAAA') {
      const rows = rrtype === 'A' ? await r.resolve4(name, { ttl: true }) : await r.resolve6(name, { ttl: true });
      return { value: rows.map((x) => x.address), ttlMs: minTtl(rows) };
    }
    return { value: await r.resolve(name, rrtype) };
  };
}

/** The cached resolver: every lookup goes through the cache, the shared queries and the breaker. */
export class CachingResolver implements Resolver {
  private log: ResolverLog | null = null;

  constructor(readonly cache: DnsCache) {}

  /** Log changes of the breaker's state here (only the first log attached is used). */
  attachLog(log: ResolverLog): void {
    this.log ??= log;
  }

  /** Called by the cache when the breaker changes state. */
  breakerChanged(state: BreakerState, reason: string, openMs: number): void {
    if (!this.log) return;
    if (state === 'open') this.log.warn({ state, reason, openMs }, `Máy chủ DNS không trả lời, tạm ngừng hỏi / DNS servers not answering, lookups fail at once for ${openMs} ms`);
    else this.log.info({ state, reason }, state === 'closed' ? 'Máy chủ DNS trả lời lại / DNS servers answer again' : 'Thử hỏi lại máy chủ DNS / probing the DNS servers');
  }

  get state(): BreakerState {
    return this.cache.breaker.state;
  }

  get stats(): DnsStats {
    return this.cache.stats;
  }

  /** `expires`, when given, is told until when the answer stays cached (dns-cache.ts `ExpiryNote`). */
  resolve(name: string, rrtype = 'A', expires?: ExpiryNote): Promise<unknown> {
    return this.cache.lookup(name, rrtype.toUpperCase(), expires);
  }
  resolve4(name: string): Promise<string[]> {
    return this.cache.lookup(name, 'A') as Promise<string[]>;
  }
  resolve6(name: string): Promise<string[]> {
    return this.cache.lookup(name, 'AAAA') as Promise<string[]>;
  }
  resolveMx(name: string): Promise<Array<{ exchange: string; priority: number }>> {
    return this.cache.lookup(name, 'MX') as Promise<Array<{ exchange: string; priority: number }>>;
  }
  resolveTxt(name: string): Promise<string[][]> {
    return this.cache.lookup(name, 'TXT') as Promise<string[][]>;
  }
  resolveSrv(name: string): Promise<Array<{ name: string; port: number; priority: number; weight: number }>> {
    return this.cache.lookup(name, 'SRV') as Promise<Array<{ name: string; port: number; priority: number; weight: number }>>;
  }
  resolveCname(name: string): Promise<string[]> {
    return this.cache.lookup(name, 'CNAME') as Promise<string[]>;
  }
  /** PTR names of an address. A PTR query (not node's reverse(), which reports a timeout as ENOTFOUND). */
  async reverse(ip: string): Promise<string[]> {
    return (await this.cache.lookup(ptrName(ip), 'PTR')) as string[];
  }
}

/** A cached resolver of its own (tests; `createResolver` shares one per configuration). */
export function newCachingResolver(cfg: { dns: DnsSettings }, opts: ResolverOptions = {}): CachingResolver {
  const dns = settings(cfg);
  let resolver: CachingResolver | null = null;
  const cache = new DnsCache({
    upstream: nodeUpstream(nodeResolver(dns)),
    now: opts.now,
    maxEntries: dns.cacheMaxEntries,
    defaultTtlMs: dns.cacheTtlMs,
    maxTtlMs: dns.maxTtlMs,
    negativeTtlMs: dns.negativeTtlMs,
    failureTtlMs: dns.failureTtlMs,
    breaker: { threshold: dns.breakerThreshold, windowMs: dns.breakerWindowMs, openMs: dns.breakerOpenMs },
    onBreakerChange: (state, reason) => resolver?.breakerChanged(state, reason, dns.breakerOpenMs),
  });
  resolver = new CachingResolver(cache);
  if (opts.log) resolver.attachLog(opts.log);
  return resolver;
}

const shared = new WeakMap<object, CachingResolver>();

/**
 * The cached resolver of this configuration: every call with the same `dns` section (one App's
 * config) gets the same instance, so the auth stage, the delivery worker and the SMTP listeners
 * share answers and the breaker. `now` counts only for the call that makes it (a test that wants
 * its clock calls this before starting the servers); the first `log` given is kept.
 */
export function createResolver(cfg: { dns: DnsSettings }, opts: ResolverOptions = {}): CachingResolver {
  let r = shared.get(cfg.dns);
  if (!r) {
    r = newCachingResolver(cfg, opts);
    shared.set(cfg.dns, r);
  } else if (opts.log) r.attachLog(opts.log);
  return r;
}

/** Node's resolver over the configured servers, without cache or breaker: every lookup is asked. */
export function createDirectResolver(cfg: { dns: DnsSettings }): Resolver {
  return nodeResolver(settings(cfg));
}

/**
 * Whether the configured DNS servers answer at all: an MX query for `name` with one short try.
 * An answer of any kind (records, no such name) is fine; silence or refusal is not.
 */
export async function probeResolver(cfg: { dns: DnsSettings }, name: string, timeoutMs = 2000): Promise<{ ok: boolean; detail: string }> {
  const dns = settings(cfg);
  const r = nodeResolver({ ...dns, timeoutMs, tries: 1 });
  const servers = r.getServers().join(', ') || '(hệ thống / system)';
  const started = Date.now();
  try {
    const mx = await r.resolveMx(name);
    return { ok: true, detail: `${servers} trả lời / answers: MX ${name} → ${mx.map((m) => m.exchange).join(', ') || '(trống / empty)'} (${Date.now() - started} ms)` };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code === 'ENOTFOUND' || code === 'ENODATA') return { ok: true, detail: `${servers} trả lời / answers: ${name} không có MX / has no MX (${code})` };
    if (code === 'ESERVFAIL') return { ok: true, detail: `${servers} trả lời SERVFAIL cho / answers SERVFAIL for MX ${name}` };
    return { ok: false, detail: `${servers} không trả lời / does not answer (MX ${name}: ${code || (e as Error).message} sau / after ${Date.now() - started} ms)` };
  }
}
