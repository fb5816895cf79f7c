// Backups encrypted to a public key (issue 14): besides a passphrase, a backup folder may be made
// for a recipient's X25519 or RSA public key (PEM), so the server that writes backups cannot read
// them back — only the holder of the private key restores. node:crypto's hybrid scheme: each set
// gets a random AES-256-GCM data key; it is wrapped for the recipient — X25519: an ephemeral key
// pair, ECDH, HKDF-SHA256 (salt: both public keys) → a key that seals the data key with AES-256-GCM;
// RSA (2048 bits or more): RSA-OAEP with SHA-256 — and kept in `keys/<id>.json` of the folder (a
// few hundred bytes per set, never removed by rotation: pool files written by an old set still name
// its key). Every sealed file names its key id in its header (sealed-file.ts `THUTINBK2`).
// Owns: the recipient parameters of a folder, wrapping and unwrapping data keys, the keys/ files.
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { ThutinError } from '../core/errors.ts';
import type { SetKey, KeyRing } from './sealed-file.ts';

export interface RecipientParams {
  kdf: 'recipient';
  type: 'x25519' | 'rsa';
  /** SHA-256 of the recipient's public key (SPKI, DER): which private key opens this folder. */
  fingerprint: string;
}

interface WrappedKey {
  id: string;
  alg: 'x25519-hkdf-sha256-aes256gcm' | 'rsa-oaep-sha256';
  fingerprint: string;
  /** X25519: the ephemeral public key (SPKI DER, base64). */
  epk?: string;
  nonce?: string;
  tag?: string;
  wrapped: string;
}

const INFO = 'thutin-backup-recipient/1';

function spki(key: crypto.KeyObject): Buffer {
  return (key.type === 'public' ? key : crypto.createPublicKey(key)).export({ type: 'spki', format: 'der' });
}

export function keyFingerprint(key: crypto.KeyObject): string {
  return crypto.createHash('sha256').update(spki(key)).digest('hex');
}

/** A recipient's public key from PEM (a private key's PEM gives its public half); X25519 or RSA ≥ 2048 bits. */
export function recipientKey(pem: string | Buffer): { key: crypto.KeyObject; params: RecipientParams } {
  let key: crypto.KeyObject;
  try {
    key = crypto.createPublicKey(pem);
  } catch (e) {
    throw new ThutinError('BACKUP_KEY_INVALID', (e as Error).message);
  }
  const t = key.asymmetricKeyType;
  if (t !== 'x25519' && t !== 'rsa') throw new ThutinError('BACKUP_KEY_INVALID', `${t}: X25519 | RSA`);
  if (t === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw new ThutinError('BACKUP_KEY_INVALID', 'RSA < 2048 bit');
  return { key, params: { kdf: 'recipient', type: t, fingerprint: keyFingerprint(key) } };
}

function kek(shared: Buffer, epk: Buffer, rpk: Buffer): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', shared, Buffer.concat([epk, rpk]), INFO, 32));
}

/** A new data key for a set, wrapped for the recipient and written to `keys/<id>.json` (synced) before any file uses it. */
export async function newSetKey(dir: string, recipient: crypto.KeyObject): Promise<SetKey> {
  const key = crypto.randomBytes(32);
  const id = crypto.randomBytes(16).toString('hex');
  const fingerprint = keyFingerprint(recipient);
  let w: WrappedKey;
  if (recipient.asymmetricKeyType === 'x25519') {
    const eph = crypto.generateKeyPairSync('x25519');
    const epk = spki(eph.publicKey);
    const shared = crypto.diffieHellman({ privateKey: eph.privateKey, publicKey: recipient });
    const nonce = crypto.randomBytes(12);
    const c = crypto.createCipheriv('aes-256-gcm', kek(shared, epk, spki(recipient)), nonce);
    c.setAAD(Buffer.from(id));
    const wrapped = Buffer.concat([c.update(key), c.final()]);
    w = {
      id,
      alg: 'x25519-hkdf-sha256-aes256gcm',
      fingerprint,
      epk: epk.toString('base64'),
      nonce: nonce.toString('base64'),
      tag: c.getAuthTag().toString('base64'),
      wrapped: wrapped.toString('base64'),
    };
  } else {
    const wrapped = crypto.publicEncrypt({ key: recipient, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, key);
    w = { id, alg: 'rsa-oaep-sha256', fingerprint, wrapped: wrapped.toString('base64') };
  }
  const file = path.join(dir, 'keys', `${id}.json`);
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const fh = await fsp.open(file, 'wx', 0o600);
  try {
    await fh.write(JSON.stringify(w, null, 2) + '\n');
    await fh.sync();
  } finally {
    await fh.close();
  }
  return { id, key };
}

/** The private key that opens a folder made for `params`: refused (BACKUP_WRONG_KEY) when it is another key. */
export function openPrivateKey(pem: string | Buffer, params: RecipientParams): crypto.KeyObject {
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey(pem);
  } catch (e) {
    throw new ThutinError('BACKUP_KEY_INVALID', (e as Error).message);
  }
  if (keyFingerprint(key) !== params.fingerprint) throw new ThutinError('BACKUP_WRONG_KEY', `${keyFingerprint(key).slice(0, 16)}… ≠ ${params.fingerprint.slice(0, 16)}…`);
  return key;
}

/** The data keys of a folder, unwrapped with the private key as files name them (each once). */
export function keyRing(dir: string, privateKey: crypto.KeyObject): KeyRing {
  const cache = new Map<string, Buffer>();
  return (id: string) => {
    const hit = cache.get(id);
    if (hit) return hit;
    if (!/^[0-9a-f]{32}$/.test(id)) throw new ThutinError('BACKUP_INVALID', `key ${id}`);
    let w: WrappedKey;
    try {
      w = JSON.parse(fs.readFileSync(path.join(dir, 'keys', `${id}.json`), 'utf8')) as WrappedKey;
    } catch (e) {
      throw new ThutinError('BACKUP_INVALID', `keys/${id}.json: ${(e as Error).message}`);
    }
    let key: Buffer;
    try {
      if (w.alg === 'x25519-hkdf-sha256-aes256gcm') {
        const epk = Buffer.from(w.epk!, 'base64');
        const shared = crypto.diffieHellman({ privateKey, publicKey: crypto.createPublicKey({ key: epk, format: 'der', type: 'spki' }) });
        const d = crypto.createDecipheriv('aes-256-gcm', kek(shared, epk, spki(privateKey)), Buffer.from(w.nonce!, 'base64'));
        d.setAAD(Buffer.from(id));
        d.setAuthTag(Buffer.from(w.tag!, 'base64'));
        key = Buffer.concat([d.update(Buffer.from(w.wrapped, 'base64')), d.final()]);
      } else key = crypto.privateDecrypt({ key: privateKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(w.wrapped, 'base64'));
    } catch (e) {
      throw new ThutinError('BACKUP_WRONG_KEY', `keys/${id}.json: ${(e as Error).message}`);
    }
    if (key.length !== 32) throw new ThutinError('BACKUP_WRONG_KEY', `keys/${id}.json`);
    cache.set(id, key);
    return key;
  };
}

/** Copy a base folder's wrapped keys (its pool files, linked into a new folder, still name them). */
export async function copyKeys(from: string, to: string): Promise<void> {
  const src = path.join(from, 'keys');
  if (!fs.existsSync(src)) return;
  await fsp.mkdir(path.join(to, 'keys'), { recursive: true });
  for (const f of await fsp.readdir(src)) if (!fs.existsSync(path.join(to, 'keys', f))) await fsp.copyFile(path.join(src, f), path.join(to, 'keys', f));
}
