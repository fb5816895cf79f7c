// Owns: the state of a selected mailbox inside one IMAP session: the sequence-number ↔ UID map,
// what the session has already told its client (mod-sequence, \Recent, keywords), and turning the
// change log into untagged EXISTS / EXPUNGE / FETCH responses at the moments RFC 3501 allows.
// Kept small on purpose: an idle session costs memory for as long as it stays connected.
import type { MailboxInfo, MailStore, MessageMeta } from '../core/mailstore.ts';
import { flagNames, parseKeywords } from '../core/flags.ts';
import { atom, type ImapValue } from './protocol/value.ts';
import { formatSequenceSet } from './parser/sequence-set.ts';
import { UidMap } from './uid-map.ts';
import type { ResolvedRanges } from './parser/sequence-set.ts';
import type { Access } from './mailbox-names.ts';
import { SearchContexts } from './search-contexts.ts';

/** The system flags a client may store (RFC 3501 2.3.2; \Recent is the server's). */
const SYSTEM_FLAG_LIST = '\\Answered \\Flagged \\Deleted \\Seen \\Draft';

/** The system flags of each mask as FLAGS shows them (core/flags.ts's order). */
const SYSTEM_TEXT = Array.from({ length: 32 }, (_, mask) => flagNames(mask, '').join(' '));

export class SelectedMailbox {
  readonly uids: UidMap;
  modseq: number;
  /**
   * \Recent for this session (RFC 3501 2.3.2: one session only): UID ranges [from, to) it claimed
   * from the store — at SELECT, on APPEND into this folder, and as it learns of new messages.
   * EXAMINE and read-only access claim nothing.
   */
  private readonly recent: Array<[from: number, to: number]> = [];
  /** Keywords this session's client was told of in FLAGS (lower case → as announced). */
  private readonly keywords = new Map<string, string>();
  /** Stored keyword lists whose every keyword was announced (FETCH 1:* meets the same few again and again). */
  private readonly announcedLists = new Set<string>();
  /** (uid → modseq) of flag changes this session made and already reported itself. */
  private readonly selfReported = new Map<number, number>();
  /** UIDs the last SEARCH … RETURN (SAVE) kept, for `$`. */
  saved: number[] = [];
  /** RFC 5267 SEARCH/SORT … RETURN (UPDATE) results kept up to date while selected. */
  readonly contexts = new SearchContexts();
  dirty = true;
  /** Own folder, or a delegate's access to a shared one ('read': selected read-only). */
  access: Access = 'owner';
  /** The name the client selected it by (differs from info.name in the shared namespace). */
  visibleName = '';
  /** QRESYNC enabled: expunges are announced as VANISHED (RFC 7162 3.2.10). */
  qresync = false;
  /** Expunges seen while they could not be announced (during FETCH, STORE, SEARCH). */
  private pendingExpunge: number[] = [];

  constructor(
    public info: MailboxInfo,
    readonly readOnly: boolean,
    uids: UidMap,
    public condstore: boolean,
    recent: { from: number; to: number } | null,
    keywords: readonly string[] = [],
  ) {
    this.uids = uids;
    this.modseq = info.highestModseq;
    if (recent) this.addRecent(recent.from, recent.to);
    for (const k of keywords) this.keywords.set(k.toLowerCase(), k);
  }

  /**
   * A CONDSTORE-enabling command in the selected state (RFC 7162 3.1): MODSEQ is shown from now on,
   * and the client is told the HIGHESTMODSEQ it starts from. The untagged response, or null when
   * CONDSTORE was already on.
   */
  enableCondstore(): string | null {
    if (this.condstore) return null;
    this.condstore = true;
    return `OK [HIGHESTMODSEQ ${this.modseq}] CONDSTORE đã bật / CONDSTORE enabled`;
  }

  /** UIDs in [from, to) became \Recent to this session (claimed from the store). */
  addRecent(from: number, to: number): void {
    if (from >= to || this.readOnly) return;
    const last = this.recent[this.recent.length - 1];
    if (last && last[1] === from) last[1] = to;
    else this.recent.push([from, to]);
  }

