// The mail store: the one domain service through which every front end (SMTP, IMAP, HTTP, the
// outbound worker) keeps and reads mail. Owns the message's life cycle: ingest (stream → blob +
// index, parsed once, fsynced once), commit (every copy, local and remote, in one transaction:
// core/delivery.ts), reading (header prefix served in front of the blob: core/served-message.ts),
// flags, expunge, copy/move, folders (core/mail-folders.ts, its base), the change log and
// notifications, and reclaiming what nothing references any more. SQL lives in the repositories (src/storage/repositories/).
import { Readable } from 'node:stream';
import type { Db } from '../storage/database.ts';
import type { BlobStore } from '../storage/blobs.ts';
import type { Tx } from '../storage/tx.ts';
import { GroupCommit } from '../storage/group-commit.ts';
import * as folders from '../storage/repositories/folders.ts';
import * as messages from '../storage/repositories/messages.ts';
import * as search from '../storage/repositories/message-search.ts';
import type { MessageIndex, MimeIndexerOptions } from './mime/index.ts';
import { INDEX_TAP } from './mime/index-tap.ts';
import type { Reclaimer } from './reclaim.ts';
import { foldVietnamese } from './text/fold.ts';
import { ThutinError } from './errors.ts';
import type { MailEvents } from './events.ts';
import { addKeywords, joinKeywords, parseKeywords, removeKeywords, type FlagSet } from './flags.ts';
import { servedIndex, servedRanges, type MessageSource } from './served-message.ts';
import { planIsEmpty, writeDelivery, type CommitOrigin, type Committed, type DeliveryHook, type Delivered, type DeliveryPlan, type DeliveryTarget, type StoredContent } from './delivery.ts';
import { ContentStore } from './contents.ts';
import { MailFolders, type RemovalCause } from './mail-folders.ts';
import { MessageThreads } from './threads.ts';

export type { StoredContent, DeliveryTarget, Delivered, DeliveryPlan, Committed, CommitOrigin } from './delivery.ts';
export type { SearchField } from '../storage/repositories/message-search.ts';
export { chunks } from '../storage/repositories/messages.ts';
export { SizeLimitError } from '../storage/blobs.ts';

export type { MailboxInfo, RemovalHook, RemovalCause } from './mail-folders.ts';

/** A message of a folder: its metadata and where its served bytes come from (a MessageSource). */
export type MessageMeta = messages.MessageRow;

export type FlagMode = 'set' | 'add' | 'remove';

export interface ChangeSet {
  /**
   * False when the change log no longer reaches back to the asked MODSEQ (it was compacted):
   * `expunged` is then incomplete and the client needs a full resync (QRESYNC: no VANISHED (EARLIER)
   * from the log; report every UID it may know that is gone, or make it start over).
   */
  complete: boolean;
  highestModseq: number;
  changed: MessageMeta[]; // appended or flag-changed since, still present
  expunged: number[]; // UIDs expunged since
}

/**
 * Bytes of a message kept in memory while it is ingested: its header section, and the whole
 * message when it is no longer than this (the stages that read it — spam, virus, DKIM — then read
 * no file until it is committed or refused).
 */
const HEAD_KEEP = 64 * 1024;

export interface MailStoreOptions {
  /** Limits of the MIME indexer (depth, parts, header section bytes); its defaults otherwise. */
  mime?: MimeIndexerOptions;
}

/**
 * Told of every copy and move between folders (IMAP COPY/MOVE, a folder's rename into a new
 * parent, later JMAP): `copied` runs inside the copy's transaction, so what it writes is
 * committed with the copy or not at all; `committed` after. The spam learner (core/spam-learning.ts)
 * is one: a move into or out of Junk.
 */
export interface CopyHook {
  copied(tx: Tx, c: { srcMailboxId: number; dstMailboxId: number; moved: boolean; pairs: ReadonlyArray<[number, number]> }): Promise<void>;
  committed?(): void;
}

