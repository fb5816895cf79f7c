// The storage port of backups: copy the database consistently while the server keeps writing, and
// put a copy back. SQLite: the online backup API (better-sqlite3 `backup()` on a connection of its
// own, the last step copying every remaining page in one read transaction, so the copy is one
// moment of the database). PostgreSQL: `pg_dump --snapshot` inside a REPEATABLE READ transaction
// that exported that snapshot, so the blob names read here and the dump are the same moment.
// Back: a SQLite file is copied into place; a pg_dump goes through `pg_restore`; a SQLite copy goes
// into PostgreSQL table by table (migrations first, foreign-key order, sequences reset).
// Owns: snapshot files of the database and the copy of every table's rows (no rules of their own).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { sql } from 'kysely';
import { openDatabase } from './database.ts';
import type { Dialect } from './dialect.ts';

export interface DbLocation {
  driver: Dialect;
  /** SQLite file (absolute). */
  file?: string;
  /** PostgreSQL connection string. */
  url?: string;
}

export type SnapshotFormat = 'sqlite' | 'pg_dump';

export interface Snapshot {
  format: SnapshotFormat;
  /** Every blob the snapshot's `contents` rows name (messages and queue entries reference only those). */
  blobs: Map<string, number>;
  /** When the snapshot was taken (ms). */
  takenAt: number;
}

/** Progress of a database copy: done and total in the unit the backend knows (pages, rows). */
export type CopyProgress = (done: number, total: number) => void;

/**
 * Copy the database at one moment into `dest` (a SQLite file, or a pg_dump custom-format archive).
 * `hold` is called with the blobs the copy names as soon as they are known (on PostgreSQL before
 * pg_dump runs), so the caller can keep them from being reclaimed while the rest is copied.
 */
export async function snapshotDatabase(src: DbLocation, dest: string, hold?: (blobs: Map<string, number>) => void, onProgress?: CopyProgress): Promise<Snapshot> {
  await fsp.rm(dest, { force: true });
  const snap = src.driver === 'sqlite' ? await snapshotSqlite(src.file!, dest, hold, onProgress) : await snapshotPostgres(src.url!, dest, hold);
  return snap;
}

async function snapshotSqlite(file: string, dest: string, hold?: (blobs: Map<string, number>) => void, onProgress?: CopyProgress): Promise<Snapshot> {
  const db = new BetterSqlite3(file, { fileMustExist: true });
  let takenAt = Date.now();
  try {
    db.pragma('busy_timeout = 10000');
    // After the first step of 100 pages, every remaining page in one step: one read transaction, so a
    // write by the server in between restarts the copy at most once and the result is one moment.
    await db.backup(dest, {
      progress: ({ totalPages, remainingPages }) => {
        onProgress?.(totalPages - remainingPages, totalPages);
        takenAt = Date.now();
        return 1 << 30;
      },
    });
  } finally {
    db.close();
  }
  const copy = new BetterSqlite3(dest);
  try {
    copy.pragma('journal_mode = DELETE'); // one self-contained file
    const blobs = new Map<string, number>();
    for (const r of copy.prepare('SELECT sha256, size FROM contents').iterate() as Iterable<{ sha256: string; size: number }>) blobs.set(r.sha256, r.size);
    hold?.(blobs);
    const pages = copy.pragma('page_count', { simple: true }) as number;
    onProgress?.(pages, pages);
    return { format: 'sqlite', blobs, takenAt };
  } finally {
    copy.close();
  }
}

