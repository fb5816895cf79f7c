// Migration 0012_quarantine (issue 12): infected messages kept for administrators. A row names
// the blob (`sha256`, whose `contents` row it keeps: repositories/contents.ts counts it as a
// reference), the envelope as it arrived (sender, recipients as JSON, the listener, the
// submitting account), the virus clamd named, and where it came from (client address, HELO, the
// SMTP queue id of the refusal).
// Owns: the 0012_quarantine schema change only (the entry is in migrations.ts).
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from './dialect.ts';

export function quarantineMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any> /* eslint-disable-line @typescript-eslint/no-explicit-any -- migrations see every schema version */) {
      const t = db.schema.createTable('quarantine');
      await (dialect === 'sqlite' ? t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement()) : t.addColumn('id', 'bigserial', (c) => c.primaryKey()))
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('listener', 'text', (c) => c.notNull()) // 'inbound' | 'submission'
        .addColumn('sender', 'text', (c) => c.notNull()) // '' for the null sender
        .addColumn('recipients', 'text', (c) => c.notNull()) // JSON array of addresses
        .addColumn('account_id', 'bigint', (c) => c.references('accounts.id').onDelete('set null')) // the submitting account
        .addColumn('virus', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('remote_address', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('helo', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('smtp_queue_id', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('quarantine_sha256').on('quarantine').column('sha256').execute();
      await db.schema.createIndex('quarantine_created').on('quarantine').columns(['created_at', 'id']).execute();
    },
  };
}
