// The console's check of the last backup (issue 14: "the console shows the last backup and warns
// when it is old"): its age against `backup.maxAgeHours`, and a verification of its set against
// the manifest on demand (backup/verify.ts), whose result is kept in backup-verified.json in the
// data directory so the card says "verified" (or not) until the next backup.
// Owns: backup-verified.json and the card's summary of the last backup.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { readStatus, type BackupStatus } from './status.ts';
import { verifyBackup } from './verify.ts';

const FILE = 'backup-verified.json';

export interface BackupVerification {
  /** The set that was checked (BackupStatus.set). */
  set: string;
  at: string;
  ok: boolean;
  files: number;
  bytes: number;
  problems: string[];
}

export interface LastBackup {
  status: BackupStatus | null;
  /** Hours since the last backup (good or failed), null without one. */
  ageHours: number | null;
  maxAgeHours: number;
  /** No backup, the last one failed, or it is older than maxAgeHours. */
  stale: boolean;
  /** The verification of that same set, if one was made. */
  verification: BackupVerification | null;
}

async function readVerification(dataDir: string): Promise<BackupVerification | null> {
  try {
    return JSON.parse(await fsp.readFile(path.join(dataDir, FILE), 'utf8')) as BackupVerification;
  } catch {
    return null;
  }
}

export async function lastBackup(dataDir: string, maxAgeHours: number, now: number): Promise<LastBackup> {
  const status = await readStatus(dataDir);
  const v = await readVerification(dataDir);
  const ageHours = status ? Math.max(0, (now - Date.parse(status.at)) / 3_600_000) : null;
  return {
    status,
    ageHours: ageHours === null ? null : Math.round(ageHours * 10) / 10,
    maxAgeHours,
    stale: !status || !status.ok || ageHours! > maxAgeHours,
    verification: v && status?.set && v.set === status.set ? v : null,
  };
}

/** Verify the last backup's set against its manifest and keep the result. Null when there is no good backup to verify. */
export async function verifyLastBackup(dataDir: string, o: { passphraseFile?: string; now: number }): Promise<BackupVerification | null> {
  const status = await readStatus(dataDir);
  if (!status?.ok || !status.set) return null;
  const passphrase = o.passphraseFile && fs.existsSync(o.passphraseFile) ? fs.readFileSync(o.passphraseFile, 'utf8').split(/\r?\n/)[0] : undefined;
  let v: BackupVerification;
  try {
    const r = await verifyBackup(status.dir, { set: status.set, passphrase });
    v = { set: status.set, at: new Date(o.now).toISOString(), ok: r.ok, files: r.files, bytes: r.bytes, problems: r.problems.slice(0, 50) };
  } catch (e) {
    v = { set: status.set, at: new Date(o.now).toISOString(), ok: false, files: 0, bytes: 0, problems: [(e as Error).message] };
  }
  const file = path.join(dataDir, FILE);
  await fsp.writeFile(`${file}.tmp`, JSON.stringify(v, null, 2) + '\n', { mode: 0o640 });
  await fsp.rename(`${file}.tmp`, file);
  return v;
}
