// The JMAP tables (migration 0019_jmap) as kysely sees them.
// Owns: the types of `identities`, `email_submissions` and `thread_keys` (0025_threads).
import type { Generated } from 'kysely';

/** One account's settings for one address it may send from (RFC 8621 §6). */
export interface IdentitiesTable {
  id: Generated<number>;
  account_id: number;
  email: string; // lower case
  name: Generated<string>;
  reply_to: string | null; // JSON EmailAddress[]
  bcc: string | null; // JSON EmailAddress[]
  text_signature: Generated<string>;
  html_signature: Generated<string>;
  updated_at: number;
}

/** An Email sent through JMAP (RFC 8621 §7). */
export interface EmailSubmissionsTable {
  id: Generated<number>;
  account_id: number;
  submitter_id: number;
  identity_id: string;
  email_id: string;
  thread_id: string;
  envelope: string; // JSON
  queue_ids: string; // JSON number[]
  delivered: string; // JSON string[]
  send_at: number;
}

/** How new mail finds its thread (migration 0025_threads; storage/repositories/threads.ts). */
export interface ThreadKeysTable {
  account_id: number;
  key: string; // base64url SHA-256 of (msg-id \0 base subject)
  thread_id: string; // "<folder id>_<uid>"
}
