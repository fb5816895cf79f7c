// Migration 0022_journal (issue 14): the journal archive — which units journal their mail and for
// how long, and one entry per journaled message, unit and direction (a reference to the stored
// content: no second copy of the bytes; repositories/contents.ts counts it as a reference).
// Owns: the 0022_journal schema change only (the entry is in migrations.ts).
import type { Kysely, Migration } from 'kysely';
import { withId, type Dialect } from './dialect.ts';

export function journalMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any> /* eslint-disable-line @typescript-eslint/no-explicit-any -- migrations see every schema version */) {
      await db.schema
        .createTable('journal_units')
        .addColumn('unit_id', 'bigint', (c) => c.primaryKey().references('units.id').onDelete('cascade'))
        .addColumn('keep_years', 'integer', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1)) // 0: no new entries; the kept ones still expire by keep_years
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('document', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await withId(db.schema.createTable('journal_entries'), dialect)
        .addColumn('unit_id', 'bigint', (c) => c.notNull())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('header_prefix', 'text')
        .addColumn('prefix_replaces', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('sender', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('recipients', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('subject', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('search_people', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('sent_date', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('journal_entries_unit_created').on('journal_entries').columns(['unit_id', 'created_at']).execute();
      await db.schema.createIndex('journal_entries_sha256').on('journal_entries').column('sha256').execute();
    },
  };
}
