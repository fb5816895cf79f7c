// Owns: where mail for a domain goes: MX records by preference (equal preferences shuffled), the
// domain itself when it has none (implicit MX, RFC 5321 §5.1), nothing at all for a null MX
// (RFC 7505), each host's IPv4 then IPv6 addresses; or the configured relay host instead
// ("[host]:port" skips the MX lookup, as Postfix's relayhost). All through the App's one cached
// resolver (src/net/resolver.ts), which the delivery worker shares with verification: repeated
// routes to a domain cost no query, and while its breaker is open (the DNS servers silent)
// every lookup fails at once as ETIMEOUT. A name that does not exist is a permanent failure, a
// DNS that does not answer (or the open breaker) a temporary one: the recipient is deferred.
import net from 'node:net';
import type { Resolver } from '../net/resolver.ts';

export interface Hop {
  /** The host name (for SNI and the Remote-MTA of a DSN). */
  name: string;
  address: string;
  port: number;
}

export type Route = { ok: true; hops: Hop[] } | { ok: false; permanent: boolean; status: string; reason: string };

const NOT_FOUND = new Set(['ENOTFOUND', 'NXDOMAIN']);
const NO_DATA = new Set(['ENODATA', 'ENOTFOUND']);

function dnsReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException & { hostname?: string };
  return err.code ?? err.message;
}

/** Parse "host", "host:port", "[host]:port", "[::1]:25". */
export function parseRelay(relay: string, defaultPort = 25): { host: string; port: number; mxLookup: boolean } {
  let s = relay.trim();
  let mxLookup = true;
  let port = defaultPort;
  const br = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (br) return { host: br[1], port: br[2] ? Number(br[2]) : defaultPort, mxLookup: false };
  const m = /^([^:]+):(\d+)$/.exec(s);
  if (m) {
    s = m[1];
    port = Number(m[2]);
  }
  if (net.isIP(s)) mxLookup = false;
  return { host: s, port, mxLookup };
}

function shuffleEqual<T extends { priority: number }>(list: T[]): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out.sort((a, b) => a.priority - b.priority);
}

async function addressesOf(resolver: Resolver, host: string): Promise<{ addresses: string[]; error: string | null; notFound: boolean }> {
  if (net.isIP(host)) return { addresses: [host], error: null, notFound: false };
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
  const addresses = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
  const errs = [v4, v6].filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as NodeJS.ErrnoException);
  const notFound = errs.length === 2 && errs.every((e) => NO_DATA.has(e.code ?? ''));
  return { addresses, error: errs.length ? dnsReason(errs[0]) : null, notFound };
}

async function hopsFor(resolver: Resolver, hosts: Array<{ exchange: string; priority: number }>, port: number): Promise<Route> {
  const hops: Hop[] = [];
  let lastError = '';
  let allNotFound = true;
  for (const h of hosts) {
    const a = await addressesOf(resolver, h.exchange);
    for (const address of a.addresses) hops.push({ name: h.exchange, address, port });
    if (!a.addresses.length) lastError = `${h.exchange}: ${a.error ?? 'no address'}`;
    if (!a.notFound) allNotFound = false;
  }
  if (hops.length) return { ok: true, hops };
  // An MX host without an address is a temporary failure (the DNS may be catching up), as in Postfix.
  return {
    ok: false,
    permanent: false,
    status: '4.4.3',
    reason: `${allNotFound ? 'Máy chủ nhận thư không có địa chỉ / mail exchanger has no address' : 'Lỗi tra cứu DNS / DNS lookup failed'} (${lastError})`,
  };
}

/** The hosts to try for a recipient domain, in order. */
export async function routeDomain(resolver: Resolver, domain: string, port: number): Promise<Route> {
  let mx: Array<{ exchange: string; priority: number }>;
  try {
    mx = await resolver.resolveMx(domain);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code === 'ENODATA') {
      mx = []; // the name exists without MX: implicit MX
    } else if (NOT_FOUND.has(code)) {
      return { ok: false, permanent: true, status: '5.1.2', reason: `Tên miền không tồn tại / domain not found: ${domain} (${code})` };
    } else {
      return { ok: false, permanent: false, status: '4.4.3', reason: `Lỗi tra cứu DNS / DNS lookup failed for ${domain}: ${dnsReason(e)}` };
    }
  }
  if (mx.length === 1 && (mx[0].exchange === '' || mx[0].exchange === '.')) {
    return { ok: false, permanent: true, status: '5.1.10', reason: `Tên miền không nhận thư (null MX, RFC 7505) / domain does not accept mail: ${domain}` };
  }
  const hosts = mx.filter((m) => m.exchange !== '' && m.exchange !== '.');
  if (!hosts.length) {
    const r = await hopsFor(resolver, [{ exchange: domain, priority: 0 }], port);
    if (!r.ok) {
      const a = await addressesOf(resolver, domain);
      if (a.notFound) return { ok: false, permanent: true, status: '5.1.2', reason: `Tên miền không có MX hay địa chỉ / domain has no MX and no address: ${domain}` };
    }
    return r;
  }
  return hopsFor(resolver, shuffleEqual(hosts), port);
}

/** The hosts of the configured relay. */
export async function routeRelay(resolver: Resolver, relay: string): Promise<Route> {
  const r = parseRelay(relay);
  if (!r.mxLookup) return hopsFor(resolver, [{ exchange: r.host, priority: 0 }], r.port);
  return routeDomain(resolver, r.host, r.port);
}
