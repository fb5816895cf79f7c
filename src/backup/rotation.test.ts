// Rotation of backup sets: the newest of each of the last N days, ISO weeks and months, in the
// server's zone, always the newest; and on a real folder, the other sets and the pool files only
// they named are removed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectSets, rotateFolder } from './rotation.ts';
import { setName, setTime } from './manifest.ts';

const VN = 7 * 60;

/** A set every day at 02:00 in Vietnam from `from` to `to` (local dates). */
function daily(from: string, to: string): Array<{ name: string; at: Date }> {
  const out: Array<{ name: string; at: Date }> = [];
  for (let d = new Date(`${from}T02:00:00+07:00`); d <= new Date(`${to}T02:00:00+07:00`); d = new Date(d.getTime() + 86_400_000)) out.push({ name: setName(d), at: d });
  return out;
}

/** The local (UTC+7) dates of the kept sets, sorted. */
function localDates(kept: Map<string, string[]>): string[] {
  return [...kept.keys()].map((n) => new Date(setTime(n).getTime() + VN * 60_000).toISOString().slice(0, 10)).sort();
}

describe('selectSets', () => {
  it('keeps 7 daily, 4 weekly (ISO weeks, Monday first) and 12 monthly sets in local time', () => {
    const kept = selectSets(daily('2025-10-01', '2026-12-07'), { daily: 7, weekly: 4, monthly: 12 }, VN);
    expect(localDates(kept)).toEqual([
      '2026-01-31',
      '2026-02-28',
      '2026-03-31',
      '2026-04-30',
      '2026-05-31',
      '2026-06-30',
      '2026-07-31',
      '2026-08-31',
      '2026-09-30',
      '2026-10-31',
      '2026-11-22',
      '2026-11-29',
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
      '2026-12-04',
      '2026-12-05',
      '2026-12-06',
      '2026-12-07',
    ]);
    // 2026-12-07 (a Monday) is the newest, the day's, its ISO week's and its month's.
    expect(kept.get(setName(new Date('2026-12-07T02:00:00+07:00')))).toEqual(['newest', 'daily 2026-12-07', 'weekly 2026-W50', 'monthly 2026-12']);
  });

  it('reads days in the given zone: 02:00 in Vietnam is the evening before in UTC', () => {
    const sets = daily('2026-12-01', '2026-12-07');
    expect(localDates(selectSets(sets, { daily: 1, weekly: 0, monthly: 0 }, VN))).toEqual(['2026-12-07']);
    const utc = selectSets(sets, { daily: 2, weekly: 0, monthly: 0 }, 0);
    expect([...utc.values()].flat()).toEqual(['newest', 'daily 2026-12-06', 'daily 2026-12-05']);
  });

  it('counts ISO weeks across the new year (1 January 2027 is in week 53 of 2026)', () => {
    const sets = ['2026-12-28', '2027-01-01', '2027-01-03', '2027-01-04'].map((d) => new Date(`${d}T02:00:00+07:00`)).map((at) => ({ name: setName(at), at }));
    expect([...selectSets(sets, { daily: 0, weekly: 3, monthly: 0 }, VN).values()].flat()).toEqual(['newest', 'weekly 2027-W01', 'weekly 2026-W53']);
  });

  it('keeps only the newest of several sets in a day, and at least the newest with nothing to keep', () => {
    const at = (h: number) => new Date(`2026-12-07T${String(h).padStart(2, '0')}:00:00+07:00`);
    const sets = [2, 8, 14].map((h) => ({ name: setName(at(h)), at: at(h) }));
    expect([...selectSets(sets, { daily: 7, weekly: 4, monthly: 12 }, VN).keys()]).toEqual([setName(at(14))]);
    expect([...selectSets(sets, { daily: 0, weekly: 0, monthly: 0 }, VN).keys()]).toEqual([setName(at(14))]);
    expect(selectSets([], { daily: 7, weekly: 4, monthly: 12 }, VN).size).toBe(0);
  });
});

describe('rotateFolder', () => {
  it('removes the sets not kept and the pool files only they named', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-rotate-'));
    try {
      fs.writeFileSync(path.join(dir, 'backup.json'), JSON.stringify({ format: 'thutin-backup/1', encryption: null }));
      const names = ['20261205T190000Z', '20261206T190000Z'];
      const blobs = [['a'.repeat(64)], ['b'.repeat(64), 'c'.repeat(64)]];
      for (const [i, n] of names.entries()) {
        const set = path.join(dir, 'sets', n);
        fs.mkdirSync(set, { recursive: true });
        const manifest = Buffer.from(JSON.stringify({ format: 'thutin-backup/1', set: n, blobs: blobs[i].map((b) => [b, 1, 1, b]) }));
        fs.writeFileSync(path.join(set, 'manifest.json'), manifest);
        fs.writeFileSync(path.join(set, 'manifest.sig'), '{}');
        for (const b of blobs[i]) {
          fs.mkdirSync(path.join(dir, 'pool', b.slice(0, 2)), { recursive: true });
          fs.writeFileSync(path.join(dir, 'pool', b.slice(0, 2), b), 'x');
        }
      }
      const r = await rotateFolder(dir, { daily: 1, weekly: 0, monthly: 0 }, { offsetMin: VN });
      expect(r).toEqual({ kept: ['20261206T190000Z'], removed: ['20261205T190000Z'], poolFilesRemoved: 1 });
      expect(fs.existsSync(path.join(dir, 'sets', '20261205T190000Z'))).toBe(false);
      expect(fs.existsSync(path.join(dir, 'pool', 'aa', 'a'.repeat(64)))).toBe(false);
      expect(fs.existsSync(path.join(dir, 'pool', 'bb', 'b'.repeat(64)))).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
