// Owns: the proof of what `thutin dns` prints for client setup (issue 13): the RFC 6186 SRV records
// for IMAP, POP3, ManageSieve and submission, and Outlook's Autodiscover SRV record naming the HTTPS listener's
// port, for every local and alias domain, with the note that a reverse proxy on 443 is expected.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import { dnsZone } from './records.ts';

describe('dnsZone: client setup records', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-records-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('publishes _autodiscover._tcp with the configured HTTPS port, beside the POP3/IMAP/ManageSieve/submission SRV records, for each domain', () => {
    const cfg = loadConfig(
      dir,
      { hostname: 'mail.kontum.gov.vn', domains: { primary: 'kontum.gov.vn', local: ['snv.kontum.gov.vn'], aliases: { 'kontum.vn': 'kontum.gov.vn' } }, http: { tlsPort: 9443 } },
      {},
    );
    const z = dnsZone(cfg, []);
    for (const d of ['kontum.gov.vn', 'snv.kontum.gov.vn', 'kontum.vn']) {
      expect(z).toContain(`_autodiscover._tcp.${d}. 3600 IN SRV 0 0 9443 mail.kontum.gov.vn.`);
      expect(z).toContain(`_pop3s._tcp.${d}. 3600 IN SRV 0 1 995 mail.kontum.gov.vn.`);
      expect(z).toContain(`_sieve._tcp.${d}. 3600 IN SRV 0 1 4190 mail.kontum.gov.vn.`);
      expect(z).toContain(`_imaps._tcp.${d}. 3600 IN SRV 0 1 993 mail.kontum.gov.vn.`);
      expect(z).toContain(`_submissions._tcp.${d}. 3600 IN SRV 0 1 465 mail.kontum.gov.vn.`);
    }
    // the comment line above each Autodiscover record says why its port is not 443, in both languages
    const lines = z.split('\n');
    const i = lines.findIndex((l) => l.startsWith('_autodiscover._tcp.kontum.gov.vn.'));
    expect(lines[i - 1]).toMatch(/^; Outlook Autodiscover: .*http\.tlsPort 9443.*proxy ngược.*443.*reverse proxy on 443/);
  });

  it('uses the default HTTPS port (8443) when none is configured', () => {
    const cfg = loadConfig(dir, { hostname: 'mail.kontum.gov.vn', domains: { primary: 'kontum.gov.vn' } }, {});
    expect(dnsZone(cfg, [])).toContain('_autodiscover._tcp.kontum.gov.vn. 3600 IN SRV 0 0 8443 mail.kontum.gov.vn.');
  });
});
