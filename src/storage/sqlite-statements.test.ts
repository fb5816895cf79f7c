// The SQLite statement cache: the same SQL text gives the same prepared statement back, a
// statement busy iterating is not handed out twice, a schema change does not break a cached
// statement, the cache stays within its bound, and kysely over it answers as before. kysely's
// transactions take the write lock at BEGIN (IMMEDIATE), so another process cannot commit between
// their first read and their first write (which SQLite would answer with "database is locked").
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { withStatementCache } from './sqlite-statements.ts';

describe('SQLite statement cache', () => {
  it('reuses a statement by its SQL text, and prepares anew while the cached one is busy', () => {
    const db = withStatementCache(new BetterSqlite3(':memory:'));
    db.prepare('create table t (x integer)').run();
    const ins = db.prepare('insert into t (x) values (?)');
    for (let i = 0; i < 5; i++) db.prepare('insert into t (x) values (?)').run(i);
    expect(db.prepare('insert into t (x) values (?)')).toBe(ins);
    const sel = db.prepare('select x from t order by x');
    const seen: number[] = [];
    for (const row of sel.iterate() as Iterable<{ x: number }>) {
      // The cached statement is iterating: the same SQL gets another statement, which runs at once.
      const inner = db.prepare('select x from t order by x');
      expect(inner).not.toBe(sel);
      expect((inner.all() as Array<{ x: number }>).length).toBe(5);
      seen.push(row.x);
    }
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    db.close();
  });

  it('answers after a schema change, and keeps at most its bound', () => {
    const raw = new BetterSqlite3(':memory:');
    const db = withStatementCache(raw, 3);
    db.prepare('create table t (x integer)').run();
    db.prepare('insert into t (x) values (?)').run(1);
    expect(db.prepare('select * from t').all()).toEqual([{ x: 1 }]);
    db.prepare('alter table t add column y text').run();
    expect(db.prepare('select * from t').all()).toEqual([{ x: 1, y: null }]);
    for (let i = 0; i < 10; i++) db.prepare(`select ${i} as n`).get();
    expect(db.cached).toBe(3);
    db.close();
  });

  it('serves kysely: queries, transactions and a rollback', async () => {
    const kysely = new Kysely<{ t: { x: number } }>({ dialect: new SqliteDialect({ database: withStatementCache(new BetterSqlite3(':memory:')) }) });
    await sql`create table t (x integer primary key)`.execute(kysely);
    for (let i = 1; i <= 3; i++) await kysely.insertInto('t').values({ x: i }).execute();
    await expect(
      kysely.transaction().execute(async (tx) => {
        await tx.insertInto('t').values({ x: 4 }).execute();
        await tx.insertInto('t').values({ x: 1 }).execute(); // duplicate key: the transaction rolls back
      }),
    ).rejects.toThrow(/UNIQUE/);
    await kysely.transaction().execute(async (tx) => void (await tx.insertInto('t').values({ x: 5 }).execute()));
    expect((await kysely.selectFrom('t').select('x').orderBy('x').execute()).map((r) => r.x)).toEqual([1, 2, 3, 5]);
    await kysely.destroy();
  });

  it('begins kysely transactions IMMEDIATE: a second connection (another process) cannot commit between a read and a write', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-immediate-'));
    try {
      const file = path.join(dir, 'db.sqlite');
      const raw = new BetterSqlite3(file);
      raw.pragma('journal_mode = WAL');
      raw.prepare('create table t (x integer)').run();
      const db = new Kysely<{ t: { x: number } }>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }) });
      const other = new BetterSqlite3(file, { timeout: 0 });
      await db.transaction().execute(async (tx) => {
        expect(await tx.selectFrom('t').selectAll().execute()).toEqual([]);
        // With a deferred BEGIN this insert would commit, and the write below fail with SQLITE_BUSY.
        expect(() => other.prepare('insert into t (x) values (2)').run()).toThrow(/locked|busy/);
        await tx.insertInto('t').values({ x: 1 }).execute();
      });
      other.prepare('insert into t (x) values (2)').run();
      expect((await db.selectFrom('t').select('x').orderBy('x').execute()).map((r) => r.x)).toEqual([1, 2]);
      other.close();
      await db.destroy();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
