// Pruning finished outbound queue entries: a message in state 'done' keeps its row (queue
// history for `thutin queue`) for `outbound.doneRetentionMs`, then goes with its recipients
// (ON DELETE CASCADE).
// Owns: the pruning SQL of `outbound_queue` (to be folded into the queue repository by its owner).
import type { Reader, Tx } from '../tx.ts';

/** Up to `limit` finished entries created before `cutoff` (index outbound_queue_done). */
export async function doneBefore(r: Reader, cutoff: number, limit = 500): Promise<Array<{ id: number; sha256: string }>> {
  const rows = await r.selectFrom('outbound_queue').select(['id', 'sha256']).where('state', '=', 'done').where('created_at', '<', cutoff).orderBy('id').limit(limit).execute();
  return rows.map((x) => ({ id: Number(x.id), sha256: x.sha256 }));
}

/** Delete these entries if they are still finished; returns the blob names of those deleted. */
export async function deleteDone(tx: Tx, ids: number[]): Promise<string[]> {
  if (!ids.length) return [];
  // Recipients first: PostgreSQL cascades anyway, and so does SQLite with foreign keys on.
  await tx
    .deleteFrom('outbound_recipients')
    .where('queue_id', 'in', (eb) => eb.selectFrom('outbound_queue').select('id').where('id', 'in', ids).where('state', '=', 'done'))
    .execute();
  const rows = await tx.deleteFrom('outbound_queue').where('id', 'in', ids).where('state', '=', 'done').returning('sha256').execute();
  return rows.map((x) => x.sha256);
}
