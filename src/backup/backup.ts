// `thutin backup create DIR` and the scheduled backup of `serve`: an online, consistent, incremental,
// compressed (optionally encrypted) copy of the database, the blobs it names and the data
// directory's own files, with a signed manifest (R5.3, R5.7).
//
// Order and the blob race: the database is copied FIRST (one moment, storage/snapshot.ts), then the
// blobs its `contents` rows name are copied from the blob store. A blob written after the copy is not
// needed. A blob named by the copy may be reclaimed (expunged and unlinked) before it is read: inside
// `serve` every named blob is pinned in the tick the copy's list arrives (the reclaimer leaves a pinned
// blob alone), and from another process (the CLI) pins cannot reach the server, so a blob found gone
// is tolerated: the whole copy is taken again (blobs already in the pool stay, so only the few new
// ones are read), up to five times, and the backup fails naming the blobs if it still cannot finish.
// Owns: making a set (the order above, the pool's reuse, the data directory's files, the record of
// the last backup and its audit entry `backup.create`).
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BlobStore } from '../storage/blobs.ts';
import { snapshotDatabase, type DbLocation } from '../storage/snapshot.ts';
import type { AuditLog } from '../core/audit.ts';
import { BackupError } from './errors.ts';
import { hashFile, newKey, openKey, writeSealed } from './sealed-file.ts';
import { FORMAT, fingerprint, listSets, poolPath, readFolderInfo, readManifest, setDir, setName, signingKey, writeFolderInfo, writeManifest, type FolderInfo, type Manifest } from './manifest.ts';
import { silentProgress, type Progress } from './progress.ts';
import { writeStatus } from './status.ts';

export interface BackupDeps {
  dataDir: string;
  db: DbLocation;
  blobs: BlobStore;
  audit: AuditLog;
  now?: () => Date;
}

export interface CreateOptions {
  dir: string;
  /** A previous backup folder whose pool is linked (or copied) rather than read again from the store. */
  base?: string;
  passphrase?: string;
  actor: string;
  progress?: Progress;
  /** gzip level (1–9; default 6). */
  level?: number;
}

export interface CreateResult {
  set: string;
  dir: string;
  manifest: Manifest;
  /** How many times the database was copied (more than 1: blobs were reclaimed meanwhile). */
  attempts: number;
}

const ATTEMPTS = 5;
const PARALLEL = 4;
/** Files of the data directory that a backup never carries: the store's own, the lock, the backup key. */
const SKIP = new Set(['blobs', 'thutin.lock', 'backup-status.json', 'backup-signing.key']);

type BlobEntry = Manifest['blobs'][number];

export class BackupService {
  private readonly now: () => Date;
  private running = false;

