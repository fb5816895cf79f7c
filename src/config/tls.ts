// TLS material: makes a self-signed certificate on first start (naming localhost and the host
// name) and loads the certificate and key for the SMTP and IMAP front ends.
import fs from 'node:fs';
import path from 'node:path';
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
