// The one migration set for both backends. Each migration is written with kysely's schema
// builder; the only dialect difference is how an auto-increment id is declared.
import { Kysely, Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from './schema.ts';
import { coreMigration } from './migrations-core.ts';
import { retentionMigration } from './migrations-retention.ts';
import { journalMigration } from './migrations-journal.ts';
import { directoryMigration } from './migrations-directory.ts';
import { sieveMigration } from './migrations-sieve.ts';
import { metadataMigration } from './migrations-metadata.ts';
import { requestsMigration } from './migrations-requests.ts';
import { requests2Migration } from './migrations-requests-2.ts';
import { quarantineMigration } from './migrations-quarantine.ts';
import { forwardingSendLimitsMigration } from './migrations-forwarding.ts';
import { workQueueMigration } from './migrations-work-queue.ts';
import { jmapMigration } from './migrations-jmap.ts';
import { threadsMigration } from './migrations-threads.ts';
import { mailDailyMigration } from './migrations-mail-daily.ts';

import { withId, type Dialect } from './dialect.ts';

function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001_core': coreMigration(dialect), // accounts, folders, messages, contents, change log, audit (migrations-core.ts)
    '0002_account_usage': {
      // A running total of the bytes an account's messages take, kept in the same transaction
      // as every insert and delete, so quota checks do not sum the whole mailbox.
      async up(db: Kysely<any> /* eslint-disable-line @typescript-eslint/no-explicit-any -- migrations see every schema version */) {
        await db.schema
          .alterTable('accounts')
          .addColumn('used_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
          .execute();
      },
    },
    '0003_directory': directoryMigration(dialect), // issue 4: units, people, lists, delegations, roles, history (migrations-directory.ts)
    '0005_outbound': {
      // Outbound delivery (issue 3): the delay warning is sent once per message; each recipient
      // keeps its last attempt, status code and answering host, and whether its bounce was sent.
      async up(db: Kysely<any> /* eslint-disable-line @typescript-eslint/no-explicit-any -- migrations see every schema version */) {
        await db.schema.alterTable('outbound_queue').addColumn('warned_at', 'bigint').execute();
        await db.schema.alterTable('outbound_recipients').addColumn('last_attempt_at', 'bigint').execute();
        await db.schema.alterTable('outbound_recipients').addColumn('status', 'text').execute();
        await db.schema.alterTable('outbound_recipients').addColumn('remote_mta', 'text').execute();
        await db.schema
          .alterTable('outbound_recipients')
          .addColumn('notified', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
      },
    },
    '0006_message_lifecycle': {
      // Issue 8: header fields added by SMTP stages are kept beside the stored blob and served in
      // front of it (a message is written once); the change log is compacted behind a floor the
      // mailbox remembers; blobs are reclaimed when nothing references them.
      async up(db: Kysely<any> /* eslint-disable-line @typescript-eslint/no-explicit-any -- migrations see every schema version */) {
        for (const table of ['messages', 'outbound_queue']) {
          await db.schema.alterTable(table).addColumn('header_prefix', 'text').execute();
          await db.schema
            .alterTable(table)
            .addColumn('prefix_replaces', 'bigint', (c) => c.notNull().defaultTo(0))
            .execute();
        }
        await db.schema
          .alterTable('changes')
          .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .alterTable('mailboxes')
          .addColumn('changes_floor', 'bigint', (c) => c.notNull().defaultTo(0))
          .execute();
        // A finished queue entry keeps its row for a while (queue history) but not its content: the
        // queue no longer holds a foreign key on contents (a finished entry's content may be reclaimed).
        if (dialect === 'postgres') {
          await sql`ALTER TABLE outbound_queue DROP CONSTRAINT IF EXISTS outbound_queue_sha256_fkey`.execute(db);
        } else {
          // SQLite cannot drop a constraint: the table is rebuilt (its documented 12-step way).
          await sql`PRAGMA foreign_keys = OFF`.execute(db);
          await sql`CREATE TABLE outbound_queue_new (
            id integer PRIMARY KEY AUTOINCREMENT,
            sender text NOT NULL,
            sha256 text NOT NULL,
            size bigint NOT NULL,
            account_id bigint,
            state text NOT NULL DEFAULT 'active',
            created_at bigint NOT NULL,
            warned_at bigint,
            header_prefix text,
            prefix_replaces bigint NOT NULL DEFAULT 0)`.execute(db);
          await sql`INSERT INTO outbound_queue_new (id, sender, sha256, size, account_id, state, created_at, warned_at, header_prefix, prefix_replaces)
            SELECT id, sender, sha256, size, account_id, state, created_at, warned_at, header_prefix, prefix_replaces FROM outbound_queue`.execute(db);
          await sql`DROP TABLE outbound_queue`.execute(db);
          await sql`ALTER TABLE outbound_queue_new RENAME TO outbound_queue`.execute(db);
          await sql`PRAGMA foreign_keys = ON`.execute(db);
        }
        await db.schema.createIndex('outbound_queue_sha256').on('outbound_queue').column('sha256').execute();
        await db.schema.createIndex('outbound_queue_done').on('outbound_queue').columns(['state', 'created_at']).execute();
        // UIDVALIDITY is max + 1 over every folder (folders repository): an index keeps that one step.
        await db.schema.createIndex('mailboxes_uidvalidity').on('mailboxes').column('uidvalidity').execute();
      },
    },
    '0007_sign_in_throttle': {
      // Issue 9: one sign-in throttle for every door, shared by every process (counts in the
      // database), the addresses an account usually signs in from, the sign-ins users may see, and
      // the "end every session of this account" log that every process follows.
      async up(db: Kysely<any> /* eslint-disable-line @typescript-eslint/no-explicit-any -- migrations see every schema version */) {
        await db.schema
          .createTable('sign_in_throttle')
          .addColumn('key', 'text', (c) => c.primaryKey()) // 'acct:<login>', 'ip:<address or /64>', 'pair:<login>|<address>'
          .addColumn('failures', 'text', (c) => c.notNull().defaultTo('[]')) // JSON times (ms) of counted failures
          .addColumn('pending', 'text', (c) => c.notNull().defaultTo('[]')) // JSON times (ms) of attempts being checked
          .addColumn('consecutive', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('last_failure_at', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('locked_until', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('updated_at', 'bigint', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema.createIndex('sign_in_throttle_locked').on('sign_in_throttle').column('locked_until').execute();
        await db.schema
          .createTable('sign_in_known')
          .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('address_key', 'text', (c) => c.notNull())
          .addColumn('last_success_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('sign_in_known_pk', ['account_id', 'address_key'])
          .execute();
        await withId(db.schema.createTable('sign_ins'), dialect)
          // set null, not cascade: a purged account's sign-ins stay, or the chain below would break
          .addColumn('account_id', 'bigint', (c) => c.references('accounts.id').onDelete('set null'))
          .addColumn('login', 'text', (c) => c.notNull())
          .addColumn('protocol', 'text', (c) => c.notNull())
          .addColumn('address', 'text', (c) => c.notNull())
          .addColumn('client', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('success', 'integer', (c) => c.notNull())
          .addColumn('outcome', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          // tamper-evident: hash = sha256(prev_hash + the row), prev_hash = the previous row's hash
          .addColumn('prev_hash', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('hash', 'text', (c) => c.notNull().defaultTo(''))
          .execute();
        await db.schema.createIndex('sign_ins_account').on('sign_ins').columns(['account_id', 'created_at']).execute();
        await db.schema.createIndex('sign_ins_created').on('sign_ins').column('created_at').execute();
        await withId(db.schema.createTable('session_ends'), dialect)
          .addColumn('account_id', 'bigint', (c) => c.notNull())
          .addColumn('reason', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
    '0008_uidvalidity_counter': {
      // Issue 13: UIDVALIDITY is never reused for a name, even after DELETE then CREATE in the same
      // second: each account keeps the last value it handed out (folders repository), seeded here
      // from its folders.
      async up(db: Kysely<any> /* eslint-disable-line @typescript-eslint/no-explicit-any -- migrations see every schema version */) {
        await db.schema
          .createTable('uidvalidity_counters')
          .addColumn('account_id', 'bigint', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
          .addColumn('last_uidvalidity', 'bigint', (c) => c.notNull())
          .execute();
        await db
          .insertInto('uidvalidity_counters')
          .columns(['account_id', 'last_uidvalidity'])
          .expression((eb) =>
            eb
              .selectFrom('mailboxes')
              .select(['account_id', (e) => e.fn.max('uidvalidity').as('m')])
              .groupBy('account_id'),
          )
          .execute();
      },
    },
    '0008b_subscriptions': {
      // Issue 13: a subscription is a name, kept when its folder is deleted (RFC 3501 6.3.6: the server
      // MUST NOT remove it unilaterally); LSUB shows it \Noselect, LIST (SUBSCRIBED) \NonExistent.
      async up(db: Kysely<any> /* eslint-disable-line @typescript-eslint/no-explicit-any -- migrations see every schema version */) {
        await db.schema
          .createTable('subscriptions')
          .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('subscriptions_pk', ['account_id', 'name'])
          .execute();
        await db
          .insertInto('subscriptions')
          .columns(['account_id', 'name'])
          .expression((eb) => eb.selectFrom('mailboxes').select(['account_id', 'name']).where('subscribed', '=', 1))
          .execute();
      },
    },
    '0008c_internal_date_zone': {
      // Issue 13: INTERNALDATE keeps the zone APPEND gave it (RFC 3501 2.3.3): FETCH shows it and
      // BEFORE/ON/SINCE compare its own date. Minutes east of UTC; 0 for delivered mail.
      async up(db: Kysely<any> /* eslint-disable-line @typescript-eslint/no-explicit-any -- migrations see every schema version */) {
        await db.schema
          .alterTable('messages')
          .addColumn('internal_date_zone', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
      },
    },
    '0010_maildrop_locks': {
      // Issue 13 (POP3): one session per maildrop, across processes. A row per locked account, its
      // holder and when the hold lapses unless renewed (a crashed process's locks free themselves).
      async up(db: Kysely<any> /* eslint-disable-line @typescript-eslint/no-explicit-any -- migrations see every schema version */) {
        await db.schema
          .createTable('maildrop_locks')
          .addColumn('account_id', 'bigint', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
          .addColumn('holder', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
    '0010_second_factor': {
      // Issue 9: the TOTP second factor (secret encrypted with the data directory's key, the last
      // time step used: no code twice), its recovery codes (salted SHA-256, used once) and app
      // passwords (argon2id; a short public prefix finds the one to check).
      async up(db: Kysely<any> /* eslint-disable-line @typescript-eslint/no-explicit-any -- migrations see every schema version */) {
        await db.schema
          .createTable('second_factors')
          .addColumn('account_id', 'bigint', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
          .addColumn('secret_enc', 'text', (c) => c.notNull())
          .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('last_step', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('enabled_at', 'bigint')
          .execute();
        await withId(db.schema.createTable('recovery_codes'), dialect)
          .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('salt', 'text', (c) => c.notNull())
          .addColumn('code_hash', 'text', (c) => c.notNull())
          .addColumn('used_at', 'bigint')
          .execute();
        await db.schema.createIndex('recovery_codes_account').on('recovery_codes').column('account_id').execute();
        await withId(db.schema.createTable('app_passwords'), dialect)
          .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('prefix', 'text', (c) => c.notNull())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('last_used_at', 'bigint')
          .execute();
        await db.schema.createIndex('app_passwords_account').on('app_passwords').columns(['account_id', 'prefix']).execute();
      },
    },
    '0012_quarantine': quarantineMigration(dialect), // issue 12: infected messages kept for administrators (migrations-quarantine.ts)
    '0013_forwarding_send_limits': forwardingSendLimitsMigration(dialect), // issue 12: forwarding, sending rate limits, free-mail counters (migrations-forwarding.ts)
    '0015_requests': requestsMigration(dialect), // issue 11: requests, their rows, events, documents (migrations-requests.ts)
    '0018_mailbox_metadata': metadataMigration(), // issue 13: IMAP METADATA entries (migrations-metadata.ts)
    '0019_jmap': jmapMigration(dialect), // issue 10: JMAP identities and email submissions (migrations-jmap.ts)
    '0025_threads': threadsMigration(), // issue 10: each message's thread stored, the keys new mail finds it by (migrations-threads.ts)
    '0017_sieve': sieveMigration(dialect), // issue 13: Sieve scripts and vacation replies sent (migrations-sieve.ts)
    '0020_work_queue': workQueueMigration(dialect), // issue 10: the unit mailbox as a shared work queue (migrations-work-queue.ts)
    '0016_session_end_credential': {
      // Issue 9: revoking an app password ends the sessions it opened, and only those: the end
      // names the app password (null: every session of the account, as before).
      async up(db: Kysely<any> /* eslint-disable-line @typescript-eslint/no-explicit-any -- migrations see every schema version */) {
        await db.schema.alterTable('session_ends').addColumn('app_password_id', 'bigint').execute();
      },
    },
    '0011_spam_lists': {
      // Issue 12 (R5.5): each recipient's spam allow / block lists (an address or a domain), and the
      // durable queue of messages to teach rspamd (moved into Junk: spam; out of it: ham), written
      // in the transaction of the move and emptied once rspamd has learnt them.
      async up(db: Kysely<any> /* eslint-disable-line @typescript-eslint/no-explicit-any -- migrations see every schema version */) {
        await withId(db.schema.createTable('spam_lists'), dialect)
          .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('entry', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addUniqueConstraint('spam_lists_account_entry', ['account_id', 'entry'])
          .execute();
        await withId(db.schema.createTable('spam_learn_queue'), dialect)
          .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('mailbox_id', 'bigint', (c) => c.notNull())
          .addColumn('uid', 'bigint', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('next_at', 'bigint', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('spam_learn_queue_next').on('spam_learn_queue').columns(['next_at', 'id']).execute();
      },
    },
    '0014_tickets': {
      // Issue 12 (R7.6, R7.7): incident tickets. A ticket (reporter, category, text, state,
      // assignee), its replies (internal notes apart), and the reported message as a reference to
      // its `contents` row, which keeps the row and its blob until the ticket closes.
      async up(db: Kysely<any> /* eslint-disable-line @typescript-eslint/no-explicit-any -- migrations see every schema version */) {
        await withId(db.schema.createTable('tickets'), dialect)
          .addColumn('reporter_id', 'bigint', (c) => c.references('accounts.id').onDelete('set null'))
          .addColumn('reporter', 'text', (c) => c.notNull())
          .addColumn('category', 'text', (c) => c.notNull())
          .addColumn('subject', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('body', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('state', 'text', (c) => c.notNull().defaultTo('new'))
          .addColumn('assignee_id', 'bigint', (c) => c.references('accounts.id').onDelete('set null'))
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addColumn('closed_at', 'bigint')
          .execute();
        await db.schema.createIndex('tickets_reporter').on('tickets').columns(['reporter_id', 'id']).execute();
        await db.schema.createIndex('tickets_state').on('tickets').columns(['state', 'id']).execute();
        await withId(db.schema.createTable('ticket_replies'), dialect)
          .addColumn('ticket_id', 'bigint', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
          .addColumn('author_id', 'bigint', (c) => c.references('accounts.id').onDelete('set null'))
          .addColumn('author', 'text', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('internal', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('ticket_replies_ticket').on('ticket_replies').columns(['ticket_id', 'id']).execute();
        await db.schema
          .createTable('ticket_messages')
          .addColumn('ticket_id', 'bigint', (c) => c.primaryKey().references('tickets.id').onDelete('cascade'))
          .addColumn('sha256', 'text', (c) => c.notNull())
          .addColumn('size', 'bigint', (c) => c.notNull())
          .addColumn('header_prefix', 'text')
          .addColumn('prefix_replaces', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('subject', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('origin', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('ticket_messages_sha256').on('ticket_messages').column('sha256').execute();
      },
    },
    '0021_retention': retentionMigration(dialect), // issue 14: retention policies, legal holds, messages held (migrations-retention.ts)
    '0022_journal': journalMigration(dialect), // issue 14: the journal archive of units (migrations-journal.ts)
    '0023_requests_2': requests2Migration(dialect), // issue 11: handover acknowledgements, quarantined addresses (migrations-requests-2.ts)
    '0024_mail_daily': mailDailyMigration(), // issue 11: mail per day and direction, the console's chart (migrations-mail-daily.ts)
  };
}

export async function migrateToLatest(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Di chuyển CSDL thất bại / database migration failed: ${failed?.migrationName ?? ''} ${String(error ?? '')}`);
  }
  void sql;
}
