// The message life cycle's commit step (Postfix's cleanup + queue manager hand-off): one ingested
// message made visible to every local recipient, list copies included, and queued for every
// remote one, in ONE transaction. Each copy may carry its own header prefix (fields that SMTP
// stages or lists added: Authentication-Results, Sender, List-Id …) served in front of the one
// stored blob, so the message is written and fsynced once whatever the number of copies.
// Owns: the delivery plan types and what a commit writes; the folder a recipient gets is decided
// per recipient (a preferred folder such as Junk, or INBOX when that recipient has none).
import type { Tx } from '../storage/tx.ts';
import { takeUid } from '../storage/repositories/folders.ts';
import { addUsage, insertMessages } from '../storage/repositories/messages.ts';
import { insertQueueEntry, markNotified } from '../storage/repositories/queue.ts';
import { canonicalMailboxName } from './mailboxes.ts';
import { ThutinError } from './errors.ts';
import { joinKeywords, toFlagSet } from './flags.ts';
import type { MessageIndex } from './mime/index.ts';
import { fieldsOfContent, joinThread, threadKeys } from './threads.ts';

/** An ingested message: its blob (fsynced) and its index. Nothing is visible until a commit. */
export interface StoredContent {
  sha256: string;
  size: number;
  index: MessageIndex;
  /** The header section as it was ingested (when small enough to keep): read without the file. */
  header?: Buffer;
}

export interface DeliveryTarget {
  accountId: number;
  /** Folder; default INBOX. */
  mailbox?: string;
  flags?: string[];
  /** When the folder does not exist for this recipient, deliver to INBOX instead of failing (SMTP). */
  orInbox?: boolean;
}

/** Remote recipients of one copy, queued for outbound delivery. */
export interface RemoteCopy {
  sender: string;
  recipients: string[];
  /** The account that submitted it (null for bounces and mail from outside). */
  accountId: number | null;
  /** Queue it on hold (a held account, a free-mail attachment held for the unit head): nothing is sent until released. */
  hold?: boolean;
}

/** One copy of the message: its header prefix, local recipients and remote recipients. */
export interface Copy {
  headerPrefix?: Buffer | null;
  local?: DeliveryTarget[];
  remote?: RemoteCopy | null;
}

/**
 * Where a commit's mail comes from: `delivery` (SMTP in and out, lists, Sieve, notices: the default),
 * or mail brought in that was received elsewhere or earlier — a mailbox `import` (src/transfer/), an
 * IMAP `migration` (src/migrate/), a `restore` —, or an `append`: a client storing a message in its
 * own folders (JMAP Email/set create — the webmail's drafts —, Email/import, Email/copy; IMAP APPEND
 * is `MailStore.append`). Only deliveries are journaled and counted as received.
 */
export type CommitOrigin = 'delivery' | 'import' | 'migration' | 'restore' | 'append';

export interface DeliveryPlan {
  copies: Copy[];
  /** Default `delivery`. */
  origin?: CommitOrigin;
  /**
   * Blob bytes every copy's header prefix replaces (0: the prefix only adds fields). Non-zero when
   * a stage dropped fields of the client's header: the prefix then holds the whole header section.
   */
  prefixReplaces?: number;
  internalDate?: number;
  /** This message is a delivery notice about an outbound queue entry: record that it was sent, in the same transaction. */
  notice?: { queueId: number; bouncedIds: number[]; warned: boolean; at: number };
}

export interface Delivered {
  accountId: number;
  mailboxId: number;
  uidvalidity: number;
  uid: number;
}

export interface Committed {
  delivered: Delivered[];
  /** Ids of the outbound queue entries made. */
  queued: number[];
}

/** Served size of a copy: its prefix, then the blob from `replaces` on. */
export function servedSize(content: Pick<StoredContent, 'size'>, headerPrefix: Buffer | null | undefined, replaces = 0): number {
  return (headerPrefix?.length ?? 0) + content.size - replaces;
}

/** Whether a plan makes anything visible or queued at all. */
export function planIsEmpty(plan: DeliveryPlan): boolean {
  return plan.copies.every((c) => !(c.local?.length ?? 0) && !(c.remote?.recipients.length ?? 0));
}

/** Told of every delivery a commit writes, in its transaction (the journal archive, core/journal.ts). */
export interface DeliveryHook {
  written(tx: Tx, content: StoredContent, plan: DeliveryPlan, out: Committed, now: number): Promise<void>;
}

/** Write a delivery plan inside a transaction (the content row must be saved in it too); `hook` is told of what was written. */
export async function writeDelivery(tx: Tx, content: StoredContent, plan: DeliveryPlan, now = Date.now(), hook: DeliveryHook | null = null): Promise<Committed> {
  const delivered: Delivered[] = [];
  const queued: number[] = [];
  const replaces = plan.prefixReplaces ?? 0;
  const internalDate = plan.internalDate ?? now;
  let keys: ReturnType<typeof threadKeys> | null = null; // the message's thread keys (core/threads.ts), made once
  for (const copy of plan.copies) {
    const prefix = copy.headerPrefix && copy.headerPrefix.length ? copy.headerPrefix : null;
    const size = servedSize(content, prefix, replaces);
    for (const t of copy.local ?? []) {
      const name = canonicalMailboxName(t.mailbox ?? 'INBOX');
      let mb = await takeUid(tx, t.accountId, name);
      if (!mb && t.orInbox && name !== 'INBOX') mb = await takeUid(tx, t.accountId, 'INBOX');
      if (!mb) throw new ThutinError('MAILBOX_NOT_FOUND', name);
      const fs = toFlagSet(t.flags ?? []);
      const threadId = await joinThread(tx, t.accountId, (keys ??= threadKeys(await fieldsOfContent(tx, content))), `${mb.id}_${mb.uid}`);
      await insertMessages(tx, [
        {
          mailboxId: mb.id,
          uid: mb.uid,
          modseq: mb.modseq,
          sha256: content.sha256,
          size,
          internalDate,
          flags: fs.mask,
          keywords: joinKeywords(fs.keywords),
          headerPrefix: prefix,
          prefixReplaces: replaces,
          threadId,
        },
      ]);
      await addUsage(tx, t.accountId, size);
      delivered.push({ accountId: t.accountId, mailboxId: mb.id, uidvalidity: mb.uidvalidity, uid: mb.uid });
    }
    if (copy.remote && copy.remote.recipients.length) {
      queued.push(
        await insertQueueEntry(
          tx,
          {
            sender: copy.remote.sender,
            sha256: content.sha256,
            size,
            headerPrefix: prefix,
            prefixReplaces: replaces,
            accountId: copy.remote.accountId,
            recipients: copy.remote.recipients,
            state: copy.remote.hold ? 'hold' : 'active',
          },
          now,
        ),
      );
    }
  }
  if (plan.notice) await markNotified(tx, plan.notice.queueId, plan.notice.bouncedIds, plan.notice.warned, plan.notice.at);
  if (hook && (delivered.length || queued.length)) await hook.written(tx, content, plan, { delivered, queued }, now);
  return { delivered, queued };
}
