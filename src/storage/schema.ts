// The database tables as kysely sees them. One schema for both backends (SQLite and PostgreSQL);
// times are milliseconds since the epoch, flags a bit mask (see core/flags.ts).
import type { Generated } from 'kysely';

export interface AccountsTable {
  id: Generated<number>;
  username: string; // the primary address, lower case
  password_hash: string; // argon2id PHC string
  status: string; // 'active' | 'disabled'
  quota_bytes: number;
  used_bytes: Generated<number>; // sum of the sizes of the account's messages
  must_change_password: number; // 0 | 1
  created_at: number;
  updated_at: number;
}

export interface AddressesTable {
  address: string; // lower case local@domain
  account_id: number;
  created_at: number;
}

export interface MailboxesTable {
  id: Generated<number>;
  account_id: number;
  name: string; // full path, '/' separated, INBOX upper case
  special_use: string | null; // \Sent, \Drafts, \Junk, \Trash, \Archive
  uidvalidity: number;
  uidnext: number;
  highest_modseq: number;
  first_recent_uid: number; // messages from this UID on are \Recent for the next session that selects
  subscribed: number; // 0 | 1
  created_at: number;
}

export interface ContentsTable {
  sha256: string; // blob name
  size: number;
  header_size: number;
  structure: string; // JSON MessageIndex minus search text
  sent_date: number | null;
  message_id: string | null;
  subject: string; // decoded, for display / sorting
  search_subject: string; // folded (lower case, no diacritics, đ→d)
  search_from: string;
  search_to: string;
  search_cc: string;
  search_bcc: string;
  search_headers: string;
  search_body: string;
  created_at: number;
}

export interface MessagesTable {
  id: Generated<number>;
  mailbox_id: number;
  uid: number;
  modseq: number;
  sha256: string;
  size: number;
  internal_date: number;
  flags: number; // bit mask of system flags
  keywords: string; // space separated keywords, '' when none
}

export interface ChangesTable {
  id: Generated<number>;
  mailbox_id: number;
  modseq: number;
  uid: number;
  kind: string; // 'expunge' (appends and flag changes are found by messages.modseq)
}

export interface OutboundQueueTable {
  id: Generated<number>;
  sender: string; // '' for the null sender
  sha256: string;
  size: number;
  account_id: number | null;
  state: string; // 'active' | 'hold' | 'done'
  created_at: number;
}

export interface OutboundRecipientsTable {
  id: Generated<number>;
  queue_id: number;
  recipient: string;
  state: string; // 'queued' | 'deferred' | 'delivered' | 'bounced'
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  updated_at: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor: string; // who: 'cli:<os user>', an account, 'system'
  action: string; // e.g. 'account.create'
  target: string;
  details: string; // JSON, never a secret
}

export interface Database {
  accounts: AccountsTable;
  addresses: AddressesTable;
  mailboxes: MailboxesTable;
  contents: ContentsTable;
  messages: MessagesTable;
  changes: ChangesTable;
  outbound_queue: OutboundQueueTable;
  outbound_recipients: OutboundRecipientsTable;
  audit_log: AuditLogTable;
}
