// `thutin backup restore DIR --data NEW [--set S] [--database postgres --url …]`: a set into a fresh
// data directory (refused when NEW holds anything): the data directory's files, the database (a
// SQLite file, pg_restore of a pg_dump, or SQLite → PostgreSQL table by table through
// storage/snapshot.ts), then every blob through the blob store, whose SHA-256 must be its name.
// The manifest is checked first (hash, signature, HMAC); a stored file that does not decompress or
// decrypt, or whose bytes are not the manifest's, stops the restore naming it.
// Owns: the order of a restore and the restored configuration's `database` section.
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { BlobStore } from '../storage/blobs.ts';
import { restoreDatabase, type DbLocation } from '../storage/snapshot.ts';
import { CONFIG_FILE } from '../config/config.ts';
import { listSets, poolPath, readManifest } from './manifest.ts';
import { openSealed } from './sealed-file.ts';
import { manifestKey, openFolder } from './verify.ts';
import { ThutinError } from '../core/errors.ts';
import { eachLimit } from './backup.ts';
import { silentProgress, type Progress } from './progress.ts';

export interface RestoreOptions {
  dir: string;
  /** The new data directory. */
  target: string;
  set?: string;
  /** Default: the set's own database kind (SQLite into `thutin.sqlite`). */
  database?: { driver: 'sqlite' } | { driver: 'postgres'; url: string };
  passphrase?: string;
  /** The private key (PEM) of a folder encrypted to a public key. */
  privateKey?: string;
  progress?: Progress;
}

export interface RestoreResult {
  set: string;
  target: string;
  database: 'sqlite' | 'postgres';
  blobs: number;
  bytes: number;
  files: number;
}

/** Plain bytes of a stored file, checked against the manifest's SHA-256 as they pass. */
async function copyOut(src: Readable, dest: string, rawSha256: string, rel: string): Promise<void> {
  const h = crypto.createHash('sha256');
  await fsp.mkdir(path.dirname(dest), { recursive: true });
  await pipeline(
    src,
    async function* (s: AsyncIterable<Buffer>) {
      for await (const c of s) {
        h.update(c);
        yield c;
      }
    },
    fs.createWriteStream(dest, { mode: 0o600, flags: 'wx' }),
  );
  if (h.digest('hex') !== rawSha256) throw new ThutinError('BACKUP_INVALID', `${rel}: SHA-256`);
}

export async function restoreBackup(o: RestoreOptions): Promise<RestoreResult> {
  const progress = o.progress ?? silentProgress;
  const dir = path.resolve(o.dir);
  const target = path.resolve(o.target);
  if (fs.existsSync(target) && (await fsp.readdir(target)).length) throw new ThutinError('BACKUP_TARGET_NOT_EMPTY', target);
  const { info, key } = await openFolder(dir, o.passphrase, o.privateKey);
  if (info.encryption && !key) throw new ThutinError(info.encryption.kdf === 'recipient' ? 'BACKUP_KEY_REQUIRED' : 'BACKUP_PASSPHRASE_REQUIRED', dir);
  const sets = await listSets(dir);
  const set = o.set ?? sets[sets.length - 1];
  if (!set || !sets.includes(set)) throw new ThutinError('BACKUP_SET_NOT_FOUND', o.set ?? dir);
  const { manifest, problems } = await readManifest(dir, set, manifestKey(key), info);
  if (!manifest || problems.length) throw new ThutinError('BACKUP_INVALID', problems.join('; '));
  const wrap = (rel: string) => (e: unknown) => {
    throw e instanceof ThutinError ? e : new ThutinError('BACKUP_INVALID', `${rel}: ${(e as Error).message}`);
  };

  const driver = o.database?.driver ?? manifest.database.dialect;
  if (driver === 'sqlite' && manifest.database.dialect === 'postgres') throw new ThutinError('BACKUP_TARGET_UNSUPPORTED', 'PostgreSQL → SQLite');
  if (driver === 'postgres' && o.database?.driver !== 'postgres') throw new ThutinError('BACKUP_TARGET_UNSUPPORTED', '--database postgres --url …');

  await fsp.mkdir(target, { recursive: true, mode: 0o750 });
  progress.start('Tệp cấu hình và khoá / configuration and keys', manifest.files.length, 'items');
  for (const f of manifest.files) {
    if (f.name.split('/').some((p) => p === '..' || p === '') || path.isAbsolute(f.name)) throw new ThutinError('BACKUP_INVALID', `${f.path}: ${f.name}`);
    await copyOut(await openSealed(path.join(dir, f.path), key), path.join(target, f.name), f.rawSha256, f.path).catch(wrap(f.path));
    progress.advance(1);
  }
  progress.end();

  // The restored configuration names the new database.
  const cfgFile = path.join(target, CONFIG_FILE);
  const cfg = fs.existsSync(cfgFile) ? (JSON.parse(await fsp.readFile(cfgFile, 'utf8')) as Record<string, unknown>) : {};
  const dbCfg = { ...((cfg.database as Record<string, unknown> | undefined) ?? {}) };
  let location: DbLocation;
  if (driver === 'postgres') {
    const url = (o.database as { url: string }).url;
    location = { driver: 'postgres', url };
    Object.assign(dbCfg, { driver: 'postgres', url });
  } else {
    const file = typeof dbCfg.file === 'string' ? dbCfg.file : 'thutin.sqlite';
    location = { driver: 'sqlite', file: path.isAbsolute(file) ? file : path.join(target, file) };
    Object.assign(dbCfg, { driver: 'sqlite', file });
    delete dbCfg.url;
  }
  if (fs.existsSync(cfgFile) || driver === 'postgres') await fsp.writeFile(cfgFile, JSON.stringify({ ...cfg, database: dbCfg }, null, 2) + '\n', { mode: 0o640 });

  const tmpDb = path.join(target, '.restore-database.tmp');
  progress.start('Cơ sở dữ liệu / database', manifest.database.rawSize, 'B');
  await copyOut(await openSealed(path.join(dir, manifest.database.path), key), tmpDb, manifest.database.rawSha256, manifest.database.path).catch(wrap(manifest.database.path));
  progress.end();
  progress.start(driver === manifest.database.dialect ? 'Nạp cơ sở dữ liệu / loading the database' : 'Chép từng bảng / copying table by table', 1, 'items');
  try {
    await restoreDatabase(tmpDb, manifest.database.format, location);
  } finally {
    await fsp.rm(tmpDb, { force: true });
  }
  progress.end();

  const blobs = new BlobStore(path.join(target, 'blobs'));
  const total = manifest.blobs.reduce((n, b) => n + b[1], 0);
  progress.start(`Blob (${manifest.blobs.length})`, total, 'B');
  await eachLimit(manifest.blobs, 16, async ([sha, size]) => {
    const rel = poolPath(sha);
    const w = await blobs.write(await openSealed(path.join(dir, rel), key)).catch(wrap(rel));
    blobs.unpin(w.sha256);
    if (w.sha256 !== sha) {
      await blobs.remove(w.sha256);
      throw new ThutinError('BACKUP_INVALID', `${rel}: SHA-256 ${w.sha256}`);
    }
    progress.advance(size);
  });
  progress.end();
  return { set, target, database: driver, blobs: manifest.blobs.length, bytes: total, files: manifest.files.length };
}
