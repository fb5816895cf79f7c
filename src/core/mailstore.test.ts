// The mail store conformance suite: the same behaviour on SQLite and on PostgreSQL.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { backends, createTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/harness.ts';
import { DELETED, FLAGGED, SEEN } from './flags.ts';
import { isThutinError } from './errors.ts';

const msg = (subject: string, body: string) => Buffer.from(`From: a@kontum.gov.vn\r\nTo: b@kontum.gov.vn\r\nSubject: ${subject}\r\nDate: Sat, 28 Nov 2026 09:00:00 +0700\r\n\r\n${body}\r\n`);

describe.each(backends())('mail store (%s)', (backend) => {
  let t: TestApp;
  const ids: number[] = [];
  beforeAll(async () => {
    t = await createTestApp({ backend });
    for (const u of ['annv', 'binhlt', 'chauvm']) ids.push((await t.app.accounts.create(`${u}@kontum.gov.vn`, TEST_PASSWORD, 'test')).id);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('gives every account the default folders with distinct UIDVALIDITY', async () => {
    const boxes = await t.app.store.listMailboxes(ids[0]);
    expect(boxes.map((b) => b.name).sort()).toEqual(['Archive', 'Drafts', 'INBOX', 'Junk', 'Sent', 'Trash']);
    expect(new Set(boxes.map((b) => b.uidvalidity)).size).toBe(6);
  });

  it('stores a message for many recipients once: one blob, one contents row', async () => {
    const c = await t.app.store.ingest([msg('Chung', 'một lần')]);
    const d = await t.app.store.deliver(
      c,
      ids.map((accountId) => ({ accountId })),
    );
    expect(d.map((x) => x.uid)).toEqual([1, 1, 1]);
    const rows = await t.app.db.kysely.selectFrom('messages').select('sha256').where('sha256', '=', c.sha256).execute();
    expect(rows).toHaveLength(3);
    const contents = await t.app.db.kysely.selectFrom('contents').select('sha256').where('sha256', '=', c.sha256).execute();
    expect(contents).toHaveLength(1);
    const blobDir = path.dirname(t.app.blobs.pathOf(c.sha256));
    expect(fs.readdirSync(blobDir).filter((f) => f === c.sha256)).toHaveLength(1);
    expect(fs.readdirSync(path.join(t.dataDir, 'blobs', 'tmp'))).toEqual([]);
  });

  it('allocates increasing UIDs and MODSEQs and records changes', async () => {
    const inbox = (await t.app.store.getMailbox(ids[0], 'INBOX'))!;
    const before = inbox.highestModseq;
    const a = await t.app.store.append(ids[0], 'INBOX', msg('Hai', 'hai'), ['\\Seen']);
    const b = await t.app.store.append(ids[0], 'inbox', msg('Ba', 'ba'), []);
    expect(b.uid).toBe(a.uid + 1);
    const after = (await t.app.store.getMailbox(ids[0], 'INBOX'))!;
    expect(after.uidnext).toBe(b.uid + 1);
    expect(after.highestModseq).toBeGreaterThan(before);
    const cs = await t.app.store.changesSince(inbox.id, before);
    expect(cs.changed.map((m) => m.uid)).toEqual([a.uid, b.uid]);
    expect(cs.changed[0].flags & SEEN).toBe(SEEN);
  });

  it('stores flags, honours UNCHANGEDSINCE and expunges only \\Deleted', async () => {
    const inbox = (await t.app.store.getMailbox(ids[0], 'INBOX'))!;
    const all = await t.app.store.listMessages(inbox.id);
    const r1 = await t.app.store.storeFlags(inbox.id, [all[0].uid], 'add', { mask: FLAGGED | DELETED, keywords: ['$Important'] });
    expect(r1.updated[0].flags & FLAGGED).toBe(FLAGGED);
    expect(r1.updated[0].keywords).toBe('$Important');
    const r2 = await t.app.store.storeFlags(inbox.id, [all[0].uid], 'remove', { mask: FLAGGED, keywords: [] }, r1.updated[0].modseq - 1);
    expect(r2.modified).toEqual([all[0].uid]);
    const gone = await t.app.store.expunge(inbox.id);
    expect(gone).toEqual([all[0].uid]);
    const cs = await t.app.store.changesSince(inbox.id, r1.updated[0].modseq);
    expect(cs.expunged).toEqual([all[0].uid]);
    expect((await t.app.store.listMessages(inbox.id)).map((m) => m.uid)).not.toContain(all[0].uid);
  });

  it('changes the flags of exactly the messages asked for, many at once, gaps and skipped UIDs included', async () => {
    const folder = 'Nhiều thư';
    await t.app.store.createMailbox(ids[2], folder);
    const id = (await t.app.store.getMailbox(ids[2], folder))!.id;
    for (let i = 1; i <= 1300; i++) await t.app.store.append(ids[2], folder, msg(`Thư ${i}`, 'x'), []);
    // A gap: UIDs 600–609 expunged.
    const gap = Array.from({ length: 10 }, (_, i) => 600 + i);
    await t.app.store.storeFlags(id, gap, 'add', { mask: DELETED, keywords: [] });
    expect(await t.app.store.expunge(id)).toEqual(gap);
    const seen = async () => (await t.app.store.listMessages(id)).filter((m) => m.flags & SEEN).map((m) => m.uid);
    // Every message (a STORE 1:*): one range, the gap's UIDs asked for too.
    const all = Array.from({ length: 1300 }, (_, i) => i + 1);
    const r = await t.app.store.storeFlags(id, all, 'add', { mask: SEEN, keywords: [] });
    expect(r.updated).toHaveLength(1290);
    expect(await seen()).toEqual(all.filter((u) => !gap.includes(u)));
    // Most of a range but not all of it: the UIDs left out keep their flags.
    const skipped = new Set([1, 2, 700, 1299]);
    await t.app.store.storeFlags(
      id,
      all.filter((u) => !skipped.has(u)),
      'remove',
      { mask: SEEN, keywords: [] },
    );
    expect(await seen()).toEqual([1, 2, 700, 1299]);
    const got = await t.app.store.getMessages(id, [...all.filter((u) => u % 3 !== 0), 5000]);
    expect(got.map((m) => m.uid)).toEqual(all.filter((u) => u % 3 !== 0 && !gap.includes(u)));
  });

  it('copies and moves with UID mappings', async () => {
    const inbox = (await t.app.store.getMailbox(ids[0], 'INBOX'))!;
    const trash = (await t.app.store.getMailbox(ids[0], 'Trash'))!;
    const uids = (await t.app.store.listMessages(inbox.id)).map((m) => m.uid);
    const c = await t.app.store.copy(inbox.id, uids, trash.id);
    expect(c.uidvalidity).toBe(trash.uidvalidity);
    expect(c.pairs.map((p) => p[0])).toEqual(uids);
    const m = await t.app.store.move(inbox.id, [uids[0]], trash.id);
    expect(m.pairs[0][1]).toBe(c.pairs[c.pairs.length - 1][1] + 1);
    expect((await t.app.store.listMessages(inbox.id)).map((x) => x.uid)).toEqual(uids.slice(1));
  });

  it('creates, renames and deletes folders with Vietnamese names', async () => {
    await t.app.store.createMailbox(ids[1], 'Công văn/Đến');
    expect(await t.app.store.getMailbox(ids[1], 'Công văn')).toBeTruthy();
    await t.app.store.renameMailbox(ids[1], 'Công văn', 'Văn bản');
    expect(await t.app.store.getMailbox(ids[1], 'Văn bản/Đến')).toBeTruthy();
    expect(await t.app.store.getMailbox(ids[1], 'Công văn/Đến')).toBeNull();
    await t.app.store.deleteMailbox(ids[1], 'Văn bản/Đến');
    expect(await t.app.store.getMailbox(ids[1], 'Văn bản/Đến')).toBeNull();
    await expect(t.app.store.deleteMailbox(ids[1], 'INBOX')).rejects.toSatisfy((e) => isThutinError(e, 'MAILBOX_PROTECTED'));
    await expect(t.app.store.createMailbox(ids[1], 'Sent')).rejects.toSatisfy((e) => isThutinError(e, 'MAILBOX_EXISTS'));
  });

  it('searches folded Vietnamese text: đ is d, tones do not matter', async () => {
    const c = await t.app.store.ingest([msg('=?UTF-8?Q?=C4=90=E1=BA=B7ng_k=C3=BD?=', 'Đồng chí Đặng Văn Đức phụ trách hoà giải.')]);
    const [d] = await t.app.store.deliver(c, [{ accountId: ids[2] }]);
    const inbox = (await t.app.store.getMailbox(ids[2], 'INBOX'))!;
    expect([...(await t.app.store.searchText(inbox.id, 'body', 'dang van duc'))]).toEqual([d.uid]);
    expect([...(await t.app.store.searchText(inbox.id, 'body', 'HÒA GIẢI'))]).toEqual([d.uid]);
    expect([...(await t.app.store.searchText(inbox.id, 'subject', 'đăng ký'))]).toEqual([d.uid]);
    expect([...(await t.app.store.searchText(inbox.id, 'body', '100%_'))]).toEqual([]);
    expect([...(await t.app.store.searchHeader(inbox.id, 'Date', '2026'))]).toContain(d.uid);
  });

  it("keeps each account's byte usage equal to the sum of its messages through every change", async () => {
    const real = async (id: number) => {
      const r = await t.app.db.kysely
        .selectFrom('messages')
        .innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id')
        .select((eb) => eb.fn.sum<number>('messages.size').as('s'))
        .where('mailboxes.account_id', '=', id)
        .executeTakeFirst();
      return Number(r?.s ?? 0);
    };
    for (const id of ids) expect(await t.app.accounts.usageBytes(id)).toBe(await real(id));
    const id = ids[1];
    const a = await t.app.store.append(id, 'INBOX', msg('Dung lượng', 'x'.repeat(1000)), []);
    const inbox = (await t.app.store.getMailbox(id, 'INBOX'))!;
    const junk = (await t.app.store.getMailbox(id, 'Junk'))!;
    await t.app.store.copy(inbox.id, [a.uid], junk.id);
    expect(await t.app.accounts.usageBytes(id)).toBe(await real(id));
    await t.app.store.move(inbox.id, [a.uid], junk.id);
    await t.app.store.storeFlags(junk.id, (await t.app.store.listMessages(junk.id)).map((m) => m.uid).slice(0, 1), 'add', { mask: DELETED, keywords: [] });
    await t.app.store.expunge(junk.id);
    expect(await t.app.accounts.usageBytes(id)).toBe(await real(id));
    await t.app.store.createMailbox(id, 'Tạm');
    await t.app.store.copy(
      junk.id,
      (await t.app.store.listMessages(junk.id)).map((m) => m.uid),
      (await t.app.store.getMailbox(id, 'Tạm'))!.id,
    );
    await t.app.store.deleteMailbox(id, 'Tạm');
    const used = await t.app.accounts.usageBytes(id);
    expect(used).toBe(await real(id));
    expect(used).toBeGreaterThan(1000);
  });
});
