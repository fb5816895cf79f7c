// The record of the last backup in the data directory (backup-status.json): when, where, how big,
// whether it worked. `thutin doctor` warns when it failed or is older than two days.
// Owns: backup-status.json.
import fsp from 'node:fs/promises';
import path from 'node:path';

export interface BackupStatus {
  at: string;
  dir: string;
  set?: string;
  storedBytes?: number;
  ok: boolean;
  error?: string;
}

const FILE = 'backup-status.json';
export const STALE_MS = 2 * 24 * 3600 * 1000;

export async function writeStatus(dataDir: string, s: BackupStatus): Promise<void> {
  const file = path.join(dataDir, FILE);
  await fsp.writeFile(`${file}.tmp`, JSON.stringify(s, null, 2) + '\n', { mode: 0o640 });
  await fsp.rename(`${file}.tmp`, file);
}

export async function readStatus(dataDir: string): Promise<BackupStatus | null> {
  try {
    return JSON.parse(await fsp.readFile(path.join(dataDir, FILE), 'utf8')) as BackupStatus;
  } catch {
    return null;
  }
}

/** What doctor says of the last backup: null when all is well. `configured`: backup.dir is set. */
export function statusWarning(s: BackupStatus | null, now: Date, configured: boolean): string | null {
  if (!s) return configured ? 'Chưa có bản sao lưu nào / no backup has been made yet' : null;
  if (!s.ok) return `Lần sao lưu gần nhất thất bại / the last backup failed (${s.at}): ${s.error ?? ''}`;
  if (now.getTime() - Date.parse(s.at) > STALE_MS) return `Bản sao lưu gần nhất đã cũ hơn 2 ngày / the last backup is older than 2 days (${s.at}, ${s.dir})`;
  return null;
}
