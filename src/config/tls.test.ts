// Owns: the unit proof of the security settings' shapes: the TLS policy's defaults (ECDHE + AEAD
// on TLS 1.2, TLS 1.3; no RSA key exchange, CBC or SHA-1 in the default list) and its overrides,
// and that http.trustedProxies / proxyProtocol.trustedFrom take only IP addresses and CIDRs
// (a host name or a bad prefix stops the start with a bilingual message).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it, expect, afterAll } from 'vitest';
import { ConfigError, loadConfig, type ConfigInput } from './config.ts';
import { DEFAULT_TLS_CIPHERS, tlsPolicy } from './tls.ts';
import { isStrongSuite } from '../net/tls-probe.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-tls-cfg-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const load = (c: ConfigInput) => loadConfig(dir, c, {});

describe('TLS policy settings', () => {
  it('defaults to TLS 1.2+ with only ECDHE + AEAD suites (and TLS 1.3)', () => {
    const p = tlsPolicy(load({}));
    expect(p).toEqual({ minVersion: 'TLSv1.2', ciphers: DEFAULT_TLS_CIPHERS, honorCipherOrder: true });
    for (const suite of DEFAULT_TLS_CIPHERS.split(':')) expect(isStrongSuite(suite), suite).toBe(true);
    for (const suite of DEFAULT_TLS_CIPHERS.split(':')) expect(suite).not.toMatch(/CBC|-SHA$|^AES|^DHE-|RC4|3DES/);
  });

  it('takes tls.minVersion and tls.ciphers from the configuration', () => {
    expect(tlsPolicy(load({ tls: { minVersion: 'TLSv1.3', ciphers: 'TLS_AES_256_GCM_SHA384' } }))).toMatchObject({ minVersion: 'TLSv1.3', ciphers: 'TLS_AES_256_GCM_SHA384' });
    expect(() => load({ tls: { minVersion: 'TLSv1.1' as never } })).toThrow(ConfigError);
  });
});

describe('trusted proxies', () => {
  it('accept IPv4 and IPv6 addresses and CIDRs', () => {
    const cfg = load({ http: { trustedProxies: ['10.0.0.0/8', '192.0.2.7', '2001:db8::/32', '::1'] }, proxyProtocol: { trustedFrom: ['127.0.0.2', '10.1.2.0/24'] } });
    expect(cfg.http.trustedProxies).toHaveLength(4);
    expect(cfg.proxyProtocol.trustedFrom).toEqual(['127.0.0.2', '10.1.2.0/24']);
  });

  it.each([['proxy.example'], ['10.0.0.0/33'], ['2001:db8::/129'], ['10.0.0.1/8/1'], ['']])('refuse %j with a message in both languages', (entry) => {
    expect(() => load({ proxyProtocol: { trustedFrom: [entry] } })).toThrow(/proxyProtocol\.trustedFrom\.0: .*IP .*CIDR .*\/ an IP address or CIDR/s);
    expect(() => load({ http: { trustedProxies: [entry] } })).toThrow(/http\.trustedProxies\.0/);
  });
});
