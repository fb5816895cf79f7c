// Threads (RFC 8621 §3), stored: each message joins a thread when it is committed, and keeps it.
// A message joins the thread of the messages its In-Reply-To and References name (by Message-ID),
// of a message with its own Message-ID (a copy, a message sent to oneself), or of one that named
// it (a reply that came first) — each only when the base subjects agree (RFC 5256 §2.1's leaders
// and trailers peeled, with the Vietnamese "TL:" / "TR:" / "Trả lời:" / "Chuyển tiếp:" leaders too),
// so a reply that changed the subject starts its own thread and two unrelated "Báo cáo" mails never
// join. Per account, each (msg-id, base subject) pair a message has or names is a key filed under
// the thread the first message with that key joined (`thread_keys`); a message with no known key
// starts a thread named for its own place, "<folder id>_<uid>" (the JMAP Thread id is `T` + that).
// A copy or move keeps the thread. Threads are never merged nor renamed: a message that links two
// threads joins the one its In-Reply-To names (else its last Reference, else its own id's).
// Mail stored before migration 0025_threads has no thread until the backfill, which runs in
// batches after start and threads it the same way, oldest row first; until then a message is a
// thread of its own.
// Owns: thread membership, thread ids and the backfill.
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { Tx } from '../storage/tx.ts';
import * as repo from '../storage/repositories/threads.ts';
import type { MessageIndex } from './mime/index.ts';

/** What threading reads of a message. */
export interface ThreadFields {
  messageId: string | null;
  subject: string;
  inReplyTo: string | null;
  references: string | null;
}

const ids = (raw: string | null | undefined): string[] => (raw ? [...raw.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1].toLowerCase()) : []);
// RFC 5256 §2.1's leaders ("Re:", "Fwd:", "[list]") and the Vietnamese ones, peeled repeatedly; trailers "(fwd)"
const LEADER = /^\s*(?:\[[^[\]]*\]\s*)*(?:re|fwd?|tl|tr|trả lời|tra loi|chuyển tiếp|chuyen tiep)\s*(?:\[[^[\]]*\]\s*)?:\s*/i;
const BLOB = /^\s*\[[^[\]]*\]\s*(?=\S)/;
/** References named past this many (the nearest ancestors are kept) do not make keys. */
const MAX_REFERENCES = 20;

/** The base subject, lower case: what two messages of one thread share (the subject is stored decoded). */
export function subjectKey(raw: string | null): string {
  let s = (raw ?? '').normalize('NFC').replace(/\s+/g, ' ').trim();
  for (let i = 0; i < 20; i++) {
    const t = s
      .replace(/(\s*\(fwd\))+$/i, '')
      .replace(LEADER, '')
      .replace(/^\[fwd:\s*(.*)\]$/i, '$1');
    const u = LEADER.test(t) ? t : t.replace(BLOB, '');
    if (u === s) break;
    s = u;
  }
  return s.trim().toLowerCase();
}

/**
 * The thread fields of a content being committed: from its index when it was just ingested, else
 * from its stored row, as the backfill reads them (a kept message committed again — a quarantine
 * release — has only the stored structure, which carries no header text).
 */
export async function fieldsOfContent(tx: Tx, content: { sha256: string; index?: MessageIndex }): Promise<ThreadFields> {
  if (content.index?.search) return fieldsOfIndex(content.index);
  return (await repo.storedThreadFields(tx, content.sha256)) ?? { messageId: content.index?.messageId ?? null, subject: '', inReplyTo: null, references: null };
}

/** The fields of a message being committed, from its index (the same the stored contents row gives the backfill). */
export function fieldsOfIndex(index: MessageIndex): ThreadFields {
  const headers = index.search.headers ?? '';
  const line = (name: string): string | null => new RegExp(`^${name}:(.*)$`, 'im').exec(headers)?.[1] ?? null;
  return { messageId: index.messageId ?? index.envelope.messageId, subject: (index.search.subject ?? '').replace(/\0/g, ''), inReplyTo: line('in-reply-to'), references: line('references') };
}

