// Real threads (RFC 8621 §3) across an account's folders: a message joins the thread of the
// messages its In-Reply-To and References name (by Message-ID), when their base subjects agree
// (RFC 5256 §2.1's leaders and trailers peeled, with the Vietnamese "TL:" / "TR:" / "Trả lời:" /
// "Chuyển tiếp:" leaders too) — so a reply that changed the subject to something else starts its own thread, and
// two unrelated "Báo cáo" mails never join. A thread's id is `T` + the Email id of its first
// message (by receivedAt, then id); Thread/get lists its Emails in date order.
// Computed here from the store (MailStore.threadFields: Message-ID, In-Reply-To, References and
// subject in one read, no structure parsed) and kept per folder at its HIGHESTMODSEQ: a change reads
// only what changed (MailStore.changesSince), the new messages' fields alone. The account's threads are
// then joined in memory (union–find over Message-IDs) once per account state; the session resource's
// request starts that for each account, so the first list usually finds it built.
// Limitation: nothing is stored, so a thread whose first message is destroyed takes the id of the
// next one.
// Owns: thread membership and thread ids.
import type { MessageMeta } from '../core/mailstore.ts';
import type { MailStore } from '../core/mailstore.ts';

/** The account a thread index is built for (context.ts's JmapAccount fits). */
export interface ThreadAccount {
  ownerAccountId: number;
  name: string;
}

/** What the index needs of a JMAP call — the store, the log, the account's folders and state — so it imports no call context (context.ts's CallContext fits). */
export interface ThreadCall {
  s: { store: Pick<MailStore, 'changesSince' | 'listFlags' | 'threadFields'>; log: { warn(o: object, msg: string): void } };
  snapshot(a: ThreadAccount): Promise<ThreadSnapshot>;
}
type ThreadSnapshot = { folders: Array<{ id: number; highestModseq: number }>; state: string };
import { emailIdOf } from './ids.ts';

interface Entry {
  id: string;
  date: number;
  messageId: string | null;
  parents: string[];
  subject: string;
}

interface FolderEntries {
  modseq: number;
  byUid: Map<number, Entry>;
}

export interface AccountThreads {
  state: string;
  /** Email id → thread id. */
  threadOf: Map<string, string>;
  /** Thread id → Email ids, oldest first. */
  members: Map<string, string[]>;
}

const ids = (raw: string | null | undefined): string[] => (raw ? [...raw.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1].toLowerCase()) : []);
// RFC 5256 §2.1's leaders ("Re:", "Fwd:", "[list]") and the Vietnamese ones, peeled repeatedly; trailers "(fwd)"
const LEADER = /^\s*(?:\[[^[\]]*\]\s*)*(?:re|fwd?|tl|tr|trả lời|tra loi|chuyển tiếp|chuyen tiep)\s*(?:\[[^[\]]*\]\s*)?:\s*/i;
const BLOB = /^\s*\[[^[\]]*\]\s*(?=\S)/;

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

export class ThreadIndex {
  private readonly folders = new Map<number, FolderEntries>();
  private readonly accounts = new Map<number, AccountThreads>();
  private readonly building = new Map<string, Promise<AccountThreads>>();

  constructor(
    private readonly maxAccounts = 64,
    private readonly maxFolders = 2000,
  ) {}

