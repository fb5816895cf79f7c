// The EmailSubmission repository: the only code that reads or writes `email_submissions`
// (migration 0019_jmap).
// Owns: the record of each Email sent through JMAP (RFC 8621 §7). The sending itself is the core's
// (core/mailstore.ts, core/hygiene.ts); the rules are src/jmap/submission.ts's.
import type { Reader, Tx } from '../tx.ts';

export interface SubmissionRow {
  id: number;
  accountId: number;
  submitterId: number;
  identityId: string;
  emailId: string;
  threadId: string;
  envelope: string;
  queueIds: number[];
  delivered: string[];
  sendAt: number;
}

type Raw = { id: number; account_id: number; submitter_id: number; identity_id: string; email_id: string; thread_id: string; envelope: string; queue_ids: string; delivered: string; send_at: number };

function row(x: Raw): SubmissionRow {
  return {
    id: Number(x.id),
    accountId: Number(x.account_id),
    submitterId: Number(x.submitter_id),
    identityId: x.identity_id,
    emailId: x.email_id,
    threadId: x.thread_id,
    envelope: x.envelope,
    queueIds: JSON.parse(x.queue_ids) as number[],
    delivered: JSON.parse(x.delivered) as string[],
    sendAt: Number(x.send_at),
  };
}

export async function insertSubmission(tx: Tx, s: Omit<SubmissionRow, 'id'>): Promise<number> {
  const r = await tx
    .insertInto('email_submissions')
    .values({
      account_id: s.accountId,
      submitter_id: s.submitterId,
      identity_id: s.identityId,
      email_id: s.emailId,
      thread_id: s.threadId,
      envelope: s.envelope,
      queue_ids: JSON.stringify(s.queueIds),
      delivered: JSON.stringify(s.delivered),
      send_at: s.sendAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

/** The account's submissions with these ids (all of them when `ids` is null), oldest first. */
export async function submissionsOf(r: Reader, accountId: number, ids: number[] | null, limit = 10_000): Promise<SubmissionRow[]> {
  let q = r.selectFrom('email_submissions').selectAll().where('account_id', '=', accountId);
  if (ids) {
    if (!ids.length) return [];
    q = q.where('id', 'in', ids);
  }
  return (await q.orderBy('id').limit(limit).execute()).map(row);
}

/** Ids of the account's submissions after `afterId`, oldest first; and the highest id now. */
export async function submissionsAfter(r: Reader, accountId: number, afterId: number): Promise<number[]> {
  const rows = await r.selectFrom('email_submissions').select('id').where('account_id', '=', accountId).where('id', '>', afterId).orderBy('id').execute();
  return rows.map((x) => Number(x.id));
}

export async function lastSubmissionId(r: Reader, accountId: number): Promise<number> {
  const x = await r
    .selectFrom('email_submissions')
    .select((e) => e.fn.max('id').as('m'))
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return Number(x?.m ?? 0);
}

export async function deleteSubmissions(tx: Tx, accountId: number, ids: number[]): Promise<number[]> {
  if (!ids.length) return [];
  const gone = await tx.deleteFrom('email_submissions').where('account_id', '=', accountId).where('id', 'in', ids).returning('id').execute();
  return gone.map((x) => Number(x.id));
}
