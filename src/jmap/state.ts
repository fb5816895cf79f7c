// JMAP states (RFC 8620 §5.1, §5.2) tied to the store's MODSEQs, so a change made over IMAP, POP3,
// SMTP or JMAP shows in the other doors at once. A state is the account's folders at one moment —
// per folder its id, HIGHESTMODSEQ, UIDNEXT and a hash of its name, role and
// subscription (every append, flag change and expunge raises HIGHESTMODSEQ, so counts need no place) — packed (deflate, base64url). Nothing is kept on the server: /changes compares the
// client's state with the folders now and reads each changed folder's change log
// (MailStore.changesSince): a message appended since (UID ≥ the old UIDNEXT) is created, one
// changed since is updated, one expunged since is destroyed. A folder gone since that ever held a
// message (UIDNEXT > 1), or a change log compacted past the old MODSEQ answers cannotCalculateChanges.
// Owns: the state format.
import crypto from 'node:crypto';
import zlib from 'node:zlib';

export interface FolderMark {
  /** Folder id. */
  id: number;
  modseq: number;
  uidnext: number;
  /** Hash of the name, role and subscription: a rename changes the Mailbox state. */
  shape: string;
}

export function shapeOf(name: string, specialUse: string | null, subscribed: boolean): string {
  return crypto
    .createHash('sha256')
    .update(`${name}\0${specialUse ?? ''}\0${subscribed ? 1 : 0}`)
    .digest('base64url')
    .slice(0, 8);
}

export function encodeState(marks: FolderMark[]): string {
  const text = [...marks]
    .sort((a, b) => a.id - b.id)
    .map((m) => `${m.id.toString(36)}.${m.modseq.toString(36)}.${m.uidnext.toString(36)}.${m.shape}`)
    .join(',');
  return 's' + zlib.deflateRawSync(Buffer.from(text, 'utf8')).toString('base64url');
}

/** The folder marks of a state, or null when it is not one of ours. */
export function decodeState(state: unknown): FolderMark[] | null {
  if (typeof state !== 'string' || !state.startsWith('s') || state.length > 200_000) return null;
  try {
    const text = zlib.inflateRawSync(Buffer.from(state.slice(1), 'base64url'), { maxOutputLength: 2_000_000 }).toString('utf8');
    if (text === '') return [];
    const out: FolderMark[] = [];
    for (const entry of text.split(',')) {
      const [id, modseq, uidnext, shape] = entry.split('.');
      const nums = [id, modseq, uidnext].map((x) => parseInt(x, 36));
      if (nums.some((n) => !Number.isSafeInteger(n) || n < 0) || !shape) return null;
      out.push({ id: nums[0], modseq: nums[1], uidnext: nums[2], shape });
    }
    return out;
  } catch {
    return null;
  }
}
