// The journal repository: the only code that writes `journal_units` (which units journal their
// mail, and for how long) and `journal_entries` (one per journaled message, unit and direction:
// a reference to the stored content — repositories/contents.ts counts it — never a copy of the
// bytes). Migration 0022_journal. Reads `contents` (folded text) for searching.
// Owns: the SQL of those tables; no business rules.
import { sql } from 'kysely';
import type { Reader, Tx } from '../tx.ts';
import { chunks } from './messages.ts';

export interface JournalUnitRow {
  unitId: number;
  keepYears: number;
  enabled: boolean;
  createdAt: number;
  createdBy: string;
  document: string;
}

export async function upsertJournalUnit(tx: Tx, u: JournalUnitRow): Promise<void> {
  await tx
    .insertInto('journal_units')
    .values({ unit_id: u.unitId, keep_years: u.keepYears, enabled: u.enabled ? 1 : 0, created_at: u.createdAt, created_by: u.createdBy, document: u.document })
    .onConflict((oc) => oc.column('unit_id').doUpdateSet({ keep_years: u.keepYears, enabled: u.enabled ? 1 : 0, created_at: u.createdAt, created_by: u.createdBy, document: u.document }))
    .execute();
}

export async function listJournalUnits(r: Reader): Promise<JournalUnitRow[]> {
  const rows = await r.selectFrom('journal_units').selectAll().orderBy('unit_id').execute();
  return rows.map((u) => ({
    unitId: Number(u.unit_id),
    keepYears: Number(u.keep_years),
    enabled: Number(u.enabled) === 1,
    createdAt: Number(u.created_at),
    createdBy: u.created_by,
    document: u.document,
  }));
}

export interface NewJournalEntry {
  unitId: number;
  direction: 'sent' | 'received';
  sha256: string;
  size: number;
  headerPrefix: Buffer | null;
  prefixReplaces: number;
  sender: string;
  recipients: string[];
  subject: string;
  searchPeople: string;
  sentDate: number | null;
  createdAt: number;
}

export interface JournalEntryRow extends NewJournalEntry {
  id: number;
}

export async function insertEntries(tx: Tx, rows: NewJournalEntry[]): Promise<void> {
  for (const chunk of chunks(rows, 100)) {
    await tx
      .insertInto('journal_entries')
      .values(
        chunk.map((e) => ({
          unit_id: e.unitId,
          direction: e.direction,
          sha256: e.sha256,
          size: e.size,
          header_prefix: e.headerPrefix && e.headerPrefix.length ? e.headerPrefix.toString('latin1') : null,
          prefix_replaces: e.prefixReplaces,
          sender: e.sender,
          recipients: JSON.stringify(e.recipients),
          subject: e.subject,
          search_people: e.searchPeople,
          sent_date: e.sentDate,
          created_at: e.createdAt,
        })),
      )
      .execute();
  }
}

export interface EntryQuery {
  /** Units whose entries are searched (a subtree, resolved by the caller); absent = every unit. */
  unitIds?: number[];
  from?: number;
  to?: number;
  /** Folded: every term must appear in the sender, recipients, names or subject. */
  people?: string[];
  /** Folded: every term must appear in the subject or body (the content's search text). */
  text?: string[];
  direction?: 'sent' | 'received';
  limit: number;
}

type EntryDb = {
  id: number;
  unit_id: number;
  direction: string;
  sha256: string;
  size: number;
  header_prefix: string | null;
  prefix_replaces: number;
  sender: string;
  recipients: string;
  subject: string;
  search_people: string;
  sent_date: number | null;
  created_at: number;
};

function toEntry(r: EntryDb): JournalEntryRow {
  let recipients: string[] = [];
  try {
    const v: unknown = JSON.parse(r.recipients);
    if (Array.isArray(v)) recipients = v.filter((x): x is string => typeof x === 'string');
  } catch {
    // a damaged row shows no recipients
  }
  return {
    id: Number(r.id),
    unitId: Number(r.unit_id),
    direction: r.direction === 'sent' ? 'sent' : 'received',
    sha256: r.sha256,
    size: Number(r.size),
    headerPrefix: r.header_prefix ? Buffer.from(r.header_prefix, 'latin1') : null,
    prefixReplaces: Number(r.prefix_replaces ?? 0),
    sender: r.sender,
    recipients,
    subject: r.subject,
    searchPeople: r.search_people,
    sentDate: r.sent_date === null ? null : Number(r.sent_date),
    createdAt: Number(r.created_at),
  };
}

function likeTerm(t: string): string {
  return `%${t.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
}

/** Entries matching a query, oldest first. */
export async function searchEntries(r: Reader, q: EntryQuery): Promise<JournalEntryRow[]> {
  let s = r.selectFrom('journal_entries').innerJoin('contents', 'contents.sha256', 'journal_entries.sha256').selectAll('journal_entries');
  if (q.unitIds) s = q.unitIds.length ? s.where('journal_entries.unit_id', 'in', q.unitIds) : s.where(sql<boolean>`1 = 0`);
  if (q.from !== undefined) s = s.where('journal_entries.created_at', '>=', q.from);
  if (q.to !== undefined) s = s.where('journal_entries.created_at', '<', q.to);
  if (q.direction) s = s.where('journal_entries.direction', '=', q.direction);
  for (const t of q.people ?? []) s = s.where(sql<boolean>`journal_entries.search_people like ${likeTerm(t)} escape '\\'`);
  for (const t of q.text ?? []) s = s.where(sql<boolean>`(contents.search_subject like ${likeTerm(t)} escape '\\' or contents.search_body like ${likeTerm(t)} escape '\\')`);
  const rows = await s.orderBy('journal_entries.created_at').orderBy('journal_entries.id').limit(q.limit).execute();
  return rows.map(toEntry);
}

export async function entriesByIds(r: Reader, ids: number[]): Promise<JournalEntryRow[]> {
  const out: JournalEntryRow[] = [];
  for (const chunk of chunks(ids, 500)) out.push(...(await r.selectFrom('journal_entries').selectAll().where('id', 'in', chunk).execute()).map(toEntry));
  return out.sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
}

/** Delete a unit's entries made before `cutoff`, but those naming one of `keepPeople` (folded addresses); returns the blobs they named. */
export async function deleteEntriesBefore(tx: Tx, unitId: number, cutoff: number, keepPeople: string[] = []): Promise<{ count: number; sha256s: string[] }> {
  let sel = tx.selectFrom('journal_entries').select('sha256').distinct().where('unit_id', '=', unitId).where('created_at', '<', cutoff);
  let del = tx.deleteFrom('journal_entries').where('unit_id', '=', unitId).where('created_at', '<', cutoff);
  for (const p of keepPeople) {
    sel = sel.where(sql<boolean>`journal_entries.search_people not like ${likeTerm(p)} escape '\\'`);
    del = del.where(sql<boolean>`journal_entries.search_people not like ${likeTerm(p)} escape '\\'`);
  }
  const rows = await sel.execute();
  const d = await del.executeTakeFirst();
  return { count: Number(d.numDeletedRows), sha256s: rows.map((x) => x.sha256) };
}
