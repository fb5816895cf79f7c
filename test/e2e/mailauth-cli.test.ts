// `thutin init` makes DKIM keys, `thutin dkim rotate|list|remove` manage them, and `thutin dns`
// prints every record a province publishes — checked as a zone by BIND's named-checkzone, and
// its DKIM record checked by dkimpy against a message our signer signed with the same key.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { DkimKeyStore } from '../../src/mailauth/keys.ts';
import { DkimSigner } from '../../src/mailauth/dkim.ts';
import { vietnameseMessage } from '../helpers/servers.ts';
import { missingTool } from '../helpers/tools.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/thutin.js');

function thutin(dir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, '--data', dir, ...args], { timeout: 60000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** The TXT value of `name` in zone-file text (joining its character-strings). */
function txtOf(zone: string, name: string): string | null {
  const re = new RegExp(`^${name.replace(/\./g, '\\.')} \\d+ IN TXT (\\( [\\s\\S]*? \\)|"[^\\n]*")`, 'm');
  const m = re.exec(zone);
  if (!m) return null;
  return [...m[1].matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((x) => x[1]).join('');
}

describe('thutin dkim and thutin dns', { timeout: 120000 }, () => {
  let dir: string;
  let zone = '';
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-dns-'));
    fs.writeFileSync(
      path.join(dir, 'thutin.json'),
      JSON.stringify({ hostname: 'mail.kontum.gov.vn', domains: { primary: 'kontum.gov.vn', aliases: { 'kontum.old.vn': 'kontum.gov.vn' } }, outbound: { relayHost: '10.1.2.3:25' } }),
    );
    const r = await thutin(dir, ['init']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('init made a 0600 key for the primary and the alias domain', () => {
    for (const f of ['kontum.gov.vn.thutin.key', 'kontum.old.vn.thutin.key']) {
      expect(fs.statSync(path.join(dir, 'dkim', f)).mode & 0o777).toBe(0o600);
    }
  });

  it('dkim rotate makes a new date-based selector with a 0600 key, prints its record and keeps the old key', async () => {
    const r = await thutin(dir, ['dkim', 'rotate']);
    expect(r.code).toBe(0);
    const now = new Date();
    const sel = `t${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
    expect(r.stdout).toContain(`${sel}._domainkey.kontum.gov.vn. 3600 IN TXT`);
    const file = path.join(dir, 'dkim', `kontum.gov.vn.${sel}.key`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const list = await thutin(dir, ['dkim', 'list']);
    expect(list.stdout).toMatch(new RegExp(`kontum\\.gov\\.vn\\tthutin\\trsa-2048\\tcũ / retired`));
    expect(list.stdout).toMatch(new RegExp(`kontum\\.gov\\.vn\\t${sel}\\trsa-2048\\tđang ký / active`));
    const rm = await thutin(dir, ['dkim', 'remove', '--selector', sel]);
    expect(rm.code).not.toBe(0); // the signing key cannot be removed
    expect(rm.stderr).toMatch(/DKIM/);
  });

  it.skipIf(missingTool('named-checkzone', 'thutin dns as a zone (named-checkzone)'))(
    'dns prints MX, SPF, DKIM, DMARC, MTA-STS, TLS-RPT, SRV and autoconfig records for each domain, as a valid zone',
    async () => {
      const r = await thutin(dir, ['dns', '--dmarc-policy', 'reject']);
      expect(r.code).toBe(0);
      const z = (zone = r.stdout);
      for (const d of ['kontum.gov.vn', 'kontum.old.vn']) {
        expect(z).toContain(`${d}. 3600 IN MX 10 mail.kontum.gov.vn.`);
        expect(txtOf(z, `${d}.`)).toBe('v=spf1 mx ip4:10.1.2.3 -all');
        expect(txtOf(z, `thutin._domainkey.${d}.`)).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]{300,}$/);
        expect(txtOf(z, `_dmarc.${d}.`)).toBe('v=DMARC1; p=reject; rua=mailto:postmaster@kontum.gov.vn; adkim=r; aspf=r');
        expect(txtOf(z, `_mta-sts.${d}.`)).toMatch(/^v=STSv1; id=[0-9a-f]{20}$/);
        expect(txtOf(z, `_smtp._tls.${d}.`)).toBe('v=TLSRPTv1; rua=mailto:postmaster@kontum.gov.vn');
        for (const [srv, port] of [
          ['_submission', 587],
          ['_submissions', 465],
          ['_imap', 143],
          ['_imaps', 993],
          ['_pop3', 110],
          ['_pop3s', 995],
        ] as const) {
          expect(z).toContain(`${srv}._tcp.${d}. 3600 IN SRV 0 1 ${port} mail.kontum.gov.vn.`);
        }
        expect(z).toContain(`autoconfig.${d}. 3600 IN CNAME mail.kontum.gov.vn.`);
        expect(z).toContain(`autodiscover.${d}. 3600 IN CNAME mail.kontum.gov.vn.`);
      }
      expect(z).toContain('mode: testing');
      expect(z).toContain('mx: mail.kontum.gov.vn');

      // BIND reads it as a zone (with the SOA/NS/A records a real zone has around it).
      const file = path.join(dir, 'zone.db');
      fs.writeFileSync(
        file,
        ['$TTL 3600', '. IN SOA ns.test. hostmaster.test. 1 3600 600 86400 300', '. IN NS ns.test.', 'ns.test. IN A 192.0.2.53', 'mail.kontum.gov.vn. IN A 192.0.2.25', z].join('\n'),
      );
      const out = execFileSync('named-checkzone', ['-i', 'local', '.', file]).toString();
      expect(out).toMatch(/OK/);
    },
  );

  it.skipIf(missingTool('dkim', 'thutin dns DKIM record (dkimpy)'))('the DKIM record printed by dns verifies (dkimpy) a message signed by the server with the active key', async () => {
    const z = zone;
    const cfg = loadConfig(dir, {}, {});
    const store = new DkimKeyStore(cfg);
    const active = store.activeKeys('kontum.gov.vn')[0];
    const name = `${active.selector}._domainkey.kontum.gov.vn`;
    const record = txtOf(z, `${name}.`)!;
    const msg = vietnameseMessage({ from: 'an@kontum.gov.vn', to: 'huong@gialai.gov.vn' });
    const sig = await new DkimSigner(store).sign('kontum.gov.vn', msg);
    const py = `
import sys, os, dkim
def dnsfunc(n, timeout=5):
    return os.environ['TXT'].encode() if n.rstrip(b'.') == os.environ['NAME'].encode() else None
print('pass' if dkim.verify(sys.stdin.buffer.read(), dnsfunc=dnsfunc) else 'fail')
`;
    const res = execFileSync('/usr/bin/python3', ['-c', py], { input: Buffer.concat([Buffer.from(sig), msg]), env: { ...process.env, TXT: record, NAME: name } });
    expect(res.toString().trim()).toBe('pass');
  });
});
