// What a JMAP method sees: the signed-in account, the accounts it may use (its own and the
// mailboxes delegated to it — core/delegations.ts — as further accounts), the store services
// (core/mailstore.ts, the same the IMAP server uses; never the App, never SQL), the uploads and
// the result of earlier calls' creations. A delegated account's folders are read with the
// delegation's rights: `read` makes it read-only (only $seen may change, as in IMAP), `manage`
// lets the delegate do what the owner does but delete or rename INBOX and special folders. The
// first look into a delegated folder per credential is audited (`mailbox.open`, protocol 'jmap').
// Owns: the JMAP view of accounts and rights, and the services handlers may use.
import type { Logger } from 'pino';
import type { App } from '../app.ts';
import type { Account } from '../core/accounts.ts';
import type { Right } from '../core/delegations.ts';
import type { MailboxInfo, MessageMeta } from '../core/mailstore.ts';
import { QueryCache } from './query-cache.ts';
import { FolderLists } from './folder-lists.ts';
import { MethodError } from './errors.ts';
import { accountId as jmapAccountId, parseAccountId } from './ids.ts';
import { encodeState, shapeOf, type FolderMark } from './state.ts';
import type { Uploads } from './uploads.ts';

/** The services JMAP uses, taken from the App in one place (like imapServices). */
export interface JmapServices {
  store: App['store'];
  /** The unit mailbox's work queue (core/work-queue.ts; work-queue.ts). */
  workQueue: App['workQueue'];
  accounts: Pick<App['accounts'], 'byId' | 'addresses' | 'byAddress' | 'resolveRecipient' | 'usageBytes'>;
  delegations: Pick<App['delegations'], 'sharedWith' | 'rightsOn' | 'sendableAddresses'>;
  /** Identity settings and the record of submissions (core/identities.ts, core/email-submissions.ts). */
  identities: App['identities'];
  submissions: App['submissions'];
  /** What sending needs: the same core steps SMTP submission takes (jmap/submission.ts). */
  send: Pick<App, 'config' | 'domains' | 'directory' | 'sieveScripts' | 'sieveDelivery' | 'hygiene' | 'clamd' | 'queue' | 'lists'>;
  /** Change notifications of every folder (push.ts). */
  events: App['events'];
  tokens: Pick<App['tokens'], 'resolve'>;
  signIn: Pick<App['signIn'], 'signIn'>;
  access: Pick<App['mailboxAccess'], 'opened'>;
  log: Logger;
  uploads: Uploads;
  limits: JmapLimits;
  /** Folder message lists kept up to date from the change log (folder-lists.ts). */
  lists: FolderLists;
  /** Sorted query results at the folders' MODSEQs (query-cache.ts). */
  queries: QueryCache<{ ref: { mailboxId: number; uid: number }; meta: MessageMeta }>;
  /** Email previews by blob (a blob's text never changes). */
  previews: Map<string, string>;
  /** Each folder's thread counts at its MODSEQ (Mailbox totalThreads, unreadThreads). */
  threadCounts: Map<number, { modseq: number; threads: number; unreadThreads: number }>;
  /** Each folder's STATUS counts at its MODSEQ (Mailbox/get: a 100,000-message folder's counts are a scan of it). */
  folderCounts: Map<number, { modseq: number; uidnext: number; messages: number; unseen: number }>;
  /** Each folder's message count at its MODSEQ (Email/query's newest-first page, query-page.ts). */
  totals: Map<number, { modseq: number; total: number }>;
}

export interface JmapLimits {
  maxSizeUpload: number;
  maxConcurrentUpload: number;
  maxSizeRequest: number;
  maxConcurrentRequests: number;
  maxCallsInRequest: number;
  maxObjectsInGet: number;
  maxObjectsInSet: number;
}

export function jmapServices(app: App): JmapServices {
  return {
    store: app.store,
    workQueue: app.workQueue,
    accounts: app.accounts,
    delegations: app.delegations,
    identities: app.identities,
    submissions: app.submissions,
    send: app,
    events: app.events,
    tokens: app.tokens,
    signIn: app.signIn,
    access: app.mailboxAccess,
    log: app.log,
    uploads: undefined as unknown as Uploads, // set by the routes (one registry per server)
    lists: new FolderLists(),
    queries: new QueryCache(64),
    previews: new Map(),
    threadCounts: new Map(),
    totals: new Map(),
    folderCounts: new Map(),
    limits: {
      maxSizeUpload: app.config.smtp.maxMessageSize,
      maxConcurrentUpload: 4,
      maxSizeRequest: 10 * 1024 * 1024,
      maxConcurrentRequests: 8,
      maxCallsInRequest: 64,
      maxObjectsInGet: 1000,
      maxObjectsInSet: 1000,
    },
  };
}

