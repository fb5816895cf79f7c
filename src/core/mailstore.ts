// The mail store: the one domain service through which every front end (SMTP, IMAP, later
// HTTP) keeps and reads mail. Owns ingest (stream → blob + index, parsed once), delivery and
// APPEND (UID and MODSEQ allocation in one transaction), folders, flags, expunge, copy/move,
// the change log and notifications. Storage is reached only through kysely and the blob store.
import type { Kysely, Selectable, Transaction } from 'kysely';
import { sql } from 'kysely';
import { Readable } from 'node:stream';
import { servedIndex, servedRanges, type MessageSource } from './served-message.ts';
import type { Database } from '../storage/schema.ts';
import type { Db } from '../storage/database.ts';
import type { BlobStore } from '../storage/blobs.ts';
import { GroupCommit } from '../storage/group-commit.ts';
import { MimeIndexer, type MessageIndex } from './mime/index.ts';
import { foldVietnamese } from './text/fold.ts';
import { ThutinError } from './errors.ts';
import { canonicalMailboxName, isValidMailboxName, HIERARCHY_SEPARATOR } from './mailboxes.ts';
import type { MailEvents } from './events.ts';
import { toFlagSet, type FlagSet } from './flags.ts';

export interface MailboxInfo {
  id: number;
  accountId: number;
  name: string;
  specialUse: string | null;
  uidvalidity: number;
  uidnext: number;
  highestModseq: number;
  firstRecentUid: number;
  subscribed: boolean;
}

/** A message of a folder: its metadata and where its served bytes come from (MessageSource). */
export interface MessageMeta extends MessageSource {
  uid: number;
  modseq: number;
  flags: number;
  keywords: string;
  size: number;
  internalDate: number;
  sha256: string;
}

export interface StoredContent {
  sha256: string;
  size: number;
  index: MessageIndex;
}

export interface DeliveryTarget {
  accountId: number;
  mailbox?: string; // default INBOX
  flags?: string[];
}

export interface Delivered {
  accountId: number;
  mailboxId: number;
  uidvalidity: number;
  uid: number;
}

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

type Trx = Transaction<Database> | Kysely<Database>;

const SEARCH_FIELDS = {
  subject: 'search_subject',
  from: 'search_from',
  to: 'search_to',
  cc: 'search_cc',
  bcc: 'search_bcc',
  headers: 'search_headers',
  body: 'search_body',
} as const;
export type SearchField = keyof typeof SEARCH_FIELDS | 'text';

function toMailbox(r: Selectable<Database['mailboxes']>): MailboxInfo {
  return {
    id: Number(r.id),
    accountId: Number(r.account_id),
    name: r.name,
    specialUse: r.special_use,
    uidvalidity: Number(r.uidvalidity),
    uidnext: Number(r.uidnext),
    highestModseq: Number(r.highest_modseq),
    firstRecentUid: Number(r.first_recent_uid),
    subscribed: Number(r.subscribed) === 1,
  };
}

const META_COLUMNS = ['uid', 'modseq', 'flags', 'keywords', 'size', 'internal_date', 'sha256'] as const;
function toMeta(r: { uid: number; modseq: number; flags: number; keywords: string; size: number; internal_date: number; sha256: string }): MessageMeta {
  return { uid: Number(r.uid), modseq: Number(r.modseq), flags: Number(r.flags), keywords: r.keywords, size: Number(r.size), internalDate: Number(r.internal_date), sha256: r.sha256 };
}

export class MailStore {
  private readonly db: Kysely<Database>;
  private readonly structureCache = new Map<string, MessageIndex>();
  private readonly commits: GroupCommit;

  constructor(
    private readonly database: Db,
    readonly blobs: BlobStore,
    readonly events: MailEvents,
  ) {
    this.db = database.kysely;
    this.commits = new GroupCommit(this.db);
  }

  // ---------------------------------------------------------------- ingest

