// Folders of the mail store (the base of MailStore, core/mailstore.ts): finding, listing, creating,
// deleting and renaming folders, subscriptions (names that outlive their folder), STATUS counts in
// one snapshot, and the \Recent claim that gives a new message to one session only.
// Owns: the folder rules the front ends share; SQL lives in the folders and messages repositories.
import type { Db } from '../storage/database.ts';
import type { Tx } from '../storage/tx.ts';
import * as folders from '../storage/repositories/folders.ts';
import * as messages from '../storage/repositories/messages.ts';
import { deleteFolderEntries } from '../storage/repositories/mailbox-metadata.ts';
import { ThutinError } from './errors.ts';
import { canonicalMailboxName, isValidMailboxName, HIERARCHY_SEPARATOR } from './mailboxes.ts';
import type { MailEvents } from './events.ts';
import type { ContentStore } from './contents.ts';

/** A folder as front ends see it (its change-log floor is the store's business). */
export type MailboxInfo = Omit<folders.FolderRow, 'changesFloor'>;

export function toMailbox(f: folders.FolderRow): MailboxInfo {
  const { changesFloor: _floor, ...info } = f;
  void _floor;
  return info;
}

/**
 * Told of messages about to leave their folder for good (expunge, a folder's deletion, a retention
 * policy; never a move), inside that transaction before the rows go: the legal hold
 * (core/legal-hold.ts) keeps those of a held mailbox.
 */
export interface RemovalHook {
  removing(tx: Tx, mailboxId: number, uids: number[], cause: RemovalCause): Promise<void>;
}
export type RemovalCause = 'expunge' | 'folder-delete' | 'retention';

export abstract class MailFolders {
  /** Hooks told of messages leaving their folder for good (see RemovalHook). */
  readonly removalHooks: RemovalHook[] = [];

  constructor(
    protected readonly db: Db['kysely'],
    readonly events: MailEvents,
    /** The contents rows and their blobs: saving, pinning in flight, reclaiming. */
    readonly contents: ContentStore,
  ) {}

  /** The messages of a folder (renaming INBOX moves them). */
  abstract listMessages(mailboxId: number): Promise<messages.MessageRow[]>;
  abstract move(srcMailboxId: number, uids: number[], dstMailboxId: number): Promise<{ uidvalidity: number; pairs: Array<[number, number]> }>;

  async getMailbox(accountId: number, name: string): Promise<MailboxInfo | null> {
    const f = await folders.findFolder(this.db, accountId, canonicalMailboxName(name));
    return f ? toMailbox(f) : null;
  }

  async getMailboxById(id: number): Promise<MailboxInfo | null> {
    const f = await folders.folderById(this.db, id);
    return f ? toMailbox(f) : null;
  }

  async listMailboxes(accountId: number): Promise<MailboxInfo[]> {
    return (await folders.listFolders(this.db, accountId)).map(toMailbox);
  }

  async createMailbox(accountId: number, name: string, specialUse: string | null = null): Promise<MailboxInfo> {
    const n = canonicalMailboxName(name.endsWith(HIERARCHY_SEPARATOR) ? name.slice(0, -1) : name);
    if (!isValidMailboxName(n)) throw new ThutinError('MAILBOX_NAME_INVALID', name);
    return this.db.transaction().execute(async (tx) => {
      const created = await folders.createFolder(tx, accountId, n, specialUse);
      if (!created) throw new ThutinError('MAILBOX_EXISTS', n);
      return toMailbox(created);
    });
  }

  async deleteMailbox(accountId: number, name: string): Promise<void> {
    const n = canonicalMailboxName(name);
    if (n === 'INBOX') throw new ThutinError('MAILBOX_PROTECTED', n);
    const mb = await this.getMailbox(accountId, n);
    if (!mb) throw new ThutinError('MAILBOX_NOT_FOUND', n);
    const children = await folders.hasChildren(this.db, accountId, n);
    const freed = await this.db.transaction().execute(async (tx) => {
      const uids = await messages.allUids(tx, mb.id);
      if (uids.length) for (const h of this.removalHooks) await h.removing(tx, mb.id, uids, 'folder-delete');
      let shas: string[] = [];
      if (children) {
        // RFC 3501: a folder with inferiors keeps its place in the hierarchy; we empty it instead.
        if (uids.length) shas = await messages.removeMessages(tx, mb.id, uids, await folders.bumpModseq(tx, mb.id));
      } else {
        shas = await messages.removeMessages(tx, mb.id, uids, 0, Date.now(), false);
        await messages.dropChangeLog(tx, mb.id);
        await folders.deleteFolderRow(tx, mb.id);
        await deleteFolderEntries(tx, mb.id); // its METADATA entries (RFC 5464 §3.3) go with it
      }
      return this.contents.dropUnreferenced(tx, shas);
    });
    await this.contents.reclaim(freed);
    this.events.notify(mb.id);
  }