/**
 * A flag change committed in this process: the rows it changed (their new flags and keywords) at
 * `modseq`, the folder's MODSEQ it alone moved from `modseq - 1` (every change of a folder takes
 * the next one). A copy of the folder's rows that is exactly as of `modseq - 1` is as of `modseq`
 * once they are applied (imap/flag-tables.ts). The rows must not be changed.
 */
export interface FlagDelta {
  mailboxId: number;
  modseq: number;
  changed: readonly FlagRow[];
}

/** What a flag change reports of each message: its UID, flags, keywords and MODSEQ. */
export type FlagRow = messages.FlagRow;

export class MailStore extends MailFolders {
  /** Told of each flag change committed in this process, before the folder is announced changed (see FlagDelta). */
  private readonly flagListeners = new Set<(d: FlagDelta) => void>();
  /** Hooks told of each copy and move (see CopyHook). */
  readonly copyHooks: CopyHook[] = [];
  /** Each message's stored thread (core/threads.ts): members, counts, the backfill. */
  readonly threads = new MessageThreads(this.db);
  private readonly structureCache = new Map<string, MessageIndex>();
  /** Ingested messages small enough to be kept whole in memory until they are let go (see HEAD_KEEP). */
  private readonly ingested = new WeakMap<StoredContent, Buffer>();
  /** Ingested messages whose contents row a commit has saved (their release need not ask the database). */
  private readonly saved = new WeakSet<StoredContent>();
  private readonly commits: GroupCommit;
  /** Per folder, how many flag or expunge transactions have begun writing it (see writeGeneration). */
  private readonly folderWrites = new Map<number, number>();
  /** Told of every commit's deliveries in its transaction (the journal archive, core/journal.ts); not of APPEND. */
  deliveryHook: DeliveryHook | null = null;
  /** Called after a commit that queued mail for remote recipients (the outbound worker wakes). */
  onQueued: (() => void) | null = null;

  constructor(
    database: Db,
    private readonly blobs: BlobStore,
    events: MailEvents,
    reclaimer: Reclaimer,
    private readonly opts: MailStoreOptions = {},
  ) {
    super(database.kysely, events, new ContentStore(blobs, reclaimer));
    this.commits = new GroupCommit(this.db, 64, database.deferredSync ?? null);
  }

  // ---------------------------------------------------------------- ingest and commit

  /**
   * Stream a message into the blob store, indexing it on the way (`prefix`: our Received field,
   * written in front). Nothing is visible yet; the blob stays pinned until `release`.
   */
  async ingest(source: Readable | AsyncIterable<Buffer> | Iterable<Buffer>, opts: { maxSize?: number; prefix?: Buffer } = {}): Promise<StoredContent> {
    const prefix = opts.prefix;
    async function* withPrefix(): AsyncIterable<Buffer> {
      if (prefix && prefix.length) yield prefix;
      for await (const c of source as AsyncIterable<Buffer>) yield typeof c === 'string' ? Buffer.from(c) : c;
    }
    const maxSize = opts.maxSize !== undefined && prefix ? opts.maxSize + prefix.length : opts.maxSize;
    // The first bytes are kept as they pass: the header section, which SMTP stages and rules read,
    // then needs no read back from the file.
    const head: Buffer[] = [];
    let headBytes = 0;
    // The MIME indexer runs where the bytes are written (a blob-writer thread: core/mime/index-tap.ts).
    const w = await this.contents.write(withPrefix(), {
      maxSize,
      tap: { module: INDEX_TAP, options: this.opts.mime },
      onChunk: (c) => {
        if (headBytes < HEAD_KEEP) {
          head.push(c);
          headBytes += c.length;
        }
      },
    });
    const index = w.tap as MessageIndex;
    const kept = headBytes >= Math.min(index.headerSize, w.size) ? Buffer.concat(head, headBytes) : undefined;
    const content: StoredContent = { sha256: w.sha256, size: w.size, index, header: kept?.subarray(0, index.headerSize) };
    if (kept && headBytes === w.size) this.ingested.set(content, kept);
    return content;
  }

