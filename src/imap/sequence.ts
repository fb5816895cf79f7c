// Owns: resolving a command's sequence set against the selected mailbox: message sequence numbers
// or UIDs ('*' is the last message; '$' the saved search result) → UIDs in mailbox order.
import type { SequenceSet } from './parser/types.ts';
import { expandSequenceSet, resolveSequenceSet } from './parser/sequence-set.ts';
import type { SelectedMailbox } from './selected.ts';
import { ImapError } from './errors.ts';

export function resolveUids(sel: SelectedMailbox, set: SequenceSet, byUid: boolean): number[] {
  if (byUid) return sel.uids.inRanges(resolveSequenceSet(set, sel.maxUid, sel.saved));
  if (set.kind === 'saved') return sel.saved.filter((u) => sel.uids.has(u));
  // RFC 3501: a sequence number beyond the mailbox is an error (unless the mailbox is empty and '*' used).
  for (const r of set.ranges) {
    for (const v of [r.start, r.end]) {
      if (v !== '*' && v > sel.exists) throw new ImapError('BAD', `Số thứ tự không hợp lệ / invalid message sequence number ${v}`);
    }
  }
  return expandSequenceSet(set, sel.exists).map((seq) => sel.uids.uidAt(seq));
}
