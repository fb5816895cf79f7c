// The DNS resolver every part uses (MX lookups for delivery, SPF/DKIM/DMARC for verification).
// Its servers are configuration (`dns.servers`, "host" or "host:port"), so tests can point the
// whole system at a DNS server they run on a loopback port.
import { promises as dnsPromises } from 'node:dns';
import type { Config } from '../config/config.ts';

export type Resolver = dnsPromises.Resolver;

export function createResolver(cfg: Pick<Config, 'dns'>): Resolver {
  const r = new dnsPromises.Resolver({ timeout: 5000, tries: 2 });
  // Node accepts "1.2.3.4", "1.2.3.4:5353" and "[::1]:5353".
  if (cfg.dns.servers.length) r.setServers(cfg.dns.servers.map((s) => s.trim()));
  return r;
}
