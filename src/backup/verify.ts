// `thutin backup verify DIR` and `thutin backup list DIR`: every set's manifest is checked (hash,
// Ed25519 signature, the signer first seen, the HMAC with the passphrase) and every file it names is
// hashed again; each problem names its file. A pool file shared by several sets is read once.
// Owns: checking a backup folder against its manifests, and listing its sets.
import fs from 'node:fs';
import path from 'node:path';
import { hashFile, openKey, type KeyRing } from './sealed-file.ts';
import { keyRing, openPrivateKey } from './recipient-key.ts';
import { listSets, poolPath, readFolderInfo, readManifest, setTime, type FolderInfo, type Manifest } from './manifest.ts';
import { ThutinError } from '../core/errors.ts';
import { silentProgress, type Progress } from './progress.ts';

export interface VerifyResult {
  ok: boolean;
  sets: string[];
  files: number;
  bytes: number;
  /** `path: what is wrong`, one per damaged, missing or tampered file. */
  problems: string[];
}

/**
 * The folder's description and key (a passphrase given to an unencrypted folder is ignored): the
 * passphrase's key, or for a folder encrypted to a public key the ring of its sets' data keys
 * opened with `privateKey` (PEM; another key is BACKUP_WRONG_KEY).
 */
export async function openFolder(dir: string, passphrase?: string, privateKey?: string): Promise<{ info: FolderInfo; key: Buffer | KeyRing | null }> {
  const info = await readFolderInfo(dir);
  if (!info) throw new ThutinError('BACKUP_NOT_FOUND', dir);
  if (!info.encryption) return { info, key: null };
  if (info.encryption.kdf === 'recipient') return { info, key: privateKey ? keyRing(dir, openPrivateKey(privateKey, info.encryption)) : null };
  if (!passphrase) return { info, key: null };
  return { info, key: openKey(passphrase, info.encryption) };
}

/** The key that checks a manifest's HMAC: a passphrase's (a folder encrypted to a public key has none: its manifests are signed). */
export function manifestKey(key: Buffer | KeyRing | null): Buffer | null {
  return Buffer.isBuffer(key) ? key : null;
}

export async function verifyBackup(dir: string, o: { set?: string; passphrase?: string; privateKey?: string; progress?: Progress } = {}): Promise<VerifyResult> {
  const progress = o.progress ?? silentProgress;
  const { info, key: folderKey } = await openFolder(dir, o.passphrase, o.privateKey);
  const key = manifestKey(folderKey);
  const sets = o.set ? [o.set] : await listSets(dir);
  if (o.set && !fs.existsSync(path.join(dir, 'sets', o.set))) throw new ThutinError('BACKUP_SET_NOT_FOUND', o.set);
  const problems: string[] = [];
  const todo = new Map<string, { size: number; sha256: string }>();
  for (const s of sets) {
    const { manifest, problems: p } = await readManifest(dir, s, key, info);
    problems.push(...p);
    if (!manifest) continue;
    if (typeof folderKey === 'function' && manifest.keyId) {
      try {
        folderKey(manifest.keyId); // the private key opens this set's data key
      } catch (e) {
        problems.push(`keys/${manifest.keyId}.json: ${(e as Error).message}`);
      }
    }
    for (const f of [manifest.database, ...manifest.files]) todo.set(f.path, f);
    for (const [sha, , size, stored] of manifest.blobs) todo.set(poolPath(sha), { size, sha256: stored });
  }
  const total = [...todo.values()].reduce((n, f) => n + f.size, 0);
  progress.start('Kiểm tra / verifying', total, 'B');
  let bytes = 0;
  for (const [rel, want] of todo) {
    const file = path.join(dir, rel);
    if (!fs.existsSync(file)) {
      problems.push(`${rel}: thiếu / missing`);
      continue;
    }
    const got = await hashFile(file);
    bytes += got.size;
    progress.advance(got.size);
    if (got.size !== want.size || got.sha256 !== want.sha256) problems.push(`${rel}: SHA-256 khác bản kê, tệp bị sửa hoặc hỏng / differs from the manifest, the file was altered or damaged`);
  }
  progress.end();
  return { ok: problems.length === 0 && sets.length > 0, sets, files: todo.size, bytes, problems: sets.length ? problems : [...problems, 'không có bản sao lưu nào / no backup sets'] };
}

export interface SetSummary {
  set: string;
  at: Date;
  snapshotAt: string;
  dialect: string;
  encrypted: boolean;
  totals: Manifest['totals'] | null;
  /** The manifest's own checks (hash, signature); files are checked by verify. */
  problems: string[];
}

export async function listBackups(dir: string, passphrase?: string): Promise<SetSummary[]> {
  const { info, key: folderKey } = await openFolder(dir, passphrase);
  const key = manifestKey(folderKey);
  const out: SetSummary[] = [];
  for (const s of await listSets(dir)) {
    const { manifest, problems } = await readManifest(dir, s, key, info);
    out.push({
      set: s,
      at: setTime(s),
      snapshotAt: manifest?.snapshotAt ?? '',
      dialect: manifest?.database.dialect ?? '?',
      encrypted: Boolean(manifest?.encrypted),
      totals: manifest?.totals ?? null,
      problems,
    });
  }
  return out;
}