  /** Stream a message into the blob store, indexing it on the way. Nothing is visible yet. */
  async ingest(source: Readable | AsyncIterable<Buffer> | Iterable<Buffer>, opts: { maxSize?: number; prefix?: Buffer } = {}): Promise<StoredContent> {
    const indexer = new MimeIndexer();
    const prefix = opts.prefix;
    async function* withPrefix(): AsyncIterable<Buffer> {
      if (prefix && prefix.length) yield prefix;
      for await (const c of source as AsyncIterable<Buffer>) yield typeof c === 'string' ? Buffer.from(c) : c;
    }
    const maxSize = opts.maxSize !== undefined && prefix ? opts.maxSize + prefix.length : opts.maxSize;
    const w = await this.blobs.write(withPrefix(), { maxSize, onChunk: (c) => indexer.write(c) });
    return { sha256: w.sha256, size: w.size, index: indexer.end() };
  }

  private async saveContent(trx: Trx, c: StoredContent): Promise<void> {
    const s = c.index.search;
    const f = (t: string) => foldVietnamese(t ?? '');
    const { search: _omit, ...structure } = c.index;
    void _omit;
    await trx
      .insertInto('contents')
      .values({
        sha256: c.sha256,
        size: c.size,
        header_size: c.index.headerSize,
        structure: JSON.stringify(structure),
        sent_date: c.index.sentDate ? Date.parse(c.index.sentDate) || null : null,
        message_id: c.index.messageId,
        subject: s.subject ?? '',
        search_subject: f(s.subject),
        search_from: f(s.from),
        search_to: f(s.to),
        search_cc: f(s.cc),
        search_bcc: f(s.bcc),
        search_headers: f(s.headers),
        search_body: f(s.body),
        created_at: Date.now(),
      })
      .onConflict((oc) => oc.column('sha256').doNothing())
      .execute();
  }

  /** Allocate `count` UIDs and one new MODSEQ in a mailbox (row-locked in PostgreSQL). */
  private async allocate(trx: Trx, mailboxId: number, count: number): Promise<{ firstUid: number; modseq: number; uidvalidity: number }> {
    const r = await trx
      .updateTable('mailboxes')
      .set((eb) => ({ uidnext: eb('uidnext', '+', count), highest_modseq: eb('highest_modseq', '+', 1) }))
      .where('id', '=', mailboxId)
      .returning(['uidnext', 'highest_modseq', 'uidvalidity'])
      .executeTakeFirst();
    if (!r) throw new ThutinError('MAILBOX_NOT_FOUND');
    return { firstUid: Number(r.uidnext) - count, modseq: Number(r.highest_modseq), uidvalidity: Number(r.uidvalidity) };
  }

  private async bumpModseq(trx: Trx, mailboxId: number): Promise<number> {
    const r = await trx
      .updateTable('mailboxes')
      .set((eb) => ({ highest_modseq: eb('highest_modseq', '+', 1) }))
      .where('id', '=', mailboxId)
      .returning('highest_modseq')
      .executeTakeFirstOrThrow();
    return Number(r.highest_modseq);
  }

  /**
   * Make an ingested message visible in each target's mailbox, all in one transaction (shared
   * with deliveries arriving at the same moment: group commit). When this resolves the delivery
   * is durable (blob fsynced before, transaction committed).
   */
  async deliver(content: StoredContent, targets: DeliveryTarget[], internalDate = Date.now(), alsoInTransaction?: (trx: Kysely<Database>) => Promise<void>): Promise<Delivered[]> {
    const out = await this.commits.run(async (trx) => {
      const out: Delivered[] = [];
      await this.saveContent(trx, content);
      if (alsoInTransaction) await alsoInTransaction(trx);
      for (const t of targets) {
        // Find the folder and take its next UID and MODSEQ in one statement.
        const name = canonicalMailboxName(t.mailbox ?? 'INBOX');
        const mb = await trx
          .updateTable('mailboxes')
          .set((eb) => ({ uidnext: eb('uidnext', '+', 1), highest_modseq: eb('highest_modseq', '+', 1) }))
          .where('account_id', '=', t.accountId)
          .where('name', '=', name)
          .returning(['id', 'uidnext', 'highest_modseq', 'uidvalidity'])
          .executeTakeFirst();
        if (!mb) throw new ThutinError('MAILBOX_NOT_FOUND', name);
        const mailboxId = Number(mb.id);
        const uid = Number(mb.uidnext) - 1;
        await this.insertMessage(trx, mailboxId, uid, Number(mb.highest_modseq), content.sha256, content.size, internalDate, toFlagSet(t.flags ?? []));
        await trx
          .updateTable('accounts')
          .set((eb) => ({ used_bytes: eb('used_bytes', '+', content.size) }))
          .where('id', '=', t.accountId)
          .execute();
        out.push({ accountId: t.accountId, mailboxId, uidvalidity: Number(mb.uidvalidity), uid });
      }
      return out;
    });
    for (const d of new Set(out.map((o) => o.mailboxId))) this.events.notify(d);
    return out;
  }

