// The kysely types of the hygiene and ticket tables (issue 12): quarantine, spam lists and the
// learn queue, forwarding, the sending log and holds, free-mail counters, tickets. The Database
// type that names them all is schema.ts's.
// Owns: these table types only (each table's SQL is its repository's).
import type { Generated } from 'kysely';

/** An infected message kept for administrators (0012_quarantine, repositories/quarantine.ts). */
export interface QuarantineTable {
  id: Generated<number>;
  sha256: string; // the blob; its contents row is kept while this row names it
  size: number;
  listener: string; // 'inbound' | 'submission'
  sender: string; // '' for the null sender
  recipients: string; // JSON array of addresses
  account_id: number | null; // the submitting account (submission)
  virus: string;
  subject: string;
  remote_address: string;
  helo: string;
  smtp_queue_id: string;
  created_at: number;
}

/** A recipient's own spam allow / block list entry (0011_spam_lists): an address or a domain. */
export interface SpamListsTable {
  id: Generated<number>;
  account_id: number;
  kind: string; // 'allow' | 'block'
  entry: string; // lower case: local@domain, or a domain (its subdomains too)
  created_at: number;
  created_by: string;
}

/** A message to teach rspamd (0011_spam_lists): moved into Junk (spam) or out of it (ham). Durable until rspamd has it. */
export interface SpamLearnQueueTable {
  id: Generated<number>;
  account_id: number;
  mailbox_id: number;
  uid: number;
  kind: string; // 'spam' | 'ham'
  attempts: number;
  next_at: number; // not tried before this time (retry after rspamd was away)
  created_at: number;
}

/** An account's forward address (0013_forwarding_send_limits): mail delivered to it is also queued there. */
export interface ForwardingTable {
  account_id: number;
  address: string; // lower case
  keep_copy: number; // 1: a copy stays in the account's INBOX too
  updated_at: number;
  updated_by: string;
}

/** One accepted submission (0013): the sending rate limits count these over the last hour. */
export interface SendLogTable {
  id: Generated<number>;
  account_id: number;
  at: number;
  recipients: number;
}

/** An account held for bursting past its sending limits (0013): its outbound mail is queued on hold. */
export interface SendHoldsTable {
  account_id: number;
  held_at: number;
  messages: number;
  recipients: number;
  limit_kind: string; // 'account' | 'unit-mailbox' | 'manual'
}

/** Messages exchanged with free-mail domains per day, unit and direction (0013, Article 9's report). */
export interface FreeMailCountsTable {
  day: string;
  unit_id: number; // 0: no unit
  direction: string; // 'in' | 'out'
  messages: number;
}

/** An incident ticket (0014_tickets, R7.6/R7.7): a report of spam, a virus or a fault, and its state. */
export interface TicketsTable {
  id: Generated<number>;
  reporter_id: number | null; // null once the reporter's account is deleted; `reporter` keeps the address
  reporter: string;
  category: string; // spam | virus | fault | other
  subject: string;
  body: string;
  state: string; // new | in_progress | answered | closed
  assignee_id: number | null;
  source: string; // api | mail | cli | webmail
  created_at: number;
  updated_at: number;
  closed_at: number | null;
}

/** A reply on a ticket; `internal` notes are for administrators only. */
export interface TicketRepliesTable {
  id: Generated<number>;
  ticket_id: number;
  author_id: number | null;
  author: string;
  body: string;
  internal: number; // 0 | 1
  created_at: number;
}

/** The reported message of an open ticket: a reference to its `contents` row, which it keeps until the ticket closes. */
export interface TicketMessagesTable {
  ticket_id: number;
  sha256: string;
  size: number; // served size: prefix + blob bytes after prefix_replaces
  header_prefix: string | null; // as messages.header_prefix
  prefix_replaces: number;
  subject: string;
  origin: string; // where it came from: 'folder <id> uid <n>', 'attachment', 'mail'
  created_at: number;
}
