// Migration 0024_mail_daily (issue 11, R5.9): the mail that passed through the server per day and
// direction (in: copies committed into local mailboxes; out: recipients accepted by remote servers),
// the history behind the console's "mail per day" chart (the /metrics counter only counts since
// the process started).
// Owns: the 0024_mail_daily schema change only (the entry is in migrations.ts).
import type { Kysely, Migration } from 'kysely';

export function mailDailyMigration(): Migration {
  return {
    async up(db: Kysely<any> /* eslint-disable-line @typescript-eslint/no-explicit-any -- migrations see every schema version */) {
      await db.schema
        .createTable('mail_daily')
        .addColumn('day', 'text', (c) => c.notNull()) // YYYY-MM-DD, the server's local day
        .addColumn('direction', 'text', (c) => c.notNull()) // in | out
        .addColumn('messages', 'bigint', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('mail_daily_pk', ['day', 'direction'])
        .execute();
    },
  };
}