  /** Keep accounts.used_bytes in step with the messages of one of its folders. */
  private async adjustUsage(trx: Trx, mailboxId: number, delta: number): Promise<void> {
    if (!delta) return;
    await trx
      .updateTable('accounts')
      .set((eb) => ({ used_bytes: eb('used_bytes', '+', delta) }))
      .where('id', '=', (eb) => eb.selectFrom('mailboxes').select('account_id').where('id', '=', mailboxId))
      .execute();
  }

  private async sizeOf(trx: Trx, mailboxId: number, uids?: number[]): Promise<number> {
    let q = trx
      .selectFrom('messages')
      .select((eb) => eb.fn.sum<number>('size').as('s'))
      .where('mailbox_id', '=', mailboxId);
    if (uids) q = q.where('uid', 'in', uids);
    return Number((await q.executeTakeFirst())?.s ?? 0);
  }

  private async insertMessage(trx: Trx, mailboxId: number, uid: number, modseq: number, sha256: string, size: number, internalDate: number, fs: FlagSet): Promise<void> {
    await trx
      .insertInto('messages')
      .values({ mailbox_id: mailboxId, uid, modseq, sha256, size, internal_date: internalDate, flags: fs.mask, keywords: fs.keywords.join(' ') })
      .execute();
  }

  /** IMAP APPEND: store a whole message given by the client into one of its folders. */
  async append(accountId: number, mailboxName: string, raw: Buffer, flags: string[], internalDate?: Date): Promise<Delivered> {
    const content = await this.ingest([raw]);
    const [d] = await this.deliver(content, [{ accountId, mailbox: mailboxName, flags }], internalDate?.getTime() ?? Date.now());
    return d;
  }

  // ---------------------------------------------------------------- folders

  private async findMailbox(trx: Trx, accountId: number, name: string): Promise<MailboxInfo | null> {
    const r = await trx.selectFrom('mailboxes').selectAll().where('account_id', '=', accountId).where('name', '=', canonicalMailboxName(name)).executeTakeFirst();
    return r ? toMailbox(r) : null;
  }

  async getMailbox(accountId: number, name: string): Promise<MailboxInfo | null> {
    return this.findMailbox(this.db, accountId, name);
  }

  async getMailboxById(id: number): Promise<MailboxInfo | null> {
    const r = await this.db.selectFrom('mailboxes').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toMailbox(r) : null;
  }

  async listMailboxes(accountId: number): Promise<MailboxInfo[]> {
    const rows = await this.db.selectFrom('mailboxes').selectAll().where('account_id', '=', accountId).orderBy('name').execute();
    return rows.map(toMailbox);
  }

