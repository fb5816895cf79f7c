// Migration 0001_core: accounts, folders, messages and their contents, the change log and the
// audit chain — the first schema of the mail store.
// Owns: the 0001_core schema change only (the entry is in migrations.ts).
import type { Kysely, Migration } from 'kysely';
import { withId, type Dialect } from './dialect.ts';

export function coreMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any> /* eslint-disable-line @typescript-eslint/no-explicit-any -- migrations see every schema version */) {
      await withId(db.schema.createTable('accounts'), dialect)
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
        .addColumn('quota_bytes', 'bigint', (c) => c.notNull())
        .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('addresses')
        .addColumn('address', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('addresses_account').on('addresses').column('account_id').execute();

      await withId(db.schema.createTable('mailboxes'), dialect)
        .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('special_use', 'text')
        .addColumn('uidvalidity', 'bigint', (c) => c.notNull())
        .addColumn('uidnext', 'bigint', (c) => c.notNull().defaultTo(1))
        .addColumn('highest_modseq', 'bigint', (c) => c.notNull().defaultTo(1))
        .addColumn('first_recent_uid', 'bigint', (c) => c.notNull().defaultTo(1))
        .addColumn('subscribed', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('mailboxes_account_name', ['account_id', 'name'])
        .execute();

      await db.schema
        .createTable('contents')
        .addColumn('sha256', 'text', (c) => c.primaryKey())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('header_size', 'bigint', (c) => c.notNull())
        .addColumn('structure', 'text', (c) => c.notNull())
        .addColumn('sent_date', 'bigint')
        .addColumn('message_id', 'text')
        .addColumn('subject', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('search_subject', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('search_from', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('search_to', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('search_cc', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('search_bcc', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('search_headers', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('search_body', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await withId(db.schema.createTable('messages'), dialect)
        .addColumn('mailbox_id', 'bigint', (c) => c.notNull().references('mailboxes.id').onDelete('cascade'))
        .addColumn('uid', 'bigint', (c) => c.notNull())
        .addColumn('modseq', 'bigint', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull().references('contents.sha256'))
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('internal_date', 'bigint', (c) => c.notNull())
        .addColumn('flags', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('keywords', 'text', (c) => c.notNull().defaultTo(''))
        .addUniqueConstraint('messages_mailbox_uid', ['mailbox_id', 'uid'])
        .execute();
      await db.schema.createIndex('messages_mailbox_modseq').on('messages').columns(['mailbox_id', 'modseq']).execute();
      await db.schema.createIndex('messages_sha256').on('messages').column('sha256').execute();

      await withId(db.schema.createTable('changes'), dialect)
        .addColumn('mailbox_id', 'bigint', (c) => c.notNull().references('mailboxes.id').onDelete('cascade'))
        .addColumn('modseq', 'bigint', (c) => c.notNull())
        .addColumn('uid', 'bigint', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('changes_mailbox_modseq').on('changes').columns(['mailbox_id', 'modseq']).execute();

      await withId(db.schema.createTable('outbound_queue'), dialect)
        .addColumn('sender', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull().references('contents.sha256'))
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('account_id', 'bigint')
        .addColumn('state', 'text', (c) => c.notNull().defaultTo('active'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await withId(db.schema.createTable('outbound_recipients'), dialect)
        .addColumn('queue_id', 'bigint', (c) => c.notNull().references('outbound_queue.id').onDelete('cascade'))
        .addColumn('recipient', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull().defaultTo('queued'))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('outbound_recipients_queue').on('outbound_recipients').column('queue_id').execute();
      await db.schema.createIndex('outbound_recipients_due').on('outbound_recipients').columns(['state', 'next_attempt_at']).execute();

      await withId(db.schema.createTable('audit_log'), dialect)
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull().defaultTo('{}'))
        .execute();
    },
  };
}
