// Owns: exporting an account's folders (all of them, or one) in a format — mbox (one stream,
// src/transfer/mbox.ts), a zip of .eml (one stream, src/transfer/eml-zip.ts) or Maildir (a folder
// tree, src/transfer/maildir.ts). Messages are read one at a time through the core
// (`streamMessage`: the served bytes, header prefix included); only folder lists and message
// metadata are held, never the messages.
import { Readable } from 'node:stream';
import type { MailStore, MessageMeta } from '../core/mailstore.ts';
import { flagNames } from '../core/flags.ts';
import { ThutinError } from '../core/errors.ts';
import { canonicalMailboxName } from '../core/mailboxes.ts';
import { mboxMessage } from './mbox.ts';
import { EmlZipWriter } from './eml-zip.ts';
import { MaildirWriter } from './maildir.ts';
import type { TransferCounts, TransferFolder, TransferMessage } from './types.ts';

export interface ExportSource {
  folders: TransferFolder[];
  /** Each folder with its messages' metadata, read when the folder's turn comes. */
  each(): AsyncGenerator<{ folder: TransferFolder; messages: MessageMeta[] }>;
}

/** The folders to export (all, or the one named) and their messages. */
export async function exportSource(store: MailStore, accountId: number, only?: string): Promise<ExportSource> {
  const subs = new Set(await store.listSubscriptions(accountId));
  let list = await store.listMailboxes(accountId);
  if (only !== undefined) {
    const name = canonicalMailboxName(only);
    list = list.filter((f) => f.name === name);
    if (!list.length) throw new ThutinError('MAILBOX_NOT_FOUND', only);
  }
  list.sort((a, b) => (a.name === 'INBOX' ? -1 : b.name === 'INBOX' ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const folders = list.map((f) => ({ name: f.name, specialUse: f.specialUse, subscribed: subs.has(f.name) }));
  return {
    folders,
    async *each() {
      for (let i = 0; i < list.length; i++) yield { folder: folders[i], messages: await store.listMessages(list[i].id) };
    },
  };
}

function placeOf(folder: string, m: MessageMeta): TransferMessage {
  return { folder, flags: flagNames(m.flags, m.keywords), internalDate: m.internalDate };
}

/** An mbox (mboxrd) of the source, as a stream. `counts` fills as it is read. */
export function mboxStream(store: MailStore, src: ExportSource, counts: TransferCounts = { folders: 0, messages: 0, bytes: 0 }): Readable {
  async function* gen(): AsyncGenerator<Buffer> {
    for await (const { folder, messages } of src.each()) {
      counts.folders++;
      for (const m of messages) {
        yield* mboxMessage(placeOf(folder.name, m), store.streamMessage(m));
        counts.messages++;
        counts.bytes += m.size;
      }
    }
  }
  return Readable.from(gen(), { objectMode: false });
}

/** A zip of .eml files with manifest.json, as a stream. */
export function zipStream(store: MailStore, account: string, src: ExportSource, counts: TransferCounts = { folders: 0, messages: 0, bytes: 0 }): Readable {
  const w = new EmlZipWriter(account, src.folders);
  void (async () => {
    try {
      for await (const { messages, folder } of src.each()) {
        counts.folders++;
        for (const m of messages) {
          w.add(placeOf(folder.name, m), m.size, () => store.streamMessage(m));
          counts.messages++;
          counts.bytes += m.size;
        }
      }
      w.finish();
    } catch (e) {
      w.output.destroy(e instanceof Error ? e : new Error(String(e)));
    }
  })();
  return w.output;
}

/** A Maildir++ tree of the source under `dir`. */
export async function writeMaildir(store: MailStore, src: ExportSource, dir: string, onMessage?: (bytes: number) => void): Promise<TransferCounts & { droppedKeywords: string[] }> {
  const w = new MaildirWriter(dir);
  const counts: TransferCounts = { folders: 0, messages: 0, bytes: 0 };
  for await (const { folder, messages } of src.each()) {
    counts.folders++;
    await w.ensureFolder(folder.name);
    for (const m of messages) {
      await w.write(placeOf(folder.name, m), m.size, store.streamMessage(m));
      counts.messages++;
      counts.bytes += m.size;
      onMessage?.(m.size);
    }
  }
  await w.close();
  const dropped = [...w.dropped.values()].flatMap((s) => [...s]);
  return { ...counts, droppedKeywords: [...new Set(dropped)] };
}
