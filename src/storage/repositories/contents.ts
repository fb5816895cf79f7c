// The contents repository: the only code that writes the `contents` table (one row per distinct
// message blob: size, index JSON without search text, folded search text).
// Owns: saving a content row, dropping rows nothing references (in the transaction that removed
// the last reference), and the read queries of reclaiming and `thutin store check`. A content is
// referenced by `messages.sha256` rows, by `outbound_queue.sha256` rows not in state 'done', and by
// `ticket_messages.sha256` rows (a reported message kept until its ticket closes, core/tickets.ts),
// by `quarantine.sha256` rows (an infected message kept for administrators, core/quarantine.ts),
// by `held_messages.sha256` (removed under a legal hold, core/legal-hold.ts) and by
// `journal_entries.sha256` (the journal archive, core/journal.ts).
import { sql, type ExpressionBuilder } from 'kysely';
import type { Database } from '../schema.ts';
import type { Reader, Tx } from '../tx.ts';
import { precompiled } from '../precompiled.ts';

/** A content row as the core makes it: the index JSON without search text, the folded search fields. */
export interface NewContent {
  sha256: string;
  size: number;
  headerSize: number;
  structure: string;
  sentDate: number | null;
  messageId: string | null;
  subject: string;
  /** Folded (lower case, no diacritics, đ → d) copies of the searchable fields. */
  search: { subject: string; from: string; to: string; cc: string; bcc: string; headers: string; body: string };
}

/** Save the row of an ingested content (once per distinct blob: a second save does nothing). */
// Run once per received message: built once (storage/precompiled.ts).
const saveContentQuery = precompiled(
  (
    tx,
    sha256: string,
    size: number,
    headerSize: number,
    structure: string,
    sentDate: number | null,
    messageId: string | null,
    subject: string,
    sSubject: string,
    sFrom: string,
    sTo: string,
    sCc: string,
    sBcc: string,
    sHeaders: string,
    sBody: string,
    createdAt: number,
  ) =>
    tx
      .insertInto('contents')
      .values({
        sha256,
        size,
        header_size: headerSize,
        structure,
        sent_date: sentDate,
        message_id: messageId,
        subject,
        search_subject: sSubject,
        search_from: sFrom,
        search_to: sTo,
        search_cc: sCc,
        search_bcc: sBcc,
        search_headers: sHeaders,
        search_body: sBody,
        created_at: createdAt,
      })
      .onConflict((oc) => oc.column('sha256').doNothing()),
);

export async function saveContent(tx: Tx, c: NewContent): Promise<void> {
  const s = c.search;
  await saveContentQuery(tx, c.sha256, c.size, c.headerSize, c.structure, c.sentDate, c.messageId, c.subject, s.subject, s.from, s.to, s.cc, s.bcc, s.headers, s.body, Date.now());
}

/** Names per statement: well below SQLite's 32,766 bound parameters and PostgreSQL's 65,535. */
export const CHUNK = 500;

function chunked<T>(arr: T[], n = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < arr.length; i += n) out.push(arr.slice(i, i + n));
  return out;
}

/** `contents` rows that no message, no unfinished queue entry, no open ticket and no quarantined message references. */
function unreferenced(eb: ExpressionBuilder<Database, 'contents'>) {
  return eb.and([
    eb.not(
      eb.exists(
        eb
          .selectFrom('messages')
          .select(sql`1`.as('one'))
          .whereRef('messages.sha256', '=', 'contents.sha256'),
      ),
    ),
    eb.not(
      eb.exists(
        eb
          .selectFrom('outbound_queue')
          .select(sql`1`.as('one'))
          .whereRef('outbound_queue.sha256', '=', 'contents.sha256')
          .where('outbound_queue.state', '<>', 'done'),
      ),
    ),
    eb.not(
      eb.exists(
        eb
          .selectFrom('ticket_messages')
          .select(sql`1`.as('one'))
          .whereRef('ticket_messages.sha256', '=', 'contents.sha256'),
      ),
    ),
    eb.not(
      eb.exists(
        eb
          .selectFrom('quarantine')
          .select(sql`1`.as('one'))
          .whereRef('quarantine.sha256', '=', 'contents.sha256'),
      ),
    ),
    // Issue 14: a message removed from a mailbox under legal hold, and a journal entry, keep their content.
    eb.not(
      eb.exists(
        eb
          .selectFrom('held_messages')
          .select(sql`1`.as('one'))
          .whereRef('held_messages.sha256', '=', 'contents.sha256'),
      ),
    ),
    eb.not(
      eb.exists(
        eb
          .selectFrom('journal_entries')
          .select(sql`1`.as('one'))
          .whereRef('journal_entries.sha256', '=', 'contents.sha256'),
      ),
    ),
  ]);
}