  async createMailbox(accountId: number, name: string, specialUse: string | null = null): Promise<MailboxInfo> {
    const n = canonicalMailboxName(name.endsWith(HIERARCHY_SEPARATOR) ? name.slice(0, -1) : name);
    if (!isValidMailboxName(n)) throw new ThutinError('MAILBOX_NAME_INVALID', name);
    return this.db.transaction().execute(async (trx) => {
      if (await this.findMailbox(trx, accountId, n)) throw new ThutinError('MAILBOX_EXISTS', n);
      const now = Date.now();
      // Create missing parents too (RFC 3501 CREATE), then the folder itself.
      const parts = n.split(HIERARCHY_SEPARATOR);
      let created: MailboxInfo | null = null;
      for (let i = 1; i <= parts.length; i++) {
        const p = parts.slice(0, i).join(HIERARCHY_SEPARATOR);
        if (i < parts.length && (await this.findMailbox(trx, accountId, p))) continue;
        const validity = await this.nextUidValidity(trx);
        const r = await trx
          .insertInto('mailboxes')
          .values({
            account_id: accountId,
            name: p,
            special_use: i === parts.length ? specialUse : null,
            uidvalidity: validity,
            uidnext: 1,
            highest_modseq: 1,
            first_recent_uid: 1,
            subscribed: 1,
            created_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        created = toMailbox(r);
      }
      return created!;
    });
  }

  /** UIDVALIDITY: seconds since the epoch, strictly increasing across all folders. */
  private async nextUidValidity(trx: Trx): Promise<number> {
    const r = await trx
      .selectFrom('mailboxes')
      .select((eb) => eb.fn.max<number>('uidvalidity').as('m'))
      .executeTakeFirst();
    return Math.max(Math.floor(Date.now() / 1000), Number(r?.m ?? 0) + 1);
  }

  async deleteMailbox(accountId: number, name: string): Promise<void> {
    const n = canonicalMailboxName(name);
    if (n === 'INBOX') throw new ThutinError('MAILBOX_PROTECTED', n);
    const mb = await this.getMailbox(accountId, n);
    if (!mb) throw new ThutinError('MAILBOX_NOT_FOUND', n);
    const children = await this.db
      .selectFrom('mailboxes')
      .select('id')
      .where('account_id', '=', accountId)
      .where('name', 'like', likePrefix(n + HIERARCHY_SEPARATOR))
      .executeTakeFirst();
    await this.db.transaction().execute(async (trx) => {
      if (children) {
        // RFC 3501: a folder with inferiors keeps its place in the hierarchy; we empty it instead.
        await this.expungeAll(trx, mb.id);
      } else {
        await this.adjustUsage(trx, mb.id, -(await this.sizeOf(trx, mb.id)));
        await trx.deleteFrom('messages').where('mailbox_id', '=', mb.id).execute();
        await trx.deleteFrom('changes').where('mailbox_id', '=', mb.id).execute();
        await trx.deleteFrom('mailboxes').where('id', '=', mb.id).execute();
      }
    });
    this.events.notify(mb.id);
  }

  private async expungeAll(trx: Trx, mailboxId: number): Promise<void> {
    const uids = await trx.selectFrom('messages').select('uid').where('mailbox_id', '=', mailboxId).execute();
    if (!uids.length) return;
    const modseq = await this.bumpModseq(trx, mailboxId);
    await this.adjustUsage(trx, mailboxId, -(await this.sizeOf(trx, mailboxId)));
    await trx.deleteFrom('messages').where('mailbox_id', '=', mailboxId).execute();
    for (const chunk of chunks(
      uids.map((u) => Number(u.uid)),
      500,
    )) {
      await trx
        .insertInto('changes')
        .values(chunk.map((uid) => ({ mailbox_id: mailboxId, modseq, uid, kind: 'expunge' })))
        .execute();
    }
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
    await this.db.transaction().execute(async (trx) => {
      const all = await trx.selectFrom('mailboxes').select(['id', 'name']).where('account_id', '=', accountId).execute();
      for (const r of all) {
        if (r.name === src || r.name.startsWith(src + HIERARCHY_SEPARATOR)) {
          const validity = await this.nextUidValidity(trx);
          await trx
            .updateTable('mailboxes')
            .set({ name: dst + r.name.slice(src.length), uidvalidity: validity })
            .where('id', '=', r.id)
            .execute();
        }
      }
      // Parents of the new name must exist.
      const parts = dst.split(HIERARCHY_SEPARATOR);
      for (let i = 1; i < parts.length; i++) {
        const p = parts.slice(0, i).join(HIERARCHY_SEPARATOR);
        if (!(await this.findMailbox(trx, accountId, p))) {
          await trx
            .insertInto('mailboxes')
            .values({
              account_id: accountId,
              name: p,
              special_use: null,
              uidvalidity: await this.nextUidValidity(trx),
              uidnext: 1,
              highest_modseq: 1,
              first_recent_uid: 1,
              subscribed: 1,
              created_at: Date.now(),
            })
            .execute();
        }
      }
    });
  }

  async setSubscribed(accountId: number, name: string, subscribed: boolean): Promise<void> {
    const mb = await this.getMailbox(accountId, name);
    if (!mb) throw new ThutinError('MAILBOX_NOT_FOUND', name);
    await this.db
      .updateTable('mailboxes')
      .set({ subscribed: subscribed ? 1 : 0 })
      .where('id', '=', mb.id)
      .execute();
  }

  async mailboxCounts(mailboxId: number): Promise<{ messages: number; unseen: number; recent: number; size: number }> {
    const mb = await this.getMailboxById(mailboxId);
    const r = await this.db
      .selectFrom('messages')
      .select([
        sql<number>`count(*)`.as('messages'),
        sql<number>`coalesce(sum(case when (flags & 1) = 0 then 1 else 0 end), 0)`.as('unseen'),
        sql<number>`coalesce(sum(case when uid >= ${mb?.firstRecentUid ?? 0} then 1 else 0 end), 0)`.as('recent'),
        sql<number>`coalesce(sum(size), 0)`.as('size'),
      ])
      .where('mailbox_id', '=', mailboxId)
      .executeTakeFirstOrThrow();
    return { messages: Number(r.messages), unseen: Number(r.unseen), recent: Number(r.recent), size: Number(r.size) };
  }

  /** SELECT: the messages from the returned UID on are \Recent for this session only. */
  async claimRecent(mailboxId: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const mb = await trx.selectFrom('mailboxes').select(['first_recent_uid', 'uidnext']).where('id', '=', mailboxId).executeTakeFirstOrThrow();
      // Nothing new since the last claim: no write (and no fsync) on a plain re-SELECT.
      if (Number(mb.first_recent_uid) < Number(mb.uidnext)) await trx.updateTable('mailboxes').set({ first_recent_uid: mb.uidnext }).where('id', '=', mailboxId).execute();
      return Number(mb.first_recent_uid);
    });
  }