  constructor(private readonly deps: BackupDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async create(o: CreateOptions): Promise<CreateResult> {
    if (this.running) throw new BackupError('BACKUP_RUNNING');
    this.running = true;
    const started = this.now();
    try {
      const r = await this.make(o, started);
      await writeStatus(this.deps.dataDir, { at: started.toISOString(), dir: path.resolve(o.dir), set: r.set, storedBytes: r.manifest.totals.storedBytes, ok: true });
      return r;
    } catch (e) {
      await writeStatus(this.deps.dataDir, { at: started.toISOString(), dir: path.resolve(o.dir), ok: false, error: (e as Error).message }).catch(() => {});
      throw e;
    } finally {
      this.running = false;
    }
  }

  private async make(o: CreateOptions, started: Date): Promise<CreateResult> {
    const progress = o.progress ?? silentProgress;
    const dir = path.resolve(o.dir);
    const signer = signingKey(this.deps.dataDir);
    const { info, key } = await this.openFolder(dir, o, signer);
    // What the pool already holds, from the latest set here and in the base folder.
    const known = await latestEntries(dir, key, info);
    const base = o.base ? path.resolve(o.base) : null;
    const baseKnown = base ? await latestEntries(base, key, await readFolderInfo(base)) : new Map<string, BlobEntry>();
    let set = setName(started);
    for (let i = 2; fs.existsSync(path.join(dir, setDir(set))); i++) set = `${setName(started)}-${i}`;
    const work = path.join(dir, setDir(set));
    await fsp.mkdir(work, { recursive: true });
    try {
      const tmpDb = path.join(work, 'database.tmp');
      const entries = new Map<string, BlobEntry>();
      let copiedBlobs = 0;
      let copiedBytes = 0;
      let attempts = 0;
      let snap: Awaited<ReturnType<typeof snapshotDatabase>>;
      for (;;) {
        attempts++;
        progress.start('Cơ sở dữ liệu / database', 1, 'items');
        snap = await snapshotDatabase(this.deps.db, tmpDb);
        const names = [...snap.blobs.keys()].sort();
        // In this process (serve's schedule): pinned in this tick, before the reclaimer can run again.
        for (const s of names) this.deps.blobs.pin(s);
        progress.end();
        const missing: string[] = [];
        try {
          const todo: string[] = [];
          for (const s of names) {
            if (entries.has(s)) continue;
            const pooled = path.join(dir, poolPath(s));
            const k = known.get(s);
            if (k && (await sizeOf(pooled)) === k[2]) entries.set(s, k);
            else if (fs.existsSync(pooled)) entries.set(s, [s, snap.blobs.get(s)!, ...(await storedOf(pooled))]);
            else if (baseKnown.has(s) && (await linkOrCopy(path.join(base!, poolPath(s)), pooled))) entries.set(s, baseKnown.get(s)!);
            else todo.push(s);
          }
          const total = todo.reduce((n, s) => n + snap.blobs.get(s)!, 0);
          progress.start(`Blob mới / new blobs (${todo.length})`, total, 'B');
          await eachLimit(todo, PARALLEL, async (s) => {
            const pooled = path.join(dir, poolPath(s));
            let stream: fs.ReadStream;
            try {
              stream = await openBlob(this.deps.blobs, s);
            } catch (e) {
              if ((e as NodeJS.ErrnoException).code === 'ENOENT') return void missing.push(s);
              throw e;
            }
            const w = await writeSealed(stream, pooled, key, o.level);
            if (w.rawSha256 !== s) {
              await fsp.rm(pooled, { force: true });
              throw new BackupError('BACKUP_BLOB_DAMAGED', `${s} (SHA-256 ${w.rawSha256})`);
            }
            entries.set(s, [s, w.rawSize, w.size, w.sha256]);
            copiedBlobs++;
            copiedBytes += w.rawSize;
            progress.advance(w.rawSize);
          });
          progress.end();
        } finally {
          for (const s of names) this.deps.blobs.unpin(s);
        }
        if (!missing.length) break;
        if (attempts >= ATTEMPTS) {
          throw new BackupError('BACKUP_BLOBS_GONE', `${ATTEMPTS} × ${missing.length}: ${missing.slice(0, 3).join(', ')}`);
        }
        progress.note(`${missing.length} blob đã bị thu hồi sau khi chụp, chụp lại / blobs were reclaimed after the copy, copying the database again`);
      }
      progress.start('Nén cơ sở dữ liệu / compressing the database', (await fsp.stat(tmpDb)).size, 'B');
      const dbStored = await writeSealed(
        (async function* () {
          for await (const c of fs.createReadStream(tmpDb) as AsyncIterable<Buffer>) {
            progress.advance(c.length);
            yield c;
          }
        })(),
        path.join(work, 'database'),
        key,
        o.level,
      );
      progress.end();
      await fsp.rm(tmpDb, { force: true });
      const files: Manifest['files'] = [];
      const own = await this.ownFiles(dir);
      for (const [i, name] of own.entries()) {
        const rel = path.posix.join(setDir(set), 'files', String(i));
        files.push({ name, path: rel, ...(await writeSealed(fs.createReadStream(path.join(this.deps.dataDir, name)), path.join(dir, rel), key)) });
      }
      const blobs = [...snap.blobs.keys()].sort().map((s) => entries.get(s)!);
      const storedBytes = dbStored.size + files.reduce((n, f) => n + f.size, 0) + blobs.reduce((n, b) => n + b[2], 0);
      const manifest: Manifest = {
        format: FORMAT,
        set,
        createdAt: started.toISOString(),
        snapshotAt: new Date(snap.takenAt).toISOString(),
        host: os.hostname(),
        encrypted: Boolean(key),
        database: { path: path.posix.join(setDir(set), 'database'), dialect: this.deps.db.driver, format: snap.format, ...dbStored },
        files,
        blobs,
        totals: { blobs: blobs.length, blobBytes: blobs.reduce((n, b) => n + b[1], 0), copiedBlobs, copiedBytes, storedBytes, durationMs: this.now().getTime() - started.getTime() },
      };
      await writeManifest(dir, manifest, signer, key);
      await this.deps.audit.record({
        actor: o.actor,
        action: 'backup.create',
        target: set,
        details: { dir, blobs: blobs.length, copiedBlobs, storedBytes, encrypted: Boolean(key), attempts },
      });
      return { set, dir, manifest, attempts };
    } catch (e) {
      await fsp.rm(work, { recursive: true, force: true });
      throw e;
    }
  }

  /** The folder's description (made for a new folder, taken from the base for a new folder with --base) and its key. */
  private async openFolder(dir: string, o: CreateOptions, signer: ReturnType<typeof signingKey>): Promise<{ info: FolderInfo; key: Buffer | null }> {
    let info = await readFolderInfo(dir);
    if (!info && o.base) {
      const b = await readFolderInfo(path.resolve(o.base));
      if (!b) throw new BackupError('BACKUP_NOT_FOUND', o.base);
      info = { ...b };
      await writeFolderInfo(dir, info);
    }
    if (!info) {
      if (fs.existsSync(dir) && (await fsp.readdir(dir)).length) throw new BackupError('BACKUP_DIR_NOT_EMPTY', dir);
      const made = o.passphrase ? newKey(o.passphrase) : null;
      info = { format: FORMAT, encryption: made?.params ?? null, signer: fingerprint(publicPem(signer)) };
      await writeFolderInfo(dir, info);
      return { info, key: made?.key ?? null };
    }
    if (info.encryption && !o.passphrase) throw new BackupError('BACKUP_PASSPHRASE_REQUIRED', dir);
    if (!info.encryption && o.passphrase) throw new BackupError('BACKUP_NOT_ENCRYPTED', dir);
    return { info, key: info.encryption ? openKey(o.passphrase!, info.encryption) : null };
  }

  /** The data directory's files a restore needs (configuration, TLS, keys), relative, sorted. */
  private async ownFiles(backupDir: string): Promise<string[]> {
    const root = path.resolve(this.deps.dataDir);
    const skip = new Set<string>();
    if (this.deps.db.file) for (const suffix of ['', '-wal', '-shm', '-journal']) skip.add(path.resolve(this.deps.db.file + suffix));
    const out: string[] = [];
    const walk = async (rel: string) => {
      for (const e of await fsp.readdir(path.join(root, rel), { withFileTypes: true })) {
        const r = rel ? path.posix.join(rel, e.name) : e.name;
        const abs = path.join(root, r);
        if ((!rel && SKIP.has(e.name)) || skip.has(abs) || abs === backupDir || e.name.endsWith('.tmp')) continue;
        if (e.isDirectory()) await walk(r);
        else if (e.isFile()) out.push(r);
      }
    };
    await walk('');
    return out.sort();
  }
}

function publicPem(key: ReturnType<typeof signingKey>): string {
  return crypto.createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
}

/** The blob entries of the newest readable set of a folder (the pool's index). */
async function latestEntries(dir: string, key: Buffer | null, info: FolderInfo | null): Promise<Map<string, BlobEntry>> {
  const out = new Map<string, BlobEntry>();
  const sets = await listSets(dir);
  for (let i = sets.length - 1; i >= 0; i--) {
    const { manifest } = await readManifest(dir, sets[i], key, info);
    if (!manifest) continue;
    for (const b of manifest.blobs) out.set(b[0], b);
    break;
  }
  return out;
}

async function sizeOf(file: string): Promise<number> {
  return fsp.stat(file).then(
    (st) => st.size,
    () => -1,
  );
}

async function storedOf(file: string): Promise<[number, string]> {
  const h = await hashFile(file);
  return [h.size, h.sha256];
}

async function linkOrCopy(from: string, to: string): Promise<boolean> {
  if (!fs.existsSync(from)) return false;
  await fsp.mkdir(path.dirname(to), { recursive: true });
  try {
    await fsp.link(from, to);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return true;
    if (code !== 'EXDEV' && code !== 'EPERM') throw e;
    await fsp.copyFile(from, to);
  }
  return true;
}

/** Open a blob for reading, or ENOENT at once (not later in the stream). */
function openBlob(blobs: BlobStore, sha256: string): Promise<fs.ReadStream> {
  return new Promise((resolve, reject) => {
    const s = blobs.createReadStream(sha256);
    s.once('open', () => resolve(s));
    s.once('error', reject);
  });
}

export async function eachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown = null;
  const worker = async () => {
    while (next < items.length && !failed) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed) throw failed;
}
