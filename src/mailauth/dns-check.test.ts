// `thutin dns --check` logic: what the test DNS server publishes is compared, record by record,
// with what `thutin dns` asks for — through the same resolver the system uses.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../config/config.ts';
import { createDirectResolver } from '../net/resolver.ts';
import { startDnsServer, type TestDnsServer } from '../../test/helpers/dns-server.ts';
import { DkimKeyStore, dkimTxtRecord } from './keys.ts';
import { checkPublished, renderChecks } from './dns-check.ts';

describe('dns --check', () => {
  let dir: string;
  let cfg: Config;
  let dns: TestDnsServer;
  let store: DkimKeyStore;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-dnscheck-'));
    dns = await startDnsServer();
    cfg = loadConfig(dir, { hostname: 'mail.kontum.gov.vn', domains: { primary: 'kontum.gov.vn' }, dns: { servers: [dns.address] } }, {});
    store = new DkimKeyStore(cfg);
    store.create('kontum.gov.vn', { selector: 'thutin' });
  });
  afterAll(async () => {
    await dns.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = async () => checkPublished(cfg, store.list(), createDirectResolver(cfg));

  it('reports every required record missing on an empty zone, and fails', async () => {
    const checks = await run();
    const byWhat = Object.fromEntries(checks.map((c) => [c.what, c.state]));
    expect(byWhat).toMatchObject({ MX: 'missing', SPF: 'missing', 'DKIM thutin': 'missing', DMARC: 'missing', 'MTA-STS': 'missing' });
    expect(renderChecks(checks).ok).toBe(false);
  });

  it('passes once the records are published, and says which one differs when a key changed', async () => {
    const key = store.list('kontum.gov.vn')[0];
    const dk = dkimTxtRecord(key);
    dns.setRecords({
      'kontum.gov.vn': { MX: [{ exchange: 'mail.kontum.gov.vn', priority: 10 }], TXT: ['v=spf1 mx -all', 'google-site-verification=x'] },
      [dk.name]: { TXT: [dk.value] },
      '_dmarc.kontum.gov.vn': { TXT: ['v=DMARC1; p=quarantine; rua=mailto:postmaster@kontum.gov.vn'] },
      '_mta-sts.kontum.gov.vn': { TXT: ['v=STSv1; id=abc123'] },
      '_smtp._tls.kontum.gov.vn': { TXT: ['v=TLSRPTv1; rua=mailto:postmaster@kontum.gov.vn'] },
      '_submission._tcp.kontum.gov.vn': { SRV: [{ target: 'mail.kontum.gov.vn', port: 587, weight: 1 }] },
      '_submissions._tcp.kontum.gov.vn': { SRV: [{ target: 'mail.kontum.gov.vn', port: 465, weight: 1 }] },
      '_imaps._tcp.kontum.gov.vn': { SRV: [{ target: 'mail.kontum.gov.vn', port: 993, weight: 1 }] },
    });
    const checks = await run();
    expect(checks.filter((c) => c.state !== 'ok')).toEqual([]);
    expect(renderChecks(checks).ok).toBe(true);

    store.create('kontum.gov.vn', { selector: 't202612' }); // rotated, new record not yet published
    const after = await run();
    expect(after.find((c) => c.what === 'DKIM t202612')).toMatchObject({ state: 'missing', required: true });
    expect(after.find((c) => c.what.startsWith('DKIM thutin'))).toMatchObject({ state: 'ok', required: false });
    dns.setRecords({ 'kontum.gov.vn': { MX: [{ exchange: 'mx.other.vn' }], TXT: ['v=spf1 a -all'] } });
    const wrong = await run();
    expect(wrong.find((c) => c.what === 'MX')).toMatchObject({ state: 'different', found: ['mx.other.vn'] });
    expect(wrong.find((c) => c.what === 'SPF')).toMatchObject({ state: 'different', found: ['v=spf1 a -all'] });
    expect(renderChecks(wrong).text).toMatch(/✗ MX\tkontum\.gov\.vn\tkhác \/ different\n {4}có \/ found: mx\.other\.vn/);
  });
});
