// Owns: the data directory as the CLI finds it — whether one exists (every command but `init`,
// `serve` and `demo` needs one, and says so instead of creating an empty ./data) — and the lock a
// running `thutin serve` holds on it (thutin.lock: pid, host, start time and listening ports).
//
// One server per data directory: SQLite, the in-process blob pins and the sweep at start with no
// grace all assume it. Several processes are allowed only on PostgreSQL with `store.sharedBlobs:
// true` (they share the blobs and leave young ones to the sweep); then no lock is taken.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONFIG_FILE, type Config } from '../config/config.ts';

export const LOCK_FILE = 'thutin.lock';

export class DataDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirError';
  }
}

/** Throws unless `dataDir` holds a thutin installation (its configuration file or its SQLite database). */
export function requireDataDir(dataDir: string, env: NodeJS.ProcessEnv = process.env): void {
  const abs = path.resolve(dataDir);
  const hint = 'chạy / run `npm start` (hoặc / or `thutin init`) trước / first, hoặc chỉ đúng thư mục / or point --data at it';
  if (!fs.existsSync(abs)) throw new DataDirError(`Không tìm thấy thư mục dữ liệu / no data directory found: ${abs} — ${hint}`);
  if (!fs.statSync(abs).isDirectory()) throw new DataDirError(`${abs} không phải thư mục / is not a directory`);
  const hasConfig = fs.existsSync(path.join(abs, CONFIG_FILE));
  const hasSqlite = fs.existsSync(path.join(abs, 'thutin.sqlite'));
  const pgFromEnv = env.THUTIN_DATABASE_DRIVER === 'postgres';
  if (!hasConfig && !hasSqlite && !pgFromEnv) {
    throw new DataDirError(`Thư mục ${abs} không chứa dữ liệu thutin (không có ${CONFIG_FILE}) / ${abs} holds no thutin data (no ${CONFIG_FILE}) — ${hint}`);
  }
}

export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  /** Filled in once every listener is up: config key (`imap.port` …) → port. */
  ports?: Record<string, number>;
}

/** Whether the lock must be taken: always but on PostgreSQL with shared blobs. */
export function lockRequired(cfg: Config): boolean {
  return !(cfg.database.driver === 'postgres' && cfg.store.sharedBlobs);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // A recycled pid: on Linux the command line tells whether it is still a thutin.
  try {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /thutin|cli\/main\.ts/.test(cmd);
  } catch {
    return true;
  }
}

/** The lock of a data directory and whether its holder still runs (null when there is none). */
export function readLock(dataDir: string): (LockInfo & { alive: boolean }) | null {
  let info: LockInfo;
  try {
    info = JSON.parse(fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')) as LockInfo;
  } catch {
    return null;
  }
  const alive = info.host === os.hostname() ? pidAlive(info.pid) : true; // another host: trust it
  return { ...info, alive };
}

export interface DataDirLock {
  /** Record the ports the server listens on (for `thutin doctor`). */
  setPorts(ports: Record<string, number>): void;
  release(): void;
}

function refusal(dataDir: string, held: LockInfo): DataDirError {
  const abs = path.resolve(dataDir);
  return new DataDirError(
    `Thư mục dữ liệu ${abs} đang được một thutin khác dùng (pid ${held.pid} trên ${held.host}, từ ${held.startedAt}); dừng nó trước / ` +
      `the data directory ${abs} is in use by another thutin (pid ${held.pid} on ${held.host}, since ${held.startedAt}); stop it first. ` +
      `(Nhiều tiến trình chỉ được khi dùng PostgreSQL với store.sharedBlobs: true / several processes only on PostgreSQL with store.sharedBlobs: true)`,
  );
}

/** Take the data directory's lock, replacing a stale one (its process is gone); refuse a live one. */
export function lockDataDir(dataDir: string): DataDirLock {
  const file = path.join(dataDir, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(mine) + '\n', { flag: 'wx', mode: 0o640 });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) {
        const held = readLock(dataDir);
        if (held) throw refusal(dataDir, held);
        throw e;
      }
      const held = readLock(dataDir);
      if (held?.alive) throw refusal(dataDir, held);
      fs.rmSync(file, { force: true }); // stale: its process ended without removing it (kill -9, power cut)
    }
  }
  const ours = (): boolean => readLock(dataDir)?.pid === process.pid;
  const release = () => {
    if (ours()) fs.rmSync(file, { force: true });
  };
  process.once('exit', release);
  return {
    setPorts(ports) {
      if (!ours()) return;
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify({ ...mine, ports }) + '\n', { mode: 0o640 });
      fs.renameSync(tmp, file);
    },
    release() {
      process.off('exit', release);
      release();
    },
  };
}