  // ---------------------------------------------------------------- messages

  /** What opening a folder needs: its UIDs as runs of consecutive UIDs, the first unseen UID, the keywords in use. */
  async openSummary(mailboxId: number): Promise<{ uidRuns: Array<[first: number, count: number]>; firstUnseenUid: number | null; keywords: string[] }> {
    // One pass for the count, the UID range and the first unseen message.
    const agg = await sql<{ n: number; lo: number | null; hi: number | null; unseen: number | null }>`
      select count(*) as n, min(uid) as lo, max(uid) as hi, min(case when (flags & 1) = 0 then uid end) as unseen
      from messages where mailbox_id = ${mailboxId}`.execute(this.db);
    const a = agg.rows[0];
    const n = Number(a?.n ?? 0);
    let uidRuns: Array<[number, number]> = [];
    if (n > 0 && Number(a.hi) - Number(a.lo) + 1 === n) {
      uidRuns = [[Number(a.lo), n]]; // no gaps: one run, nothing more to read
    } else if (n > 0) {
      // Runs of consecutive UIDs ("gaps and islands"): a folder with few expunges is a few rows.
      const runs = await sql<{ first: number; n: number }>`
        select min(uid) as first, count(*) as n
        from (select uid, uid - row_number() over (order by uid) as grp from messages where mailbox_id = ${mailboxId}) as numbered
        group by grp order by first`.execute(this.db);
      uidRuns = runs.rows.map((r) => [Number(r.first), Number(r.n)]);
    }
    const unseen = { u: a?.unseen ?? null };
    const kw = await this.db.selectFrom('messages').select('keywords').distinct().where('mailbox_id', '=', mailboxId).where('keywords', '<>', '').execute();
    const keywords = new Set<string>();
    for (const r of kw) for (const k of r.keywords.split(' ')) keywords.add(k);
    return { uidRuns, firstUnseenUid: unseen.u == null ? null : Number(unseen.u), keywords: [...keywords] };
  }

  async listMessages(mailboxId: number): Promise<MessageMeta[]> {
    const rows = await this.db.selectFrom('messages').select(META_COLUMNS).where('mailbox_id', '=', mailboxId).orderBy('uid').execute();
    return rows.map(toMeta);
  }

  /** The messages' flags and sizes without their blob names (metadata-only FETCH, SEARCH). */
  async listFlags(mailboxId: number): Promise<MessageMeta[]> {
    const rows = await this.db.selectFrom('messages').select(['uid', 'modseq', 'flags', 'keywords', 'size', 'internal_date']).where('mailbox_id', '=', mailboxId).orderBy('uid').execute();
    return rows.map((r) => ({ uid: Number(r.uid), modseq: Number(r.modseq), flags: Number(r.flags), keywords: r.keywords, size: Number(r.size), internalDate: Number(r.internal_date), sha256: '' }));
  }

  async getMessages(mailboxId: number, uids: number[]): Promise<MessageMeta[]> {
    const out: MessageMeta[] = [];
    for (const chunk of chunks(uids, 500)) {
      const rows = await this.db.selectFrom('messages').select(META_COLUMNS).where('mailbox_id', '=', mailboxId).where('uid', 'in', chunk).orderBy('uid').execute();
      out.push(...rows.map(toMeta));
    }
    return out;
  }

