// Migration 0025_threads (issue 10): each message's thread stored, not computed per request. The
// `messages` row keeps its thread (`thread_id`: "<folder id>_<uid>" of the Email that started it,
// its JMAP Thread id without the `T`), set at ingest and carried by a copy or move; the expunge log
// keeps it too (`changes.thread_id`, so Thread/changes knows which thread lost a message). The
// `thread_keys` table is how a new message finds its thread: per account, one key per Message-ID a
// message has or names (In-Reply-To, References) with its base subject, hashed, naming the thread
// the first message with that key joined. Rows left by existing mail get their thread from a
// backfill in batches at start (core/threads.ts). And an index that gives a folder's messages newest
// first, so the first page of a list is read without reading the whole folder (mail-folders.ts).
// Owns: the 0025_threads schema change only (the entry is in migrations.ts).
import type { Kysely, Migration } from 'kysely';

export function threadsMigration(): Migration {
  return {
    async up(db: Kysely<any> /* eslint-disable-line @typescript-eslint/no-explicit-any -- migrations see every schema version */) {
      await db.schema.alterTable('messages').addColumn('thread_id', 'text').execute();
      await db.schema.alterTable('changes').addColumn('thread_id', 'text').execute();
      // Thread/get's members; the backfill's rows still without a thread (NULLs, in id order)
      await db.schema.createIndex('messages_thread').on('messages').column('thread_id').execute();
      // a folder's page newest first without reading the folder (JMAP Email/query, the webmail's list)
      await db.schema.createIndex('messages_mailbox_date').on('messages').columns(['mailbox_id', 'internal_date', 'uid']).execute();
      await db.schema
        .createTable('thread_keys')
        .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('key', 'text', (c) => c.notNull()) // base64url of SHA-256(msg-id \0 base subject), 22 characters
        .addColumn('thread_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('thread_keys_pk', ['account_id', 'key'])
        .execute();
    },
  };
}
