// Rotation of backup sets (`backup.keep`: daily, weekly, monthly, as restic's forget and
// Proxmox's prune): the newest set of each of the last N days, ISO weeks and months that have a
// set is kept, and always the newest set. `selectSets` is pure (tested with fixed dates and zone);
// `rotateFolder` removes the other sets and the pool files no kept set names.
// Owns: which sets are kept, and pruning the pool.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { listSets, poolPath, readManifest, setDir, setTime } from './manifest.ts';
import { manifestKey, openFolder } from './verify.ts';

export interface Keep {
  daily: number;
  weekly: number;
  monthly: number;
}

/** Local calendar of a time in a zone given as minutes east of UTC (Vietnam: 420). */
function local(at: Date, offsetMin: number): Date {
  return new Date(at.getTime() + offsetMin * 60_000);
}

function dayKey(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function isoWeekKey(d: Date): string {
  // ISO 8601: the week with the year's first Thursday is week 1; weeks start on Monday.
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const dow = (t.getUTCDay() + 6) % 7;
  t.setUTCDate(t.getUTCDate() - dow + 3);
  const week = Math.ceil(((t.getTime() - Date.UTC(t.getUTCFullYear(), 0, 1)) / 86_400_000 + 1) / 7);
  return `${t.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

function monthKey(d: Date): string {
  return d.toISOString().slice(0, 7);
}

/** The sets to keep, and why (`daily 2026-12-07`, …). `sets`: names with their times, any order. */
export function selectSets(sets: Array<{ name: string; at: Date }>, keep: Keep, offsetMin = 0): Map<string, string[]> {
  const newest = [...sets].sort((a, b) => b.at.getTime() - a.at.getTime() || (a.name < b.name ? 1 : -1));
  const kept = new Map<string, string[]>();
  const why = (name: string, reason: string) => kept.set(name, [...(kept.get(name) ?? []), reason]);
  if (newest.length) why(newest[0].name, 'newest');
  const rules: Array<[string, number, (d: Date) => string]> = [
    ['daily', keep.daily, dayKey],
    ['weekly', keep.weekly, isoWeekKey],
    ['monthly', keep.monthly, monthKey],
  ];
  for (const [label, n, key] of rules) {
    const seen = new Set<string>();
    for (const s of newest) {
      if (seen.size >= n) break;
      const k = key(local(s.at, offsetMin));
      if (seen.has(k)) continue;
      seen.add(k);
      why(s.name, `${label} ${k}`);
    }
  }
  return kept;
}

export interface RotationResult {
  kept: string[];
  removed: string[];
  poolFilesRemoved: number;
}

/** Apply `keep` to a folder: remove the sets not kept, then pool files no kept set names. */
export async function rotateFolder(dir: string, keep: Keep, o: { offsetMin?: number; passphrase?: string } = {}): Promise<RotationResult> {
  const names = await listSets(dir);
  const kept = selectSets(
    names.map((name) => ({ name, at: setTime(name) })),
    keep,
    o.offsetMin ?? -new Date().getTimezoneOffset(),
  );
  const removed = names.filter((n) => !kept.has(n));
  for (const n of removed) await fsp.rm(path.join(dir, setDir(n)), { recursive: true, force: true });
  // Pool files named by no kept set (a set whose manifest cannot be read keeps the whole pool).
  const { info, key } = await openFolder(dir, o.passphrase);
  const wanted = new Set<string>();
  for (const n of names.filter((x) => kept.has(x))) {
    const { manifest } = await readManifest(dir, n, manifestKey(key), info);
    if (!manifest) return { kept: [...kept.keys()], removed, poolFilesRemoved: 0 };
    for (const b of manifest.blobs) wanted.add(poolPath(b[0]));
  }
  let poolFilesRemoved = 0;
  const pool = path.join(dir, 'pool');
  for (const fan of await fsp.readdir(pool).catch(() => [] as string[])) {
    for (const f of await fsp.readdir(path.join(pool, fan)).catch(() => [] as string[])) {
      if (wanted.has(path.posix.join('pool', fan, f))) continue;
      await fsp.rm(path.join(pool, fan, f), { force: true });
      poolFilesRemoved++;
    }
  }
  return { kept: names.filter((x) => kept.has(x)), removed, poolFilesRemoved };
}