  /** The parsed structure of a stored message (cached; contents never change). */
  async getIndex(sha256: string): Promise<MessageIndex> {
    const hit = this.structureCache.get(sha256);
    if (hit) return hit;
    const r = await this.db.selectFrom('contents').select('structure').where('sha256', '=', sha256).executeTakeFirstOrThrow();
    const idx = JSON.parse(r.structure) as MessageIndex;
    if (this.structureCache.size > 5000) this.structureCache.clear();
    this.structureCache.set(sha256, idx);
    return idx;
  }

  async getIndexes(sha256s: string[]): Promise<Map<string, MessageIndex>> {
    const out = new Map<string, MessageIndex>();
    const missing: string[] = [];
    for (const s of new Set(sha256s)) {
      const hit = this.structureCache.get(s);
      if (hit) out.set(s, hit);
      else missing.push(s);
    }
    for (const chunk of chunks(missing, 500)) {
      const rows = await this.db.selectFrom('contents').select(['sha256', 'structure']).where('sha256', 'in', chunk).execute();
      for (const r of rows) {
        const idx = JSON.parse(r.structure) as MessageIndex;
        out.set(r.sha256, idx);
        if (this.structureCache.size < 5000) this.structureCache.set(r.sha256, idx);
      }
    }
    return out;
  }

  /** The served index of each message (its blob's index moved behind its header prefix). */
  async indexesOf<T extends MessageSource>(messages: T[]): Promise<Map<T, MessageIndex>> {
    const stored = await this.getIndexes(messages.map((m) => m.sha256));
    const out = new Map<T, MessageIndex>();
    for (const m of messages) {
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

  readBlob(sha256: string, start?: number, end?: number): Promise<Buffer> {
    return this.blobs.read(sha256, start, end);
  }

  /** A stored message's bytes as a stream (stages that read the whole message, e.g. DKIM). */
  streamBlob(sha256: string): Readable {
    return this.blobs.createReadStream(sha256);
  }

  /**
   * A copy of a stored message with `prefix` in front of its bytes from `from` on (header fields
   * added or rewritten by SMTP stages), streamed into a new blob; the original is left as it is.
   */
  rewrite(content: StoredContent, prefix: Buffer, from: number): Promise<StoredContent> {
    return this.ingest(this.blobs.createReadStream(content.sha256, { start: from }), { prefix });
  }

  /** Remove a blob that no stored message refers to (one refused or replaced before delivery). */
  async removeIfUnreferenced(sha256: string): Promise<void> {
    const row = await this.db.selectFrom('contents').select('sha256').where('sha256', '=', sha256).executeTakeFirst();
    if (!row) await this.blobs.remove(sha256);
  }

  /** Change flags on messages; with `unchangedSince` (CONDSTORE) skip and report those modified later. */
  async storeFlags(mailboxId: number, uids: number[], mode: FlagMode, flags: FlagSet, unchangedSince?: number): Promise<{ updated: MessageMeta[]; modified: number[]; modseq: number }> {
    const updated: MessageMeta[] = [];
    const modified: number[] = [];
    let modseq = 0; // the MODSEQ this change got; 0 when nothing changed
    if (!uids.length) return { updated, modified, modseq };
    await this.db.transaction().execute(async (trx) => {
      const current: MessageMeta[] = [];
      for (const chunk of chunks(uids, 500)) {
        const rows = await trx.selectFrom('messages').select(META_COLUMNS).where('mailbox_id', '=', mailboxId).where('uid', 'in', chunk).execute();
        current.push(...rows.map(toMeta));
      }
      const changes: Array<{ m: MessageMeta; flags: number; keywords: string }> = [];
      for (const m of current) {
        if (unchangedSince !== undefined && m.modseq > unchangedSince) {
          modified.push(m.uid);
          continue;
        }
        const kw = m.keywords ? m.keywords.split(' ') : [];
        let nf = m.flags;
        let nk = kw;
        if (mode === 'set') {
          nf = flags.mask;
          nk = flags.keywords;
        } else if (mode === 'add') {
          nf = m.flags | flags.mask;
          nk = [...kw, ...flags.keywords.filter((k) => !kw.some((x) => x.toLowerCase() === k.toLowerCase()))];
        } else {
          nf = m.flags & ~flags.mask;
          nk = kw.filter((x) => !flags.keywords.some((k) => k.toLowerCase() === x.toLowerCase()));
        }
        const nks = nk.join(' ');
        if (nf === m.flags && nks === m.keywords) {
          updated.push(m); // unchanged, but still reported (RFC 3501 STORE untagged FETCH)
          continue;
        }
        changes.push({ m, flags: nf, keywords: nks });
      }
      if (!changes.length) return;
      modseq = await this.bumpModseq(trx, mailboxId);
      // One UPDATE per distinct resulting flag set (STORE 1:* +FLAGS is one or a few groups).
      const groups = new Map<string, { flags: number; keywords: string; uids: number[] }>();
      for (const c of changes) {
        const key = `${c.flags} ${c.keywords}`;
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { flags: c.flags, keywords: c.keywords, uids: [] }));
        g.uids.push(c.m.uid);
        updated.push({ ...c.m, flags: c.flags, keywords: c.keywords, modseq });
      }
      for (const g of groups.values()) {
        for (const chunk of chunks(g.uids, 500)) {
          await trx.updateTable('messages').set({ flags: g.flags, keywords: g.keywords, modseq }).where('mailbox_id', '=', mailboxId).where('uid', 'in', chunk).execute();
        }
      }
    });
    updated.sort((a, b) => a.uid - b.uid);
    if (modseq) this.events.notify(mailboxId);
    return { updated, modified, modseq };
  }

