// The database tables as kysely sees them. One schema for both backends (SQLite and PostgreSQL);
// times are milliseconds since the epoch, flags a bit mask (see core/flags.ts).
import type { Generated } from 'kysely';
import type {
  QuarantineTable,
  SpamListsTable,
  SpamLearnQueueTable,
  ForwardingTable,
  SendLogTable,
  SendHoldsTable,
  FreeMailCountsTable,
  TicketsTable,
  TicketRepliesTable,
  TicketMessagesTable,
} from './schema-hygiene.ts';
import type { RetentionPoliciesTable, FolderEntriesTable, LegalHoldsTable, HeldMessagesTable, JournalUnitsTable, JournalEntriesTable } from './schema-retention.ts';
import type { RequestsTable, RequestItemsTable, RequestEventsTable, RequestDocumentsTable, RequestAcknowledgementsTable, AddressQuarantineTable } from './schema-requests.ts';
import type { MessageAssignmentsTable, MessageAssignmentEventsTable } from './schema-work-queue.ts';
import type { IdentitiesTable, EmailSubmissionsTable, ThreadKeysTable } from './schema-jmap.ts';

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
  changes_floor: Generated<number>; // the change log is complete only for MODSEQs ≥ this (compaction)
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
  header_prefix: Generated<string | null>; // header fields served before the blob (latin1 bytes), added by SMTP stages
  prefix_replaces: Generated<number>; // blob bytes the prefix replaces (0: it only adds)
  internal_date_zone: Generated<number>; // the INTERNALDATE's zone, minutes east of UTC (0008c)
  origin: Generated<string | null>; // "<folder id>_<uid>" of the message's first copy when a MOVE made this one (0019_jmap)
  thread_id: Generated<string | null>; // "<folder id>_<uid>" of the Email that started its thread; null until the backfill (0025_threads)
}

export interface ChangesTable {
  id: Generated<number>;
  mailbox_id: number;
  modseq: number;
  uid: number;
  kind: string; // 'expunge' (appends and flag changes are found by messages.modseq)
  created_at: Generated<number>;
  origin: Generated<string | null>; // the expunged message's messages.origin (0019_jmap)
  thread_id: Generated<string | null>; // the expunged message's messages.thread_id (0025_threads)
}

export interface OutboundQueueTable {
  id: Generated<number>;
  sender: string; // '' for the null sender
  sha256: string;
  size: number;
  account_id: number | null;
  state: string; // 'active' | 'hold' | 'done'
  created_at: number;
  warned_at: Generated<number | null>; // when the delay warning went to the sender (0005_outbound)
  header_prefix: Generated<string | null>; // as messages.header_prefix
  prefix_replaces: Generated<number>;
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
  // 0005_outbound: the last attempt, its enhanced status code and the remote host that answered,
  // and whether the sender was told of a bounce (a DSN is sent once, in the same transaction).
  last_attempt_at: Generated<number | null>;
  status: Generated<string | null>; // e.g. '5.1.1'
  remote_mta: Generated<string | null>;
  notified: Generated<number>; // 0 | 1
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor: string; // who: 'cli:<os user>', an account, 'system'
  action: string; // e.g. 'account.create'
  target: string;
  details: string; // JSON, never a secret
  reason: Generated<string>; // the document that authorised it ('' when none)
  prev_hash: Generated<string>; // hash of the entry before ('' for the first)
  hash: Generated<string>; // sha256 over prev_hash and this entry's fields (core/audit.ts)
}

// ---- Directory (issue 4): units, people, lists, delegations, roles, history ----

export interface UnitsTable {
  id: Generated<number>;
  code: string; // stable code, upper case: 'SNV', 'TPKT'
  name: string; // Vietnamese name, NFC
  abbreviation: string; // unaccented lower case, the unit mailbox local part by default: 'snv'
  kind: string; // 'province' | 'agency' | 'district' | 'commune' | 'department' | …
  parent_id: number | null;
  head_person_id: number | null;
  mailbox_account_id: number | null; // the unit mailbox (an account)
  valid_from: number | null; // ms; null = always
  valid_to: number | null; // ms; null = still valid
  successor_id: number | null; // merged into / replaced by
  search_name: string; // folded name + code + abbreviation, for search
  created_at: number;
  updated_at: number;
}

