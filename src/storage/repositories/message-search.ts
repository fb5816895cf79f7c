// Text search over a folder's messages: the folded (accent- and đ-insensitive) copies of each
// message's fields kept with its content, and the Date: line as written. Read-only.
// Owns: the SQL of SEARCH's text keys (SUBJECT, FROM, TO, CC, BCC, HEADER, BODY, TEXT) and SORT by date, and the fields JMAP threads read.
import { sql } from 'kysely';
import { isPostgres, type Reader } from '../tx.ts';

const SEARCH_COLUMNS = {
  subject: 'search_subject',
  from: 'search_from',
  to: 'search_to',
  cc: 'search_cc',
  bcc: 'search_bcc',
  headers: 'search_headers',
  body: 'search_body',
} as const;
export type SearchField = keyof typeof SEARCH_COLUMNS | 'text';

function likeContains(folded: string): string {
  return `%${folded.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
}

/** UIDs whose folded `field` contains the (already folded) term. */
export async function searchFolded(r: Reader, mailboxId: number, field: SearchField, folded: string): Promise<Set<number>> {
  const pattern = likeContains(folded);
  const cols = field === 'text' ? (['search_headers', 'search_body'] as const) : ([SEARCH_COLUMNS[field]] as const);
  const rows = await r
    .selectFrom('messages')
    .innerJoin('contents', 'contents.sha256', 'messages.sha256')
    .select('messages.uid')
    .where('messages.mailbox_id', '=', mailboxId)
    .where((eb) => eb.or(cols.map((c) => sql<boolean>`${sql.ref('contents.' + c)} like ${pattern} escape '\\'`)))
    .execute();
  return new Set(rows.map((x) => Number(x.uid)));
}

/** Candidate UIDs and their folded header lines, for messages whose headers contain `folded`. */
export async function headerCandidates(r: Reader, mailboxId: number, folded: string): Promise<Array<{ uid: number; headers: string }>> {
  const rows = await r
    .selectFrom('messages')
    .innerJoin('contents', 'contents.sha256', 'messages.sha256')
    .select(['messages.uid', 'contents.search_headers'])
    .where('messages.mailbox_id', '=', mailboxId)
    .where(sql<boolean>`contents.search_headers like ${likeContains(folded)} escape '\\'`)
    .execute();
  return rows.map((x) => ({ uid: Number(x.uid), headers: x.search_headers }));
}

/**
 * The start of each message's folded `date:` header line as written (time zone and all), or null
 * when it has none: SENTBEFORE/SENTON/SENTSINCE compare the date written there (RFC 3501 6.4.4).
 * Only that line's first bytes leave the database, not the whole header text.
 */
export async function sentDateFields(r: Reader, mailboxId: number): Promise<Map<number, string | null>> {
  const text = sql<string>`(${'\n'} || contents.search_headers)`;
  const at = isPostgres(r) ? sql`strpos(${text}, ${'\ndate:'})` : sql`instr(${text}, ${'\ndate:'})`;
  const rows = await r
    .selectFrom('messages')
    .innerJoin('contents', 'contents.sha256', 'messages.sha256')
    .select(['messages.uid', sql<string>`substr(${text}, ${at}, 120)`.as('line')])
    .where('messages.mailbox_id', '=', mailboxId)
    .execute();
  return new Map(rows.map((x) => [Number(x.uid), x.line.startsWith('\ndate:') ? x.line.slice(6).split('\n')[0].trim() : null]));
}

/**
 * The References: field of every message of a folder (THREAD=REFERENCES), from the folded header
 * lines (msg-ids lower-cased), null when absent. A field longer than the cap loses its last,
 * partial msg-id.
 */
export async function referenceFields(r: Reader, mailboxId: number, cap = 8000): Promise<Map<number, string | null>> {
  const text = sql<string>`(${'\n'} || contents.search_headers)`;
  const at = isPostgres(r) ? sql`strpos(${text}, ${'\nreferences:'})` : sql`instr(${text}, ${'\nreferences:'})`;
  const rows = await r
    .selectFrom('messages')
    .innerJoin('contents', 'contents.sha256', 'messages.sha256')
    .select(['messages.uid', sql<string>`substr(${text}, ${at}, ${cap})`.as('line')])
    .where('messages.mailbox_id', '=', mailboxId)
    .execute();
  return new Map(
    rows.map((x) => {
      if (!x.line.startsWith('\nreferences:')) return [Number(x.uid), null];
      const v = x.line.slice(12);
      const nl = v.indexOf('\n');
      return [Number(x.uid), nl >= 0 ? v.slice(0, nl) : v.slice(0, v.lastIndexOf('>') + 1)];
    }),
  );
}

/**
 * What threading needs of a folder's messages (all, or those `uids`), in one read without parsing
 * structures: the Message-ID, the In-Reply-To and References lines as the folded header text keeps
 * them (lower case), and the decoded subject (JMAP threads, jmap/threads.ts).
 */
export async function threadFields(
  r: Reader,
  mailboxId: number,
  uids: number[] | null,
  cap = 4000,
): Promise<Array<{ uid: number; messageId: string | null; subject: string; inReplyTo: string | null; references: string | null }>> {
  const text = sql<string>`(${'\n'} || contents.search_headers)`;
  const pos = (name: string) => (isPostgres(r) ? sql`strpos(${text}, ${name})` : sql`instr(${text}, ${name})`);
  const line = (v: string, name: string): string | null => {
    if (!v.startsWith(name)) return null;
    const rest = v.slice(name.length);
    const nl = rest.indexOf('\n');
    return nl >= 0 ? rest.slice(0, nl) : rest.slice(0, rest.lastIndexOf('>') + 1);
  };
  const read = (some: number[] | null) => {
    let q = r
      .selectFrom('messages')
      .innerJoin('contents', 'contents.sha256', 'messages.sha256')
      .select([
        'messages.uid',
        'contents.message_id',
        'contents.subject',
        sql<string>`substr(${text}, ${pos('\nin-reply-to:')}, ${cap})`.as('irt'),
        sql<string>`substr(${text}, ${pos('\nreferences:')}, ${cap})`.as('refs'),
      ])
      .where('messages.mailbox_id', '=', mailboxId);
    if (some) q = q.where('messages.uid', 'in', some);
    return q.execute();
  };
  const rows = [];
  if (uids) for (let i = 0; i < uids.length; i += 500) rows.push(...(await read(uids.slice(i, i + 500))));
  else rows.push(...(await read(null)));
  return rows.map((x) => ({
    uid: Number(x.uid),
    messageId: x.message_id ? x.message_id.toLowerCase() : null,
    subject: x.subject ?? '',
    inReplyTo: line(x.irt, '\nin-reply-to:'),
    references: line(x.refs, '\nreferences:'),
  }));
}

/** The stored structure (index JSON without search text) of some contents. */
export async function structures(r: Reader, sha256s: string[]): Promise<Array<{ sha256: string; structure: string }>> {
  if (!sha256s.length) return [];
  return r.selectFrom('contents').select(['sha256', 'structure']).where('sha256', 'in', sha256s).execute();
}
