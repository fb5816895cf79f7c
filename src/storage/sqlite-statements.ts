// Owns: the prepared-statement cache of the SQLite connection. kysely's SQLite driver prepares
// every query it runs anew (`db.prepare(sql)`: SQLite parses and plans the text each time, some
// 50–80 µs); the same few statements run for every received message. The database handed to
// kysely keeps the last statements by their SQL text and gives a cached one back while it is not
// busy (a statement being iterated, kysely's streamQuery, cannot run twice at once: that caller
// gets a fresh one). Statements bind their parameters at each run, and SQLite re-plans a cached
// statement by itself after a schema change (a migration), so the answers are the same.
import type BetterSqlite3 from 'better-sqlite3';

/** What kysely's SqliteDialect needs of a database. */
export interface SqliteDatabaseLike {
  prepare(sql: string): BetterSqlite3.Statement;
  close(): unknown;
}

/** `sqlite` with a cache of its last `max` prepared statements (least recently used go first). */
export function withStatementCache(sqlite: BetterSqlite3.Database, max = 256): SqliteDatabaseLike & { readonly cached: number } {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sql: string): BetterSqlite3.Statement {
      const hit = cache.get(sql);
      if (hit) {
        if (hit.busy) return sqlite.prepare(sql);
        // Most recently used last: Map keeps insertion order.
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const stmt = sqlite.prepare(sql);
      cache.set(sql, stmt);
      if (cache.size > max) cache.delete(cache.keys().next().value!);
      return stmt;
    },
    close() {
      cache.clear();
      return sqlite.close();
    },
    get cached() {
      return cache.size;
    },
  };
}
