// The test DNS server answers the system's resolver (src/net/resolver.ts, uncached) over UDP and TCP:
// each record type, CNAME chains, NXDOMAIN, records changed mid-test, long TXT records, failures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectResolver, type Resolver } from '../../src/net/resolver.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';

describe('test DNS server', () => {
  let dns: TestDnsServer;
  let r: Resolver;
  beforeAll(async () => {
    dns = await startDnsServer({
      'gialai.test': {
        A: ['192.0.2.10'],
        AAAA: ['2001:db8::10'],
        MX: [{ exchange: 'mx.gialai.test', priority: 5 }],
        TXT: ['v=spf1 ip4:192.0.2.10 -all'],
      },
      'www.gialai.test': { CNAME: 'gialai.test' },
      '_submissions._tcp.gialai.test': { SRV: [{ target: 'mail.gialai.test', port: 465 }] },
    });
    r = createDirectResolver({ dns: { servers: [dns.address] } });
  });
  afterAll(async () => {
    await dns.stop();
  });

  it('answers A, AAAA, MX, TXT and SRV from the zone', async () => {
    expect(await r.resolve4('gialai.test')).toEqual(['192.0.2.10']);
    expect(await r.resolve6('gialai.test')).toEqual(['2001:db8::10']);
    expect(await r.resolveMx('GiaLai.Test.')).toEqual([{ exchange: 'mx.gialai.test', priority: 5 }]);
    expect(await r.resolveTxt('gialai.test')).toEqual([['v=spf1 ip4:192.0.2.10 -all']]);
    expect(await r.resolveSrv('_submissions._tcp.gialai.test')).toEqual([{ name: 'mail.gialai.test', port: 465, priority: 0, weight: 0 }]);
    expect(dns.queries).toContain('MX gialai.test');
  });

  it('follows a CNAME and answers CNAME queries', async () => {
    expect(await r.resolve4('www.gialai.test')).toEqual(['192.0.2.10']);
    expect(await r.resolveCname('www.gialai.test')).toEqual(['gialai.test']);
  });

  it('answers NXDOMAIN for an unknown name and NODATA for a missing type', async () => {
    await expect(r.resolve4('khong-co.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(r.resolveMx('www2.gialai.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(r.resolveTxt('_submissions._tcp.gialai.test')).rejects.toMatchObject({ code: 'ENODATA' });
  });

  it('serves records changed during the test, and a TXT longer than one UDP answer over TCP', async () => {
    const long = 'v=DKIM1; k=rsa; p=' + 'A'.repeat(1500);
    dns.setRecords({ 'kontum.test': { TXT: [long] }, 'gialai.test': { A: ['192.0.2.99'] } });
    expect((await r.resolveTxt('kontum.test'))[0].join('')).toBe(long);
    expect(await r.resolve4('gialai.test')).toEqual(['192.0.2.99']);
    dns.setRecords({ 'kontum.test': null });
    await expect(r.resolveTxt('kontum.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('answers SERVFAIL when told to', async () => {
    dns.setFailure('servfail');
    try {
      await expect(r.resolve4('gialai.test')).rejects.toMatchObject({ code: 'ESERVFAIL' });
    } finally {
      dns.setFailure(null);
    }
  });
});
