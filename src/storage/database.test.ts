// Owns: the tests of storage/database.ts's SQLite settings: the page cache and the memory map
// asked for in the configuration are what the connection runs with; no memory map unless asked.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase } from './database.ts';

describe('SQLite settings', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-db-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const pragma = async (db: Awaited<ReturnType<typeof openDatabase>>, name: string) => {
    const { rows } = await sql.raw<Record<string, number>>(`pragma ${name}`).execute(db.kysely);
    return Number(Object.values(rows[0])[0]);
  };

  it('runs with the page cache and memory map configured', async () => {
    const db = await openDatabase({ driver: 'sqlite', file: path.join(dir, 'a.sqlite'), sqliteCacheMb: 48, sqliteMmapMb: 300 });
    try {
      expect(await pragma(db, 'cache_size')).toBe(-48 * 1024);
      expect(await pragma(db, 'mmap_size')).toBe(300 * 1024 * 1024);
    } finally {
      await db.close();
    }
  });

  it("maps nothing when no memory map is given (the build's own page cache kept)", async () => {
    const db = await openDatabase({ driver: 'sqlite', file: path.join(dir, 'b.sqlite') });
    try {
      expect(await pragma(db, 'mmap_size')).toBe(0);
    } finally {
      await db.close();
    }
  });
});