/**
 * Delete the rows among `sha256s` that no message, unfinished queue entry or ticket references;
 * returns those deleted. Call it in the transaction that removed the references; once that
 * commits, hand the result to `Reclaimer.release` (core/reclaim.ts), which unlinks the blobs.
 */
export async function dropUnreferenced(tx: Tx, sha256s: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const chunk of chunked([...new Set(sha256s)])) {
    const rows = await tx
      .deleteFrom('contents')
      .where('sha256', 'in', chunk)
      .where((eb) => unreferenced(eb))
      .returning('sha256')
      .execute();
    out.push(...rows.map((r) => r.sha256));
  }
  return out;
}

/** Which of these blob names have a `contents` row. */
export async function existingContents(r: Reader, sha256s: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const chunk of chunked([...new Set(sha256s)])) {
    for (const row of await r.selectFrom('contents').select('sha256').where('sha256', 'in', chunk).execute()) out.add(row.sha256);
  }
  return out;
}

/** Up to `limit` rows that nothing references (a bug's leftovers: dropping is transactional), after `after` in name order. */
export async function unreferencedContents(r: Reader, limit = CHUNK, after = ''): Promise<string[]> {
  const rows = await r
    .selectFrom('contents')
    .select('sha256')
    .where('sha256', '>', after)
    .where((eb) => unreferenced(eb))
    .orderBy('sha256')
    .limit(limit)
    .execute();
  return rows.map((x) => x.sha256);
}

/** Every row's name and size, a page at a time in name order (`after`: the last name of the page before). */
export async function contentPage(r: Reader, after: string, limit = CHUNK): Promise<Array<{ sha256: string; size: number }>> {
  const rows = await r.selectFrom('contents').select(['sha256', 'size']).where('sha256', '>', after).orderBy('sha256').limit(limit).execute();
  return rows.map((x) => ({ sha256: x.sha256, size: Number(x.size) }));
}

/** Messages whose `contents` row is missing (possible only with foreign keys off or a broken restore). */
export async function messagesWithoutContent(r: Reader, limit = 1000): Promise<Array<{ mailboxId: number; uid: number; sha256: string }>> {
  const rows = await r
    .selectFrom('messages')
    .leftJoin('contents', 'contents.sha256', 'messages.sha256')
    .select(['messages.mailbox_id', 'messages.uid', 'messages.sha256'])
    .where('contents.sha256', 'is', null)
    .orderBy('messages.id')
    .limit(limit)
    .execute();
  return rows.map((x) => ({ mailboxId: Number(x.mailbox_id), uid: Number(x.uid), sha256: x.sha256 }));
}

/** Unfinished queue entries whose `contents` row is missing (a finished one may have lost it: normal). */
export async function queueWithoutContent(r: Reader, limit = 1000): Promise<Array<{ queueId: number; sha256: string; state: string }>> {
  const rows = await r
    .selectFrom('outbound_queue')
    .leftJoin('contents', 'contents.sha256', 'outbound_queue.sha256')
    .select(['outbound_queue.id', 'outbound_queue.sha256', 'outbound_queue.state'])
    .where('contents.sha256', 'is', null)
    .where('outbound_queue.state', '<>', 'done')
    .orderBy('outbound_queue.id')
    .limit(limit)
    .execute();
  return rows.map((x) => ({ queueId: Number(x.id), sha256: x.sha256, state: x.state }));
}
