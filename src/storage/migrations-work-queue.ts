// Migration 0020_work_queue (issue 10, R8.4): the unit mailbox as a shared work queue. One row per
// message of a unit mailbox that someone has touched (assigned to, handled, a short internal note),
// keyed by the `messages` row's id — removed with the message (expunge, folder or account deletion
// cascade) and carried to the new row by a move (core/work-queue.ts, a mail-store copy hook) — and
// the history of every change with who and when.
// Owns: the 0020_work_queue schema change only (the entry is in migrations.ts).
import type { Kysely, Migration } from 'kysely';
import { withId, type Dialect } from './dialect.ts';

export function workQueueMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any> /* eslint-disable-line @typescript-eslint/no-explicit-any -- migrations see every schema version */) {
      await withId(db.schema.createTable('message_assignments'), dialect)
        .addColumn('message_id', 'bigint', (c) => c.notNull().unique().references('messages.id').onDelete('cascade'))
        .addColumn('owner_account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade')) // the unit mailbox
        .addColumn('assignee_account_id', 'bigint', (c) => c.references('accounts.id').onDelete('set null'))
        .addColumn('handled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull()) // the address of who changed it last
        .execute();
      await db.schema.createIndex('message_assignments_owner').on('message_assignments').columns(['owner_account_id', 'assignee_account_id']).execute();
      await withId(db.schema.createTable('message_assignment_events'), dialect)
        .addColumn('assignment_id', 'bigint', (c) => c.notNull().references('message_assignments.id').onDelete('cascade'))
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull()) // address
        .addColumn('kind', 'text', (c) => c.notNull()) // 'assign' | 'unassign' | 'handled' | 'unhandled' | 'note'
        .addColumn('value', 'text', (c) => c.notNull().defaultTo('')) // the assignee's address, the note
        .execute();
      await db.schema.createIndex('message_assignment_events_assignment').on('message_assignment_events').columns(['assignment_id', 'at']).execute();
    },
  };
}