  async renameMailbox(accountId: number, from: string, to: string): Promise<void> {
    const src = canonicalMailboxName(from);
    const dst = canonicalMailboxName(to);
    if (!isValidMailboxName(dst)) throw new ThutinError('MAILBOX_NAME_INVALID', to);
    const mb = await this.getMailbox(accountId, src);
    if (!mb) throw new ThutinError('MAILBOX_NOT_FOUND', src);
    if (await this.getMailbox(accountId, dst)) throw new ThutinError('MAILBOX_EXISTS', dst);
    if (dst === src || dst.startsWith(src + HIERARCHY_SEPARATOR)) throw new ThutinError('MAILBOX_NAME_INVALID', to);
    if (src === 'INBOX') {
      // RFC 3501: renaming INBOX moves its messages to the new folder and leaves INBOX empty.
      const created = await this.createMailbox(accountId, dst);
      const uids = (await this.listMessages(mb.id)).map((m) => m.uid);
      if (uids.length) await this.move(mb.id, uids, created.id);
      return;
    }
    await this.db.transaction().execute((tx) => folders.renameFolderTree(tx, accountId, src, dst));
  }

  /** SUBSCRIBE an existing folder, or UNSUBSCRIBE a name (its folder may be gone: subscriptions are names). */
  async setSubscribed(accountId: number, name: string, subscribed: boolean): Promise<void> {
    const n = canonicalMailboxName(name);
    const exists = (await this.getMailbox(accountId, n)) !== null;
    if (subscribed && !exists) throw new ThutinError('MAILBOX_NOT_FOUND', n);
    const had = await this.db.transaction().execute((tx) => folders.setSubscribed(tx, accountId, n, subscribed));
    if (!subscribed && !had && !exists) throw new ThutinError('MAILBOX_NOT_FOUND', n);
  }

  listSubscriptions(accountId: number): Promise<string[]> {
    return folders.listSubscriptions(this.db, accountId);
  }

  /** STATUS: counts, UIDNEXT, UIDVALIDITY and HIGHESTMODSEQ read together (one snapshot); null if the folder is gone. */
  mailboxCounts(mailboxId: number): Promise<messages.FolderStatus | null> {
    return messages.folderStatus(this.db, mailboxId);
  }

  /** One page of a folder's messages, newest first (INTERNALDATE, then UID, descending): a list's page without reading the folder. */
  newestPage(mailboxId: number, offset: number, limit: number): Promise<messages.MessageRow[]> {
    return limit > 0 ? messages.newestPage(this.db, mailboxId, offset, limit) : Promise.resolve([]);
  }

  /** How many messages a folder holds, and its HIGHESTMODSEQ, read together (one snapshot); null if the folder is gone. */
  messageCount(mailboxId: number): Promise<{ messages: number; highestModseq: number } | null> {
    return messages.messageCount(this.db, mailboxId);
  }

  /**
   * \Recent for one session only (RFC 3501 2.3.2): claim the messages below `upTo` (default: the
   * folder's UIDNEXT) that no session has claimed; UIDs in [from, to) are recent to the caller alone.
   */
  async claimRecent(mailboxId: number, upTo?: number): Promise<{ from: number; to: number }> {
    // Another session claimed them already (the common case when many have the folder open): no transaction.
    const mb = await folders.folderById(this.db, mailboxId);
    const to = mb ? Math.min(upTo ?? mb.uidnext, mb.uidnext) : 0;
    if (!mb || mb.firstRecentUid >= to) return { from: to, to };
    return this.db.transaction().execute((tx) => folders.claimRecent(tx, mailboxId, upTo));
  }
}
