// Forwarding rules, on SQLite and PostgreSQL: free-mail, itself and non-addresses are refused;
// set and remove are audited; at delivery a forwarding target gets a queued copy for a remote
// address (envelope sender and header prefix kept) or a local INBOX copy for one of ours, keeps
// its own copy only when asked, Junk is not forwarded, and a forward to a domain added to the
// free-mail list later is not followed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, createTestApp, type TestApp } from '../../test/helpers/harness.ts';
import { ForwardingService } from './forwarding.ts';
import { freeMailMatcher } from './free-mail.ts';
import { isThutinError } from './errors.ts';

describe.each(backends())('forwarding (%s)', (backend) => {
  let t: TestApp;
  let fw: ForwardingService;
  const free = ['gmail.com'];
  let an: { id: number; username: string };
  let binh: { id: number; username: string };

  beforeAll(async () => {
    t = await createTestApp({ backend });
    fw = new ForwardingService(t.app.db.kysely, t.app.audit, {
      isFreeMail: (a) => freeMailMatcher(free)(a), // the list as it is now
      localAccount: async (a) => (await t.app.accounts.byAddress(a))?.id ?? null,
      isLocalDomain: (d) => t.app.domains.isLocal(d),
    });
    an = await t.app.accounts.create('an@kontum.gov.vn', 'Matkhau#2026', 'test');
    binh = await t.app.accounts.create('binh@kontum.gov.vn', 'Matkhau#2026', 'test');
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const code = async (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: unknown) => (isThutinError(e) ? e.code : String(e)),
    );

  it('refuses free-mail, itself and non-addresses; audits set and remove', async () => {
    expect(await code(fw.set(an, 'an@Gmail.com', true, 'api:an'))).toBe('FORWARD_FREE_MAIL');
    expect(await code(fw.set(an, 'AN@kontum.gov.vn', true, 'api:an'))).toBe('FORWARD_SELF');
    expect(await code(fw.set(an, 'not an address', true, 'api:an'))).toBe('FORWARD_INVALID');
    expect(await code(fw.remove(an, 'api:an'))).toBe('FORWARD_NOT_FOUND');
    expect(await fw.set(an, 'VanThu@GiaLai.gov.vn', false, 'api:an')).toMatchObject({ address: 'vanthu@gialai.gov.vn', keepCopy: false });
    await fw.remove(an, 'api:an');
    expect(await fw.get(an.id)).toBeNull();
    expect((await t.app.audit.list(10, { target: an.username })).map((e) => e.action)).toEqual(expect.arrayContaining(['forwarding.set', 'forwarding.remove']));
  });

  it('expands a plan: remote copy with the sender and prefix, local INBOX copy, keep-copy, Junk left alone', async () => {
    const prefix = Buffer.from('Authentication-Results: mail.test.local; spf=pass\r\n');
    await fw.set(an, 'vanthu@gialai.gov.vn', false, 'test');
    await fw.set(binh, 'an@kontum.gov.vn', true, 'test');
    const out = await fw.expand(
      [
        {
          headerPrefix: prefix,
          local: [
            { accountId: an.id, mailbox: 'INBOX', orInbox: true },
            { accountId: binh.id, mailbox: 'INBOX', orInbox: true },
          ],
        },
      ],
      'lienhe@doitac.example',
    );
    expect(out).toEqual([
      { headerPrefix: prefix, local: [{ accountId: binh.id, mailbox: 'INBOX', orInbox: true }] },
      { headerPrefix: prefix, local: [{ accountId: an.id, mailbox: 'INBOX' }], remote: { sender: 'lienhe@doitac.example', recipients: ['vanthu@gialai.gov.vn'], accountId: null } },
    ]);
    const junk = await fw.expand([{ local: [{ accountId: an.id, mailbox: 'Junk', orInbox: true }] }], 'x@spam.example');
    expect(junk).toEqual([{ local: [{ accountId: an.id, mailbox: 'Junk', orInbox: true }] }]);
  });

  it('does not follow a forward to a domain later added to the free-mail list', async () => {
    await fw.set(an, 'an@mail-rieng.example', true, 'test');
    free.push('mail-rieng.example');
    const out = await fw.expand([{ local: [{ accountId: an.id }] }], 's@x.example');
    expect(out).toEqual([{ local: [{ accountId: an.id }] }]);
  });
});
