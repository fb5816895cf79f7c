// Owns: importing messages into an account from any of the formats (mbox, Maildir, zip of .eml):
// the folders made first (with their special use, src/transfer/folders.ts), then every message
// through the core's ingest and commit (src/transfer/writer.ts: one blob per message, parsed once,
// in order) with its flags, keywords and internal date, as origin `import` (not journaled, not
// counted as mail received). Nothing is sent by SMTP.
import fs from 'node:fs';
import type { MailStore } from '../core/mailstore.ts';
import { ThutinError } from '../core/errors.ts';
import { FolderResolver } from './folders.ts';
import { MessageWriter } from './writer.ts';
import { readMbox } from './mbox.ts';
import { readMaildir } from './maildir.ts';
import { readEmlZip } from './eml-zip.ts';
import type { ImportItem, TransferFolder, TransferFormat } from './types.ts';

export interface ImportReport {
  folders: number;
  messages: number;
  bytes: number;
  failed: number;
  /** The first few failures, for the operator. */
  errors: string[];
}

export interface ImportOptions {
  /** Where messages go that name no folder (a foreign mbox, loose .eml files); INBOX by default. */
  folder?: string;
  /** Told after each message (for a progress bar). */
  onMessage?: (bytes: number) => void;
}

/** Import a stream of messages (with the folders to make first, empty ones included). */
export { checked as checkedItems };

export async function importItems(store: MailStore, accountId: number, folders: TransferFolder[], items: AsyncIterable<ImportItem>, opts: ImportOptions = {}): Promise<ImportReport> {
  const resolver = new FolderResolver(store, accountId);
  const uses = new Map(folders.map((f) => [f.name, f.specialUse]));
  for (const f of folders) await resolver.resolve(f.name, f.specialUse);
  const writer = new MessageWriter(store, 'import');
  const report: ImportReport = { folders: 0, messages: 0, bytes: 0, failed: 0, errors: [] };
  const seen = new Set<string>();
  for await (const item of items) {
    const folder = await resolver.resolve(item.folder, uses.get(item.folder) ?? null);
    seen.add(folder);
    await writer.push({ accountId, folder, flags: item.flags, internalDate: item.internalDate, body: item.body }, (r) => {
      if (r.ok) {
        report.messages++;
        report.bytes += r.size;
        opts.onMessage?.(r.size);
      } else {
        report.failed++;
        if (report.errors.length < 20) report.errors.push(`${item.folder}: ${r.error.message}`);
      }
    });
  }
  await writer.flush();
  report.folders = new Set([...seen, ...folders.map((f) => f.name)]).size;
  return report;
}

/** A reader's complaint about the file (not an mbox, a broken zip, a bad manifest) as TRANSFER_INVALID; the store's own errors as they are. */
function invalid(e: unknown): never {
  if (e instanceof ThutinError) throw e;
  throw new ThutinError('TRANSFER_INVALID', e instanceof Error ? e.message : String(e));
}

/** Items of a reader, its errors as TRANSFER_INVALID. */
async function* checked(items: AsyncIterable<ImportItem>): AsyncGenerator<ImportItem> {
  const it = items[Symbol.asyncIterator]();
  for (;;) {
    let r: IteratorResult<ImportItem>;
    try {
      r = await it.next();
    } catch (e) {
      invalid(e);
    }
    if (r.done) return;
    yield r.value;
  }
}

/** Import a file (mbox, zip) or a folder (Maildir) in the given format. */
export async function importFile(store: MailStore, accountId: number, format: TransferFormat, file: string, opts: ImportOptions = {}): Promise<ImportReport> {
  const folder = opts.folder ?? 'INBOX';
  if (format === 'mbox') return importItems(store, accountId, [], checked(readMbox(fs.createReadStream(file, { highWaterMark: 256 * 1024 }), folder)), opts);
  if (format === 'maildir') return importItems(store, accountId, [], checked(readMaildir(file)), opts);
  const z = await readEmlZip(file, folder).catch(invalid);
  try {
    return await importItems(store, accountId, z.folders, checked(z.items), opts);
  } finally {
    z.close();
  }
}