  private async entries(ctx: ThreadCall, folderId: number, modseq: number): Promise<Map<number, Entry>> {
    const store = ctx.s.store;
    let f = this.folders.get(folderId);
    if (f && f.modseq === modseq) return f.byUid;
    let fresh: MessageMeta[];
    if (f) {
      const ch = await store.changesSince(folderId, f.modseq);
      if (!ch.complete) f = undefined;
      else {
        for (const uid of ch.expunged) f.byUid.delete(uid);
        fresh = ch.changed.filter((m) => !f!.byUid.has(m.uid));
      }
    }
    if (!f) {
      f = { modseq, byUid: new Map() };
      fresh = await store.listFlags(folderId);
    }
    const fields = fresh!.length ? await store.threadFields(folderId, f.byUid.size ? fresh!.map((m) => m.uid) : null) : [];
    const byUid = new Map(fields.map((x) => [x.uid, x]));
    for (const m of fresh!) {
      const x = byUid.get(m.uid);
      f.byUid.set(m.uid, {
        id: emailIdOf({ mailboxId: folderId, uid: m.uid }, m),
        date: m.internalDate,
        messageId: ids(x?.messageId ? `<${x.messageId.replace(/^<|>$/g, '')}>` : null)[0] ?? null,
        parents: [...ids(x?.inReplyTo), ...ids(x?.references)],
        subject: subjectKey(x?.subject ?? null),
      });
    }
    f.modseq = modseq;
    this.folders.delete(folderId);
    this.folders.set(folderId, f);
    while (this.folders.size > this.maxFolders) this.folders.delete(this.folders.keys().next().value!);
    return f.byUid;
  }

  /** The threads of an account at its state now. */
  async of(ctx: ThreadCall, a: ThreadAccount): Promise<AccountThreads> {
    const snap = await ctx.snapshot(a);
    const hit = this.accounts.get(a.ownerAccountId);
    if (hit && hit.state === snap.state) return hit;
    // one build per account and state at a time (the session's warm-up and the first list ask together)
    const key = `${a.ownerAccountId}|${snap.state}`;
    let p = this.building.get(key);
    if (!p) {
      p = this.build(ctx, a, snap).finally(() => this.building.delete(key));
      this.building.set(key, p);
    }
    return p;
  }

  /** Start building an account's threads ahead of the first request that needs them (GET /jmap/session). */
  warm(ctx: ThreadCall, a: ThreadAccount): void {
    this.of(ctx, a).catch((e: unknown) => ctx.s.log.warn({ err: e, account: a.name }, 'jmap threads: warm-up failed'));
  }

  private async build(ctx: ThreadCall, a: ThreadAccount, snap: ThreadSnapshot): Promise<AccountThreads> {
    const all: Entry[] = [];
    for (const f of snap.folders) for (const e of (await this.entries(ctx, f.id, f.highestModseq)).values()) all.push(e);
    all.sort((x, y) => x.date - y.date || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    // union–find: each message with the messages it answers (same base subject)
    const parent = new Map<string, string>();
    const find = (x: string): string => {
      let r = x;
      while (parent.get(r) !== r) r = parent.get(r)!;
      for (let y = x; parent.get(y) !== r;) {
        const n = parent.get(y)!;
        parent.set(y, r);
        y = n;
      }
      return r;
    };
    for (const e of all) parent.set(e.id, e.id);
    const byMessageId = new Map<string, Entry[]>();
    for (const e of all) {
      if (!e.messageId) continue;
      const list = byMessageId.get(e.messageId);
      if (list) list.push(e);
      else byMessageId.set(e.messageId, [e]);
    }
    for (const e of all)
      for (const p of e.parents)
        for (const other of byMessageId.get(p) ?? [])
          if (other.subject === e.subject) {
            const [ra, rb] = [find(e.id), find(other.id)];
            if (ra !== rb) parent.set(ra, rb);
          }
    // the same Message-ID twice (a copy, a message sent to oneself) is one thread only if the subjects agree: already covered
    const members = new Map<string, string[]>();
    const rootFirst = new Map<string, string>(); // union root → thread id (its first message, `all` is in date order)
    const threadOf = new Map<string, string>();
    for (const e of all) {
      const root = find(e.id);
      let t = rootFirst.get(root);
      if (!t) rootFirst.set(root, (t = 'T' + e.id.slice(1)));
      threadOf.set(e.id, t);
      const list = members.get(t);
      if (list) list.push(e.id);
      else members.set(t, [e.id]);
    }
    const out = { state: snap.state, threadOf, members };
    this.accounts.delete(a.ownerAccountId);
    this.accounts.set(a.ownerAccountId, out);
    while (this.accounts.size > this.maxAccounts) this.accounts.delete(this.accounts.keys().next().value!);
    return out;
  }
}
