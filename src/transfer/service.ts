// Owns: export and import as the CLI and the API ask for them — the account by address or id,
// the audit entry of every export and import (who, whose mailbox, which format and folder, why),
// then the formats' code (export.ts, import.ts). Authorisation is the caller's (the API's policy
// check, the CLI's operator); the mailbox is touched only through the core's services.
import type { Readable } from 'node:stream';
import type { App } from '../app.ts';
import { ThutinError } from '../core/errors.ts';
import { exportSource, mboxStream, writeMaildir, zipStream } from './export.ts';
import { checkedItems, importFile, importItems, type ImportOptions, type ImportReport } from './import.ts';
import { readMbox } from './mbox.ts';
import type { TransferCounts, TransferFormat } from './types.ts';

export interface TransferContext {
  actor: string;
  reason?: string;
}

type TransferApp = Pick<App, 'store' | 'accounts' | 'audit'>;

export class TransferService {
  constructor(private readonly app: TransferApp) {}

  async account(addressOrId: string | number): Promise<{ id: number; address: string }> {
    const a = typeof addressOrId === 'number' ? await this.app.accounts.byId(addressOrId) : await this.app.accounts.byAddress(addressOrId);
    if (!a) throw new ThutinError('ACCOUNT_NOT_FOUND', String(addressOrId));
    return { id: a.id, address: a.username };
  }

  /** How many messages an export of the account (or one folder) will hold, for a progress bar. */
  async messageCount(accountId: number, folder?: string): Promise<number> {
    let n = 0;
    for (const f of (await exportSource(this.app.store, accountId, folder)).folders) {
      const mb = await this.app.store.getMailbox(accountId, f.name);
      n += mb ? ((await this.app.store.mailboxCounts(mb.id))?.messages ?? 0) : 0;
    }
    return n;
  }

  private audit(action: 'mailbox.export' | 'mailbox.import', address: string, details: Record<string, unknown>, ctx: TransferContext): Promise<void> {
    return this.app.audit.record({ actor: ctx.actor, action, target: address, details, reason: ctx.reason ?? '' });
  }

  /** An account's mail as one stream (mbox or zip); recorded in the audit before the first byte. */
  async exportStream(accountId: number, format: 'mbox' | 'zip', ctx: TransferContext, opts: { folder?: string } = {}): Promise<{ stream: Readable; counts: TransferCounts; address: string }> {
    const { address } = await this.account(accountId);
    const src = await exportSource(this.app.store, accountId, opts.folder);
    await this.audit('mailbox.export', address, { format, folder: opts.folder ?? null, folders: src.folders.length }, ctx);
    const counts: TransferCounts = { folders: 0, messages: 0, bytes: 0 };
    const stream = format === 'mbox' ? mboxStream(this.app.store, src, counts) : zipStream(this.app.store, address, src, counts);
    return { stream, counts, address };
  }

  /** An account's mail as a Maildir++ tree under `dir`. */
  async exportMaildir(accountId: number, dir: string, ctx: TransferContext, opts: { folder?: string; onMessage?: (bytes: number) => void } = {}) {
    const { address } = await this.account(accountId);
    const src = await exportSource(this.app.store, accountId, opts.folder);
    await this.audit('mailbox.export', address, { format: 'maildir', folder: opts.folder ?? null, folders: src.folders.length }, ctx);
    return writeMaildir(this.app.store, src, dir, opts.onMessage);
  }

  /** Import a file or Maildir folder into an account; recorded in the audit with what came in. */
  async importFile(accountId: number, format: TransferFormat, file: string, ctx: TransferContext, opts: ImportOptions = {}): Promise<ImportReport> {
    const { address } = await this.account(accountId);
    const r = await importFile(this.app.store, accountId, format, file, opts);
    await this.audit('mailbox.import', address, { format, folder: opts.folder ?? null, messages: r.messages, failed: r.failed, bytes: r.bytes }, ctx);
    return r;
  }

  /** Import an mbox stream (no temporary file needed: it is read once, in order). */
  async importMboxStream(accountId: number, source: AsyncIterable<Buffer>, ctx: TransferContext, opts: ImportOptions = {}): Promise<ImportReport> {
    const { address } = await this.account(accountId);
    const r = await importItems(this.app.store, accountId, [], checkedItems(readMbox(source, opts.folder ?? 'INBOX')), opts);
    await this.audit('mailbox.import', address, { format: 'mbox', folder: opts.folder ?? null, messages: r.messages, failed: r.failed, bytes: r.bytes }, ctx);
    return r;
  }
}
