// How one file of a backup is stored: gzip (node:zlib; Node 20 has no zstd), then, for an encrypted
// backup, AES-256-GCM (node:crypto) with a fresh 96-bit nonce per file: `THUTINBK1` + nonce +
// ciphertext + 16-byte tag. Written to a temporary name, synced, renamed: a file is whole or absent.
// The key comes from the passphrase once per backup folder (scrypt, parameters in backup.json); or,
// for a folder made for a public key (recipient-key.ts), it is the set's data key and the file is
// `THUTINBK2` + the key's 16-byte id + nonce + ciphertext + tag (the id finds the wrapped key).
// Owns: the stored-file format, its hashes (of the plain bytes and of the stored bytes), the key derivation.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';

const MAGIC = Buffer.from('THUTINBK1');
const MAGIC2 = Buffer.from('THUTINBK2');
const KEY_ID = 16;
const NONCE = 12;
const TAG = 16;

/** A set's data key and its id (hex), for a folder encrypted to a public key (recipient-key.ts). */
export interface SetKey {
  id: string;
  key: Buffer;
}
/** The data key of an id, for reading such a folder (recipient-key.ts keyRing). */
export type KeyRing = (id: string) => Buffer;

export interface StoredFile {
  /** Bytes before compression and encryption, and their SHA-256. */
  rawSize: number;
  rawSha256: string;
  /** Bytes on disk and their SHA-256 (what `verify` checks). */
  size: number;
  sha256: string;
}

export interface ScryptParams {
  kdf: 'scrypt';
  salt: string;
  N: number;
  r: number;
  p: number;
  /** HMAC of a constant under the key: tells a wrong passphrase at once. */
  check: string;
}

/** A new key for a backup folder: scrypt parameters to keep (no secret in them) and the key. */
export function newKey(passphrase: string): { params: ScryptParams; key: Buffer } {
  const salt = crypto.randomBytes(16).toString('hex');
  const base = { kdf: 'scrypt' as const, salt, N: 1 << 15, r: 8, p: 1 };
  const key = derive(passphrase, base);
  return { params: { ...base, check: keyCheck(key) }, key };
}

/** The key of an existing backup folder, or an error when the passphrase is not the one it was made with. */
export function openKey(passphrase: string, params: ScryptParams): Buffer {
  const key = derive(passphrase, params);
  if (!crypto.timingSafeEqual(Buffer.from(keyCheck(key), 'hex'), Buffer.from(params.check, 'hex'))) {
    throw new Error('Sai cụm mật khẩu sao lưu / wrong backup passphrase');
  }
  return key;
}

function derive(passphrase: string, p: Omit<ScryptParams, 'check'>): Buffer {
  return crypto.scryptSync(passphrase.normalize('NFC'), Buffer.from(p.salt, 'hex'), 32, { N: p.N, r: p.r, p: p.p, maxmem: 256 * p.N * p.r });
}

function keyCheck(key: Buffer): string {
  return crypto.createHmac('sha256', key).update('thutin-backup-key-check').digest('hex');
}

/** A key for signing manifests, apart from the encryption key. */
export function macKey(key: Buffer): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', key, Buffer.alloc(0), 'thutin-backup-manifest', 32));
}

/**
 * Store `source` at `dest`: gzip, then AES-256-GCM when `key` is given. Synced before the rename
 * unless `sync` is false (many small files: the caller syncs them at once with `syncAll`).
 */
