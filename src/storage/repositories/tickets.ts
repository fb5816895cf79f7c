// The tickets repository: the only code that writes `tickets`, `ticket_replies` and
// `ticket_messages` (migration 0014_tickets). Rows in, camelCase rows out, no rules: the life cycle
// and who may see what are core/tickets.ts's.
// Owns: tickets, their replies, and the reference to a reported message (which keeps its
// `contents` row: repositories/contents.ts counts `ticket_messages` as a reference).
import type { Reader, Tx } from '../tx.ts';

export interface TicketRow {
  id: number;
  reporterId: number | null;
  reporter: string;
  category: string;
  subject: string;
  body: string;
  state: string;
  assigneeId: number | null;
  assignee: string | null;
  source: string;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
}

export interface TicketReplyRow {
  id: number;
  ticketId: number;
  authorId: number | null;
  author: string;
  body: string;
  internal: boolean;
  createdAt: number;
}

export interface TicketMessageRow {
  ticketId: number;
  sha256: string;
  size: number;
  headerPrefix: Buffer | null;
  prefixReplaces: number;
  subject: string;
  origin: string;
  createdAt: number;
}

export interface NewTicket {
  reporterId: number | null;
  reporter: string;
  category: string;
  subject: string;
  body: string;
  source: string;
  createdAt: number;
}

function selectTickets(r: Reader) {
  return r
    .selectFrom('tickets')
    .leftJoin('accounts as assignee', 'assignee.id', 'tickets.assignee_id')
    .select([
      'tickets.id',
      'tickets.reporter_id',
      'tickets.reporter',
      'tickets.category',
      'tickets.subject',
      'tickets.body',
      'tickets.state',
      'tickets.assignee_id',
      'assignee.username as assignee',
      'tickets.source',
      'tickets.created_at',
      'tickets.updated_at',
      'tickets.closed_at',
    ]);
}

type SelectedTicket = Awaited<ReturnType<ReturnType<typeof selectTickets>['executeTakeFirstOrThrow']>>;

function toTicket(r: SelectedTicket): TicketRow {
  return {
    id: Number(r.id),
    reporterId: r.reporter_id === null ? null : Number(r.reporter_id),
    reporter: r.reporter,
    category: r.category,
    subject: r.subject,
    body: r.body,
    state: r.state,
    assigneeId: r.assignee_id === null ? null : Number(r.assignee_id),
    assignee: r.assignee ?? null,
    source: r.source,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    closedAt: r.closed_at === null ? null : Number(r.closed_at),
  };
}

