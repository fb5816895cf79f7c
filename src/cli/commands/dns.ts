// `thutin dns`: prints, in zone-file syntax, the DNS records the province must publish for each
// local and alias domain (src/mailauth/records.ts), with the DKIM keys found on disk; with
// --check, whether they are published (src/mailauth/dns-check.ts; exit code 1 if a required one is not).
import { loadConfig } from '../../config/config.ts';
import { DkimKeyStore } from '../../mailauth/keys.ts';
import { dnsZone, type DmarcPolicy } from '../../mailauth/records.ts';
import { checkPublished, renderChecks } from '../../mailauth/dns-check.ts';
import { createDirectResolver } from '../../net/resolver.ts';

export async function runDns(dataDir: string, o: { dmarcPolicy?: string; mtaStsMode?: string; check?: boolean }): Promise<void> {
  const cfg = loadConfig(dataDir);
  if (o.check) {
    // Ask the configured resolver (dns.servers) what is published, record by record.
    const { text, ok } = renderChecks(await checkPublished(cfg, new DkimKeyStore(cfg).list(), createDirectResolver(cfg)));
    process.stdout.write(text);
    if (!ok) process.exitCode = 1;
    return;
  }
  const policy = o.dmarcPolicy ?? 'quarantine';
  if (!['none', 'quarantine', 'reject'].includes(policy)) throw new Error(`--dmarc-policy: none | quarantine | reject (không phải / not "${policy}")`);
  const mode = o.mtaStsMode ?? cfg.mtaSts.mode;
  if (mode !== 'testing' && mode !== 'enforce') throw new Error(`--mta-sts-mode: testing | enforce (không phải / not "${mode}")`);
  process.stdout.write(dnsZone(cfg, new DkimKeyStore(cfg).list(), { dmarcPolicy: policy as DmarcPolicy, mtaStsMode: mode }));
}