function key(msgId: string, subject: string): string {
  return crypto.createHash('sha256').update(`${msgId}\0${subject}`).digest('base64url').slice(0, 22);
}

/** A message's keys: its own Message-ID's, and those it names in the order a link is preferred (In-Reply-To, then References from the nearest). */
export function threadKeys(f: ThreadFields): { own: string | null; named: string[] } {
  const subject = subjectKey(f.subject);
  const own = ids(f.messageId ? `<${f.messageId.replace(/^<|>$/g, '')}>` : null)[0] ?? null;
  const named = [...new Set([...ids(f.inReplyTo), ...ids(f.references).slice(-MAX_REFERENCES).reverse()])].filter((x) => x !== own);
  return { own: own === null ? null : key(own, subject), named: named.map((x) => key(x, subject)) };
}

/** The thread a message of `accountId` at `place` ("<folder id>_<uid>") joins, its keys filed; in the commit's transaction. */
export async function joinThread(tx: Tx, accountId: number, keys: { own: string | null; named: string[] }, place: string): Promise<string> {
  const all = keys.own ? [...keys.named, keys.own] : keys.named;
  if (!all.length) return place;
  const known = await repo.threadsByKey(tx, accountId, all);
  let thread = place;
  for (const k of all) {
    const t = known.get(k);
    if (t) {
      thread = t;
      break;
    }
  }
  const fresh = all.filter((k) => !known.has(k));
  if (fresh.length) await repo.saveKeys(tx, accountId, fresh, thread);
  return thread;
}

/** The stored threads: their members, per-folder counts, and the backfill of mail stored before them. */
export class MessageThreads {
  private backfilling: Promise<number> | null = null;

  constructor(private readonly db: Kysely<Database>) {}

  /** The messages of some threads of an account, oldest first. */
  members(accountId: number, threadIds: string[]): Promise<repo.ThreadMember[]> {
    return threadIds.length ? repo.threadMembers(this.db, accountId, threadIds) : Promise.resolve([]);
  }

  /** A folder's thread count and the threads with an unseen message in it. */
  counts(mailboxId: number): Promise<{ threads: number; unread: number }> {
    return repo.folderThreadCounts(this.db, mailboxId);
  }

  /** Thread up to `limit` messages stored without a thread, in one transaction; how many were. */
  async backfillBatch(limit = 200, afterId = 0): Promise<{ done: number; lastId: number }> {
    const rows = await repo.unthreaded(this.db, afterId, limit);
    if (!rows.length) return { done: 0, lastId: afterId };
    await this.db.transaction().execute(async (tx) => {
      const set: Array<{ id: number; threadId: string }> = [];
      for (const r of rows) set.push({ id: r.id, threadId: await joinThread(tx, r.accountId, threadKeys(r), r.origin ?? `${r.mailboxId}_${r.uid}`) });
      await repo.setThreads(tx, set);
    });
    return { done: rows.length, lastId: rows[rows.length - 1].id };
  }

  /**
   * Thread every message stored without a thread, batch after batch, yielding between batches so
   * serving goes on; once per process (a second call gets the first's promise). Resolves to the count.
   */
  backfill(log?: { info(o: object, msg: string): void; warn(o: object, msg: string): void }, batch = 200): Promise<number> {
    this.backfilling ??= (async () => {
      let total = 0;
      let lastId = 0;
      const started = Date.now();
      for (;;) {
        const b = await this.backfillBatch(batch, lastId);
        if (!b.done) break;
        total += b.done;
        lastId = b.lastId;
        await new Promise((r) => setImmediate(r));
      }
      if (total) log?.info({ messages: total, ms: Date.now() - started }, 'threads: messages stored before 0025_threads threaded');
      return total;
    })().catch((e: unknown) => {
      log?.warn({ err: e }, 'threads: backfill stopped');
      this.backfilling = null;
      return 0;
    });
    return this.backfilling;
  }
}