  /** Remove messages flagged \Deleted (all of them, or only those in `uids`). Returns expunged UIDs. */
  async expunge(mailboxId: number, uids?: number[]): Promise<number[]> {
    const gone: number[] = [];
    await this.db.transaction().execute(async (trx) => {
      const q = trx
        .selectFrom('messages')
        .select('uid')
        .where('mailbox_id', '=', mailboxId)
        .where(sql<boolean>`(flags & 8) <> 0`);
      const rows = await q.orderBy('uid').execute();
      const want = uids ? new Set(uids) : null;
      for (const r of rows) if (!want || want.has(Number(r.uid))) gone.push(Number(r.uid));
      if (!gone.length) return;
      await this.removeUids(trx, mailboxId, gone);
    });
    if (gone.length) this.events.notify(mailboxId);
    return gone;
  }

  private async removeUids(trx: Trx, mailboxId: number, uids: number[]): Promise<void> {
    const modseq = await this.bumpModseq(trx, mailboxId);
    for (const chunk of chunks(uids, 500)) {
      await this.adjustUsage(trx, mailboxId, -(await this.sizeOf(trx, mailboxId, chunk)));
      await trx.deleteFrom('messages').where('mailbox_id', '=', mailboxId).where('uid', 'in', chunk).execute();
      await trx
        .insertInto('changes')
        .values(chunk.map((uid) => ({ mailbox_id: mailboxId, modseq, uid, kind: 'expunge' })))
        .execute();
    }
  }

  /** Copy messages to another folder (UIDPLUS: returns source→destination UID pairs). */
  async copy(srcMailboxId: number, uids: number[], dstMailboxId: number, opts: { removeSource?: boolean } = {}): Promise<{ uidvalidity: number; pairs: Array<[number, number]> }> {
    const pairs: Array<[number, number]> = [];
    let uidvalidity = 0;
    await this.db.transaction().execute(async (trx) => {
      const msgs: MessageMeta[] = [];
      for (const chunk of chunks(uids, 500)) {
        const rows = await trx.selectFrom('messages').select(META_COLUMNS).where('mailbox_id', '=', srcMailboxId).where('uid', 'in', chunk).execute();
        msgs.push(...rows.map(toMeta));
      }
      msgs.sort((a, b) => a.uid - b.uid);
      const alloc = await this.allocate(trx, dstMailboxId, msgs.length);
      uidvalidity = alloc.uidvalidity;
      let next = alloc.firstUid;
      for (const m of msgs) {
        // \Recent is per session and never copied; the other flags are.
        await this.insertMessage(trx, dstMailboxId, next, alloc.modseq, m.sha256, m.size, m.internalDate, { mask: m.flags, keywords: m.keywords ? m.keywords.split(' ') : [] });
        pairs.push([m.uid, next]);
        next++;
      }
      await this.adjustUsage(
        trx,
        dstMailboxId,
        msgs.reduce((a, m) => a + m.size, 0),
      );
      if (opts.removeSource && msgs.length)
        await this.removeUids(
          trx,
          srcMailboxId,
          msgs.map((m) => m.uid),
        );
    });
    this.events.notify(dstMailboxId);
    if (opts.removeSource) this.events.notify(srcMailboxId);
    return { uidvalidity, pairs };
  }

