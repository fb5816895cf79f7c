// Compaction of the `changes` log (expunges per MODSEQ, read by IMAP sessions and QRESYNC's
// VANISHED). Entries older than the retention go; the mailbox's `changes_floor` rises above the
// highest MODSEQ removed, so a client whose state is older gets a full resync instead of a
// VANISHED list with holes (the store reports `complete: false` below the floor).
// Owns: the compaction SQL of `changes` and `mailboxes.changes_floor` (to be folded into the
// messages/folders repositories by their owner).
import type { Reader, Tx } from '../tx.ts';

/** Mailboxes with log entries created before `cutoff`, and the highest MODSEQ among those entries. */
export async function compactableMailboxes(r: Reader, cutoff: number, limit = 1000): Promise<Array<{ mailboxId: number; maxModseq: number }>> {
  const rows = await r
    .selectFrom('changes')
    .select(['mailbox_id', (eb) => eb.fn.max('modseq').as('max_modseq')])
    .where('created_at', '<', cutoff)
    .groupBy('mailbox_id')
    .orderBy('mailbox_id')
    .limit(limit)
    .execute();
  return rows.map((x) => ({ mailboxId: Number(x.mailbox_id), maxModseq: Number(x.max_modseq) }));
}

/**
 * Drop a mailbox's log entries up to and including `upToModseq` and raise its floor to
 * `upToModseq + 1` (never lower it), in one transaction: nobody sees the entries gone without the
 * floor. Returns how many entries went.
 */
export async function compactMailbox(tx: Tx, mailboxId: number, upToModseq: number): Promise<number> {
  const del = await tx.deleteFrom('changes').where('mailbox_id', '=', mailboxId).where('modseq', '<=', upToModseq).executeTakeFirst();
  await tx
    .updateTable('mailboxes')
    .set({ changes_floor: upToModseq + 1 })
    .where('id', '=', mailboxId)
    .where('changes_floor', '<', upToModseq + 1)
    .execute();
  return Number(del.numDeletedRows);
}