export async function writeSealed(source: Readable | AsyncIterable<Buffer>, dest: string, sealKey: Buffer | SetKey | null, level = 6, sync = true): Promise<StoredFile> {
  const key = Buffer.isBuffer(sealKey) || !sealKey ? sealKey : sealKey.key;
  const head = Buffer.isBuffer(sealKey) || !sealKey ? MAGIC : Buffer.concat([MAGIC2, Buffer.from(sealKey.id, 'hex')]);
  await fsp.mkdir(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  const fh = await fsp.open(tmp, 'w', 0o600);
  const raw = crypto.createHash('sha256');
  const stored = crypto.createHash('sha256');
  let rawSize = 0;
  let size = 0;
  const put = async (b: Buffer) => {
    stored.update(b);
    size += b.length;
    await fh.write(b);
  };
  try {
    const nonce = crypto.randomBytes(NONCE);
    const cipher = key ? crypto.createCipheriv('aes-256-gcm', key, nonce) : null;
    if (cipher) await put(Buffer.concat([head, nonce]));
    const tap = async function* (src: AsyncIterable<Buffer>) {
      for await (const c of src) {
        raw.update(c);
        rawSize += c.length;
        yield c;
      }
    };
    const sink = async (src: AsyncIterable<Buffer>) => {
      for await (const c of src) await put(c);
    };
    const gz = zlib.createGzip({ level });
    if (cipher) await pipeline(source, tap, gz, cipher, sink);
    else await pipeline(source, tap, gz, sink);
    if (cipher) await put(cipher.getAuthTag());
    if (sync) await fh.sync();
    await fh.close();
  } catch (e) {
    await fh.close().catch(() => {});
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  await fsp.rename(tmp, dest);
  return { rawSize, rawSha256: raw.digest('hex'), size, sha256: stored.digest('hex') };
}

/** The plain bytes of a stored file (decrypted, decompressed); a wrong key or changed bytes fail the stream. */
export async function openSealed(file: string, openKey: Buffer | KeyRing | null): Promise<Readable> {
  if (!openKey) {
    const gunzip = zlib.createGunzip();
    return fs
      .createReadStream(file)
      .on('error', (e: Error) => gunzip.destroy(e))
      .pipe(gunzip);
  }
  const fh = await fsp.open(file, 'r');
  let nonce: Buffer;
  let tag: Buffer;
  let size: number;
  let key: Buffer;
  let start = MAGIC.length + NONCE;
  try {
    size = (await fh.stat()).size;
    if (size < MAGIC.length + NONCE + TAG) throw new Error(`${file}: too short`);
    const head = Buffer.alloc(MAGIC.length + KEY_ID + NONCE);
    await fh.read(head, 0, head.length, 0);
    if (head.subarray(0, MAGIC.length).equals(MAGIC) && Buffer.isBuffer(openKey)) {
      key = openKey;
      nonce = head.subarray(MAGIC.length, MAGIC.length + NONCE);
    } else if (head.subarray(0, MAGIC2.length).equals(MAGIC2) && typeof openKey === 'function') {
      if (size < MAGIC2.length + KEY_ID + NONCE + TAG) throw new Error(`${file}: too short`);
      key = openKey(head.subarray(MAGIC2.length, MAGIC2.length + KEY_ID).toString('hex'));
      nonce = head.subarray(MAGIC2.length + KEY_ID);
      start = MAGIC2.length + KEY_ID + NONCE;
    } else throw new Error(`${file}: not an encrypted backup file of this kind`);
    tag = Buffer.alloc(TAG);
    await fh.read(tag, 0, TAG, size - TAG);
  } finally {
    await fh.close();
  }
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAuthTag(tag);
  const body = size - TAG - 1 >= start ? fs.createReadStream(file, { start, end: size - TAG - 1 }) : Readable.from([]);
  const gunzip = zlib.createGunzip();
  body.on('error', (e: Error) => gunzip.destroy(e));
  decipher.on('error', (e) => gunzip.destroy(e));
  return body.pipe(decipher).pipe(gunzip);
}

/**
 * Make files written without sync durable: one syncfs(2) of the file system holding `dir` (coreutils
 * `sync -f`), or, where that is not available, fsync of each file and of each directory they are in.
 */
export async function syncAll(dir: string, files: string[]): Promise<void> {
  const ok = await new Promise<boolean>((resolve) => {
    const child = spawn('sync', ['-f', dir], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
  if (ok) return;
  for (const f of [...files, ...new Set(files.map((x) => path.dirname(x)))]) {
    const fh = await fsp.open(f, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }
}

/** SHA-256 and size of a file as stored. */
export async function hashFile(file: string): Promise<{ size: number; sha256: string }> {
  const h = crypto.createHash('sha256');
  let size = 0;
  for await (const c of fs.createReadStream(file) as AsyncIterable<Buffer>) {
    h.update(c);
    size += c.length;
  }
  return { size, sha256: h.digest('hex') };
}
