// JMAP ids (RFC 8620 §1.2: 1–255 of [A-Za-z0-9_-]) for what the mail store names by numbers.
// Every id is derived, nothing is stored but a moved message's first place: an account is
// `A<account id>`, a mailbox `M<folder id>`, an Email `E<folder id>_<uid>` of the place it was
// first stored — a message is in exactly one mailbox, and a MOVE keeps its id (RFC 8621 §4.1.1:
// the store keeps the first place as `origin` on the moved copy; a COPY is a new Email) — its
// thread `T` + the place of the Email that started it (stored with each message: core/threads.ts), the blob of a whole message
// `B<folder id>_<uid>` where it is now, of one of its parts `B<folder id>_<uid>_<part with '-' for
// '.'>`, an upload `U<sha-256 hex>`. Folder ids are never reused, so none of these ever names
// something else.
// Owns: the id forms.

export function accountId(id: number): string {
  return `A${id}`;
}

export function parseAccountId(s: unknown): number | null {
  const m = typeof s === 'string' ? /^A(\d{1,15})$/.exec(s) : null;
  return m ? Number(m[1]) : null;
}

export function mailboxId(id: number): string {
  return `M${id}`;
}

export function parseMailboxId(s: unknown): number | null {
  const m = typeof s === 'string' ? /^M(\d{1,15})$/.exec(s) : null;
  return m ? Number(m[1]) : null;
}

export interface MessageRef {
  mailboxId: number;
  uid: number;
}

export function emailId(r: MessageRef): string {
  return `E${r.mailboxId}_${r.uid}`;
}

/** An Email's id: its first place (`origin`, kept by a MOVE) or where it is. */
export function emailIdOf(r: MessageRef, meta: { origin?: string | null }): string {
  return meta.origin ? `E${meta.origin}` : emailId(r);
}

/** The place an Email id names: where the message was first stored. */
export function originOf(r: MessageRef): string {
  return `${r.mailboxId}_${r.uid}`;
}

export function threadId(r: MessageRef): string {
  return `T${r.mailboxId}_${r.uid}`;
}

function parseRef(prefix: string, s: unknown): MessageRef | null {
  const m = typeof s === 'string' ? new RegExp(`^${prefix}(\\d{1,15})_(\\d{1,10})$`).exec(s) : null;
  return m ? { mailboxId: Number(m[1]), uid: Number(m[2]) } : null;
}

/** A thread's id: `T` + the place of the Email that started it (stored: core/threads.ts); a message not threaded yet is a thread of its own. */
export function threadIdOf(r: MessageRef, meta: { origin?: string | null; threadId?: string | null }): string {
  return meta.threadId ? `T${meta.threadId}` : 'T' + emailIdOf(r, meta).slice(1);
}

export function parseEmailId(s: unknown): MessageRef | null {
  return parseRef('E', s);
}

export function parseThreadId(s: unknown): MessageRef | null {
  return parseRef('T', s);
}

export type BlobRef = { kind: 'message'; ref: MessageRef; part: string | null } | { kind: 'upload'; sha256: string };

export function messageBlobId(r: MessageRef, part: string | null = null): string {
  return `B${r.mailboxId}_${r.uid}${part ? '_' + part.replace(/\./g, '-') : ''}`;
}

export function uploadBlobId(sha256: string): string {
  return `U${sha256}`;
}

export function parseBlobId(s: unknown): BlobRef | null {
  if (typeof s !== 'string') return null;
  const u = /^U([0-9a-f]{64})$/.exec(s);
  if (u) return { kind: 'upload', sha256: u[1] };
  const m = /^B(\d{1,15})_(\d{1,10})(?:_(\d{1,4}(?:-\d{1,4}){0,100}))?$/.exec(s);
  if (!m) return null;
  return { kind: 'message', ref: { mailboxId: Number(m[1]), uid: Number(m[2]) }, part: m[3] ? m[3].replace(/-/g, '.') : null };
}