export interface PeopleTable {
  id: Generated<number>;
  full_name: string; // NFC, as written: 'Nguyễn Văn An'
  family_name: string; // 'Nguyễn'
  middle_name: string; // 'Văn' ('' when none)
  given_name: string; // 'An'
  title: string; // position / chức vụ ('' when none)
  unit_id: number | null;
  phone: string;
  status: string; // 'active' | 'suspended' | 'left'
  account_id: number | null; // the personal mailbox
  search_name: string; // folded full name + given-first order + mail local part
  sort_key: string; // Vietnamese order: given, family, middle (see text/collate.ts)
  left_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface DistributionListsTable {
  id: Generated<number>;
  address: string; // lower case local@domain; resolved by the directory (not an account address)
  name: string;
  kind: string; // 'static' | 'unit-members' | 'unit-heads'
  unit_id: number | null; // for derived lists: the subtree they cover
  senders: string; // who may send: 'anyone' | 'members' | 'local' | 'listed'
  created_at: number;
  updated_at: number;
}

export interface ListMembersTable {
  list_id: number;
  address: string; // a member (static lists) or an allowed sender (senders='listed', role='sender')
  role: string; // 'member' | 'sender'
}

export interface DirectoryHistoryTable {
  id: Generated<number>;
  entity: string; // 'unit' | 'person' | 'list' | 'delegation'
  entity_id: number;
  valid_from: number; // ms: this version holds from …
  valid_to: number | null; // … until (null = current)
  data: string; // JSON snapshot of the row
  actor: string;
  reason: string; // the official document that authorised the change ('' when none)
  request_id: Generated<number | null>; // the request (issue 11) the change was made by; null = outside any request
}

export interface MailboxDelegationsTable {
  id: Generated<number>;
  owner_account_id: number; // the mailbox shared (usually a unit mailbox)
  grantee_account_id: number;
  rights: string; // space separated: 'read' 'send-as' 'send-on-behalf' 'manage'
  granted_by: string;
  created_at: number;
}

export interface RoleAssignmentsTable {
  id: Generated<number>;
  account_id: number;
  role: string; // 'sysadmin' | 'directory-manager' | 'agency-head' | 'agency-clerk' | 'auditor'
  unit_id: number | null; // scope: this unit and below; null = the whole province
  granted_by: string;
  created_at: number;
}

export interface ApiTokensTable {
  token_hash: string; // sha256 hex of the bearer token
  account_id: number;
  created_at: number;
  expires_at: number;
}

/** Issue 9: failures counted per account, client address and (account, usual address) (core/throttle.ts). */
export interface SignInThrottleTable {
  key: string; // 'acct:<login>' | 'ip:<address or IPv6 /64>' | 'pair:<login>|<address>'
  failures: string; // JSON array of times (ms) of counted failures within the window
  pending: Generated<string>; // JSON array of times (ms) of attempts still being checked (reservations)
  consecutive: number; // failures since the last success (exponential delay)
  last_failure_at: number;
  locked_until: number; // 0 = not locked
  updated_at: number;
}

/** Addresses an account signed in from successfully (a lockout never stops them). */
export interface SignInKnownTable {
  account_id: number;
  address_key: string;
  last_success_at: number;
}

/** Sign-ins for the user to see (GET /api/v1/me/sign-ins), pruned by maintenance. */
export interface SignInsTable {
  id: Generated<number>;
  account_id: number | null;
  login: string;
  protocol: string; // 'imap' | 'pop3' | 'managesieve' | 'smtp' | 'ldap' | 'http' | 'jmap'
  address: string;
  client: string;
  success: number; // 0 | 1
  outcome: string; // 'ok' | 'invalid' | 'throttled' | 'locked' | 'must-change' | 'expired' | 'disabled'
  created_at: number;
  prev_hash: Generated<string>; // the previous row's hash ('' for the first)
  hash: Generated<string>; // sha256(prev_hash + canonical JSON of the row): the history is tamper-evident
}

/** "End every open session of account N" (suspend, leave, password change or reset), followed by every process. */
export interface SessionEndsTable {
  id: Generated<number>;
  account_id: number;
  reason: string;
  created_at: number;
  /** Only the sessions opened with this app password end (it was revoked); null: all of the account's. */
  app_password_id: number | null;
}

/** The last UIDVALIDITY each account handed out (0008): a name never gets one again after DELETE and CREATE. */
export interface UidvalidityCountersTable {
  account_id: number;
  last_uidvalidity: number;
}

/** Subscribed folder names of an account (0008b): a name stays subscribed when its folder is deleted. */
export interface SubscriptionsTable {
  account_id: number;
  name: string;
}

/** The POP3 maildrop locks (0010): one row per account a POP3 session holds, until `expires_at` unless renewed. */
export interface MaildropLocksTable {
  account_id: number;
  holder: string;
  expires_at: number;
}

/** An account's TOTP second factor (0010_second_factor): the secret encrypted at rest, on once confirmed. */
export interface SecondFactorsTable {
  account_id: number;
  secret_enc: string; // 'v1:' iv:tag:ciphertext (AES-256-GCM, base64url) with the data directory's key
  enabled: number; // 0 while enrolling, 1 once confirmed
  last_step: number; // the last TOTP time step accepted (no code is accepted twice)
  created_at: number;
  enabled_at: number | null;
}

/** One-time recovery codes of the second factor (salted SHA-256). */
export interface RecoveryCodesTable {
  id: Generated<number>;
  account_id: number;
  salt: string;
  code_hash: string;
  used_at: number | null;
}

/** App passwords: for mail clients (IMAP, POP3, SMTP, LDAP), never the web sign-in. */
export interface AppPasswordsTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  prefix: string; // the first characters of the password, to find the one hash to check
  password_hash: string; // argon2id
  created_at: number;
  last_used_at: number | null;
}

