// Owns: the proof of Apple configuration profiles over the real HTTPS listener (issue 13): the
// profile for an address is CMS SignedData that `openssl smime -verify` accepts, signed by the
// server's certificate, its content the plist byte for byte; the plist, read by Python's plistlib,
// holds a Mail payload (IMAP over TLS on the IMAPS port, SMTP on the submission TLS port, the
// address as user name, no password) and an LDAP payload (LDAPS, the LDAP tree's base DN), with
// stable UUIDs per address; when signing fails the plist is served unsigned and a warning logged;
// addresses outside our domains are refused.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/harness.ts';
import { missingTool } from '../../../test/helpers/tools.ts';
import { clientSetupFor } from '../../core/client-setup.ts';
import { tlsPaths } from '../../config/tls.ts';
import { baseDnOf } from '../../ldap/directory-tree.ts';
import { startHttp } from '../server.ts';
import { mobileconfigPlist, PROFILE_PATH, PROFILE_TYPE } from './mobileconfig.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(port: number, p: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    https
      .get({ host: '127.0.0.1', port, path: p, rejectUnauthorized: false, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

const noTools = missingTool('openssl', 'Apple profile signature (openssl smime)') || missingTool('python3', 'Apple profile as a plist (plistlib)');

describe.skipIf(noTools)('Apple configuration profiles (.mobileconfig)', () => {
  let t: TestApp;
  let srv: Awaited<ReturnType<typeof startHttp>>;
  let tmp: string;
  const url = (a: string) => `${PROFILE_PATH}?address=${encodeURIComponent(a)}`;
  /** The plist as Python's plistlib reads it, as JSON. */
  const plist = (bytes: Buffer): any => {
    const f = path.join(tmp, `p-${Math.random().toString(36).slice(2)}.plist`);
    fs.writeFileSync(f, bytes);
    return JSON.parse(execFileSync('python3', ['-c', 'import json, plistlib, sys; print(json.dumps(plistlib.load(open(sys.argv[1], "rb"))))', f]).toString());
  };

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-mobileconfig-'));
    t = await createTestApp({
      config: {
        domains: { primary: 'kontum.gov.vn', aliases: { 'kontum.vn': 'kontum.gov.vn' } },
        // what clients are told; only the HTTP listeners run in this test
        imap: { tlsPort: 993 },
        smtp: { submissionTlsPort: 465 },
        ldap: { tlsPort: 2636 },
      },
    });
    srv = await startHttp(t.app, t.tls);
  });
  afterAll(async () => {
    await srv?.close();
    await t?.cleanup();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('serves a profile signed with the server certificate; openssl verifies it and its content is the plist', async () => {
    const res = await get(srv.tlsPort!, url('annv@kontum.gov.vn'));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(PROFILE_TYPE);
    expect(res.headers['content-disposition']).toBe('attachment; filename="annv-kontum.gov.vn.mobileconfig"');
    expect(res.headers['x-thutin-profile-signed']).toBe('yes');
    const der = path.join(tmp, 'signed.mobileconfig');
    const signer = path.join(tmp, 'signer.pem');
    fs.writeFileSync(der, res.body);
    // -noverify: the certificate is self-signed here; the signature itself is still checked
    const content = execFileSync('openssl', ['smime', '-verify', '-inform', 'der', '-noverify', '-in', der, '-signer', signer], { stdio: ['ignore', 'pipe', 'pipe'] });
    const expected = mobileconfigPlist(clientSetupFor(t.app.config, t.app.domains, 'annv@kontum.gov.vn')!);
    expect(content.toString('utf8')).toBe(expected);
    const fp = (f: string) => execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', f]).toString();
    expect(fp(signer)).toBe(fp(tlsPaths(t.app.config).cert));
    // a bit changed in the content: the signature no longer verifies
    const tampered = Buffer.from(res.body);
    const at = tampered.indexOf(Buffer.from('IncomingMailServerPortNumber'));
    tampered[at] ^= 0x20;
    fs.writeFileSync(der, tampered);
    expect(() => execFileSync('openssl', ['smime', '-verify', '-inform', 'der', '-noverify', '-in', der], { stdio: ['ignore', 'pipe', 'pipe'] })).toThrow();
  });

  it('holds the Mail and LDAP payloads with the TLS ports, the address as user name and no password', async () => {
    const signed = await get(srv.tlsPort!, url('annv@kontum.gov.vn'));
    const der = path.join(tmp, 'for-content.mobileconfig');
    fs.writeFileSync(der, signed.body);
    const p = plist(execFileSync('openssl', ['smime', '-verify', '-inform', 'der', '-noverify', '-in', der], { stdio: ['ignore', 'pipe', 'pipe'] }));
    expect(p).toMatchObject({ PayloadType: 'Configuration', PayloadVersion: 1, PayloadIdentifier: expect.stringMatching(/^local\.test\.mail\.thutin\./), PayloadOrganization: 'kontum.gov.vn' });
    expect(p.PayloadDisplayName).toMatch(/^Thư điện tử annv@kontum\.gov\.vn \/ Mail setup$/);
    expect(p.PayloadContent.map((x: any) => x.PayloadType)).toEqual(['com.apple.mail.managed', 'com.apple.ldap.account']);
    const [mail, ldap] = p.PayloadContent;
    expect(mail).toMatchObject({
      PayloadIdentifier: `${p.PayloadIdentifier}.mail`,
      EmailAccountType: 'EmailTypeIMAP',
      EmailAddress: 'annv@kontum.gov.vn',
      IncomingMailServerHostName: 'mail.test.local',
      IncomingMailServerPortNumber: 993,
      IncomingMailServerUseSSL: true,
      IncomingMailServerUsername: 'annv@kontum.gov.vn',
      IncomingMailServerAuthentication: 'EmailAuthPassword',
      OutgoingMailServerHostName: 'mail.test.local',
      OutgoingMailServerPortNumber: 465,
      OutgoingMailServerUseSSL: true,
      OutgoingMailServerUsername: 'annv@kontum.gov.vn',
      OutgoingMailServerAuthentication: 'EmailAuthPassword',
      OutgoingPasswordSameAsIncomingPassword: true,
    });
    expect(JSON.stringify(p)).not.toMatch(/Password"\s*:\s*"/); // IncomingPassword / OutgoingPassword / LDAPAccountPassword: none
    expect(ldap).toMatchObject({
      PayloadIdentifier: `${p.PayloadIdentifier}.ldap`,
      LDAPAccountHostName: 'mail.test.local:2636',
      LDAPAccountUseSSL: true,
      LDAPAccountUserName: 'annv@kontum.gov.vn',
      LDAPSearchSettings: [{ LDAPSearchSettingScope: 'LDAPSearchSettingScopeSubtree', LDAPSearchSettingSearchBase: baseDnOf('kontum.gov.vn') }],
    });
    // UUIDs: distinct within the profile, the same on the next download, different for another address
    const uuids = [p.PayloadUUID, mail.PayloadUUID, ldap.PayloadUUID];
    for (const u of uuids) expect(u).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
    expect(new Set(uuids).size).toBe(3);
    const again = mobileconfigPlist(clientSetupFor(t.app.config, t.app.domains, 'annv@kontum.gov.vn')!);
    expect(again).toContain(`<string>${p.PayloadUUID}</string>`);
    expect(mobileconfigPlist(clientSetupFor(t.app.config, t.app.domains, 'hoapt@kontum.gov.vn')!)).not.toContain(p.PayloadUUID);
    // on LDAPS's own port (clientSetup.ports 'standard') the host goes alone: Apple's payload has no port key
    const std = mobileconfigPlist(clientSetupFor({ ...t.app.config, clientSetup: { ports: 'standard' } }, t.app.domains, 'annv@kontum.gov.vn')!);
    expect(std).toMatch(/<key>LDAPAccountHostName<\/key>\s*<string>mail\.test\.local<\/string>/);
    expect(std).toMatch(/<key>IncomingMailServerPortNumber<\/key>\s*<integer>993<\/integer>/);
  });

  it('signs profiles asked for at the same moment, a few signers at a time, each for its own address', async () => {
    const addrs = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'].map((l) => `${l}@kontum.gov.vn`);
    const all = await Promise.all(addrs.map((a) => get(srv.tlsPort!, url(a))));
    all.forEach((res, i) => {
      expect(res.headers['x-thutin-profile-signed']).toBe('yes');
      const der = path.join(tmp, `c${i}.mobileconfig`);
      fs.writeFileSync(der, res.body);
      const content = execFileSync('openssl', ['smime', '-verify', '-inform', 'der', '-noverify', '-in', der], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
      expect(content).toBe(mobileconfigPlist(clientSetupFor(t.app.config, t.app.domains, addrs[i])!));
    });
  });

  it('serves the plist unsigned, with a warning, when signing fails — and then without a certificate at all', async () => {
    const warn = vi.spyOn(t.app.log, 'warn');
    const { cert, key } = tlsPaths(t.app.config);
    const keep = { cert: fs.readFileSync(cert), key: fs.readFileSync(key) };
    try {
      fs.writeFileSync(key, '-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----\n');
      const res = await get(srv.tlsPort!, url('annv@kontum.vn'));
      expect(res.status).toBe(200);
      expect(res.headers['x-thutin-profile-signed']).toBe('no');
      expect(warn.mock.calls.some((c) => String(c[1]).includes('signing failed'))).toBe(true);
      const p = plist(res.body);
      // an alias domain's address, signed in on its target domain
      expect(p.PayloadContent[0]).toMatchObject({ EmailAddress: 'annv@kontum.vn', IncomingMailServerUsername: 'annv@kontum.gov.vn', IncomingMailServerPortNumber: 993 });
      fs.rmSync(cert); // no certificate configured at all
      const none = await get(srv.tlsPort!, url('annv@kontum.gov.vn'));
      expect(none.headers['x-thutin-profile-signed']).toBe('no');
      expect(plist(none.body).PayloadContent[1].PayloadType).toBe('com.apple.ldap.account');
    } finally {
      fs.writeFileSync(cert, keep.cert);
      fs.writeFileSync(key, keep.key);
      warn.mockRestore();
    }
  });

  it('refuses addresses outside our domains, in both languages', async () => {
    for (const a of ['annv@gmail.com', 'not-an-address']) {
      const res = await get(srv.tlsPort!, url(a));
      expect(res.status).toBe(404);
      expect(JSON.parse(res.body.toString())).toMatchObject({ code: 'ADDRESS_NOT_SERVED', message: expect.stringContaining('tên miền'), messageEn: expect.stringContaining('domains') });
    }
  });
});
