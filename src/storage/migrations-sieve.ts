// Migration 0017_sieve (issue 13): each account's Sieve scripts (ManageSieve, RFC 5804), at most
// one active, and the vacation replies already sent (RFC 5230: one per sender and handle per
// period).
// Owns: the 0017_sieve schema change only (the entry is in migrations.ts).
import type { Kysely, Migration } from 'kysely';
import { withId, type Dialect } from './dialect.ts';

export function sieveMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any> /* eslint-disable-line @typescript-eslint/no-explicit-any -- migrations see every schema version */) {
      await withId(db.schema.createTable('sieve_scripts'), dialect)
        .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('script', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('sieve_scripts_account_name', ['account_id', 'name'])
        .execute();
      await db.schema
        .createTable('sieve_vacation_replies')
        .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('handle', 'text', (c) => c.notNull())
        .addColumn('sender', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('sieve_vacation_replies_pk', ['account_id', 'handle', 'sender'])
        .execute();
      await db.schema.createIndex('sieve_vacation_replies_sent').on('sieve_vacation_replies').column('sent_at').execute();
    },
  };
}
