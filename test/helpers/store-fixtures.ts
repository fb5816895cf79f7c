// Fixtures for the reclaiming, maintenance and store-check tests: blobs and rows made by hand
// (a blob with or without its contents row, messages, queue entries, expunge records), so each
// kind of damage can be created on purpose, on SQLite and PostgreSQL alike.
import fs from 'node:fs';
import type { App } from '../../src/app.ts';

/** Write a blob and let go of its pin (as a committed or refused delivery would). */
export async function blob(app: App, text: string): Promise<string> {
  const w = await app.blobs.writeBuffer(Buffer.from(text));
  app.blobs.unpin(w.sha256);
  return w.sha256;
}

/** Set a blob file's modification time (`ago` ms before now). */
export function age(app: App, sha256: string, agoMs: number): void {
  const t = new Date(Date.now() - agoMs);
  fs.utimesSync(app.blobs.pathOf(sha256), t, t);
}

/** A contents row for a blob, without going through the store (no index needed). */
export async function contentRow(app: App, sha256: string, size = 10): Promise<void> {
  await app.db.kysely
    .insertInto('contents')
    .values({
      sha256,
      size,
      header_size: 0,
      structure: '{}',
      sent_date: null,
      message_id: null,
      subject: '',
      search_subject: '',
      search_from: '',
      search_to: '',
      search_cc: '',
      search_bcc: '',
      search_headers: '',
      search_body: '',
      created_at: Date.now(),
    })
    .execute();
}

/** The id of an account's INBOX. */
export async function inboxOf(app: App, accountId: number): Promise<number> {
  const r = await app.db.kysely.selectFrom('mailboxes').select('id').where('account_id', '=', accountId).where('name', '=', 'INBOX').executeTakeFirstOrThrow();
  return Number(r.id);
}

/** A message row (the usage counter is NOT updated: tests of `used_bytes` rely on that). */
export async function messageRow(app: App, mailboxId: number, uid: number, sha256: string, size = 10): Promise<void> {
  await app.db.kysely.insertInto('messages').values({ mailbox_id: mailboxId, uid, modseq: uid, sha256, size, internal_date: Date.now(), flags: 0, keywords: '' }).execute();
}

/** A queue entry in `state`, created at `createdAt`, with one recipient. */
export async function queueRow(app: App, sha256: string, state: string, createdAt = Date.now()): Promise<number> {
  const q = await app.db.kysely
    .insertInto('outbound_queue')
    .values({ sender: 'an@kontum.gov.vn', sha256, size: 10, account_id: null, state, created_at: createdAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  await app.db.kysely
    .insertInto('outbound_recipients')
    .values({ queue_id: q.id, recipient: 'vp@chinhphu.example', state: state === 'done' ? 'delivered' : 'queued', attempts: 0, next_attempt_at: createdAt, last_error: null, updated_at: createdAt })
    .execute();
  return Number(q.id);
}

/** Run `work` with foreign keys not enforced (to create rows pointing at nothing, as a broken restore would). */
export async function withoutForeignKeys(app: App, work: () => Promise<void>): Promise<void> {
  if (app.db.dialect === 'sqlite') {
    const { sql } = await import('kysely');
    await sql`PRAGMA foreign_keys = OFF`.execute(app.db.kysely);
    try {
      await work();
    } finally {
      await sql`PRAGMA foreign_keys = ON`.execute(app.db.kysely);
    }
  } else {
    // PostgreSQL: drop the constraint for the test database (it is thrown away afterwards).
    const { sql } = await import('kysely');
    await sql`ALTER TABLE messages DROP CONSTRAINT IF EXISTS messages_sha256_fkey`.execute(app.db.kysely);
    await work();
  }
}
