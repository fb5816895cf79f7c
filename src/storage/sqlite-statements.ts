// Owns: the prepared-statement cache of the SQLite connection. kysely's SQLite driver prepares
// every query it runs anew (`db.prepare(sql)`: SQLite parses and plans the text each time, some
// 50–80 µs); the same few statements run for every received message. The database handed to
// kysely keeps the last statements by their SQL text and gives a cached one back while it is not
// busy (a statement being iterated, kysely's streamQuery, cannot run twice at once: that caller
// gets a fresh one). Statements bind their parameters at each run, and SQLite re-plans a cached
// statement by itself after a schema change (a migration), so the answers are the same.
// Also owns the deferred sync of a commit (DeferredCommitSync, for group commit): see below.
// And every transaction kysely opens here is BEGIN IMMEDIATE: it takes the write lock at its start,
// where SQLite's busy timeout waits for another process's transaction to end. A deferred BEGIN
// that read first and wrote later would instead fail at once with SQLITE_BUSY ("database is
// locked") whenever another process (an inbound process of `thutin serve`, a `thutin` command)
// committed in between: SQLite cannot wait that out. In one process nothing changes: kysely's one
// SQLite connection runs a transaction's statements alone anyway.
import fsp from 'node:fs/promises';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * A commit whose wait for the disk happens off the event loop. better-sqlite3 runs on the main
 * thread: with `synchronous = FULL` every COMMIT waits there for the WAL's fsync (milliseconds
 * during which no session is served). Group commit instead arms its transaction while it holds
 * the connection: that transaction runs under `synchronous = NORMAL` (set just before its BEGIN,
 * FULL again right after its COMMIT or ROLLBACK, in the same call: SQLite allows the change only
 * outside a transaction, and nothing else runs on the connection in between). In WAL mode its
 * frames are then written, not synced; the caller syncs the WAL file in the thread pool (`sync`)
 * before it tells anyone the transaction is done. So they are durable before any caller learns of
 * them, as with FULL; a crash of the process in between loses nothing (they are in the OS's
 * cache); a power loss may lose that transaction, whose callers were never told it committed.
 * Under NORMAL, SQLite still syncs the WAL before a checkpoint copies it into the database.
 */
export interface DeferredCommitSync {
  /** The next transaction on this connection (its BEGIN comes next) does not wait for the disk at its COMMIT. */
  arm(): void;
  disarm(): void;
  /** Make every commit written so far durable: fsync of the WAL file, in the thread pool. */
  sync(): Promise<void>;
}

/** What kysely's SqliteDialect needs of a database. */
export interface SqliteDatabaseLike {
  prepare(sql: string): BetterSqlite3.Statement;
  close(): unknown;
}

/** `sqlite` with a cache of its last `max` prepared statements (least recently used go first). */
export function withStatementCache(sqlite: BetterSqlite3.Database, max = 256): SqliteDatabaseLike & { readonly cached: number; readonly deferredSync: DeferredCommitSync } {
  const cache = new Map<string, BetterSqlite3.Statement>();
  let armed = false;
  let deferring = false;
  // Only in WAL mode is a commit's durability the WAL file's fsync.
  const wal = !sqlite.memory && sqlite.pragma('journal_mode', { simple: true }) === 'wal' ? `${sqlite.name}-wal` : null;
  const wrap = (run: (...params: unknown[]) => BetterSqlite3.RunResult) => ({ reader: false, run }) as unknown as BetterSqlite3.Statement;
  /** BEGIN of an armed transaction: NORMAL first (back to FULL if the BEGIN fails). */
  const begin = (stmt: BetterSqlite3.Statement) =>
    wrap((...params) => {
      armed = false;
      sqlite.pragma('synchronous = NORMAL');
      try {
        const r = stmt.run(...params);
        deferring = true;
        return r;
      } catch (e) {
        sqlite.pragma('synchronous = FULL');
        throw e;
      }
    });
  /** COMMIT or ROLLBACK of it: FULL again once the transaction is over. */
  const end = (stmt: BetterSqlite3.Statement) =>
    wrap((...params) => {
      const r = stmt.run(...params);
      deferring = false;
      sqlite.pragma('synchronous = FULL');
      return r;
    });
  const special = (sql: string, stmt: BetterSqlite3.Statement): BetterSqlite3.Statement => {
    if (armed && sql === 'begin immediate') return begin(stmt);
    if (deferring && (sql === 'commit' || sql === 'rollback')) return end(stmt);
    return stmt;
  };
  const deferredSync: DeferredCommitSync = {
    arm: () => void (armed = wal !== null),
    disarm: () => void (armed = false),
    async sync() {
      if (!wal) return;
      const fh = await fsp.open(wal, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    },
  };
  return {
    deferredSync,
    prepare(text: string): BetterSqlite3.Statement {
      const sql = text === 'begin' ? 'begin immediate' : text;
      const hit = cache.get(sql);
      if (hit) {
        if (hit.busy) return sqlite.prepare(sql);
        // Most recently used last: Map keeps insertion order.
        cache.delete(sql);
        cache.set(sql, hit);
        return special(sql, hit);
      }
      const stmt = sqlite.prepare(sql);
      cache.set(sql, stmt);
      if (cache.size > max) cache.delete(cache.keys().next().value!);
      return special(sql, stmt);
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
