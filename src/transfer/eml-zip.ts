// Owns: the zip of .eml files — one entry per message ("<folder>/<n>.eml", the message's bytes as
// stored), and manifest.json last: the folders (special use, subscription) and, per entry, its
// folder, flags (keywords included) and internal date. Written with yazl, which pulls each
// message's stream only when its entry is written (never the mailbox in memory); read with yauzl
// from a file (the manifest first, from the central directory, then each entry as it is ingested).
// A zip without manifest (.eml files from elsewhere) imports too: folders from the entries' paths.
import { Readable } from 'node:stream';
import yazl from 'yazl';
import yauzl from 'yauzl';
import type { ImportItem, TransferFolder, TransferMessage } from './types.ts';

export const MANIFEST = 'manifest.json';

export interface ZipManifest {
  format: 'thutin-eml-zip';
  version: 1;
  account: string;
  exportedAt: string;
  folders: TransferFolder[];
  messages: Array<TransferMessage & { file: string; size: number }>;
}

/** A zip being written: add messages (each read lazily), then `finish` writes the manifest. */
export class EmlZipWriter {
  private readonly zip = new yazl.ZipFile();
  private readonly manifest: ZipManifest;
  private n = 0;

  constructor(account: string, folders: TransferFolder[]) {
    this.manifest = { format: 'thutin-eml-zip', version: 1, account, exportedAt: new Date().toISOString(), folders, messages: [] };
  }

  /** The zip's bytes, as they are made. */
  get output(): Readable {
    return this.zip.outputStream as Readable;
  }

  add(m: TransferMessage, size: number, open: () => Readable): void {
    const file = `${m.folder}/${String(++this.n).padStart(6, '0')}.eml`;
    this.manifest.messages.push({ file, folder: m.folder, flags: m.flags, internalDate: m.internalDate, size });
    this.zip.addReadStreamLazy(file, { mtime: new Date(m.internalDate), compress: true, size }, (cb) => cb(null, open()));
  }

  finish(): void {
    this.zip.addBuffer(Buffer.from(JSON.stringify(this.manifest, null, 1), 'utf8'), MANIFEST, { compress: true });
    this.zip.end();
  }
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => yauzl.open(file, { lazyEntries: true, autoClose: false, decodeStrings: true }, (e, z) => (e ? reject(e) : resolve(z))));
}

function entries(z: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const out: yauzl.Entry[] = [];
    z.on('entry', (e: yauzl.Entry) => {
      out.push(e);
      z.readEntry();
    });
    z.on('end', () => resolve(out));
    z.on('error', reject);
    z.readEntry();
  });
}

function openEntry(z: yauzl.ZipFile, e: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => z.openReadStream(e, (err, s) => (err ? reject(err) : resolve(s))));
}

async function readAll(s: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** The folders a zip names (from its manifest), for the import to create with their special use. */
export interface ZipContents {
  folders: TransferFolder[];
  items: AsyncGenerator<ImportItem>;
  close(): void;
}

export async function readEmlZip(file: string, defaultFolder = 'INBOX'): Promise<ZipContents> {
  const z = await openZip(file);
  const all = await entries(z);
  const byName = new Map(all.map((e) => [e.fileName, e]));
  const m = byName.get(MANIFEST);
  let manifest: ZipManifest | null = null;
  if (m) {
    manifest = JSON.parse((await readAll(await openEntry(z, m))).toString('utf8')) as ZipManifest;
    if (manifest.format !== 'thutin-eml-zip' || !Array.isArray(manifest.messages)) throw new Error(`${MANIFEST}: không phải của thutin / not thutin's`);
  }
  async function* items(): AsyncGenerator<ImportItem> {
    if (manifest) {
      for (const x of manifest.messages) {
        const e = byName.get(x.file);
        if (!e) throw new Error(`${x.file}: có trong ${MANIFEST} nhưng không có trong zip / in ${MANIFEST} but not in the zip`);
        yield { folder: x.folder, flags: x.flags, internalDate: x.internalDate, body: async () => openEntry(z, e) };
      }
      return;
    }
    for (const e of all) {
      if (!/\.eml$/i.test(e.fileName)) continue;
      const dir = e.fileName.includes('/') ? e.fileName.slice(0, e.fileName.lastIndexOf('/')) : '';
      yield { folder: dir || defaultFolder, flags: [], internalDate: e.getLastModDate().getTime(), body: async () => openEntry(z, e) };
    }
  }
  const folders = manifest ? manifest.folders : [];
  return { folders, items: items(), close: () => z.close() };
}
