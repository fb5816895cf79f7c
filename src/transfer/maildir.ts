// Owns: the Maildir++ layout as Dovecot keeps it — INBOX in the root folder, "A/B" in ".A.B" with
// each level in modified UTF-7 (a '.' inside a level as "&AC4-"), messages in cur/ named
// "<time>.M<µs>P<pid>Q<n>.<host>,S=<size>:2,<flags>", keywords as letters a–z listed in the
// folder's dovecot-keywords, the internal date as the file's modification time. Writing streams
// each message into tmp/ and renames it into cur/; reading lists new/ and cur/ of every folder and
// opens each file only when it is ingested.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { decodeMailboxName, encodeMailboxName } from '../imap/protocol/mutf7.ts';
import { HIERARCHY_SEPARATOR } from '../core/mailboxes.ts';
import { flagsFromMaildirName, formatDovecotKeywords, maildirInfo, parseDovecotKeywords } from './flags.ts';
import type { ImportItem, TransferMessage } from './types.ts';

const DOT = '&AC4-';

/** The folder's directory below the Maildir root ('' for INBOX). */
export function maildirFolderDir(name: string): string {
  if (name === 'INBOX') return '';
  return (
    '.' +
    name
      .split(HIERARCHY_SEPARATOR)
      .map((level) => encodeMailboxName(level).replaceAll('.', DOT))
      .join('.')
  );
}

/** The folder a directory below the root holds (".A.B" → "A/B"). */
export function maildirFolderName(dir: string): string {
  if (dir === '' || dir === '.') return 'INBOX';
  return dir
    .slice(1)
    .split('.')
    .map((level) => decodeMailboxName(level.replaceAll(DOT, '\u0000')).replaceAll('\u0000', '.'))
    .join(HIERARCHY_SEPARATOR);
}

/** Writes messages into a Maildir++ tree, folder by folder. */
export class MaildirWriter {
  private seq = 0;
  private readonly keywords = new Map<string, string[]>();
  private readonly made = new Set<string>();
  /** Keywords that did not fit in the 26 letters, per folder. */
  readonly dropped = new Map<string, Set<string>>();

  constructor(private readonly root: string) {}

  private async folder(name: string): Promise<string> {
    const dir = path.join(this.root, maildirFolderDir(name));
    if (!this.made.has(dir)) {
      for (const sub of ['cur', 'new', 'tmp']) await fsp.mkdir(path.join(dir, sub), { recursive: true });
      if (name !== 'INBOX') await fsp.writeFile(path.join(dir, 'maildirfolder'), '');
      this.made.add(dir);
      this.keywords.set(name, []);
    }
    return dir;
  }

  /** Make a folder even when it holds no message. */
  async ensureFolder(name: string): Promise<void> {
    await this.folder(name);
  }

  async write(m: TransferMessage, size: number, body: AsyncIterable<Buffer>): Promise<void> {
    const dir = await this.folder(m.folder);
    const list = this.keywords.get(m.folder)!;
    const { info, dropped } = maildirInfo(m.flags, list);
    if (dropped.length) {
      const d = this.dropped.get(m.folder) ?? new Set<string>();
      for (const k of dropped) d.add(k);
      this.dropped.set(m.folder, d);
    }
    const secs = Math.floor(m.internalDate / 1000);
    const base = `${secs}.M${(m.internalDate % 1000) * 1000}P${process.pid}Q${++this.seq}.${os.hostname().replaceAll('/', '\\057').replaceAll(':', '\\072')},S=${size}`;
    const tmp = path.join(dir, 'tmp', base);
    await pipeline(Readable.from(body), fs.createWriteStream(tmp));
    const date = new Date(m.internalDate);
    await fsp.utimes(tmp, date, date);
    await fsp.rename(tmp, path.join(dir, 'cur', `${base}:2,${info}`));
  }

  /** Write each folder's dovecot-keywords. */
  async close(): Promise<void> {
    for (const [name, list] of this.keywords) {
      if (list.length) await fsp.writeFile(path.join(this.root, maildirFolderDir(name), 'dovecot-keywords'), formatDovecotKeywords(list));
    }
  }
}

async function isMaildir(dir: string): Promise<boolean> {
  try {
    return (await fsp.stat(path.join(dir, 'cur'))).isDirectory();
  } catch {
    return false;
  }
}

/** The folders of a Maildir++ tree (INBOX first), by their names. */
export async function maildirFolders(root: string): Promise<Array<{ name: string; dir: string }>> {
  const out: Array<{ name: string; dir: string }> = [];
  if (await isMaildir(root)) out.push({ name: 'INBOX', dir: root });
  const entries = await fsp.readdir(root, { withFileTypes: true });
  for (const e of entries.filter((x) => x.isDirectory() && x.name.startsWith('.') && x.name !== '.' && x.name !== '..').sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = path.join(root, e.name);
    if (await isMaildir(dir)) out.push({ name: maildirFolderName(e.name), dir });
  }
  if (!out.length) throw new Error(`${root}: không phải Maildir (không có cur/) / not a Maildir (no cur/)`);
  return out;
}

/** The messages of a Maildir++ tree, folder by folder, oldest file name first; each file is opened when read. */
export async function* readMaildir(root: string): AsyncGenerator<ImportItem> {
  for (const f of await maildirFolders(root)) {
    let keywords: string[] = [];
    try {
      keywords = parseDovecotKeywords(await fsp.readFile(path.join(f.dir, 'dovecot-keywords'), 'utf8'));
    } catch {
      /* no keywords in this folder */
    }
    const files: Array<{ file: string; name: string }> = [];
    for (const sub of ['new', 'cur']) {
      let names: string[] = [];
      try {
        names = await fsp.readdir(path.join(f.dir, sub));
      } catch {
        continue;
      }
      for (const n of names) if (!n.startsWith('.')) files.push({ file: path.join(f.dir, sub, n), name: n });
    }
    files.sort((a, b) => {
      const ta = Number(a.name.split('.')[0]);
      const tb = Number(b.name.split('.')[0]);
      return ta !== tb && Number.isFinite(ta) && Number.isFinite(tb) ? ta - tb : a.name.localeCompare(b.name);
    });
    for (const x of files) {
      const st = await fsp.stat(x.file);
      if (!st.isFile()) continue;
      yield {
        folder: f.name,
        flags: flagsFromMaildirName(x.name, keywords),
        internalDate: Math.floor(st.mtimeMs),
        body: async () => fs.createReadStream(x.file, { highWaterMark: 256 * 1024 }),
      };
    }
  }
}
