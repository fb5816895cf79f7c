// Migration 0013_forwarding_send_limits (issue 12): account forwarding (one forward address per
// account, keep a copy or not), the submissions of the last hours for the sending rate limits
// (one row per accepted message: when, how many recipients), the accounts held for bursting past
// them, and the daily per-unit counters of mail exchanged with free-mail domains (Article 9).
// Owns: the 0013_forwarding_send_limits schema change only (the entry is in migrations.ts).
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from './dialect.ts';

export function forwardingSendLimitsMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any> /* eslint-disable-line @typescript-eslint/no-explicit-any -- migrations see every schema version */) {
      await db.schema
        .createTable('forwarding')
        .addColumn('account_id', 'bigint', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('keep_copy', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .execute();
      const t = db.schema.createTable('send_log');
      await (dialect === 'sqlite' ? t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement()) : t.addColumn('id', 'bigserial', (c) => c.primaryKey()))
        .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('recipients', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('send_log_account_at').on('send_log').columns(['account_id', 'at']).execute();
      await db.schema
        .createTable('send_holds')
        .addColumn('account_id', 'bigint', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
        .addColumn('held_at', 'bigint', (c) => c.notNull())
        .addColumn('messages', 'integer', (c) => c.notNull()) // in the hour when it was held
        .addColumn('recipients', 'integer', (c) => c.notNull())
        .addColumn('limit_kind', 'text', (c) => c.notNull()) // 'account' | 'unit-mailbox' | 'manual'
        .execute();
      await db.schema
        .createTable('free_mail_counts')
        .addColumn('day', 'text', (c) => c.notNull()) // YYYY-MM-DD (UTC)
        .addColumn('unit_id', 'bigint', (c) => c.notNull()) // 0: an account in no unit
        .addColumn('direction', 'text', (c) => c.notNull()) // 'in' | 'out'
        .addColumn('messages', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('free_mail_counts_pk', ['day', 'unit_id', 'direction'])
        .execute();
    },
  };
}
