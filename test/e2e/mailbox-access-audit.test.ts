// The access audit (R10.1, issue 9): a mailbox opened by someone other than its owner — a
// delegate selecting or examining a shared folder with a real client (imapflow) — is recorded
// in the hash-chained audit log once per session and folder (action mailbox.open, target the
// owner), with the rights, read-only or not, protocol and client address; the owner's own
// openings are not; the chain still verifies; an auditor finds the entries through the audit
// log's filters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/harness.ts';
import { imapClient, startTestServers, vietnameseMessage, type Running } from '../helpers/servers.ts';

const UNIT = 'sotp@kontum.gov.vn';

describe.each(backends())('the access audit of shared mailboxes (%s)', (backend) => {
  let r: Running;
  let clerk: string;
  let head: string;

  beforeAll(async () => {
    r = await startTestServers({ backend });
    await r.user('sotp');
    clerk = await r.user('vanthu.sotp');
    head = await r.user('giamdoc.sotp');
    const ctx = { actor: 'test', reason: 'QĐ 7/QĐ-STP' };
    await r.app.delegations.grant(UNIT, clerk, ['read'], ctx);
    await r.app.delegations.grant(UNIT, head, ['read', 'manage'], ctx);
    const unitId = (await r.app.accounts.byAddress(UNIT))!.id;
    await r.app.store.append(unitId, 'INBOX', vietnameseMessage({ from: 'vanthu@moj.gov.vn', to: UNIT, subject: 'Công văn' }), []);
  });
  afterAll(async () => r?.stop());

  const openings = async () => (await r.app.mailboxAccess.list(100, { owner: UNIT })).map((e) => ({ actor: e.actor, details: JSON.parse(e.details) as Record<string, unknown> }));

  it('records a delegate opening the owner’s folders once per session and folder, and not the owner’s own', async () => {
    expect(await openings()).toEqual([]);
    const c = imapClient(r, clerk);
    await c.connect();
    await c.mailboxOpen(`Shared/${UNIT}/INBOX`);
    await c.mailboxOpen('INBOX'); // the clerk's own
    await c.mailboxOpen(`Shared/${UNIT}/INBOX`); // again in the same session: already recorded
    await c.mailboxOpen(`Shared/${UNIT}/Sent`, { readOnly: true }); // EXAMINE of another folder
    await c.logout();
    let seen = await openings();
    expect(seen).toHaveLength(2);
    expect(seen.every((e) => e.actor === clerk)).toBe(true);
    expect(seen.map((e) => e.details.folder).sort()).toEqual(['INBOX', 'Sent']);
    expect(seen[0].details).toMatchObject({ access: 'read', readOnly: true, protocol: 'imap' });
    expect(String(seen[0].details.remote)).toMatch(/127\.0\.0\.1/);

    // A new session records again; the head's manage access is read-write.
    const h = imapClient(r, head);
    await h.connect();
    await h.mailboxOpen(`Shared/${UNIT}/INBOX`);
    await h.logout();
    seen = await openings();
    expect(seen).toHaveLength(3);
    expect(seen[0]).toMatchObject({ actor: head, details: { folder: 'INBOX', access: 'manage', readOnly: false } });

    // The owner's own opening is no access by another.
    const o = imapClient(r, UNIT);
    await o.connect();
    await o.mailboxOpen('INBOX');
    await o.logout();
    expect(await openings()).toHaveLength(3);

    // Tamper-evident: the entries are part of the audit chain, which still verifies.
    expect(await r.app.audit.verify()).toMatchObject({ ok: true });
    expect((await r.app.audit.list(10, { action: 'mailbox.open', actor: head })).length).toBe(1);
  });
});
