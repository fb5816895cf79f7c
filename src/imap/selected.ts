// The state of a selected mailbox inside one IMAP session: the sequence-number ↔ UID map,
// what the session has already told its client (mod-sequence, \Recent), and turning the
// change log into untagged EXISTS / EXPUNGE / FETCH responses at the moments RFC 3501 allows.
import type { MailboxInfo, MailStore, MessageMeta } from '../core/mailstore.ts';
import { flagNames } from '../core/flags.ts';
import { atom, type ImapValue } from './protocol/value.ts';
import { formatSequenceSet } from './parser/sequence-set.ts';

export class SelectedMailbox {
  /** UIDs in sequence order: sequence number n is uids[n - 1]. */
  uids: number[];
  modseq: number;
  readonly recent = new Set<number>();
  /** (uid → modseq) of flag changes this session made and already reported itself. */
  private readonly selfReported = new Map<number, number>();
  /** UIDs the last SEARCH … RETURN (SAVE) kept, for `$`. */
  saved: number[] = [];
  dirty = true;
  /** QRESYNC enabled: expunges are announced as VANISHED (RFC 7162 3.2.10). */
  qresync = false;

  constructor(
    public info: MailboxInfo,
    readonly readOnly: boolean,
    messages: MessageMeta[],
    public condstore: boolean,
  ) {
    this.uids = messages.map((m) => m.uid);
    this.modseq = info.highestModseq;
  }

  get exists(): number {
    return this.uids.length;
  }

  get maxUid(): number {
    return this.uids.length ? this.uids[this.uids.length - 1] : 0;
  }

  seqOf(uid: number): number {
    let lo = 0;
    let hi = this.uids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.uids[mid];
      if (v === uid) return mid + 1;
      if (v < uid) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  markReported(uid: number, modseq: number): void {
    this.selfReported.set(uid, modseq);
  }

  /** Remove expunged UIDs from the map, returning the sequence numbers to announce, in order. */
  removeUids(uids: Iterable<number>): number[] {
    const seqs: number[] = [];
    const gone = new Set(uids);
    // Each EXPUNGE carries the sequence number as it is at that moment (RFC 3501 7.4.1):
    // announcing in ascending order, every earlier removal shifts the later ones down by one.
    const next: number[] = [];
    let removed = 0;
    for (let i = 0; i < this.uids.length; i++) {
      const uid = this.uids[i];
      if (gone.has(uid)) {
        seqs.push(i + 1 - removed);
        removed++;
        this.recent.delete(uid);
        this.selfReported.delete(uid);
      } else next.push(uid);
    }
    this.uids = next;
    return seqs;
  }

  /** Remove UIDs and return the untagged responses that announce it (EXPUNGE or VANISHED). */
  expungeResponses(uids: number[]): string[] {
    if (!this.qresync) return this.removeUids(uids).map((seq) => `${seq} EXPUNGE`);
    const present = uids.filter((u) => this.seqOf(u) > 0);
    this.removeUids(present);
    return present.length ? [`VANISHED ${formatSequenceSet(present)}`] : [];
  }

  /**
   * Read the change log and produce the untagged responses the client must now see.
   * With allowExpunge false (during FETCH, STORE, SEARCH) expunges wait, as RFC 3501 7.4.1 asks.
   */
  async refresh(store: MailStore, opts: { allowExpunge: boolean }): Promise<Array<string | ImapValue[]>> {
    const out: Array<string | ImapValue[]> = [];
    const cs = await store.changesSince(this.info.id, this.modseq);
    if (cs.highestModseq <= this.modseq && !this.pendingExpunge.length) return out;
    const known = new Set(this.uids);
    const expunged = [...this.pendingExpunge, ...cs.expunged.filter((u) => known.has(u))];
    this.pendingExpunge = [];
    if (expunged.length) {
      if (opts.allowExpunge) {
        out.push(...this.expungeResponses(expunged));
      } else {
        this.pendingExpunge = expunged;
      }
    }
    const fresh: MessageMeta[] = [];
    const flagged: MessageMeta[] = [];
    const max = this.maxUid;
    for (const m of cs.changed) {
      if (m.uid > max && !known.has(m.uid)) fresh.push(m);
      else if (known.has(m.uid) && this.selfReported.get(m.uid) !== m.modseq) flagged.push(m);
    }
    if (fresh.length) {
      for (const m of fresh) {
        this.uids.push(m.uid);
        if (!this.readOnly) this.recent.add(m.uid);
      }
      out.push(`${this.uids.length} EXISTS`);
      out.push(`${this.recent.size} RECENT`);
    }
    for (const m of flagged) {
      const seq = this.seqOf(m.uid);
      if (!seq) continue;
      const items: ImapValue[] = [atom('FLAGS'), this.flagList(m), atom('UID'), m.uid];
      if (this.condstore) items.push(atom('MODSEQ'), [m.modseq]);
      out.push([atom(`${seq} FETCH`), items]);
    }
    this.selfReported.clear();
    this.modseq = Math.max(this.modseq, cs.highestModseq);
    return out;
  }

  pendingExpunge: number[] = [];

  flagList(m: Pick<MessageMeta, 'uid' | 'flags' | 'keywords'>): ImapValue[] {
    const names = flagNames(m.flags, m.keywords).map((f) => atom(f));
    if (this.recent.has(m.uid)) names.push(atom('\\Recent'));
    return names;
  }
}
