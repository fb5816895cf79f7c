// Owns: the migration's resume state — one JSON file per mapped mailbox in the state folder
// (default <data>/migrate-state/): for each source folder its UIDVALIDITY and the last UID copied
// (every UID up to it was copied, skipped as a duplicate, or failed and reported), and the
// mailbox's totals over all runs. Saved with write + fsync + rename (+ fsync of the folder), so a
// crash leaves the old state or the new one, never half of either. A resumed run starts after the
// last UID; a changed UIDVALIDITY starts the folder over (duplicates are then skipped by Message-ID and size).
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

export interface FolderState {
  uidvalidity: string;
  lastUid: number;
}

export interface MailboxState {
  version: 1;
  source: string;
  target: string;
  folders: Record<string, FolderState>;
  /** Over every run: copied, skipped as duplicates, failed. */
  totals: { copied: number; skipped: number; failed: number };
  updatedAt: string;
}

export function stateFile(dir: string, source: string, target: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9@._-]/g, '_').slice(0, 80);
  const h = crypto.createHash('sha256').update(`${source}\u0000${target}`).digest('hex').slice(0, 8);
  return path.join(dir, `${safe(source)}--${safe(target)}--${h}.json`);
}

export function loadState(file: string, source: string, target: string): MailboxState {
  try {
    const s = JSON.parse(fs.readFileSync(file, 'utf8')) as MailboxState;
    if (s.version === 1 && s.folders && s.source === source && s.target === target) return s;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${file}: tệp trạng thái hỏng / damaged state file: ${(e as Error).message}`);
  }
  return { version: 1, source, target, folders: {}, totals: { copied: 0, skipped: 0, failed: 0 }, updatedAt: new Date().toISOString() };
}

/** Write the state durably: a temporary file fsynced, renamed over the old one, the folder fsynced. */
export function saveState(file: string, s: MailboxState): void {
  s.updatedAt = new Date().toISOString();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, JSON.stringify(s, null, 1));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  const dfd = fs.openSync(path.dirname(file), 'r');
  try {
    fs.fsyncSync(dfd);
  } finally {
    fs.closeSync(dfd);
  }
}
