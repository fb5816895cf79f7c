// Owns: the proof of the one TLS policy on every TLS port (issue 9 finding 4): Debian's
// `openssl s_client` is refused an RSA-key-exchange suite, a CBC/SHA-1 suite and TLS 1.1, and
// completes ECDHE-GCM (TLS 1.2) and TLS 1.3 — on SMTP (MX and submission STARTTLS, submission
// TLS), IMAP (STARTTLS, IMAPS), LDAP (StartTLS, LDAPS) and HTTPS; probeTls (what `thutin doctor`
// prints) sees only strong suites; and tls.ciphers / tls.minVersion change what is offered.
import { execFile } from 'node:child_process';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServers, type Running } from '../helpers/servers.ts';
import { probeTls, type StartTls } from '../../src/net/tls-probe.ts';

interface Port {
  name: string;
  port: number;
  starttls?: StartTls;
}

function sClient(p: Port, args: string[]): Promise<{ ok: boolean; cipher: string | null; out: string }> {
  const all = ['s_client', '-connect', `127.0.0.1:${p.port}`, ...(p.starttls ? ['-starttls', p.starttls] : []), ...args];
  return new Promise((resolve) => {
    const child = execFile('openssl', all, { timeout: 15000 }, (err, stdout, stderr) => {
      const out = `${stdout}\n${stderr}`;
      const m = /Cipher is (\S+)/.exec(out);
      const cipher = m && m[1] !== '(NONE)' ? m[1] : null;
      resolve({ ok: !err && cipher !== null, cipher, out });
    });
    child.stdin?.end('Q\n');
  });
}

function tlsPorts(r: Running): Port[] {
  const p = r.servers.ports as Record<string, number>;
  const list: Port[] = [
    { name: 'smtp MX (STARTTLS)', port: p.smtp, starttls: 'smtp' },
    { name: 'submission (STARTTLS)', port: p.submission, starttls: 'smtp' },
    { name: 'submission (TLS)', port: p.submissionTls },
    { name: 'imap (STARTTLS)', port: p.imap, starttls: 'imap' },
    { name: 'imaps', port: p.imaps },
    { name: 'ldap (StartTLS)', port: p.ldap, starttls: 'ldap' },
    { name: 'ldaps', port: p.ldaps },
  ];
  if (p.https) list.push({ name: 'https', port: p.https });
  return list;
}

describe('TLS policy on every TLS port', { timeout: 180000 }, () => {
  let r: Running;
  beforeAll(async () => {
    r = await startTestServers();
  });
  afterAll(async () => r?.stop());

  it('openssl s_client: RSA key exchange, CBC-SHA1 and TLS 1.1 refused; ECDHE-GCM and TLS 1.3 accepted', async () => {
    for (const p of tlsPorts(r)) {
      const rsaKx = await sClient(p, ['-tls1_2', '-cipher', 'AES128-GCM-SHA256']);
      expect(rsaKx.ok, `${p.name}: RSA key exchange must be refused\n${rsaKx.out}`).toBe(false);
      const cbc = await sClient(p, ['-tls1_2', '-cipher', 'ECDHE-RSA-AES128-SHA']);
      expect(cbc.ok, `${p.name}: CBC-SHA1 must be refused\n${cbc.out}`).toBe(false);
      const old = await sClient(p, ['-tls1_1', '-cipher', 'DEFAULT@SECLEVEL=0']);
      expect(old.ok, `${p.name}: TLS 1.1 must be refused\n${old.out}`).toBe(false);
      const gcm = await sClient(p, ['-tls1_2', '-cipher', 'ECDHE-RSA-AES128-GCM-SHA256']);
      expect(gcm.cipher, `${p.name}: ECDHE-GCM must be accepted\n${gcm.out}`).toBe('ECDHE-RSA-AES128-GCM-SHA256');
      const chacha = await sClient(p, ['-tls1_2', '-cipher', 'ECDHE-RSA-CHACHA20-POLY1305']);
      expect(chacha.cipher, `${p.name}\n${chacha.out}`).toBe('ECDHE-RSA-CHACHA20-POLY1305');
      const v13 = await sClient(p, ['-tls1_3']);
      expect(v13.cipher, `${p.name}: TLS 1.3 must be accepted\n${v13.out}`).toMatch(/^TLS_/);
    }
  });

  it('probeTls (what thutin doctor prints) finds TLS 1.2 + 1.3 with strong suites only on every port', async () => {
    for (const p of tlsPorts(r)) {
      const offer = await probeTls({ host: '127.0.0.1', port: p.port, starttls: p.starttls });
      expect(offer.versions, p.name).toEqual(['TLSv1.2', 'TLSv1.3']);
      expect(offer.weak, p.name).toEqual([]);
      expect(offer.ciphers.map((c) => c.name)).toContain('ECDHE-RSA-AES256-GCM-SHA384');
      expect(offer.ciphers.map((c) => c.name)).toContain('TLS_AES_256_GCM_SHA384');
    }
  });
});

describe('TLS policy is configurable', { timeout: 120000 }, () => {
  let r: Running;
  beforeAll(async () => {
    r = await startTestServers({ config: { tls: { minVersion: 'TLSv1.3' } } });
  });
  afterAll(async () => r?.stop());

  it('tls.minVersion TLSv1.3 turns TLS 1.2 off on every port', async () => {
    for (const p of tlsPorts(r)) {
      const offer = await probeTls({ host: '127.0.0.1', port: p.port, starttls: p.starttls });
      expect(offer.versions, p.name).toEqual(['TLSv1.3']);
    }
  });
});

describe('TLS cipher list is configurable', { timeout: 120000 }, () => {
  let r: Running;
  beforeAll(async () => {
    r = await startTestServers({ config: { tls: { ciphers: 'TLS_AES_256_GCM_SHA384:ECDHE-RSA-AES256-GCM-SHA384' } } });
  });
  afterAll(async () => r?.stop());

  it('tls.ciphers names exactly what is offered', async () => {
    const p = r.servers.ports;
    for (const port of [{ port: p.imaps }, { port: p.submission, starttls: 'smtp' as const }]) {
      const offer = await probeTls({ host: '127.0.0.1', ...port });
      expect(offer.ciphers.map((c) => `${c.version} ${c.name}`)).toEqual(['TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384', 'TLSv1.3 TLS_AES_256_GCM_SHA384']);
    }
  });
});
