// `thutin backup create DIR` and the scheduled backup of `serve`: an online, consistent, incremental,
// compressed (optionally encrypted) copy of the database, the blobs it names and the data
// directory's own files, with a signed manifest (R5.3, R5.7).
//
// Order and the blob race: the database is copied FIRST (one moment, storage/snapshot.ts), then the
// blobs its `contents` rows name are copied. A blob written after the copy is not needed. A blob the
// copy names may be reclaimed (expunged, unlinked) by the server before it is read, so the moment the
// copy's list is known (on PostgreSQL before pg_dump even runs) every named blob the pool lacks is
// HELD, synchronously in one tick: pinned (this process's reclaimer, serve's schedule) and hard-linked
// into `<dataDir>/backup-hold-*` (any other process's reclaimer: its unlink leaves our link, so the
// bytes stay). A blob already gone in the few microseconds between is tolerated: the database is
// copied again (blobs in the pool stay, only the few missing are held again), up to five times.
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
import { ThutinError } from '../core/errors.ts';
import { hashFile, newKey, openKey, syncAll, writeSealed, type SetKey } from './sealed-file.ts';
import { copyKeys, newSetKey, recipientKey } from './recipient-key.ts';
import { FORMAT, fingerprint, listSets, poolPath, readFolderInfo, readManifest, setDir, setName, signingKey, writeFolderInfo, writeManifest, type FolderInfo, type Manifest } from './manifest.ts';
import { silentProgress, type Progress } from './progress.ts';
import { writeFailure, writeStatus } from './status.ts';

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
  /** Encrypt to this public key (PEM: X25519 or RSA) instead of a passphrase; only its private key restores. */
  recipientKey?: string;
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
const PARALLEL = 16;
/** Files of the data directory that a backup never carries: the store's own, the lock, the last backup's record. The signing key goes
 * along, so a restored installation goes on signing as the same key (the manifest's SHA-256 is also in the audit log). */
const SKIP = new Set(['blobs', 'thutin.lock', 'backup-status.json']);
const HOLD_DIR = /^backup-hold-/;

type BlobEntry = Manifest['blobs'][number];

export class BackupService {
  private readonly now: () => Date;
  private running = false;

