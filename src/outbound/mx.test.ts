// Routing through the cached resolver over UDP against the test DNS server: MX then addresses,
// a second route to the same domain costs no query, a domain that does not exist bounces, and a
// DNS server that never answers defers — at once, without a query, once the breaker is open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '../../test/helpers/dns-server.ts';
import { newCachingResolver } from '../net/resolver.ts';
import { routeDomain } from './mx.ts';

describe('routeDomain through the cached resolver', () => {
  let dns: TestDnsServer;
  beforeAll(async () => {
    dns = await startDnsServer({
      'gialai.test': { MX: [{ exchange: 'mx.gialai.test', priority: 10 }] },
      'mx.gialai.test': { A: ['192.0.2.25'] },
    });
  });
  afterAll(async () => {
    await dns.stop();
  });

  it('routes to the MX host, and routes again from the cache', async () => {
    const r = newCachingResolver({ dns: { servers: [dns.address] } });
    const before = dns.queries.length;
    const route = await routeDomain(r, 'gialai.test', 25);
    expect(route).toEqual({ ok: true, hops: [{ name: 'mx.gialai.test', address: '192.0.2.25', port: 25 }] });
    const asked = dns.queries.length - before;
    expect(asked).toBe(3); // MX, A, AAAA
    expect(await routeDomain(r, 'GIALAI.test', 25)).toEqual(route);
    expect(dns.queries.length - before).toBe(asked);
    expect(await routeDomain(r, 'khong-co.test', 25)).toMatchObject({ ok: false, permanent: true, status: '5.1.2' });
  });

  it('defers while the DNS server is silent, and asks nothing once the breaker is open', async () => {
    let t = 0;
    const r = newCachingResolver({ dns: { servers: [dns.address], timeoutMs: 100, tries: 1 } }, { now: () => t });
    dns.setFailure('drop');
    try {
      const routes = await Promise.all(['a.test', 'b.test', 'c.test'].map((d) => routeDomain(r, d, 25)));
      for (const route of routes) expect(route).toMatchObject({ ok: false, permanent: false, status: '4.4.3', reason: expect.stringMatching(/ETIMEOUT/) });
      expect(r.state).toBe('open');
      const before = dns.queries.length;
      expect(await routeDomain(r, 'gialai.test', 25)).toMatchObject({ ok: false, permanent: false, status: '4.4.3', reason: expect.stringMatching(/DNS lookup failed.*ETIMEOUT/) });
      expect(dns.queries.length).toBe(before);
    } finally {
      dns.setFailure(null);
    }
    t += 30_000;
    expect(await routeDomain(r, 'gialai.test', 25)).toMatchObject({ ok: true });
    expect(r.state).toBe('closed');
  });
});
