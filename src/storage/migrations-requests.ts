// Migration 0015_requests (issue 11): the requests of the decision's processes (joiner, mover,
// leaver, information update, password reset, unit-head handover, unit changes), their batch rows,
// every transition, and the official documents behind them (reference, and the scanned PDF as a
// column — bytea / BLOB: it travels with the request row in one transaction and in every database
// backup, and the mail blob store's sweep removes any file no `contents` row names). The
// directory's history gains `request_id`: the request a version was made by (null = a change made
// outside any request).
// Owns: the 0015_requests schema change only (the entry is in migrations.ts).
import type { Kysely, Migration } from 'kysely';
import { withId, type Dialect } from './dialect.ts';

export function requestsMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any> /* eslint-disable-line @typescript-eslint/no-explicit-any -- migrations see every schema version */) {
      await withId(db.schema.createTable('requests'), dialect)
        .addColumn('kind', 'text', (c) => c.notNull()) // joiner | mover | leaver | update | password-reset | handover | unit-create | unit-rename | unit-dissolve | batch
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('unit_id', 'bigint') // the unit the request concerns (scope); null = province-wide
        .addColumn('requester_account_id', 'bigint')
        .addColumn('requester', 'text', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('effective_at', 'bigint')
        .addColumn('due_at', 'bigint') // service level: submitted + requests.serviceLevelDays working days
        .addColumn('reject_reason', 'text')
        .addColumn('error', 'text')
        .addColumn('lease_until', 'bigint') // an executor's claim
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('submitted_at', 'bigint')
        .addColumn('decided_at', 'bigint')
        .addColumn('executed_at', 'bigint')
        .addColumn('notified_at', 'bigint')
        .addColumn('overdue_notified_at', 'bigint')
        .execute();
      await db.schema.createIndex('requests_state').on('requests').columns(['state', 'effective_at']).execute();
      await withId(db.schema.createTable('request_items'), dialect)
        .addColumn('request_id', 'bigint', (c) => c.notNull().references('requests.id').onDelete('cascade'))
        .addColumn('line', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull().defaultTo('pending')) // pending | done | failed
        .addColumn('error', 'text')
        .addColumn('result', 'text')
        .addColumn('done_at', 'bigint')
        .addColumn('credential_hash', 'text') // sha256 of the one-time credential token
        .addColumn('credential_expires_at', 'bigint')
        .addColumn('credential_redeemed_at', 'bigint')
        .execute();
      await db.schema.createIndex('request_items_request').on('request_items').columns(['request_id', 'line']).execute();
      await db.schema.createIndex('request_items_credential').on('request_items').column('credential_hash').execute();
      await withId(db.schema.createTable('request_events'), dialect)
        .addColumn('request_id', 'bigint', (c) => c.notNull().references('requests.id').onDelete('cascade'))
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('from_state', 'text')
        .addColumn('to_state', 'text')
        .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema.createIndex('request_events_request').on('request_events').column('request_id').execute();
      await withId(db.schema.createTable('request_documents'), dialect)
        .addColumn('request_id', 'bigint', (c) => c.notNull().references('requests.id').onDelete('cascade'))
        .addColumn('number', 'text', (c) => c.notNull()) // số/ký hiệu
        .addColumn('issued_on', 'text', (c) => c.notNull()) // YYYY-MM-DD
        .addColumn('signer', 'text', (c) => c.notNull())
        .addColumn('filename', 'text')
        .addColumn('content_type', 'text')
        .addColumn('size', 'bigint')
        .addColumn('sha256', 'text')
        .addColumn('content', dialect === 'sqlite' ? 'blob' : 'bytea')
        .addColumn('added_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('request_documents_request').on('request_documents').column('request_id').execute();
      await db.schema.alterTable('directory_history').addColumn('request_id', 'bigint').execute();
      await db.schema.createIndex('directory_history_request').on('directory_history').column('request_id').execute();
    },
  };
}