  constructor(private readonly deps: BackupDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async create(o: CreateOptions): Promise<CreateResult> {
    if (this.running) throw new ThutinError('BACKUP_RUNNING');
    this.running = true;
    const started = this.now();
    try {
      const r = await this.make(o, started);
      const t = r.manifest.totals;
      await writeStatus(this.deps.dataDir, { at: started.toISOString(), dir: path.resolve(o.dir), set: r.set, storedBytes: t.storedBytes, blobBytes: t.blobBytes, blobs: t.blobs });
      return r;
    } catch (e) {
      await writeFailure(this.deps.dataDir, { at: started.toISOString(), dir: path.resolve(o.dir), error: (e as Error).message }).catch(() => {});
      throw e;
    } finally {
      this.running = false;
    }
  }

  private async make(o: CreateOptions, started: Date): Promise<CreateResult> {
    const progress = o.progress ?? silentProgress;
    const dir = path.resolve(o.dir);
    const signer = signingKey(this.deps.dataDir);
    const { info, key: folderKey, recipient } = await this.openFolder(dir, o, signer);
    // What the pool already holds, from the latest set here and in the base folder.
    const known = await latestEntries(dir, folderKey, info);
    const base = o.base ? path.resolve(o.base) : null;
    const baseKnown = base ? await latestEntries(base, folderKey, await readFolderInfo(base)) : new Map<string, BlobEntry>();
    if (base && recipient) await copyKeys(base, dir); // linked pool files name the base's set keys
    // Encrypted to a public key: a data key of this set, wrapped for the recipient, written before any file uses it.
    const key: Buffer | SetKey | null = recipient ? await newSetKey(dir, recipient) : folderKey;
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
      const unsynced: string[] = [];
      let snap: Awaited<ReturnType<typeof snapshotDatabase>>;
      // Blobs held by a hard link in the data directory (same file system), made the moment the copy's
      // list is known: an unlink by the server's reclaimer afterwards leaves our link, so the bytes stay.
      await removeStaleHolds(this.deps.dataDir);
      const held = path.join(this.deps.dataDir, `backup-hold-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
      await fsp.mkdir(held, { recursive: true });
      try {
        for (;;) {
          attempts++;
          const missing: string[] = [];
          const holding = new Map<string, string>();
          let names: string[] = [];
          progress.start('Cơ sở dữ liệu / database', 1, 'items');
          snap = await snapshotDatabase(this.deps.db, tmpDb, (blobs) => {
            // Synchronously, in one tick: pins for this process's reclaimer, links against every other process's.
            names = [...blobs.keys()].sort();
            for (const s of names) this.deps.blobs.pin(s);
            for (const s of names) {
              if (entries.has(s) || known.has(s) || baseKnown.has(s)) continue;
              const h = holdBlob(this.deps.blobs, s, held);
              if (h) holding.set(s, h);
              else missing.push(s);
            }
          });
          progress.end();
          try {
            const todo: string[] = [];
            for (const s of names) {
              if (entries.has(s) || missing.includes(s)) continue;
              const pooled = path.join(dir, poolPath(s));
              const k = known.get(s);
              if (k && (await sizeOf(pooled)) === k[2]) entries.set(s, k);
              else if (baseKnown.has(s) && (await linkOrCopy(path.join(base!, poolPath(s)), pooled))) entries.set(s, baseKnown.get(s)!);
              else if (!holding.has(s) && fs.existsSync(pooled)) entries.set(s, [s, snap.blobs.get(s)!, ...(await storedOf(pooled))]);
              else todo.push(s);
            }
            const total = todo.reduce((n, s) => n + snap.blobs.get(s)!, 0);
            progress.start(`Blob mới / new blobs (${todo.length})`, total, 'B');
            await eachLimit(todo, PARALLEL, async (s) => {
              const pooled = path.join(dir, poolPath(s));
              let stream: fs.ReadStream;
              try {
                stream = await openFile(holding.get(s) ?? this.deps.blobs.pathOf(s));
              } catch (e) {
                if ((e as NodeJS.ErrnoException).code === 'ENOENT') return void missing.push(s);
                throw e;
              }
              const w = await writeSealed(stream, pooled, key, o.level, false);
              unsynced.push(pooled);
              if (w.rawSha256 !== s) {
                await fsp.rm(pooled, { force: true });
                throw new ThutinError('BACKUP_BLOB_DAMAGED', `${s} (SHA-256 ${w.rawSha256})`);
              }
              entries.set(s, [s, w.rawSize, w.size, w.sha256]);
              copiedBlobs++;
              copiedBytes += w.rawSize;
              progress.advance(w.rawSize);
            });
            progress.end();
          } finally {
            for (const s of names) this.deps.blobs.unpin(s);
            for (const h of holding.values()) await fsp.rm(h, { force: true });
          }
          if (!missing.length) break;
          if (attempts >= ATTEMPTS) throw new ThutinError('BACKUP_BLOBS_GONE', `${ATTEMPTS} × ${missing.length}: ${missing.slice(0, 3).join(', ')}`);
          progress.note(`${missing.length} blob đã bị thu hồi trước khi giữ được, chụp lại / blobs were reclaimed before they could be held, copying the database again`);
        }
      } finally {
        await fsp.rm(held, { recursive: true, force: true });
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
      // The pool files of this set are made durable at once, before the manifest can name them.
      await syncAll(dir, unsynced);
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
        ...(key && !Buffer.isBuffer(key) ? { keyId: key.id } : {}),
        database: { path: path.posix.join(setDir(set), 'database'), dialect: this.deps.db.driver, format: snap.format, ...dbStored },
        files,
        blobs,
        totals: { blobs: blobs.length, blobBytes: blobs.reduce((n, b) => n + b[1], 0), copiedBlobs, copiedBytes, storedBytes, durationMs: this.now().getTime() - started.getTime() },
      };
      const sig = await writeManifest(dir, manifest, signer, folderKey);
      // From the CLI, beside a busy server: SQLite may refuse a write transaction that began as a read (SQLITE_BUSY), so try again.
      const entry = {
        actor: o.actor,
        action: 'backup.create',
        target: set,
        details: { dir, blobs: blobs.length, copiedBlobs, storedBytes, encrypted: Boolean(key), attempts, manifestSha256: sig.sha256 },
      };
      for (let i = 0; ; i++) {
        try {
          await this.deps.audit.record(entry);
          break;
        } catch (e) {
          if (i >= 20 || !/database is locked|SQLITE_BUSY/i.test(String((e as Error).message))) throw e;
          await new Promise((r) => setTimeout(r, 50 + Math.random() * 200));
        }
      }
      return { set, dir, manifest, attempts };
    } catch (e) {
      await fsp.rm(work, { recursive: true, force: true });
      throw e;
    }
  }

  /** The folder's description (made for a new folder, taken from the base for a new folder with --base) and its key, or its recipient's public key. */
  private async openFolder(dir: string, o: CreateOptions, signer: ReturnType<typeof signingKey>): Promise<{ info: FolderInfo; key: Buffer | null; recipient: crypto.KeyObject | null }> {
    if (o.passphrase && o.recipientKey) throw new ThutinError('BACKUP_KEY_INVALID', '--passphrase-* | --recipient-key');
    const r = o.recipientKey ? recipientKey(o.recipientKey) : null;
    let info = await readFolderInfo(dir);
    if (!info && o.base) {
      const b = await readFolderInfo(path.resolve(o.base));
      if (!b) throw new ThutinError('BACKUP_NOT_FOUND', o.base);
      info = { ...b };
      await writeFolderInfo(dir, info);
    }
    if (!info) {
      if (fs.existsSync(dir) && (await fsp.readdir(dir)).length) throw new ThutinError('BACKUP_DIR_NOT_EMPTY', dir);
      const made = o.passphrase ? newKey(o.passphrase) : null;
      info = { format: FORMAT, encryption: made?.params ?? r?.params ?? null, signer: fingerprint(publicPem(signer)) };
      await writeFolderInfo(dir, info);
      return { info, key: made?.key ?? null, recipient: r?.key ?? null };
    }
    if (info.encryption?.kdf === 'recipient') {
      if (!r) throw new ThutinError('BACKUP_KEY_REQUIRED', dir);
      if (r.params.fingerprint !== info.encryption.fingerprint) throw new ThutinError('BACKUP_WRONG_KEY', dir);
      return { info, key: null, recipient: r.key };
    }
    if (r) throw new ThutinError('BACKUP_NOT_ENCRYPTED', dir);
    if (info.encryption && !o.passphrase) throw new ThutinError('BACKUP_PASSPHRASE_REQUIRED', dir);
    if (!info.encryption && o.passphrase) throw new ThutinError('BACKUP_NOT_ENCRYPTED', dir);
    return { info, key: info.encryption ? openKey(o.passphrase!, info.encryption) : null, recipient: null };
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
        if ((!rel && (SKIP.has(e.name) || HOLD_DIR.test(e.name))) || skip.has(abs) || abs === backupDir || e.name.endsWith('.tmp')) continue;
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

/** Hold folders left by a backup process that ended without removing them (killed, power cut). */
async function removeStaleHolds(dataDir: string): Promise<void> {
  for (const name of await fsp.readdir(dataDir)) {
    const pid = Number(/^backup-hold-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
      continue; // still running: its backup is in progress
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EPERM') continue;
    }
    await fsp.rm(path.join(dataDir, name), { recursive: true, force: true });
  }
}

/** Hold a blob by a hard link under `dir` (a copy where links are refused); null when it is gone already. */
function holdBlob(blobs: BlobStore, sha256: string, dir: string): string | null {
  const to = path.join(dir, sha256);
  try {
    fs.linkSync(blobs.pathOf(sha256), to);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'EEXIST') return to;
    if (code !== 'EPERM' && code !== 'EXDEV' && code !== 'EMLINK') throw e;
    try {
      fs.copyFileSync(blobs.pathOf(sha256), to);
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e2;
    }
  }
  return to;
}

/** Open a file for reading, or ENOENT at once (not later in the stream). */
function openFile(file: string): Promise<fs.ReadStream> {
  return new Promise((resolve, reject) => {
    const s = fs.createReadStream(file);
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