export async function insertTicket(tx: Tx, t: NewTicket): Promise<number> {
  const row = await tx
    .insertInto('tickets')
    .values({
      reporter_id: t.reporterId,
      reporter: t.reporter,
      category: t.category,
      subject: t.subject,
      body: t.body,
      state: 'new',
      assignee_id: null,
      source: t.source,
      created_at: t.createdAt,
      updated_at: t.createdAt,
      closed_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function ticketById(r: Reader, id: number): Promise<TicketRow | null> {
  const row = await selectTickets(r).where('tickets.id', '=', id).executeTakeFirst();
  return row ? toTicket(row) : null;
}

/** The ticket row locked for the rest of the transaction (PostgreSQL; SQLite's writer lock is enough). */
export async function lockTicket(tx: Tx, id: number, postgres: boolean): Promise<TicketRow | null> {
  if (postgres) await tx.selectFrom('tickets').select('id').where('id', '=', id).forUpdate().execute();
  return ticketById(tx, id);
}

export interface TicketFilter {
  reporterId?: number;
  state?: string;
  category?: string;
  assigneeId?: number | null;
  limit: number;
  before?: number;
}

/** Newest first. `assigneeId: null` = unassigned only. */
export async function listTickets(r: Reader, f: TicketFilter): Promise<TicketRow[]> {
  let q = selectTickets(r);
  if (f.reporterId !== undefined) q = q.where('tickets.reporter_id', '=', f.reporterId);
  if (f.state) q = q.where('tickets.state', '=', f.state);
  if (f.category) q = q.where('tickets.category', '=', f.category);
  if (f.assigneeId === null) q = q.where('tickets.assignee_id', 'is', null);
  else if (f.assigneeId !== undefined) q = q.where('tickets.assignee_id', '=', f.assigneeId);
  if (f.before) q = q.where('tickets.id', '<', f.before);
  return (await q.orderBy('tickets.id', 'desc').limit(f.limit).execute()).map(toTicket);
}

export async function updateTicket(tx: Tx, id: number, set: { state?: string; assigneeId?: number | null; closedAt?: number | null; updatedAt: number }): Promise<void> {
  await tx
    .updateTable('tickets')
    .set({
      ...(set.state !== undefined ? { state: set.state } : {}),
      ...(set.assigneeId !== undefined ? { assignee_id: set.assigneeId } : {}),
      ...(set.closedAt !== undefined ? { closed_at: set.closedAt } : {}),
      updated_at: set.updatedAt,
    })
    .where('id', '=', id)
    .execute();
}

export async function insertReply(tx: Tx, r: Omit<TicketReplyRow, 'id'>): Promise<number> {
  const row = await tx
    .insertInto('ticket_replies')
    .values({ ticket_id: r.ticketId, author_id: r.authorId, author: r.author, body: r.body, internal: r.internal ? 1 : 0, created_at: r.createdAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function repliesOf(r: Reader, ticketId: number, withInternal: boolean): Promise<TicketReplyRow[]> {
  let q = r.selectFrom('ticket_replies').selectAll().where('ticket_id', '=', ticketId);
  if (!withInternal) q = q.where('internal', '=', 0);
  const rows = await q.orderBy('id').execute();
  return rows.map((x) => ({
    id: Number(x.id),
    ticketId: Number(x.ticket_id),
    authorId: x.author_id === null ? null : Number(x.author_id),
    author: x.author,
    body: x.body,
    internal: Number(x.internal) === 1,
    createdAt: Number(x.created_at),
  }));
}

export async function insertTicketMessage(tx: Tx, m: TicketMessageRow): Promise<void> {
  await tx
    .insertInto('ticket_messages')
    .values({
      ticket_id: m.ticketId,
      sha256: m.sha256,
      size: m.size,
      header_prefix: m.headerPrefix && m.headerPrefix.length ? m.headerPrefix.toString('latin1') : null,
      prefix_replaces: m.prefixReplaces,
      subject: m.subject,
      origin: m.origin,
      created_at: m.createdAt,
    })
    .execute();
}

export async function ticketMessage(r: Reader, ticketId: number): Promise<TicketMessageRow | null> {
  const x = await r.selectFrom('ticket_messages').selectAll().where('ticket_id', '=', ticketId).executeTakeFirst();
  if (!x) return null;
  return {
    ticketId: Number(x.ticket_id),
    sha256: x.sha256,
    size: Number(x.size),
    headerPrefix: x.header_prefix ? Buffer.from(x.header_prefix, 'latin1') : null,
    prefixReplaces: Number(x.prefix_replaces),
    subject: x.subject,
    origin: x.origin,
    createdAt: Number(x.created_at),
  };
}

/** Drop the reference (the ticket closed); returns the content it named, for the caller to drop if nothing else does. */
export async function deleteTicketMessage(tx: Tx, ticketId: number): Promise<string | null> {
  const row = await tx.deleteFrom('ticket_messages').where('ticket_id', '=', ticketId).returning('sha256').executeTakeFirst();
  return row ? row.sha256 : null;
}

/** A message of this account (any of its folders) showing this content: what a report by content id names. */
export async function ownMessageByContent(r: Reader, accountId: number, sha256: string): Promise<{ mailboxId: number; uid: number } | null> {
  const row = await r
    .selectFrom('messages')
    .innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id')
    .select(['messages.mailbox_id', 'messages.uid'])
    .where('mailboxes.account_id', '=', accountId)
    .where('messages.sha256', '=', sha256)
    .orderBy('messages.id')
    .limit(1)
    .executeTakeFirst();
  return row ? { mailboxId: Number(row.mailbox_id), uid: Number(row.uid) } : null;
}

/** A message of this account whose Message-ID is this one (a forward's X-Forwarded-Message-Id names it), newest first. */
export async function ownMessageByMessageId(r: Reader, accountId: number, messageId: string): Promise<{ mailboxId: number; uid: number } | null> {
  const row = await r
    .selectFrom('messages')
    .innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id')
    .innerJoin('contents', 'contents.sha256', 'messages.sha256')
    .select(['messages.mailbox_id', 'messages.uid'])
    .where('mailboxes.account_id', '=', accountId)
    .where('contents.message_id', '=', messageId)
    .orderBy('messages.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { mailboxId: Number(row.mailbox_id), uid: Number(row.uid) } : null;
}
