// The quarantine repository: the only code that writes the `quarantine` table (infected messages
// kept for administrators, migration 0012_quarantine). A row is a reference to its blob's
// `contents` row (repositories/contents.ts counts it), so the caller saves that row in the same
// transaction as the insert, and drops it (dropUnreferenced) in the one that deletes the last row.
// Owns: inserting, listing, reading and deleting quarantine rows, and finding those past their time.
import type { Reader, Tx } from '../tx.ts';

export interface NewQuarantined {
  sha256: string;
  size: number;
  listener: string;
  sender: string;
  recipients: string[];
  accountId: number | null;
  virus: string;
  subject: string;
  remoteAddress: string;
  helo: string;
  smtpQueueId: string;
  createdAt: number;
}

export interface QuarantineRow extends NewQuarantined {
  id: number;
}

type Row = {
  id: number;
  sha256: string;
  size: number;
  listener: string;
  sender: string;
  recipients: string;
  account_id: number | null;
  virus: string;
  subject: string;
  remote_address: string;
  helo: string;
  smtp_queue_id: string;
  created_at: number;
};

function toRow(r: Row): QuarantineRow {
  let recipients: string[] = [];
  try {
    const v: unknown = JSON.parse(r.recipients);
    if (Array.isArray(v)) recipients = v.filter((x): x is string => typeof x === 'string');
  } catch {
    // a damaged row shows no recipients
  }
  return {
    id: Number(r.id),
    sha256: r.sha256,
    size: Number(r.size),
    listener: r.listener,
    sender: r.sender,
    recipients,
    accountId: r.account_id === null ? null : Number(r.account_id),
    virus: r.virus,
    subject: r.subject,
    remoteAddress: r.remote_address,
    helo: r.helo,
    smtpQueueId: r.smtp_queue_id,
    createdAt: Number(r.created_at),
  };
}

export async function insertQuarantined(tx: Tx, q: NewQuarantined): Promise<number> {
  const row = await tx
    .insertInto('quarantine')
    .values({
      sha256: q.sha256,
      size: q.size,
      listener: q.listener,
      sender: q.sender,
      recipients: JSON.stringify(q.recipients),
      account_id: q.accountId,
      virus: q.virus,
      subject: q.subject.replace(/\0/g, ''),
      remote_address: q.remoteAddress,
      helo: q.helo.replace(/\0/g, ''),
      smtp_queue_id: q.smtpQueueId,
      created_at: q.createdAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** Newest first; `before`: the last id of the page before. */
export async function listQuarantined(r: Reader, limit: number, before?: number): Promise<QuarantineRow[]> {
  let q = r.selectFrom('quarantine').selectAll().orderBy('id', 'desc').limit(limit);
  if (before !== undefined) q = q.where('id', '<', before);
  return (await q.execute()).map((x) => toRow(x as Row));
}

export async function quarantinedById(r: Reader, id: number): Promise<QuarantineRow | null> {
  const row = await r.selectFrom('quarantine').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRow(row as Row) : null;
}

/** Delete one row; true when it was there (a second delete, or a concurrent one, finds nothing). */
export async function deleteQuarantined(tx: Tx, id: number): Promise<boolean> {
  const rows = await tx.deleteFrom('quarantine').where('id', '=', id).returning('id').execute();
  return rows.length > 0;
}

/** Up to `limit` rows kept since before `before` (ms), oldest first. */
export async function quarantinedBefore(r: Reader, before: number, limit: number): Promise<QuarantineRow[]> {
  const rows = await r.selectFrom('quarantine').selectAll().where('created_at', '<', before).orderBy('created_at').orderBy('id').limit(limit).execute();
  return rows.map((x) => toRow(x as Row));
}
