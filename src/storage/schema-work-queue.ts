// The work-queue tables as kysely sees them (migration 0020_work_queue, issue 10, R8.4).
// Owns: the types of `message_assignments` and `message_assignment_events`.
import type { Generated } from 'kysely';

/** A message of a unit mailbox in the shared work queue: who took it, whether it is handled, a note. */
export interface MessageAssignmentsTable {
  id: Generated<number>;
  message_id: number; // messages.id (cascade: gone with the message)
  owner_account_id: number; // the unit mailbox's account
  assignee_account_id: number | null;
  handled: number; // 0 | 1
  note: string;
  updated_at: number;
  updated_by: string; // address
}

/** Every change of an assignment, with who and when. */
export interface MessageAssignmentEventsTable {
  id: Generated<number>;
  assignment_id: number;
  at: number;
  actor: string; // address
  kind: string; // 'assign' | 'unassign' | 'handled' | 'unhandled' | 'note'
  value: string;
}
