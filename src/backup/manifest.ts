// A backup folder and its sets: `backup.json` (format, encryption parameters, the signer first
// seen), `pool/ab/<sha256>` (the blobs, shared by every set: a later set stores only blobs the pool
// lacks), `sets/<name>/` (database copy, the data directory's small files, `manifest.json`, and
// `manifest.sig`: the manifest's SHA-256, an Ed25519 signature by the installation's backup key
// (`<dataDir>/backup-signing.key`), and with a passphrase an HMAC under a key derived from it).
// Owns: the folder layout, the manifest's shape, signing and checking it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { SnapshotFormat } from '../storage/snapshot.ts';
import type { Dialect } from '../storage/dialect.ts';
import { macKey, type ScryptParams, type StoredFile } from './sealed-file.ts';
import type { RecipientParams } from './recipient-key.ts';

export const FORMAT = 'thutin-backup/1';

export interface FolderInfo {
  format: typeof FORMAT;
  /** A passphrase's scrypt parameters, or a recipient's public key (recipient-key.ts: each set's data key is wrapped for it in keys/). */
  encryption: ScryptParams | RecipientParams | null;
  /** SHA-256 of the first signer's public key (trust on first use: a set signed by another key is reported). */
  signer?: string;
}

export interface StoredEntry extends StoredFile {
  /** Relative to the backup folder. */
  path: string;
}

export interface Manifest {
  format: typeof FORMAT;
  set: string;
  createdAt: string;
  /** The moment of the database copy. */
  snapshotAt: string;
  host: string;
  encrypted: boolean;
  /** Encrypted to a public key: the id of this set's data key (keys/<id>.json). */
  keyId?: string;
  database: StoredEntry & { dialect: Dialect; format: SnapshotFormat };
  /** The data directory's own files (configuration, TLS, DKIM and second-factor keys). */
  files: Array<StoredEntry & { name: string }>;
  /** Every blob the copy names: [content SHA-256, plain size, stored size, stored SHA-256]; stored at `pool/ab/<sha256>`. */
  blobs: Array<[string, number, number, string]>;
  totals: { blobs: number; blobBytes: number; copiedBlobs: number; copiedBytes: number; storedBytes: number; durationMs: number };
}

export interface Signature {
  sha256: string;
  publicKey: string;
  signature: string;
  hmac?: string;
}

export function poolPath(sha256: string): string {
  return path.posix.join('pool', sha256.slice(0, 2), sha256);
}

export function setDir(set: string): string {
  return path.posix.join('sets', set);
}

/** A set's name from its time: 20261207T020000Z (sorts as time). */
export function setName(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

export function setTime(name: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(name);
  if (!m) return new Date(NaN);
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}

export async function readFolderInfo(dir: string): Promise<FolderInfo | null> {
  try {
    return JSON.parse(await fsp.readFile(path.join(dir, 'backup.json'), 'utf8')) as FolderInfo;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

export async function writeFolderInfo(dir: string, info: FolderInfo): Promise<void> {
  await fsp.mkdir(dir, { recursive: true });
  await fsp.writeFile(path.join(dir, 'backup.json'), JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
}

/** The sets in a folder, oldest first (only those with a manifest: a set cut off midway is not one). */
export async function listSets(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fsp.readdir(path.join(dir, 'sets'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return names.filter((n) => fs.existsSync(path.join(dir, 'sets', n, 'manifest.json'))).sort();
}

/** The installation's Ed25519 key that signs its backups (made on first use, 0600). */
export function signingKey(dataDir: string): crypto.KeyObject {
  const file = path.join(dataDir, 'backup-signing.key');
  if (!fs.existsSync(file)) {
    const { privateKey } = crypto.generateKeyPairSync('ed25519');
    fs.writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  }
  return crypto.createPrivateKey(fs.readFileSync(file));
}

export function fingerprint(publicKeyPem: string): string {
  return crypto.createHash('sha256').update(publicKeyPem).digest('hex');
}

export async function writeManifest(dir: string, m: Manifest, key: crypto.KeyObject, encKey: Buffer | null): Promise<Signature> {
  const base = path.join(dir, setDir(m.set));
  const bytes = Buffer.from(JSON.stringify(m));
  const sig: Signature = {
    sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
    publicKey: crypto.createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString(),
    signature: crypto.sign(null, bytes, key).toString('base64'),
  };
  if (encKey) sig.hmac = crypto.createHmac('sha256', macKey(encKey)).update(bytes).digest('hex');
  await writeSynced(path.join(base, 'manifest.sig'), Buffer.from(JSON.stringify(sig, null, 2) + '\n'));
  // The manifest last: a set exists only once it is complete.
  await writeSynced(path.join(base, 'manifest.json'), bytes);
  return sig;
}

async function writeSynced(file: string, bytes: Buffer): Promise<void> {
  const tmp = `${file}.tmp`;
  const fh = await fsp.open(tmp, 'w', 0o600);
  try {
    await fh.write(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fsp.rename(tmp, file);
}

/** Read a set's manifest and check it: its hash, its signature, the HMAC when a key is given. Problems are named, never thrown. */
export async function readManifest(dir: string, set: string, encKey: Buffer | null, info: FolderInfo | null): Promise<{ manifest: Manifest | null; problems: string[] }> {
  const base = path.join(dir, setDir(set));
  const rel = path.posix.join(setDir(set), 'manifest.json');
  const problems: string[] = [];
  let bytes: Buffer;
  let sig: Signature;
  try {
    bytes = await fsp.readFile(path.join(base, 'manifest.json'));
    sig = JSON.parse(await fsp.readFile(path.join(base, 'manifest.sig'), 'utf8')) as Signature;
  } catch (e) {
    return { manifest: null, problems: [`${rel}: ${(e as Error).message}`] };
  }
  if (crypto.createHash('sha256').update(bytes).digest('hex') !== sig.sha256) problems.push(`${rel}: SHA-256 khác chữ ký / does not match its signature file`);
  try {
    if (!crypto.verify(null, bytes, crypto.createPublicKey(sig.publicKey), Buffer.from(sig.signature, 'base64'))) problems.push(`${rel}: chữ ký Ed25519 sai / bad Ed25519 signature`);
  } catch (e) {
    problems.push(`${rel}: chữ ký không đọc được / unreadable signature: ${(e as Error).message}`);
  }
  if (info?.signer && fingerprint(sig.publicKey) !== info.signer) problems.push(`${rel}: ký bởi khóa khác / signed by another key (${fingerprint(sig.publicKey).slice(0, 16)}…)`);
  if (encKey) {
    const mac = crypto.createHmac('sha256', macKey(encKey)).update(bytes).digest('hex');
    if (!sig.hmac || !crypto.timingSafeEqual(Buffer.from(mac, 'hex'), Buffer.from(sig.hmac.padEnd(64, '0').slice(0, 64), 'hex'))) problems.push(`${rel}: HMAC sai / bad HMAC`);
  }
  let manifest: Manifest | null = null;
  try {
    manifest = JSON.parse(bytes.toString('utf8')) as Manifest;
    if (manifest.format !== FORMAT) problems.push(`${rel}: định dạng lạ / unknown format ${manifest.format}`);
  } catch (e) {
    problems.push(`${rel}: ${(e as Error).message}`);
  }
  return { manifest, problems };
}
