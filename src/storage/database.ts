// Opens the database backend: SQLite (better-sqlite3, WAL, the zero-setup default) or
// PostgreSQL (pg pool), both behind kysely, and runs the migrations.
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { Database } from './schema.ts';
import { migrateToLatest } from './migrations.ts';
import type { Dialect } from './dialect.ts';
import { withStatementCache, type DeferredCommitSync } from './sqlite-statements.ts';

// int8 → number: ids, sizes, times and mod-sequences all stay below 2^53.
pg.types.setTypeParser(20, (v: string) => Number(v));

export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  /** SQLite: transactions whose commit is synced off the event loop (group commit; sqlite-statements.ts). */
  deferredSync?: DeferredCommitSync;
  /** A round trip to the database (health checks, `thutin doctor`). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  driver: Dialect;
  file?: string; // sqlite
  url?: string; // postgres
  /** SQLite: page cache and memory-mapped bytes of the file, in MB (config database.sqliteCacheMb / sqliteMmapMb); SQLite's defaults when absent. */
  sqliteCacheMb?: number;
  sqliteMmapMb?: number;
}

export async function openDatabase(opts: OpenOptions): Promise<Db> {
  let kysely: Kysely<Database>;
  let deferredSync: DeferredCommitSync | undefined;
  if (opts.driver === 'sqlite') {
    if (!opts.file) throw new Error('sqlite needs a file');
    if (opts.file !== ':memory:') fs.mkdirSync(path.dirname(opts.file), { recursive: true });
    const sqlite = new BetterSqlite3(opts.file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL'); // a committed delivery survives power loss
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 10000');
    if (opts.sqliteCacheMb) sqlite.pragma(`cache_size = ${-Math.floor(opts.sqliteCacheMb * 1024)}`);
    if (opts.sqliteMmapMb !== undefined) sqlite.pragma(`mmap_size = ${Math.floor(opts.sqliteMmapMb) * 1024 * 1024}`);
    // Prepared statements kept by their SQL text (sqlite-statements.ts): kysely would prepare each query anew.
    const database = withStatementCache(sqlite);
    deferredSync = database.deferredSync;
    kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  } else {
    if (!opts.url) throw new Error('postgres needs a url');
    const pool = new pg.Pool({ connectionString: opts.url, max: 10 });
    // An idle pooled connection that the server ends (a restart, an administrator) must not take the
    // process down: pg drops that client, and the next query opens a new one or fails with the cause.
    pool.on('error', () => {});
    kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  await migrateToLatest(kysely, opts.driver);
  return {
    kysely,
    dialect: opts.driver,
    deferredSync,
    ping: async () => {
      await sql`select 1`.execute(kysely);
    },
    close: () => kysely.destroy(),
  };
}
