// TLS material: makes a self-signed certificate on first start (naming localhost and the host
// name) and loads the certificate and key for the SMTP and IMAP front ends.
// Owns: the certificate files and the one TLS policy of every listener (SMTPS/STARTTLS,
// IMAPS/STARTTLS, LDAPS/StartTLS, HTTPS): TLS 1.2 with ECDHE key exchange and AEAD ciphers
// (AES-GCM, ChaCha20-Poly1305) only, and TLS 1.3 (config tls.minVersion, tls.ciphers).
import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { generate } from 'selfsigned';
import type { Config } from './config.ts';
import { resolveDataPath } from './config.ts';

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
}

export function tlsPaths(cfg: Config): { cert: string; key: string } {
  return { cert: resolveDataPath(cfg, cfg.tls.cert), key: resolveDataPath(cfg, cfg.tls.key) };
}

/** Create a self-signed certificate if none exists. Returns true when one was made. */
export async function ensureTls(cfg: Config): Promise<boolean> {
  const p = tlsPaths(cfg);
  if (fs.existsSync(p.cert) && fs.existsSync(p.key)) return false;
  fs.mkdirSync(path.dirname(p.cert), { recursive: true });
  fs.mkdirSync(path.dirname(p.key), { recursive: true });
  const names = Array.from(new Set(['localhost', cfg.hostname, `mail.${cfg.domains.primary}`]));
  const notAfter = new Date();
  notAfter.setFullYear(notAfter.getFullYear() + 5);
  const pems = await generate([{ name: 'commonName', value: cfg.hostname }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...names.map((n) => ({ type: 2 as const, value: n })), { type: 7 as const, ip: '127.0.0.1' }, { type: 7 as const, ip: '::1' }],
      },
    ],
  } as Parameters<typeof generate>[1]);
  fs.writeFileSync(p.key, pems.private, { mode: 0o600 });
  fs.writeFileSync(p.cert, pems.cert, { mode: 0o644 });
  return true;
}

export function loadTls(cfg: Config): TlsMaterial {
  const p = tlsPaths(cfg);
  return { cert: fs.readFileSync(p.cert), key: fs.readFileSync(p.key) };
}

/**
 * The default cipher list (OpenSSL names): TLS 1.3's AEAD suites, then TLS 1.2 suites with
 * ECDHE key exchange (forward secrecy) and AEAD encryption, strongest first. No RSA key
 * exchange, no CBC, no SHA-1 MAC, no DHE (finite-field groups are slow and often weak).
 */
export const DEFAULT_TLS_CIPHERS = [
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_GCM_SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
].join(':');

export interface TlsPolicy {
  minVersion: 'TLSv1.2' | 'TLSv1.3';
  ciphers: string;
  honorCipherOrder: true;
}

/** The configured policy (tls.minVersion, tls.ciphers). */
export function tlsPolicy(cfg: Pick<Config, 'tls'>): TlsPolicy {
  return { minVersion: cfg.tls.minVersion, ciphers: cfg.tls.ciphers ?? DEFAULT_TLS_CIPHERS, honorCipherOrder: true };
}

/** Options of a TLS server (tls.createServer, https.createServer, smtp-server): material + policy. */
export function tlsServerOptions(cfg: Pick<Config, 'tls'>, material: TlsMaterial): tls.TlsOptions {
  return { cert: material.cert, key: material.key, ...tlsPolicy(cfg) };
}

/** A secure context for STARTTLS upgrades, under the same policy. */
export function tlsSecureContext(cfg: Pick<Config, 'tls'>, material: TlsMaterial): tls.SecureContext {
  return tls.createSecureContext(tlsServerOptions(cfg, material));
}
