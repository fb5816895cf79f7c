// The kysely types of the retention, legal-hold and journal tables (issue 14): retention policies,
// when a message entered Trash or Junk, legal holds, messages expunged under a hold (migration
// 0021_retention), the journal's units and entries (0022_journal). The Database type that names
// them all is schema.ts's.
// Owns: these table types only (each table's SQL is its repository's: repositories/retention.ts, journal.ts).
import type { Generated } from 'kysely';

/** A retention policy (0021): which folders of which mailboxes, and what it does to their mail. */
export interface RetentionPoliciesTable {
  id: Generated<number>;
  /** '*' (every folder), a special use ('\\Trash', '\\Junk', …) or a folder name. */
  folder: string;
  /** The unit whose subtree it covers; null = the whole province. */
  unit_id: number | null;
  /** 'any' | 'personal' | 'unit' (a unit's own mailbox). */
  mailbox_type: string;
  /** 'keep-years': mail older than N years goes; 'delete-after-days': mail N days in the folder goes. */
  kind: string;
  amount: number;
  created_at: number;
  created_by: string;
  document: string;
}

/** When a message was copied or moved into a folder a 'delete-after-days' policy may cover (0021). */
export interface FolderEntriesTable {
  mailbox_id: number;
  uid: number;
  entered_at: number;
}

/** A legal hold (0021) on one mailbox (account) or on a unit's subtree; released rows stay as history. */
export interface LegalHoldsTable {
  id: Generated<number>;
  kind: string; // 'mailbox' | 'unit'
  account_id: number | null;
  unit_id: number | null;
  /** What it names, as set: the address or the unit's code (kept when the account or unit goes). */
  label: string;
  document: string;
  set_by: string;
  set_at: number;
  released_at: number | null;
  released_by: string | null;
  release_document: string | null;
}

/** A message removed from a held mailbox (expunged, its folder deleted, or due by a policy): hidden from the user, kept (0021). */
export interface HeldMessagesTable {
  id: Generated<number>;
  account_id: number;
  folder: string;
  mailbox_id: number;
  uid: number;
  sha256: string; // its contents row is kept while this row names it
  size: number;
  internal_date: number;
  flags: number;
  keywords: string;
  header_prefix: string | null;
  prefix_replaces: number;
  /** 'expunge' | 'folder-delete' | 'retention' */
  cause: string;
  held_at: number;
}

/** A unit whose mail is journaled (0022), and how long its journal is kept. */
export interface JournalUnitsTable {
  unit_id: number;
  keep_years: number;
  /** 1: new mail is journaled; 0: turned off (what was journaled stays until keep_years). */
  enabled: number;
  created_at: number;
  created_by: string;
  document: string;
}

/** One journaled message of one unit and direction (0022): a reference to the stored content, read-only. */
export interface JournalEntriesTable {
  id: Generated<number>;
  unit_id: number;
  direction: string; // 'sent' | 'received'
  sha256: string; // its contents row is kept while this row names it
  size: number;
  header_prefix: string | null;
  prefix_replaces: number;
  sender: string; // the From: address ('' when none)
  recipients: string; // JSON array: local and remote recipients of the commit
  subject: string;
  /** Folded (core/text/fold.ts) sender, recipients, names and subject: the people search. */
  search_people: string;
  sent_date: number | null;
  created_at: number;
}
