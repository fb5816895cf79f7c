// The kysely types of the request tables (issue 11, src/requests/): requests, their rows, events
// and documents. The Database type that names them all is schema.ts's.
// Owns: these table types only (each table's SQL is its repository's).
import type { Generated } from 'kysely';

/** Requests of the decision's processes (issue 11, migration 0015_requests; src/requests/). */
export interface RequestsTable {
  id: Generated<number>;
  kind: string;
  state: string;
  unit_id: number | null;
  requester_account_id: number | null;
  requester: string;
  summary: Generated<string>;
  note: Generated<string>;
  effective_at: number | null;
  due_at: number | null;
  reject_reason: string | null;
  error: string | null;
  lease_until: number | null;
  created_at: number;
  updated_at: number;
  submitted_at: number | null;
  decided_at: number | null;
  executed_at: number | null;
  notified_at: number | null;
  overdue_notified_at: number | null;
}

/** One effect of a request (a batch has one per CSV row). */
export interface RequestItemsTable {
  id: Generated<number>;
  request_id: number;
  line: number;
  kind: string;
  payload: string; // JSON
  state: Generated<string>; // pending | done | failed
  error: string | null;
  result: string | null; // JSON
  done_at: number | null;
  credential_hash: string | null;
  credential_expires_at: number | null;
  credential_redeemed_at: number | null;
}

/** Every transition of a request: who, when, from which state to which. */
export interface RequestEventsTable {
  id: Generated<number>;
  request_id: number;
  at: number;
  actor: string;
  event: string;
  from_state: string | null;
  to_state: string | null;
  note: Generated<string>;
}

/** The official document behind a request: reference (number, date, signer) and the optional scanned PDF. */
export interface RequestDocumentsTable {
  id: Generated<number>;
  request_id: number;
  number: string;
  issued_on: string;
  signer: string;
  filename: string | null;
  content_type: string | null;
  size: number | null;
  sha256: string | null;
  content: Buffer | null;
  added_by: string;
  created_at: number;
}

/** Who acknowledged a handover record and when (migration 0023_requests_2). */
export interface RequestAcknowledgementsTable {
  id: Generated<number>;
  request_id: number;
  line: number;
  role: string; // 'outgoing' | 'incoming'
  address: string;
  account_id: number | null;
  acknowledged_at: number;
}

/** A purged leaver's address, given to nobody else before `until_at` (migration 0023_requests_2; directory.addressQuarantineDays). */
export interface AddressQuarantineTable {
  address: string;
  until_at: number;
  person_name: string;
  left_at: number | null;
  created_at: number;
}
