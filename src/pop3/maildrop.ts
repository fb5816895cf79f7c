// Owns: a POP3 session's maildrop (RFC 1939 §5, §6): INBOX as it was at sign-in, numbered from 1;
// the messages marked deleted (DELE, undone by RSET) and those retrieved (RETR), which the UPDATE
// state turns into expunges and \Seen through the mail store; and each message's UIDL, stable
// across sessions: UID and UIDVALIDITY as eight hex digits each (Dovecot's default
// pop3_uidl_format %08Xu%08Xv, so a client moved from a Dovecot server with the same UIDs
// downloads nothing twice).
import type { MessageMeta } from '../core/mailstore.ts';
import { ALREADY_DELETED, NO_SUCH_MESSAGE, Pop3Error } from './errors.ts';

interface Entry {
  meta: MessageMeta;
  deleted: boolean;
  retrieved: boolean;
}

const hex8 = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');

export class Maildrop {
  private readonly entries: Entry[];
  /** The one message read ahead (RETR in order), as a promise of its bytes or of the error. */
  private ahead: { n: number; bytes: Promise<Buffer | Error> } | null = null;

  constructor(
    readonly mailboxId: number,
    readonly uidvalidity: number,
    messages: MessageMeta[],
  ) {
    this.entries = messages.map((meta) => ({ meta, deleted: false, retrieved: false }));
  }

  /** Messages not marked deleted, and their octets (STAT). */
  stat(): { count: number; octets: number } {
    let count = 0;
    let octets = 0;
    for (const e of this.entries) {
      if (e.deleted) continue;
      count++;
      octets += e.meta.size;
    }
    return { count, octets };
  }

  /** Every message not marked deleted, with its number. */
  *live(): Iterable<{ n: number; meta: MessageMeta }> {
    for (let i = 0; i < this.entries.length; i++) if (!this.entries[i].deleted) yield { n: i + 1, meta: this.entries[i].meta };
  }

  /** Message n (1-based), which must exist and not be marked deleted. */
  get(n: number): MessageMeta {
    const e = this.entries[n - 1];
    if (!e) throw new Pop3Error(NO_SUCH_MESSAGE);
    if (e.deleted) throw new Pop3Error(ALREADY_DELETED);
    return e.meta;
  }

  /** Message n if it exists and is not marked deleted (no error). */
  peek(n: number): MessageMeta | null {
    const e = this.entries[n - 1];
    return e && !e.deleted ? e.meta : null;
  }

  setAhead(n: number, bytes: Promise<Buffer | Error>): void {
    this.ahead = { n, bytes };
  }

  /** The bytes read ahead for message n, if they were (taken once); any other read ahead is dropped. */
  takeAhead(n: number): Promise<Buffer | Error> | null {
    const a = this.ahead;
    this.ahead = null;
    return a && a.n === n ? a.bytes : null;
  }

  uidl(meta: MessageMeta): string {
    return `${hex8(meta.uid)}${hex8(this.uidvalidity)}`;
  }

  dele(n: number): void {
    this.get(n);
    this.entries[n - 1].deleted = true;
  }

  retrieved(n: number): void {
    this.entries[n - 1].retrieved = true;
  }

  /** RSET: nothing marked deleted any more. */
  reset(): void {
    for (const e of this.entries) e.deleted = false;
  }

  /** What QUIT applies: UIDs to expunge, and UIDs retrieved, kept and not yet \Seen. */
  changes(seenBit: number): { expunge: number[]; seen: number[] } {
    const expunge: number[] = [];
    const seen: number[] = [];
    for (const e of this.entries) {
      if (e.deleted) expunge.push(e.meta.uid);
      else if (e.retrieved && !(e.meta.flags & seenBit)) seen.push(e.meta.uid);
    }
    return { expunge, seen };
  }
}
