// Migration 0018_mailbox_metadata (issue 13, RFC 5464): IMAP METADATA entries — per folder or for
// the server (folder_id 0), shared (account_id 0) or private to one account — and their values
// (base64, since a value may be binary).
// Owns: the 0018_mailbox_metadata schema change only (the entry is in migrations.ts).
import type { Kysely, Migration } from 'kysely';

export function metadataMigration(): Migration {
  return {
    async up(db: Kysely<any> /* eslint-disable-line @typescript-eslint/no-explicit-any -- migrations see every schema version */) {
      await db.schema
        .createTable('mailbox_metadata')
        .addColumn('folder_id', 'bigint', (c) => c.notNull()) // 0: the server's entries
        .addColumn('account_id', 'bigint', (c) => c.notNull()) // 0: /shared entries; else the owner of a /private entry
        .addColumn('entry', 'text', (c) => c.notNull()) // lower case, without the /shared or /private prefix
        .addColumn('value', 'text', (c) => c.notNull()) // base64
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('mailbox_metadata_pk', ['folder_id', 'account_id', 'entry'])
        .execute();
    },
  };
}
