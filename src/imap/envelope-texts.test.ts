// Owns: the tests of imap/envelope-texts.ts over the real store: an envelope is built once per
// content and then answered from memory, the same text; a message whose served header fields
// replace Subject: shows that subject and is never kept; the byte bound keeps nothing larger.
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
    expect(texts.stats).toEqual({ kept: 0, built: 3 });
    const again = await texts.of(await store.listMessages(id));
    expect(texts.stats).toEqual({ kept: 3, built: 3 });
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
      expect(texts.stats).toEqual({ kept: 0, built: round });
    }
  });

  it('keeps no more than its bound', async () => {
    const texts = new EnvelopeTexts(store, 10);
    const metas = await store.listMessages(id);
    await texts.of(metas);
    await texts.of(metas);
    expect(texts.stats).toEqual({ kept: 0, built: 6 });
  });
});