  /** Start the blob-writer threads now (a server does: its first message then does not wait for them). Null, or why they could not start. */
  warmUp(): Promise<string | null> {
    return this.blobs.warmUp();
  }

  /** The caller is done with an ingested message (committed or refused): unpin it; a blob nothing references goes. */
  release(content: Pick<StoredContent, 'sha256'>): Promise<void> {
    return this.contents.release(content.sha256, this.saved.has(content as StoredContent));
  }

  /**
   * Make an ingested message visible and queued as `plan` says, all in one transaction (shared with
   * commits arriving at the same moment: group commit). When this resolves the delivery is durable.
   */
  async commit(content: StoredContent, plan: DeliveryPlan): Promise<Committed> {
    if (planIsEmpty(plan) && !plan.notice) return { delivered: [], queued: [] };
    const out = await this.commits.run(async (tx) => {
      if (!planIsEmpty(plan)) await this.contents.save(tx, content);
      return writeDelivery(tx, content, plan, Date.now(), this.deliveryHook);
    });
    if (!planIsEmpty(plan)) this.saved.add(content); // committed: its row exists (see release)
    for (const id of new Set(out.delivered.map((o) => o.mailboxId))) this.events.notify(id);
    this.events.mailFlow('in', out.delivered.length, plan.origin); // mail received, or imported (the /metrics counters)
    if (out.queued.length) this.onQueued?.();
    return out;
  }

  /** Deliver one copy without header prefix to local folders (demo, tests, notices; `origin` `append`: a client's own message, JMAP). */
  async deliver(content: StoredContent, targets: DeliveryTarget[], internalDate = Date.now(), origin: CommitOrigin = 'delivery'): Promise<Delivered[]> {
    return (await this.commit(content, { copies: [{ local: targets }], internalDate, origin })).delivered;
  }

  /**
   * IMAP APPEND: store a whole message given by the client into one of its folders. With
   * `claimRecent` (the folder is selected read-write by the appending session) the new message —
   * and any before it no session has claimed — becomes \Recent to that session in the same
   * transaction, so no other session can take it first: `recent` is the claimed UID range. `zone`:
   * the APPEND date-time's zone, kept with the INTERNALDATE.
   */
  async append(
    accountId: number,
    mailboxName: string,
    raw: Buffer,
    flags: string[],
    internalDate?: Date,
    opts: { claimRecent?: boolean; zone?: number } = {},
  ): Promise<Delivered & { recent?: { from: number; to: number } }> {
    const content = await this.ingest([raw]);
    try {
      const plan: DeliveryPlan = { copies: [{ local: [{ accountId, mailbox: mailboxName, flags }] }], internalDate: internalDate?.getTime() ?? Date.now() };
      let recent: { from: number; to: number } | undefined;
      const out = await this.commits.run(async (tx) => {
        await this.contents.save(tx, content);
        const c = await writeDelivery(tx, content, plan);
        const d = c.delivered[0];
        if (d && opts.zone) await messages.setInternalDateZone(tx, d.mailboxId, d.uid, opts.zone); // INTERNALDATE keeps APPEND's zone
        recent = d && opts.claimRecent ? await folders.claimRecent(tx, d.mailboxId, d.uid + 1) : undefined;
        return c;
      });
      this.saved.add(content);
      const [d] = out.delivered;
      this.events.notify(d.mailboxId);
      return recent ? { ...d, recent } : d;
    } finally {
      await this.release(content);
    }
  }

  // ---------------------------------------------------------------- reading messages

  /** The parsed structure of a stored blob (cached; contents never change). */
  private async storedIndexes(sha256s: string[]): Promise<Map<string, MessageIndex>> {
    const out = new Map<string, MessageIndex>();
    const missing: string[] = [];
    for (const s of new Set(sha256s)) {
      const hit = this.structureCache.get(s);
      if (hit) out.set(s, hit);
      else missing.push(s);
    }
    for (const chunk of messages.chunks(missing, 500)) {
      for (const r of await search.structures(this.db, chunk)) {
        const idx = JSON.parse(r.structure) as MessageIndex;
        out.set(r.sha256, idx);
        if (this.structureCache.size > 5000) this.structureCache.clear();
        this.structureCache.set(r.sha256, idx);
      }
    }
    return out;
  }

