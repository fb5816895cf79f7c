// Notifications cross process boundaries on PostgreSQL: a delivery committed by one thutin
// process wakes the sessions of another (LISTEN/NOTIFY).
import { describe, it, expect } from 'vitest';
import pino from 'pino';
import { createTestApp, PG_URL, TEST_PASSWORD } from '../../test/helpers/harness.ts';
import { createApp } from '../app.ts';

describe.runIf(PG_URL)('mailbox events across processes (postgres)', () => {
  it('wakes a subscriber in a second app instance', async () => {
    const t = await createTestApp({ backend: 'postgres' });
    const other = await createApp(t.app.config, { log: pino({ level: 'silent' }) });
    try {
      const acct = await t.app.accounts.create('annv@kontum.gov.vn', TEST_PASSWORD, 'test');
      const inbox = (await other.store.getMailbox(acct.id, 'INBOX'))!;
      const woke = new Promise<void>((resolve) => other.events.subscribe(inbox.id, resolve));
      const c = await t.app.store.ingest([Buffer.from('Subject: x\r\n\r\nhi\r\n')]);
      await t.app.store.deliver(c, [{ accountId: acct.id }]);
      await Promise.race([woke, new Promise((_, rej) => setTimeout(() => rej(new Error('no notification within 2s')), 2000))]);
      expect((await other.store.listMessages(inbox.id)).length).toBe(1);
    } finally {
      await other.close();
      await t.cleanup();
    }
  });
});