/** A connection string without its password, and the password for PGPASSWORD (never on a command line). */
function pgArgs(url: string): { url: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (u.password) {
    env.PGPASSWORD = decodeURIComponent(u.password);
    u.password = '';
  }
  return { url: u.toString(), env };
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => reject(new Error(`${cmd}: ${e.message} (Debian: apt-get install postgresql-client)`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exit ${code}: ${err.trim().slice(0, 2000)}`))));
  });
}

async function snapshotPostgres(url: string, dest: string, hold?: (blobs: Map<string, number>) => void): Promise<Snapshot> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const id = (await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows[0].id;
    const takenAt = Date.now();
    const blobs = new Map<string, number>();
    for (const r of (await client.query<{ sha256: string; size: string | number }>('SELECT sha256, size FROM contents')).rows) blobs.set(r.sha256, Number(r.size));
    hold?.(blobs);
    const a = pgArgs(url);
    // Uncompressed: the backup compresses every file the same way.
    await run('pg_dump', ['--format=custom', '--compress=0', '--no-owner', '--no-privileges', `--snapshot=${id}`, '--file', dest, '--dbname', a.url], a.env);
    await client.query('COMMIT');
    return { format: 'pg_dump', blobs, takenAt };
  } finally {
    await client.end().catch(() => {});
  }
}

/** Names of the tables in the target PostgreSQL database's current schema (empty: a fresh database). */
export async function postgresTables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ t: string }>("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'");
    return r.rows.map((x) => x.t);
  } finally {
    await client.end();
  }
}

/** Put a snapshot back into a fresh database: the file is copied (SQLite) or restored by pg_restore; SQLite → PostgreSQL copies the rows. */
export async function restoreDatabase(snapshotFile: string, format: SnapshotFormat, target: DbLocation, onProgress?: CopyProgress): Promise<void> {
  if (target.driver === 'sqlite') {
    if (format !== 'sqlite') throw new Error('PostgreSQL → SQLite is not supported');
    if (fs.existsSync(target.file!)) throw new Error(`${target.file} exists`);
    await fsp.mkdir(path.dirname(target.file!), { recursive: true });
    await fsp.copyFile(snapshotFile, target.file!, fs.constants.COPYFILE_EXCL);
    // Migrations of a newer thutin run now, not at the first start.
    const db = await openDatabase({ driver: 'sqlite', file: target.file });
    await db.close();
    return;
  }
  const tables = await postgresTables(target.url!);
  if (tables.length) throw new Error(`the target database is not empty (${tables.slice(0, 5).join(', ')}…)`);
  if (format === 'pg_dump') {
    const a = pgArgs(target.url!);
    await run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', '--dbname', a.url, snapshotFile], a.env);
    const db = await openDatabase({ driver: 'postgres', url: target.url });
    await db.close();
    return;
  }
  await copySqliteToPostgres(snapshotFile, target.url!, onProgress);
}

interface TablePlan {
  name: string;
  columns: string[];
  /** Columns referencing the same table: inserted NULL, then set once every row is in. */
  selfRefs: string[];
  rows: number;
}

/** The snapshot's tables in foreign-key order (a table after every table it references). */
function planTables(src: BetterSqlite3.Database): TablePlan[] {
  const names = (src.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%'").all() as Array<{ name: string }>).map((r) => r.name);
  const deps = new Map<string, Set<string>>();
  const selfRefs = new Map<string, string[]>();
  for (const t of names) {
    const fks = src.prepare(`PRAGMA foreign_key_list("${t}")`).all() as Array<{ table: string; from: string }>;
    deps.set(t, new Set(fks.filter((f) => f.table !== t).map((f) => f.table)));
    selfRefs.set(
      t,
      fks.filter((f) => f.table === t).map((f) => f.from),
    );
  }
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (t: string, stack: Set<string>) => {
    if (seen.has(t)) return;
    if (stack.has(t)) throw new Error(`foreign-key cycle through ${t}`);
    stack.add(t);
    for (const d of deps.get(t) ?? []) if (deps.has(d)) visit(d, stack);
    stack.delete(t);
    seen.add(t);
    order.push(t);
  };
  for (const t of names.sort()) visit(t, new Set());
  return order.map((name) => ({
    name,
    columns: (src.prepare(`PRAGMA table_info("${name}")`).all() as Array<{ name: string }>).map((c) => c.name),
    selfRefs: selfRefs.get(name) ?? [],
    rows: (src.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n,
  }));
}

/**
 * SQLite snapshot → fresh PostgreSQL database: the snapshot is first brought to this version's
 * migrations, the target gets them too, then every table is copied in one transaction (a failure
 * leaves the target empty), and every `id` sequence continues after the highest id.
 */
export async function copySqliteToPostgres(snapshotFile: string, url: string, onProgress?: CopyProgress): Promise<void> {
  const migrated = await openDatabase({ driver: 'sqlite', file: snapshotFile });
  await migrated.close();
  const target = await openDatabase({ driver: 'postgres', url });
  const src = new BetterSqlite3(snapshotFile, { readonly: true });
  try {
    const plan = planTables(src);
    const total = plan.reduce((n, t) => n + t.rows, 0);
    let done = 0;
    await target.kysely.transaction().execute(async (trx) => {
      for (const t of plan) {
        const targetCols = new Set(
          (await sql<{ c: string }>`SELECT column_name AS c FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ${t.name}`.execute(trx)).rows.map((r) => r.c),
        );
        const cols = t.columns.filter((c) => targetCols.has(c));
        const batch = Math.max(1, Math.floor(20000 / cols.length));
        let rows: Array<Record<string, unknown>> = [];
        const later: Array<Record<string, unknown>> = [];
        const flush = async () => {
          if (!rows.length) return;
          await sql`INSERT INTO ${sql.table(t.name)} (${sql.join(cols.map((c) => sql.ref(c)))}) VALUES ${sql.join(rows.map((r) => sql`(${sql.join(cols.map((c) => r[c]))})`))}`.execute(trx);
          done += rows.length;
          onProgress?.(done, total);
          rows = [];
        };
        for (const r of src.prepare(`SELECT * FROM "${t.name}" ORDER BY rowid`).iterate() as Iterable<Record<string, unknown>>) {
          if (t.selfRefs.some((c) => r[c] !== null)) {
            later.push(r);
            const copy = { ...r };
            for (const c of t.selfRefs) copy[c] = null;
            rows.push(copy);
          } else rows.push(r);
          if (rows.length >= batch) await flush();
        }
        await flush();
        for (const r of later) {
          const sets = sql.join(t.selfRefs.map((c) => sql`${sql.ref(c)} = ${r[c]}`));
          const key =
            'id' in r
              ? sql`${sql.ref('id')} = ${r.id}`
              : sql.join(
                  cols.filter((c) => !t.selfRefs.includes(c)).map((c) => sql`${sql.ref(c)} IS NOT DISTINCT FROM ${r[c]}`),
                  sql` AND `,
                );
          await sql`UPDATE ${sql.table(t.name)} SET ${sets} WHERE ${key}`.execute(trx);
        }
        if (cols.includes('id')) {
          await sql`SELECT setval(s, (SELECT coalesce(max(id), 0) + 1 FROM ${sql.table(t.name)}), false) FROM pg_get_serial_sequence(${t.name}, 'id') AS s WHERE s IS NOT NULL`.execute(trx);
        }
      }
    });
  } finally {
    src.close();
    await target.close();
  }
}
