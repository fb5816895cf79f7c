// QRESYNC when the change log no longer reaches the client's MODSEQ (store.changesSince says
// complete: false): SELECT … (QRESYNC …) and UID FETCH … (CHANGEDSINCE … VANISHED) report every
// UID the client may know that is gone, and a selected session still learns of expunges. The
// compaction is forced by wrapping the store's changesSince in the test (the log's expunges are
// dropped, complete is false), not by editing the store.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { RawImap } from '../helpers/raw-imap.ts';
import { startTestServers, vietnameseMessage, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import type { MailStore } from '../../src/core/mailstore.ts';
import { toFlagSet } from '../../src/core/flags.ts';

describe('QRESYNC after the change log was compacted', () => {
  let r: Running;
  let an: string;
  let mailboxId: number;
  let uidvalidity: number;
  let modseqBefore: number;
  let restore: () => void;

  beforeAll(async () => {
    r = await startTestServers();
    an = await r.user('annv');
    const account = (await r.app.accounts.byAddress(an))!;
    for (let i = 0; i < 6; i++) await r.app.store.append(account.id, 'INBOX', vietnameseMessage({ from: 'binhlt@kontum.gov.vn', to: an, subject: `Thư ${i + 1}` }), []);
    const mb = (await r.app.store.getMailbox(account.id, 'INBOX'))!;
    mailboxId = mb.id;
    uidvalidity = mb.uidvalidity;
    modseqBefore = mb.highestModseq;
    await r.app.store.storeFlags(mailboxId, [2, 4], 'add', toFlagSet(['\\Deleted']));
    await r.app.store.expunge(mailboxId, [2, 4]);
    // The log "was compacted": it still says what changed, but no longer which UIDs were expunged.
    const store: MailStore = r.app.store;
    const original = store.changesSince;
    store.changesSince = async (id, modseq) => {
      const cs = await original.call(store, id, modseq);
      return cs.highestModseq > modseq ? { ...cs, complete: false, expunged: [] } : cs;
    };
    restore = () => {
      store.changesSince = original;
    };
  });
  afterAll(async () => {
    restore?.();
    await r?.stop();
  });

  async function qresyncSession(): Promise<RawImap> {
    const c = await RawImap.connect(r.servers.ports.imaps);
    expect(await c.cmd('L', `LOGIN ${an} "${TEST_PASSWORD}"`)).toMatch(/^L OK/m);
    expect(await c.cmd('E', 'ENABLE QRESYNC')).toMatch(/^\* ENABLED QRESYNC/m);
    return c;
  }

  it('SELECT (QRESYNC) reports every missing UID below UIDNEXT', async () => {
    const c = await qresyncSession();
    const res = await c.cmd('S', `SELECT INBOX (QRESYNC (${uidvalidity} ${modseqBefore}))`);
    expect(res).toMatch(/^\* VANISHED \(EARLIER\) 2,4\r$/m);
    expect(res).toMatch(/^S OK/m);
    c.close();
  });

  it('SELECT (QRESYNC) with known UIDs reports only those that are gone', async () => {
    const c = await qresyncSession();
    const res = await c.cmd('S', `SELECT INBOX (QRESYNC (${uidvalidity} ${modseqBefore} 1:3))`);
    expect(res).toMatch(/^\* VANISHED \(EARLIER\) 2\r$/m);
    expect(res).not.toMatch(/VANISHED.*4/);
    c.close();
  });

  it('UID FETCH (CHANGEDSINCE … VANISHED) reports the missing UIDs of its set', async () => {
    const c = await qresyncSession();
    expect(await c.cmd('S', 'SELECT INBOX')).toMatch(/^S OK/m);
    const res = await c.cmd('F', `UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${modseqBefore} VANISHED)`);
    expect(res).toMatch(/^\* VANISHED \(EARLIER\) 2,4\r$/m);
    expect(res).toMatch(/^F OK/m);
    const some = await c.cmd('G', `UID FETCH 3:5 (FLAGS) (CHANGEDSINCE ${modseqBefore} VANISHED)`);
    expect(some).toMatch(/^\* VANISHED \(EARLIER\) 4\r$/m);
    c.close();
  });

  it('a selected session still learns of an expunge the log no longer lists', async () => {
    const c = await RawImap.connect(r.servers.ports.imaps);
    expect(await c.cmd('L', `LOGIN ${an} "${TEST_PASSWORD}"`)).toMatch(/^L OK/m);
    expect(await c.cmd('S', 'SELECT INBOX')).toMatch(/^\* 4 EXISTS/m);
    await r.app.store.storeFlags(mailboxId, [5], 'add', toFlagSet(['\\Deleted']));
    await r.app.store.expunge(mailboxId, [5]);
    const res = await c.cmd('N', 'NOOP');
    expect(res).toMatch(/^\* 3 EXPUNGE\r$/m);
    expect(await c.cmd('F', 'UID FETCH 1:* (UID)')).not.toMatch(/UID 5\b/);
    c.close();
  });
});
