// Migration 0021_retention (issue 14): retention policies, when a message entered a folder a
// 'delete-after-days' policy covers, legal holds, and messages removed from a held mailbox (kept,
// hidden from the user: a `held_messages` row is a reference that keeps its `contents` row,
// repositories/contents.ts counts it).
// Owns: the 0021_retention schema change only (the entry is in migrations.ts).
import type { Kysely, Migration } from 'kysely';
import { withId, type Dialect } from './dialect.ts';

export function retentionMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any> /* eslint-disable-line @typescript-eslint/no-explicit-any -- migrations see every schema version */) {
      await withId(db.schema.createTable('retention_policies'), dialect)
        .addColumn('folder', 'text', (c) => c.notNull())
        .addColumn('unit_id', 'bigint', (c) => c.references('units.id').onDelete('cascade'))
        .addColumn('mailbox_type', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('amount', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('document', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema
        .createTable('folder_entries')
        .addColumn('mailbox_id', 'bigint', (c) => c.notNull().references('mailboxes.id').onDelete('cascade'))
        .addColumn('uid', 'bigint', (c) => c.notNull())
        .addColumn('entered_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('folder_entries_pk', ['mailbox_id', 'uid'])
        .execute();
      await withId(db.schema.createTable('legal_holds'), dialect)
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('account_id', 'bigint')
        .addColumn('unit_id', 'bigint')
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('document', 'text', (c) => c.notNull())
        .addColumn('set_by', 'text', (c) => c.notNull())
        .addColumn('set_at', 'bigint', (c) => c.notNull())
        .addColumn('released_at', 'bigint')
        .addColumn('released_by', 'text')
        .addColumn('release_document', 'text')
        .execute();
      await db.schema.createIndex('legal_holds_active').on('legal_holds').columns(['released_at', 'kind']).execute();
      await withId(db.schema.createTable('held_messages'), dialect)
        .addColumn('account_id', 'bigint', (c) => c.notNull())
        .addColumn('folder', 'text', (c) => c.notNull())
        .addColumn('mailbox_id', 'bigint', (c) => c.notNull())
        .addColumn('uid', 'bigint', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('internal_date', 'bigint', (c) => c.notNull())
        .addColumn('flags', 'integer', (c) => c.notNull())
        .addColumn('keywords', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('header_prefix', 'text')
        .addColumn('prefix_replaces', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('cause', 'text', (c) => c.notNull())
        .addColumn('held_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('held_messages_account').on('held_messages').column('account_id').execute();
      await db.schema.createIndex('held_messages_sha256').on('held_messages').column('sha256').execute();
    },
  };
}
