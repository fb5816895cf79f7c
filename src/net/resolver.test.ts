// The system's resolver over real UDP against the test DNS server: answers cached for the TTL
// the server gives, PTR names by a PTR query, one resolver per configuration, the breaker
// against a server that never answers (and back when it answers again), the direct resolver
// that always asks, and doctor's probe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '../../test/helpers/dns-server.ts';
import { createDirectResolver, createResolver, newCachingResolver, probeResolver, ptrName } from './resolver.ts';

describe('ptrName', () => {
  it('writes IPv4 and IPv6 addresses as reverse names', () => {
    expect(ptrName('192.0.2.1')).toBe('1.2.0.192.in-addr.arpa');
    expect(ptrName('::ffff:192.0.2.1')).toBe('1.2.0.192.in-addr.arpa');
    expect(ptrName('2001:db8::1')).toBe('1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
    expect(ptrName('64:ff9b::192.0.2.1')).toBe(ptrName('64:ff9b::c000:201'));
    expect(() => ptrName('not-an-ip')).toThrow(/not an IP/);
  });
});

describe('cached resolver over UDP', () => {
  let dns: TestDnsServer;
  beforeAll(async () => {
    dns = await startDnsServer({
      'gialai.test': { A: ['192.0.2.10'], MX: [{ exchange: 'mx.gialai.test', priority: 5 }], TXT: ['v=spf1 -all'] },
      '10.2.0.192.in-addr.arpa': { PTR: ['mx.gialai.test'] },
    });
  });
  afterAll(async () => {
    await dns.stop();
  });

  it('asks once and answers from the cache until the TTL the server gave (60 s) is over', async () => {
    let t = 0;
    const r = newCachingResolver({ dns: { servers: [dns.address] } }, { now: () => t });
    const before = dns.queries.length;
    expect(await r.resolve4('gialai.test')).toEqual(['192.0.2.10']);
    expect(await r.resolve('GIALAI.test', 'a')).toEqual(['192.0.2.10']);
    expect(await r.resolveMx('gialai.test')).toEqual([{ exchange: 'mx.gialai.test', priority: 5 }]);
    expect(await r.resolveMx('gialai.test')).toEqual([{ exchange: 'mx.gialai.test', priority: 5 }]);
    expect(await r.resolveTxt('gialai.test')).toEqual([['v=spf1 -all']]);
    await expect(r.resolveTxt('khong-co.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(r.resolveTxt('khong-co.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    expect(dns.queries.slice(before)).toEqual(['A gialai.test', 'MX gialai.test', 'TXT gialai.test', 'TXT khong-co.test']);
    t += 60_000;
    expect(await r.resolve4('gialai.test')).toEqual(['192.0.2.10']);
    expect(await r.resolveMx('gialai.test')).toHaveLength(1); // default TTL (5 min) not over yet
    expect(dns.queries.slice(before)).toHaveLength(5);
  });

  it('finds the PTR name of an address with a PTR query', async () => {
    const r = newCachingResolver({ dns: { servers: [dns.address] } });
    expect(await r.reverse('192.0.2.10')).toEqual(['mx.gialai.test']);
    expect(dns.queries).toContain('PTR 10.2.0.192.in-addr.arpa');
    await expect(r.reverse('192.0.2.99')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('gives one resolver per configuration; the direct resolver asks every time', async () => {
    const cfg = { dns: { servers: [dns.address] } };
    expect(createResolver(cfg)).toBe(createResolver({ ...cfg }));
    expect(createResolver(cfg)).not.toBe(createResolver({ dns: { servers: [dns.address] } }));
    const direct = createDirectResolver(cfg);
    const before = dns.queries.length;
    await direct.resolveTxt('gialai.test');
    await direct.resolveTxt('gialai.test');
    expect(dns.queries.length - before).toBe(2);
  });

  it('stops asking a server that never answers, and uses it again once it answers', async () => {
    let t = 0;
    const logged: string[] = [];
    const log = { warn: (_: object, m: string) => logged.push(m), info: (_: object, m: string) => logged.push(m) };
    const r = newCachingResolver({ dns: { servers: [dns.address], timeoutMs: 100, tries: 1 } }, { now: () => t, log });
    dns.setFailure('drop');
    try {
      const before = dns.queries.length;
      // Three different names time out (in parallel: one timeout's worth of waiting).
      const codes = await Promise.all(
        ['a.test', 'b.test', 'c.test'].map((n) =>
          r.resolveTxt(n).then(
            () => 'ok',
            (e: { code: string }) => e.code,
          ),
        ),
      );
      expect(codes).toEqual(['ETIMEOUT', 'ETIMEOUT', 'ETIMEOUT']);
      expect(r.state).toBe('open');
      expect(logged[0]).toMatch(/DNS servers not answering/);
      const sent = dns.queries.length - before;
      for (let i = 0; i < 20; i++) await expect(r.resolveTxt('gialai.test')).rejects.toMatchObject({ code: 'ETIMEOUT' });
      expect(dns.queries.length - before).toBe(sent);
      expect(r.stats.shortCircuited).toBe(20);
    } finally {
      dns.setFailure(null);
    }
    t += 30_000;
    expect(r.state).toBe('half-open');
    expect(await r.resolveTxt('gialai.test')).toEqual([['v=spf1 -all']]);
    expect(r.state).toBe('closed');
    expect(logged.at(-1)).toMatch(/DNS servers answer again/);
  });

  it("doctor's probe: a server that answers (even NXDOMAIN) is fine, a silent one is not", async () => {
    expect(await probeResolver({ dns: { servers: [dns.address] } }, 'gialai.test')).toMatchObject({ ok: true, detail: expect.stringMatching(/MX gialai\.test → mx\.gialai\.test/) });
    expect((await probeResolver({ dns: { servers: [dns.address] } }, 'khong-co.test')).ok).toBe(true);
    dns.setFailure('drop');
    try {
      const p = await probeResolver({ dns: { servers: [dns.address] } }, 'gialai.test', 100);
      expect(p.ok).toBe(false);
      expect(p.detail).toMatch(/không trả lời \/ does not answer .*ETIMEOUT/);
    } finally {
      dns.setFailure(null);
    }
  });
});