  /** The served index of each message (its blob's index moved behind its header prefix). */
  async indexesOf<T extends MessageSource>(metas: T[]): Promise<Map<T, MessageIndex>> {
    const stored = await this.storedIndexes(metas.map((m) => m.sha256));
    const out = new Map<T, MessageIndex>();
    for (const m of metas) {
      const idx = stored.get(m.sha256);
      if (idx) out.set(m, servedIndex(idx, m));
    }
    return out;
  }

  /** Served bytes [start, end) of a message: its header prefix, then its blob. */
  async readMessage(m: MessageSource, start = 0, end = m.size): Promise<Buffer> {
    const r = servedRanges(m, start, end);
    const parts: Buffer[] = [];
    if (r.prefix) parts.push(m.headerPrefix!.subarray(r.prefix[0], r.prefix[1]));
    if (r.blob) parts.push(await this.blobs.read(m.sha256, r.blob[0], r.blob[1]));
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  /** Served bytes [start, end) of a message as a stream (back-pressure from the reader). */
  streamMessage(m: MessageSource, opts: { start?: number; end?: number } = {}): Readable {
    const r = servedRanges(m, opts.start ?? 0, opts.end ?? m.size);
    const blobs = this.blobs;
    async function* gen(): AsyncIterable<Buffer> {
      if (r.prefix) yield m.headerPrefix!.subarray(r.prefix[0], r.prefix[1]);
      if (r.blob && r.blob[1] > r.blob[0]) yield* blobs.createReadStream(m.sha256, { start: r.blob[0], end: r.blob[1] - 1 });
    }
    return Readable.from(gen(), { objectMode: false });
  }

  /** The bytes of an ingested (not yet committed) message: what SMTP stages read. */
  readContent(content: StoredContent, start = 0, end = content.size): Promise<Buffer> {
    if (content.header && end <= content.header.length) return Promise.resolve(content.header.subarray(start, end));
    const whole = this.ingested.get(content);
    if (whole) return Promise.resolve(whole.subarray(start, end));
    return this.blobs.read(content.sha256, start, end);
  }

  streamContent(content: StoredContent): Readable {
    const whole = this.ingested.get(content);
    if (whole) return Readable.from([whole], { objectMode: false });
    return this.blobs.createReadStream(content.sha256);
  }

  // ---------------------------------------------------------------- messages

  /** What opening a folder needs: its UIDs as runs of consecutive UIDs, the first unseen UID, the keywords in use. */
  async openSummary(mailboxId: number): Promise<{ uidRuns: Array<[first: number, count: number]>; firstUnseenUid: number | null; keywords: string[] }> {
    const { keywordLists, ...rest } = await messages.openSummary(this.db, mailboxId);
    return { ...rest, keywords: [...new Set(keywordLists.flatMap(parseKeywords))] };
  }

  listMessages(mailboxId: number): Promise<MessageMeta[]> {
    return messages.listMessages(this.db, mailboxId);
  }

  /** The messages' flags and sizes without their blob names (metadata-only FETCH, SEARCH). */
  listFlags(mailboxId: number): Promise<MessageMeta[]> {
    return messages.listFlags(this.db, mailboxId);
  }

  getMessages(mailboxId: number, uids: number[]): Promise<MessageMeta[]> {
    return messages.getMessages(this.db, mailboxId, uids);
  }

  /**
   * Moves on when a flag change or expunge starts writing the folder, before it commits: what was
   * read of the folder's change log before it may be older than what a read sees after its commit,
   * which comes before the change is durable and announced (group commit). Readers that keep
   * answers (imap/change-feed.ts) read again when it moved. In-process only, like those readers.
   */
  writeGeneration(mailboxId: number): number {
    return this.folderWrites.get(mailboxId) ?? 0;
  }

  private writing(mailboxId: number): void {
    this.folderWrites.set(mailboxId, (this.folderWrites.get(mailboxId) ?? 0) + 1);
  }

  /** Change flags on messages; with `unchangedSince` (CONDSTORE) skip and report those modified later. */
  async storeFlags(mailboxId: number, uids: number[], mode: FlagMode, flags: FlagSet, unchangedSince?: number): Promise<{ updated: FlagRow[]; modified: number[]; modseq: number }> {
    let updated: FlagRow[] = [];
    let modified: number[] = [];
    let modseq = 0; // the MODSEQ this change got; 0 when nothing changed
    if (!uids.length) return { updated, modified, modseq };
    // Group-committed with the other sessions' flag changes, expunges and deliveries waiting now:
    // one transaction and one WAL sync for all, off the event loop on SQLite; this resolves only
    // once the change is durable. A failed batch reruns this work alone: it starts from scratch.
    await this.commits.run(async (tx) => {
      updated = [];
      modified = [];
      modseq = 0;
      await folders.lockFolder(tx, mailboxId); // read-modify-write: no lost flag update between sessions
      const current = await messages.getFlagRows(tx, mailboxId, uids);
      const changes: Array<{ m: FlagRow; flags: number; keywords: string }> = [];
      for (const m of current) {
        if (unchangedSince !== undefined && m.modseq > unchangedSince) {
          modified.push(m.uid);
          continue;
        }
        const kw = parseKeywords(m.keywords);
        let nf = m.flags;
        let nk = kw;
        if (mode === 'set') {
          nf = flags.mask;
          nk = flags.keywords;
        } else if (mode === 'add') {
          nf = m.flags | flags.mask;
          nk = addKeywords(kw, flags.keywords);
        } else {
          nf = m.flags & ~flags.mask;
          nk = removeKeywords(kw, flags.keywords);
        }
        const nks = joinKeywords(nk);
        if (nf === m.flags && nks === m.keywords) {
          updated.push(m); // unchanged, but still reported (RFC 3501 STORE untagged FETCH)
          continue;
        }
        changes.push({ m, flags: nf, keywords: nks });
      }
      if (!changes.length) return;
      this.writing(mailboxId);
      modseq = await folders.bumpModseq(tx, mailboxId);
      // One UPDATE per distinct resulting flag set (STORE 1:* +FLAGS is one or a few groups).
      const groups = new Map<string, { flags: number; keywords: string; uids: number[] }>();
      for (const c of changes) {
        const key = `${c.flags} ${c.keywords}`;
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { flags: c.flags, keywords: c.keywords, uids: [] }));
        g.uids.push(c.m.uid);
        updated.push({ ...c.m, flags: c.flags, keywords: c.keywords, modseq });
      }
      for (const g of groups.values()) await messages.setFlags(tx, mailboxId, g.uids, g.flags, g.keywords, modseq);
    });
    updated.sort((a, b) => a.uid - b.uid);
    if (modseq) {
      const delta: FlagDelta = { mailboxId, modseq, changed: updated.filter((m) => m.modseq === modseq) };
      for (const fn of this.flagListeners) fn(delta);
      this.events.notify(mailboxId);
    }
    return { updated, modified, modseq };
  }

  /** Be told of every flag change this process commits (see FlagDelta); returns the way to stop. */
  onFlagsCommitted(fn: (d: FlagDelta) => void): () => void {
    this.flagListeners.add(fn);
    return () => this.flagListeners.delete(fn);
  }

  /** Remove messages flagged \Deleted (all of them, or only those in `uids`). Returns expunged UIDs. */
  async expunge(mailboxId: number, uids?: number[]): Promise<number[]> {
    return this.removeWhere(mailboxId, 'expunge', async (tx) => {
      const want = uids ? new Set(uids) : null;
      return (await messages.deletedUids(tx, mailboxId)).filter((uid) => !want || want.has(uid));
    });
  }

  /** Remove these messages whether flagged \Deleted or not (a retention policy), as an expunge: sessions are told, contents reclaimed. */
  async removeMessages(mailboxId: number, uids: number[], cause: RemovalCause = 'retention'): Promise<number[]> {
    if (!uids.length) return [];
    return this.removeWhere(mailboxId, cause, async (tx) => {
      const present = new Set((await messages.getMessages(tx, mailboxId, uids)).map((m) => m.uid));
      return uids.filter((u) => present.has(u));
    });
  }

  private async removeWhere(mailboxId: number, cause: RemovalCause, pick: (tx: Tx) => Promise<number[]>): Promise<number[]> {
    const gone: number[] = [];
    // Group-committed as flag changes are (see storeFlags); a rerun starts from scratch.
    const freed = await this.commits.run(async (tx) => {
      gone.length = 0;
      await folders.lockFolder(tx, mailboxId);
      gone.push(...(await pick(tx)));
      if (!gone.length) return [];
      this.writing(mailboxId);
      for (const h of this.removalHooks) await h.removing(tx, mailboxId, gone, cause);
      return this.removeIn(tx, mailboxId, gone);
    });
    await this.contents.reclaim(freed);
    if (gone.length) this.events.notify(mailboxId);
    return gone;
  }

  /**
   * Run `work` in one transaction holding the folder's lock, with one of its messages (null when it
   * is not there): an expunge of that folder waits, so a reference `work` writes to the message's
   * content (a ticket's, core/tickets.ts) is committed before the expunge asks what references it.
   */
  async withMessage<T>(mailboxId: number, uid: number, work: (tx: Tx, m: MessageMeta | null) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (tx) => {
      await folders.lockFolder(tx, mailboxId);
      const [m] = await messages.getMessages(tx, mailboxId, [uid]);
      return work(tx, m ?? null);
    });
  }

  /** Remove messages at a new MODSEQ; returns the blobs whose contents rows went with them. */
  private async removeIn(tx: Tx, mailboxId: number, uids: number[]): Promise<string[]> {
    const modseq = await folders.bumpModseq(tx, mailboxId);
    const shas = await messages.removeMessages(tx, mailboxId, uids, modseq);
    return this.contents.dropUnreferenced(tx, shas);
  }

  /** Copy messages to another folder (UIDPLUS: returns source→destination UID pairs). */
  async copy(srcMailboxId: number, uids: number[], dstMailboxId: number, opts: { removeSource?: boolean } = {}): Promise<{ uidvalidity: number; pairs: Array<[number, number]> }> {
    const pairs: Array<[number, number]> = [];
    let uidvalidity = 0;
    const freed = await this.db.transaction().execute(async (tx) => {
      if (opts.removeSource) await folders.lockFolder(tx, srcMailboxId); // a message is moved once
      const msgs = await messages.getMessages(tx, srcMailboxId, uids);
      const alloc = await folders.takeUids(tx, dstMailboxId, msgs.length);
      if (!alloc) throw new ThutinError('MAILBOX_NOT_FOUND');
      uidvalidity = alloc.uidvalidity;
      let next = alloc.firstUid;
      const rows: messages.NewMessage[] = [];
      for (const m of msgs) {
        // \Recent is per session and never copied; the other flags, and the header prefix, are.
        // a move keeps the message's identity (its first place: JMAP's Email id); a copy is a new message
        rows.push({ ...m, mailboxId: dstMailboxId, uid: next, modseq: alloc.modseq, origin: opts.removeSource ? (m.origin ?? `${srcMailboxId}_${m.uid}`) : null });
        pairs.push([m.uid, next]);
        next++;
      }
      await messages.insertMessages(tx, rows);
      if (pairs.length) for (const h of this.copyHooks) await h.copied(tx, { srcMailboxId, dstMailboxId, moved: !!opts.removeSource, pairs });
      await messages.addFolderUsage(
        tx,
        dstMailboxId,
        msgs.reduce((a, m) => a + m.size, 0),
      );
      if (opts.removeSource && msgs.length)
        return this.removeIn(
          tx,
          srcMailboxId,
          msgs.map((m) => m.uid),
        );
      return [];
    });
    await this.contents.reclaim(freed);
    this.events.notify(dstMailboxId);
    if (opts.removeSource) this.events.notify(srcMailboxId);
    if (pairs.length) for (const h of this.copyHooks) h.committed?.();
    return { uidvalidity, pairs };
  }

  move(srcMailboxId: number, uids: number[], dstMailboxId: number): Promise<{ uidvalidity: number; pairs: Array<[number, number]> }> {
    return this.copy(srcMailboxId, uids, dstMailboxId, { removeSource: true });
  }

  /** What happened in a mailbox after `modseq`: the change log read back for a session. */
  async changesSince(mailboxId: number, modseq: number): Promise<ChangeSet> {
    const mb = await folders.folderById(this.db, mailboxId);
    if (!mb) return { complete: true, highestModseq: modseq, changed: [], expunged: [] };
    const highest = mb.highestModseq;
    // The log lost entries below the floor: a state older than that cannot be brought up to date from it.
    const complete = modseq >= mb.changesFloor - 1;
    if (highest <= modseq) return { complete, highestModseq: highest, changed: [], expunged: [] };
    const changed = await messages.changedSince(this.db, mailboxId, modseq);
    const expunged = await messages.expungedSince(this.db, mailboxId, modseq);
    // A compaction between the reads may have taken entries: the floor read again says so.
    const after = await folders.folderById(this.db, mailboxId);
    return { complete: complete && modseq >= (after?.changesFloor ?? 0) - 1, highestModseq: highest, changed, expunged };
  }

  /** The threads ("<folder id>_<uid>", core/threads.ts) of the messages expunged from a folder after `modseq`, by UID. */
  expungedThreads(mailboxId: number, modseq: number): Promise<Map<number, string>> {
    return messages.expungedThreadsSince(this.db, mailboxId, modseq);
  }

  /** The first places ("<folder id>_<uid>") of the moved messages expunged from a folder after `modseq`, by UID. */
  expungedOrigins(mailboxId: number, modseq: number): Promise<Map<number, string>> {
    return messages.expungedOriginsSince(this.db, mailboxId, modseq);
  }

  /** An account's messages that were moved from these first places, with the folder each is in now. */
  byOrigin(accountId: number, origins: string[]): Promise<Array<MessageMeta & { mailboxId: number }>> {
    return origins.length ? messages.messagesByOrigin(this.db, accountId, origins) : Promise.resolve([]);
  }

  // ---------------------------------------------------------------- search

  /** UIDs in a mailbox whose folded header/body text contains the folded term. */
  searchText(mailboxId: number, field: search.SearchField, term: string): Promise<Set<number>> {
    return search.searchFolded(this.db, mailboxId, field, foldVietnamese(term));
  }

  /** UIDs whose header `name` contains `term` (folded); an empty term matches any message having the field. */
  async searchHeader(mailboxId: number, name: string, term: string): Promise<Set<number>> {
    const field = foldVietnamese(name) + ':';
    const needle = foldVietnamese(term);
    const rows = await search.headerCandidates(this.db, mailboxId, needle || field);
    // The index narrowed the candidates; the field itself is checked line by line.
    const hit = (headers: string) => headers.split('\n').some((l) => l.startsWith(field) && l.slice(field.length).includes(needle));
    return new Set(rows.filter((r) => hit(r.headers)).map((r) => r.uid));
  }

  /** Each message's Date: field value as written (folded: lower case), or null without one (SENT* keys). */
  sentDates(mailboxId: number): Promise<Map<number, string | null>> {
    return search.sentDateFields(this.db, mailboxId);
  }

  /** Message-ID, In-Reply-To, References (lower case) and subject of a folder's messages (all, or those UIDs): JMAP threads. */
  threadFields(mailboxId: number, uids: number[] | null = null): ReturnType<typeof search.threadFields> {
    return search.threadFields(this.db, mailboxId, uids);
  }

  /** Each message's References: field (msg-ids lower-cased), null when absent: THREAD=REFERENCES. */
  referenceFields(mailboxId: number): Promise<Map<number, string | null>> {
    return search.referenceFields(this.db, mailboxId);
  }
}
