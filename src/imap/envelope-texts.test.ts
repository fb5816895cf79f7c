// Owns: the tests of imap/envelope-texts.ts over the real store: an envelope is built once per
// content and then answered from memory, the same text; a message whose served header fields
// replace Subject: shows that subject and is never kept; the byte bound keeps nothing larger; a
// folder's index answers by UID what was looked up once, for that folder and UIDVALIDITY only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/harness.ts';
import { EnvelopeTexts } from './envelope-texts.ts';
import type { MailStore } from '../core/mailstore.ts';

describe('IMAP envelope texts', () => {
  let t: TestApp;
  let store: MailStore;
  let id: number;
  beforeAll(async () => {
    t = await createTestApp();
    store = t.app.store;
    const accountId = (await t.app.accounts.create('thuky@kontum.gov.vn', TEST_PASSWORD, 'test')).id;
    for (const s of ['Giấy mời', 'Báo cáo', 'Công văn']) await store.append(accountId, 'INBOX', Buffer.from(`From: a@kontum.gov.vn\r\nSubject: ${s}\r\n\r\nx\r\n`), []);
    id = (await store.getMailbox(accountId, 'INBOX'))!.id;
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('builds each envelope once, then answers the same text from memory', async () => {
    const texts = new EnvelopeTexts(store);
    const metas = await store.listMessages(id);
    const first = await texts.of(metas);
    expect(texts.stats).toMatchObject({ kept: 0, built: 3 });
    const again = await texts.of(await store.listMessages(id));
    expect(texts.stats).toMatchObject({ kept: 3, built: 3 });
    expect([...again.values()]).toEqual([...first.values()]);
    expect(Buffer.from([...first.values()][1], 'latin1').toString('utf8')).toContain('{9}\r\nBáo cáo');
  });

  it('does not keep an envelope that served header fields change, and shows theirs', async () => {
    const texts = new EnvelopeTexts(store);
    const [m] = await store.listMessages(id);
    const served = { ...m, headerPrefix: Buffer.from('Subject: [Cảnh báo] Giấy mời\r\n'), size: m.size + 30 };
    for (const round of [1, 2]) {
      const text = (await texts.of([served])).get(served)!;
      expect(Buffer.from(text, 'latin1').toString('utf8')).toContain('[Cảnh báo] Giấy mời');
      expect(texts.stats).toMatchObject({ kept: 0, built: round });
    }
  });

  it('keeps no more than its bound', async () => {
    const texts = new EnvelopeTexts(store, 10);
    const metas = await store.listMessages(id);
    await texts.of(metas);
    await texts.of(metas);
    expect(texts.stats).toMatchObject({ kept: 0, built: 6 });
  });

  it("answers a folder's envelopes by UID once they were looked up, for that folder's UIDVALIDITY and the same message", async () => {
    const texts = new EnvelopeTexts(store);
    const full = await store.listMessages(id);
    // The folder's table has no content names: only UID, size and date say which message.
    const rows = full.map((m) => ({ ...m, sha256: '', headerPrefix: null }));
    const asked: number[][] = [];
    const lookup = async (uids: number[]) => {
      asked.push(uids);
      return store.getMessages(id, uids);
    };
    const folder = { id, uidvalidity: 7 };
    const first = (await texts.ofFolder(folder, rows, lookup))!;
    expect(asked).toEqual([rows.map((m) => m.uid)]);
    const byContent = await texts.of(full);
    expect(rows.map((m) => first(m))).toEqual(full.map((m) => byContent.get(m)));
    const again = (await texts.ofFolder(folder, rows, lookup))!;
    expect(asked).toHaveLength(1); // nothing looked up
    expect(rows.map((m) => again(m))).toEqual(rows.map((m) => first(m)));
    // Another UIDVALIDITY (the folder renamed or made again): looked up again.
    await texts.ofFolder({ id, uidvalidity: 8 }, rows, lookup);
    expect(asked).toHaveLength(2);
    // A row that is not the message indexed under its UID (another size): looked up.
    await texts.ofFolder(folder, [{ ...rows[0], size: rows[0].size + 1 }], lookup);
    expect(asked[2]).toEqual([rows[0].uid]);
    // A message the store no longer has: no answer.
    expect(await texts.ofFolder(folder, [{ ...rows[0], uid: 999_999 }], lookup)).toBeNull();
  });

  it('indexes no more messages than its bound, the folder used least recently going first', async () => {
    const texts = new EnvelopeTexts(store, 16 * 1024 * 1024, 4);
    const rows = await store.listMessages(id);
    let lookups = 0;
    const lookup = async (uids: number[]) => {
      lookups++;
      return store.getMessages(id, uids);
    };
    await texts.ofFolder({ id, uidvalidity: 1 }, rows, lookup);
    await texts.ofFolder({ id, uidvalidity: 2 }, rows, lookup); // 6 > 4: the first goes
    await texts.ofFolder({ id, uidvalidity: 2 }, rows, lookup);
    expect(lookups).toBe(2);
    await texts.ofFolder({ id, uidvalidity: 1 }, rows, lookup);
    expect(lookups).toBe(3);
  });
});