/** One account the signed-in user may use. */
export interface JmapAccount {
  id: string;
  ownerAccountId: number;
  /** The owner's primary address. */
  name: string;
  isPersonal: boolean;
  isReadOnly: boolean;
  /** The delegate may do what the owner does (except to INBOX and special folders). */
  manage: boolean;
  rights: Right[];
}

/** The accounts of a signed-in user: their own first, then each mailbox shared with them (read or manage). */
export async function accountsOf(s: JmapServices, me: Account): Promise<JmapAccount[]> {
  const own: JmapAccount = {
    id: jmapAccountId(me.id),
    ownerAccountId: me.id,
    name: me.username,
    isPersonal: true,
    isReadOnly: false,
    manage: true,
    rights: ['read', 'send-as', 'send-on-behalf', 'manage'],
  };
  const out = [own];
  for (const d of await s.delegations.sharedWith(me.id)) {
    if (!d.rights.includes('read') && !d.rights.includes('manage')) continue; // send rights only: nothing to read
    const manage = d.rights.includes('manage');
    out.push({ id: jmapAccountId(d.ownerAccountId), ownerAccountId: d.ownerAccountId, name: d.owner, isPersonal: false, isReadOnly: !manage, manage, rights: d.rights });
  }
  return out;
}

/** A call's context: who asks, from where, with which accounts; creation ids of this request. */
export class CallContext {
  /** Creation id → id, across the calls of one request (RFC 8620 §3.3 createdIds). */
  readonly createdIds: Map<string, string>;
  /** Responses a method adds after its own (EmailSubmission/set's implicit Email/set, RFC 8621 §7.5). */
  readonly implicit: Array<[string, Record<string, unknown>]> = [];
  constructor(
    readonly s: JmapServices,
    readonly me: Account,
    readonly accounts: JmapAccount[],
    readonly remote: string,
    /** Distinguishes one credential's openings in the access audit. */
    private readonly auditSeen: Set<string>,
    createdIds: Record<string, string> = {},
  ) {
    this.createdIds = new Map(Object.entries(createdIds));
  }

  /** The account an `accountId` argument names (accountNotFound otherwise). */
  account(id: unknown): JmapAccount {
    const n = parseAccountId(id);
    const a = n === null ? undefined : this.accounts.find((x) => x.ownerAccountId === n);
    if (!a) throw new MethodError('accountNotFound', typeof id === 'string' ? id.slice(0, 100) : undefined);
    return a;
  }

  /** An id argument that may be a creation reference `#name` of this request. */
  resolveId(id: string): string {
    if (!id.startsWith('#')) return id;
    return this.createdIds.get(id.slice(1)) ?? id;
  }

  /** Record a delegate's first look into a shared folder (R10.1); the owner's own reads record nothing. */
  async opened(a: JmapAccount, folder: string): Promise<void> {
    if (a.isPersonal) return;
    const key = `${a.ownerAccountId}\0${folder}`;
    if (this.auditSeen.has(key)) return;
    await this.s.access.opened({ actor: this.me.username, owner: a.name, folder, access: a.manage ? 'manage' : 'read', readOnly: a.isReadOnly, protocol: 'jmap', remote: this.remote });
    if (this.auditSeen.size > 10_000) this.auditSeen.clear();
    this.auditSeen.add(key);
  }

  /**
   * The account's folders now, and the state they make (Mailbox, Email and Thread states are one):
   * the folder rows alone, one query. `counts` adds each folder's STATUS counts (Mailbox/get).
   */
  async snapshot(a: JmapAccount, counts = false): Promise<{ folders: Array<MailboxInfo & { messages: number; unseen: number }>; marks: FolderMark[]; state: string }> {
    const list = await this.s.store.listMailboxes(a.ownerAccountId);
    const folders: Array<MailboxInfo & { messages: number; unseen: number }> = [];
    const marks: FolderMark[] = [];
    for (const f of list) {
      let info = { ...f, messages: 0, unseen: 0 };
      if (counts) {
        // every append, flag change and expunge raises the folder's MODSEQ: counts kept at it are the counts
        let c: { modseq: number; uidnext: number; messages: number; unseen: number } | null | undefined = this.s.folderCounts.get(f.id);
        if (!c || c.modseq !== f.highestModseq) {
          const st = await this.s.store.mailboxCounts(f.id);
          c = st && { modseq: st.highestModseq, uidnext: st.uidnext, messages: st.messages, unseen: st.unseen };
          if (!c) continue; // deleted meanwhile
          if (this.s.folderCounts.size >= 10_000) this.s.folderCounts.clear();
          this.s.folderCounts.set(f.id, c);
        }
        info = { ...f, uidnext: c.uidnext, highestModseq: c.modseq, messages: c.messages, unseen: c.unseen };
      }
      folders.push(info);
      marks.push({ id: f.id, modseq: info.highestModseq, uidnext: info.uidnext, shape: shapeOf(f.name, f.specialUse, f.subscribed) });
    }
    return { folders, marks, state: encodeState(marks) };
  }
}
