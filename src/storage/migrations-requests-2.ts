// Migration 0023_requests_2 (issue 11): who acknowledged a handover record and when (both heads,
// each once: the record's facts are kept in the request item's result, the acknowledgement here),
// and the addresses of purged leavers resting in quarantine (not given to anyone else before
// `until_at`; directory.addressQuarantineDays, written in the purge's transaction).
// Owns: the 0023_requests_2 schema change only (the entry is in migrations.ts).
import type { Kysely, Migration } from 'kysely';
import { withId, type Dialect } from './dialect.ts';

export function requests2Migration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any> /* eslint-disable-line @typescript-eslint/no-explicit-any -- migrations see every schema version */) {
      await withId(db.schema.createTable('request_acknowledgements'), dialect)
        .addColumn('request_id', 'bigint', (c) => c.notNull().references('requests.id').onDelete('cascade'))
        .addColumn('line', 'integer', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull()) // outgoing | incoming (the old head, the new head)
        .addColumn('address', 'text', (c) => c.notNull()) // who acknowledged, as their address then
        .addColumn('account_id', 'bigint')
        .addColumn('acknowledged_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('request_acknowledgements_once').on('request_acknowledgements').columns(['request_id', 'line', 'role']).unique().execute();
      await db.schema
        .createTable('address_quarantine')
        .addColumn('address', 'text', (c) => c.primaryKey()) // lower case local@domain
        .addColumn('until_at', 'bigint', (c) => c.notNull())
        .addColumn('person_name', 'text', (c) => c.notNull())
        .addColumn('left_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