/** IMAP METADATA entries (0018_mailbox_metadata, RFC 5464): folder 0 = the server, account 0 = /shared. */
export interface MailboxMetadataTable {
  folder_id: number;
  account_id: number;
  entry: string;
  value: string; // base64
  updated_at: number;
}

/** An account's Sieve scripts (0017_sieve, RFC 5228/5804): at most one active. */
export interface SieveScriptsTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  script: string;
  active: number; // 0 / 1
  created_at: number;
  updated_at: number;
}

/** Whom a vacation handle answered, and when (RFC 5230 :days / :seconds). `handle` is the SHA-256 of the handle. */
export interface SieveVacationRepliesTable {
  account_id: number;
  handle: string;
  sender: string;
  sent_at: number;
}

/** Mail per day and direction (migration 0024_mail_daily; storage/repositories/mail-daily.ts). */
export interface MailDailyTable {
  day: string;
  direction: string;
  messages: number;
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
  units: UnitsTable;
  people: PeopleTable;
  distribution_lists: DistributionListsTable;
  list_members: ListMembersTable;
  directory_history: DirectoryHistoryTable;
  requests: RequestsTable;
  request_items: RequestItemsTable;
  request_events: RequestEventsTable;
  request_documents: RequestDocumentsTable;
  request_acknowledgements: RequestAcknowledgementsTable;
  address_quarantine: AddressQuarantineTable;
  mailbox_delegations: MailboxDelegationsTable;
  role_assignments: RoleAssignmentsTable;
  api_tokens: ApiTokensTable;
  sign_in_throttle: SignInThrottleTable;
  sign_in_known: SignInKnownTable;
  sign_ins: SignInsTable;
  session_ends: SessionEndsTable;
  sieve_scripts: SieveScriptsTable;
  mailbox_metadata: MailboxMetadataTable;
  sieve_vacation_replies: SieveVacationRepliesTable;
  uidvalidity_counters: UidvalidityCountersTable;
  subscriptions: SubscriptionsTable;
  maildrop_locks: MaildropLocksTable;
  second_factors: SecondFactorsTable;
  recovery_codes: RecoveryCodesTable;
  app_passwords: AppPasswordsTable;
  forwarding: ForwardingTable;
  send_log: SendLogTable;
  send_holds: SendHoldsTable;
  free_mail_counts: FreeMailCountsTable;
  tickets: TicketsTable;
  ticket_replies: TicketRepliesTable;
  ticket_messages: TicketMessagesTable;
  quarantine: QuarantineTable;
  spam_lists: SpamListsTable;
  retention_policies: RetentionPoliciesTable;
  folder_entries: FolderEntriesTable;
  legal_holds: LegalHoldsTable;
  held_messages: HeldMessagesTable;
  journal_units: JournalUnitsTable;
  journal_entries: JournalEntriesTable;
  mail_daily: MailDailyTable;
  spam_learn_queue: SpamLearnQueueTable;
  message_assignments: MessageAssignmentsTable;
  thread_keys: ThreadKeysTable;
  message_assignment_events: MessageAssignmentEventsTable;
  identities: IdentitiesTable;
  email_submissions: EmailSubmissionsTable;
}