  /** The untagged FLAGS and PERMANENTFLAGS responses for what this session's client was told. */
  flagsResponses(): string[] {
    const kw = [...this.keywords.values()].join(' ');
    const all = `${SYSTEM_FLAG_LIST}${kw ? ' ' + kw : ''}`;
    const permanent = this.readOnly ? '' : `${all} \\*`;
    return [`FLAGS (${all})`, `OK [PERMANENTFLAGS (${permanent})] Cờ cố định / flags permitted`];
  }

  /**
   * Keywords the client must learn of before a FETCH, STORE echo or update shows them (RFC 3501
   * 7.2.6): when any of these messages carries one it was not told of, FLAGS and PERMANENTFLAGS
   * again; otherwise nothing.
   */
  announceKeywords(messages: Iterable<Pick<MessageMeta, 'keywords'>>): string[] {
    let added = false;
    for (const m of messages) {
      if (!m.keywords || this.announcedLists.has(m.keywords)) continue;
      if (this.announcedLists.size < 256) this.announcedLists.add(m.keywords);
      for (const k of parseKeywords(m.keywords)) {
        const key = k.toLowerCase();
        if (this.keywords.has(key)) continue;
        this.keywords.set(key, k);
        added = true;
      }
    }
    return added ? this.flagsResponses() : [];
  }

  /** Expunges seen during a FETCH, STORE or SEARCH and not told yet. */
  get hasPendingExpunges(): boolean {
    return this.pendingExpunge.length > 0;
  }

  get exists(): number {
    return this.uids.size;
  }

  get maxUid(): number {
    return this.uids.max;
  }

  seqOf(uid: number): number {
    return this.uids.seqOf(uid);
  }

  isRecent(uid: number): boolean {
    for (const [from, to] of this.recent) if (uid >= from && uid < to) return true;
    return false;
  }

  get recentCount(): number {
    let n = 0;
    for (const [from, to] of this.recent) n += this.uids.countInRange(from, to - 1);
    return n;
  }

  /**
   * This session changed flags itself and told its client already. If it had seen every change
   * before this one, it simply moves on to the new MODSEQ; otherwise it remembers what it
   * reported, so the next refresh does not echo it.
   */
  ownChange(modseq: number, messages: ReadonlyArray<{ uid: number; modseq: number }>): void {
    if (this.contexts.size) this.contexts.touch(messages.map((m) => m.uid));
    if (!modseq) return;
    if (modseq === this.modseq + 1) {
      this.modseq = modseq;
      return;
    }
    for (const m of messages) if (m.modseq === modseq) this.selfReported.set(m.uid, m.modseq);
  }

  /** Remove UIDs and return the untagged responses that announce it (EXPUNGE or VANISHED). */
  expungeResponses(uids: number[]): string[] {
    for (const u of uids) this.selfReported.delete(u);
    // Live search results lose them first, while their sequence numbers still stand (RFC 5267 4.3).
    const removed = this.contexts.expunged(
      uids.filter((u) => this.uids.has(u)),
      (u) => this.uids.seqOf(u),
    );
    if (!this.qresync) return [...removed, ...this.uids.remove(uids).map((seq) => `${seq} EXPUNGE`)];
    const present = uids.filter((u) => this.uids.has(u));
    this.uids.remove(present);
    return present.length ? [...removed, `VANISHED ${formatSequenceSet(present)}`] : removed;
  }

  /**
   * The UIDs a client may know of — those in `candidates`, else every UID below UIDNEXT — that
   * are not in the mailbox, as ranges: what VANISHED (EARLIER) reports when the change log was
   * compacted past the client's MODSEQ (RFC 7162 3.2.5/3.2.6 let the server report UIDs the client
   * never knew; it ignores them). Only UIDs up to the mailbox's UIDNEXT at SELECT or the highest
   * UID this session has seen: a message that arrived later and is not announced yet is never
   * reported as gone.
   */
  vanishedWithoutLog(candidates: ResolvedRanges | null): ResolvedRanges {
    const top = Math.max(this.maxUid, this.info.uidnext - 1);
    const within: ResolvedRanges = [];
    for (const [lo, hi] of candidates ?? [[1, top]]) {
      const a = Math.max(1, lo);
      const b = Math.min(top, hi);
      if (a <= b) within.push([a, b]);
    }
    return this.uids.absentIn(within);
  }

