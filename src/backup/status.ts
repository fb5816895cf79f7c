// The record of the last backup in the data directory (backup-status.json): when, where, how big,
// whether it worked — and, after a failure, the last backup that worked, so the console's card and
// `thutin doctor` still say when the province was last saved. Both warn when the last backup
// failed or is older than `backup.maxAgeHours` (48 by default); the verification of a set is
// backup/last-verify.ts's.
// Owns: backup-status.json and the warning about it.
import fsp from 'node:fs/promises';
import path from 'node:path';

export interface GoodBackup {
  at: string;
  dir: string;
  set: string;
  /** Bytes this set added to the folder (compressed, encrypted): an incremental set stores only new blobs. */
  storedBytes: number;
  /** Bytes of mail the set holds (every blob it names, before compression): what a restore writes. */
  blobBytes?: number;
  blobs?: number;
}

export interface BackupStatus {
  at: string;
  dir: string;
  set?: string;
  storedBytes?: number;
  blobBytes?: number;
  blobs?: number;
  ok: boolean;
  error?: string;
  /** When this one failed: the last backup that worked (absent when none has). */
  lastGood?: GoodBackup;
}

const FILE = 'backup-status.json';
/** The default of `backup.maxAgeHours`. */
export const MAX_AGE_HOURS = 48;
export const STALE_MS = MAX_AGE_HOURS * 3600 * 1000;

async function write(dataDir: string, s: BackupStatus): Promise<void> {
  const file = path.join(dataDir, FILE);
  await fsp.writeFile(`${file}.tmp`, JSON.stringify(s, null, 2) + '\n', { mode: 0o640 });
  await fsp.rename(`${file}.tmp`, file);
}

/** Record a backup that worked. */
export function writeStatus(dataDir: string, s: GoodBackup): Promise<void> {
  return write(dataDir, { ...s, ok: true });
}

/** Record a backup that failed, keeping the last one that worked. */
export async function writeFailure(dataDir: string, s: { at: string; dir: string; error: string }): Promise<void> {
  const before = await readStatus(dataDir);
  const lastGood = before?.ok && before.set ? goodOf(before) : before?.lastGood;
  await write(dataDir, { ...s, ok: false, ...(lastGood ? { lastGood } : {}) });
}

function goodOf(s: BackupStatus): GoodBackup {
  return { at: s.at, dir: s.dir, set: s.set!, storedBytes: s.storedBytes ?? 0, blobBytes: s.blobBytes, blobs: s.blobs };
}

export async function readStatus(dataDir: string): Promise<BackupStatus | null> {
  try {
    return JSON.parse(await fsp.readFile(path.join(dataDir, FILE), 'utf8')) as BackupStatus;
  } catch {
    return null;
  }
}

/** The last backup that worked: this one, or the one a failure kept. */
export function lastGoodBackup(s: BackupStatus | null): GoodBackup | null {
  if (!s) return null;
  return s.ok && s.set ? goodOf(s) : (s.lastGood ?? null);
}

/**
 * What doctor (and the console) say of the last backup: null when all is well. `configured`:
 * backup.dir is set; `maxAgeHours`: backup.maxAgeHours.
 */
export function statusWarning(s: BackupStatus | null, now: Date, configured: boolean, maxAgeHours = MAX_AGE_HOURS): string | null {
  if (!s) return configured ? 'Chưa có bản sao lưu nào / no backup has been made yet' : null;
  if (!s.ok) {
    const good = s.lastGood ? `; bản tốt gần nhất / last good one ${s.lastGood.at}` : '';
    return `Lần sao lưu gần nhất thất bại / the last backup failed (${s.at}): ${s.error ?? ''}${good}`;
  }
  if (now.getTime() - Date.parse(s.at) > maxAgeHours * 3_600_000) return `Bản sao lưu gần nhất đã cũ hơn ${maxAgeHours} giờ / the last backup is older than ${maxAgeHours} hours (${s.at}, ${s.dir})`;
  return null;
}