  move(srcMailboxId: number, uids: number[], dstMailboxId: number): Promise<{ uidvalidity: number; pairs: Array<[number, number]> }> {
    return this.copy(srcMailboxId, uids, dstMailboxId, { removeSource: true });
  }

  /** What happened in a mailbox after `modseq`: the change log read back for a session. */
  async changesSince(mailboxId: number, modseq: number): Promise<ChangeSet> {
    const mb = await this.db.selectFrom('mailboxes').select('highest_modseq').where('id', '=', mailboxId).executeTakeFirst();
    if (!mb) return { complete: true, highestModseq: modseq, changed: [], expunged: [] };
    const highest = Number(mb.highest_modseq);
    if (highest <= modseq) return { complete: true, highestModseq: highest, changed: [], expunged: [] };
    const changed = (await this.db.selectFrom('messages').select(META_COLUMNS).where('mailbox_id', '=', mailboxId).where('modseq', '>', modseq).orderBy('uid').execute()).map(toMeta);
    const exp = await this.db.selectFrom('changes').select('uid').where('mailbox_id', '=', mailboxId).where('modseq', '>', modseq).where('kind', '=', 'expunge').execute();
    return { complete: true, highestModseq: highest, changed, expunged: [...new Set(exp.map((e) => Number(e.uid)))].sort((a, b) => a - b) };
  }

  /** UIDs in a mailbox whose folded header/body text contains the folded term. */
  async searchText(mailboxId: number, field: SearchField, term: string): Promise<Set<number>> {
    const folded = foldVietnamese(term);
    const pattern = `%${folded.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
    const cols = field === 'text' ? (['search_headers', 'search_body'] as const) : ([SEARCH_FIELDS[field]] as const);
    const rows = await this.db
      .selectFrom('messages')
      .innerJoin('contents', 'contents.sha256', 'messages.sha256')
      .select('messages.uid')
      .where('messages.mailbox_id', '=', mailboxId)
      .where((eb) => eb.or(cols.map((c) => sql<boolean>`${sql.ref('contents.' + c)} like ${pattern} escape '\\'`)))
      .execute();
    return new Set(rows.map((r) => Number(r.uid)));
  }

  /** UIDs whose header `name` contains `term` (folded); an empty term matches any message having the field. */
  async searchHeader(mailboxId: number, name: string, term: string): Promise<Set<number>> {
    const field = foldVietnamese(name) + ':';
    const needle = foldVietnamese(term);
    const pattern = `%${(needle || field).replace(/[\\%_]/g, (c) => '\\' + c)}%`;
    const rows = await this.db
      .selectFrom('messages')
      .innerJoin('contents', 'contents.sha256', 'messages.sha256')
      .select(['messages.uid', 'contents.search_headers'])
      .where('messages.mailbox_id', '=', mailboxId)
      .where(sql<boolean>`contents.search_headers like ${pattern} escape '\\'`)
      .execute();
    // The index narrowed the candidates; the field itself is checked line by line.
    const hit = (headers: string) => headers.split('\n').some((l) => l.startsWith(field) && l.slice(field.length).includes(needle));
    return new Set(rows.filter((r) => hit(r.search_headers)).map((r) => Number(r.uid)));
  }

  async sentDates(mailboxId: number): Promise<Map<number, number | null>> {
    const rows = await this.db
      .selectFrom('messages')
      .innerJoin('contents', 'contents.sha256', 'messages.sha256')
      .select(['messages.uid', 'contents.sent_date'])
      .where('messages.mailbox_id', '=', mailboxId)
      .execute();
    return new Map(rows.map((r) => [Number(r.uid), r.sent_date === null ? null : Number(r.sent_date)]));
  }
}

function likePrefix(p: string): string {
  return p.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
}

export function chunks<T>(arr: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < arr.length; i += n) out.push(arr.slice(i, i + n));
  return out;
}
