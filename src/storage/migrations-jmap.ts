// Migration 0019_jmap (issue 10): what the JMAP server keeps beyond the mail store — the settings
// of each sending identity (RFC 8621 §6: display name, Reply-To, Bcc, signatures) of one account
// for one address it may send from (its own, or a unit mailbox's by delegation), and the
// EmailSubmission records (RFC 8621 §7: which Email went, from which identity, to whom, which
// outbound queue entries carry it); and where a moved message was first stored (`messages.origin`,
// `changes.origin`), so its JMAP id stays the same across moves.
// Owns: the 0019_jmap schema change only (the entry is in migrations.ts).
import type { Kysely, Migration } from 'kysely';
import { withId, type Dialect } from './dialect.ts';

export function jmapMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any> /* eslint-disable-line @typescript-eslint/no-explicit-any -- migrations see every schema version */) {
      await withId(db.schema.createTable('identities'), dialect)
        .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('email', 'text', (c) => c.notNull()) // lower case
        .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('reply_to', 'text') // JSON EmailAddress[] or null
        .addColumn('bcc', 'text') // JSON EmailAddress[] or null
        .addColumn('text_signature', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('html_signature', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('identities_account_email', ['account_id', 'email'])
        .execute();
      await withId(db.schema.createTable('email_submissions'), dialect)
        .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade')) // the JMAP account (mailbox owner)
        .addColumn('submitter_id', 'bigint', (c) => c.notNull()) // the signed-in account that sent it
        .addColumn('identity_id', 'text', (c) => c.notNull())
        .addColumn('email_id', 'text', (c) => c.notNull())
        .addColumn('thread_id', 'text', (c) => c.notNull())
        .addColumn('envelope', 'text', (c) => c.notNull()) // JSON { mailFrom, rcptTo }
        .addColumn('queue_ids', 'text', (c) => c.notNull()) // JSON number[]: outbound queue entries
        .addColumn('delivered', 'text', (c) => c.notNull()) // JSON string[]: local recipients delivered at once
        .addColumn('send_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('email_submissions_account').on('email_submissions').columns(['account_id', 'id']).execute();
      // A message keeps its identity when it moves (RFC 8621 §4: an Email's id never changes): the
      // folder and UID of its first copy, "<folder id>_<uid>", set on the copy a MOVE makes (null: it
      // never moved), and kept in the expunge log so a move reads as one message changing place.
      await db.schema.alterTable('messages').addColumn('origin', 'text').execute();
      await db.schema.alterTable('changes').addColumn('origin', 'text').execute();
      await db.schema.createIndex('messages_origin').on('messages').column('origin').execute();
    },
  };
}