  /**
   * Read the change log and produce the untagged responses the client must now see.
   * With allowExpunge false (during FETCH, STORE, SEARCH) expunges wait, as RFC 3501 7.4.1 asks.
   */
  async refresh(store: Pick<MailStore, 'changesSince' | 'openSummary' | 'claimRecent'>, opts: { allowExpunge: boolean }): Promise<Array<string | ImapValue[]>> {
    const out: Array<string | ImapValue[]> = [];
    const cs = await store.changesSince(this.info.id, this.modseq);
    if (cs.highestModseq <= this.modseq && !(opts.allowExpunge && this.pendingExpunge.length)) return out;
    let gone = cs.expunged;
    if (!cs.complete) {
      // The log was compacted past what this session has seen: whatever it holds that the mailbox
      // no longer has is gone.
      const present = UidMap.fromRuns((await store.openSummary(this.info.id)).uidRuns);
      const max = this.maxUid;
      gone = [...this.uids].filter((u) => u <= max && !present.has(u));
    }
    const pending = new Set(this.pendingExpunge);
    const expunged = [...this.pendingExpunge, ...gone.filter((u) => this.uids.has(u) && !pending.has(u))];
    this.pendingExpunge = [];
    if (expunged.length) {
      if (opts.allowExpunge) out.push(...this.expungeResponses(expunged));
      else this.pendingExpunge = expunged;
    }
    const max = this.maxUid;
    let fresh = 0;
    const flagged: MessageMeta[] = [];
    for (const m of cs.changed) {
      if (m.uid > max) {
        this.uids.push(m.uid);
        this.contexts.touch([m.uid]);
        fresh++;
      } else if (this.uids.has(m.uid) && this.selfReported.get(m.uid) !== m.modseq) flagged.push(m);
    }
    // New keywords are announced before the messages or flag changes that carry them.
    out.push(...this.announceKeywords(cs.changed));
    if (fresh) {
      // The first session to learn of a new message gets its \Recent; others claim nothing.
      if (!this.readOnly) {
        const r = await store.claimRecent(this.info.id, this.maxUid + 1);
        this.addRecent(r.from, r.to);
      }
      out.push(`${this.exists} EXISTS`);
      out.push(`${this.recentCount} RECENT`);
    }
    if (this.contexts.size) this.contexts.touch(flagged.map((m) => m.uid));
    for (const m of flagged) {
      const seq = this.seqOf(m.uid);
      if (!seq) continue;
      const items: ImapValue[] = [atom('FLAGS'), this.flagList(m), atom('UID'), m.uid];
      if (this.condstore) items.push(atom('MODSEQ'), [m.modseq]);
      out.push([seq, atom('FETCH'), items]);
    }
    this.selfReported.clear();
    this.modseq = Math.max(this.modseq, cs.highestModseq);
    return out;
  }

  /** The flags of a message as this session shows them (\Recent is per session). */
  flagNames(m: Pick<MessageMeta, 'uid' | 'flags' | 'keywords'>): string[] {
    const names = flagNames(m.flags, m.keywords);
    if (this.isRecent(m.uid)) names.push('\\Recent');
    return names;
  }

  /** flagNames joined by spaces, as FLAGS (…) shows them. */
  flagText(m: Pick<MessageMeta, 'uid' | 'flags' | 'keywords'>): string {
    let text = SYSTEM_TEXT[m.flags] ?? flagNames(m.flags, '').join(' ');
    // Stored keywords are the names joined by one space (core/flags.ts joinKeywords).
    if (m.keywords) text = text ? `${text} ${m.keywords}` : m.keywords;
    if (this.isRecent(m.uid)) text = text ? `${text} \\Recent` : '\\Recent';
    return text;
  }

  flagList(m: Pick<MessageMeta, 'uid' | 'flags' | 'keywords'>): ImapValue[] {
    return this.flagNames(m).map((f) => atom(f));
  }
}
