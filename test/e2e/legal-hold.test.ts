// Legal hold over the sockets: an auditor holds a mailbox through the admin API; its owner deletes
// a message with imapflow (STORE \Deleted + EXPUNGE): the session sees it gone, yet the auditor's
// export (POST /api/v1/retention/holds/export, mboxrd) still has it, and the hold, the export and
// the audit agree. A sysadmin may not set or lift a hold, nor search the journal (auditors only);
// the journal search without a reason is refused 400. Policies are set by a sysadmin and read by an
// auditor, and a run's removal reaches a selected IMAP session as EXPUNGE; a journaled unit's mail is searched without diacritics and exported by the auditor, audited.
import { describe, it, expect, afterEach } from 'vitest';
import { ImapFlow } from 'imapflow';
import { startTestServers, imapClient, vietnameseMessage, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { backends } from '../helpers/harness.ts';
import type { Role } from '../../src/core/roles.ts';

describe.each(backends())('legal hold over IMAP and the admin API (%s)', (backend) => {
  let r: Running;
  let client: ImapFlow | null = null;
  afterEach(async () => {
    await client?.logout().catch(() => {});
    client = null;
    await r.stop();
  });

  it('EXPUNGE under hold hides the message from the user; the auditor’s export still has it', async () => {
    r = await startTestServers({ backend });
    const owner = await r.user('an.nv');
    const auditor = await r.user('kiem.lv');
    const admin = await r.user('quan.nv');
    await r.app.roles.grant(auditor, 'auditor' as Role, null, { actor: 'test', reason: 'QĐ 1' });
    await r.app.roles.grant(admin, 'sysadmin' as Role, null, { actor: 'test', reason: 'QĐ 1' });
    const base = `http://127.0.0.1:${r.servers.ports.http}/api/v1`;
    const call = async (token: string | null, method: string, path: string, body?: unknown) => {
      const res = await fetch(base + path, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, headers: res.headers, text: await res.text() };
    };
    const login = async (u: string) => JSON.parse((await call(null, 'POST', '/auth/login', { username: u, password: TEST_PASSWORD })).text).token as string;
    const tAud = await login(auditor);
    const tAdm = await login(admin);

    expect((await call(tAdm, 'POST', '/retention/holds', { mailbox: owner, reason: 'CV 1' })).status).toBe(403);
    const set = await call(tAud, 'POST', '/retention/holds', { mailbox: owner, reason: 'CV 45/TTr-thanh tra' });
    expect(set.status).toBe(200);
    const hold = JSON.parse(set.text) as { id: number; label: string };
    expect(hold.label).toBe(owner);

    client = imapClient(r, owner);
    await client.connect();
    await client.append('INBOX', vietnameseMessage({ from: 'huong@kontum.gov.vn', to: owner, subject: 'Hồ sơ thanh tra số 7' }));
    const lock = await client.getMailboxLock('INBOX');
    try {
      await client.messageFlagsAdd('1:*', ['\\Deleted']);
      await client.messageDelete('1:*'); // UID EXPUNGE
      const st = await client.status('INBOX', { messages: true });
      expect(st && st.messages).toBe(0);
    } finally {
      lock.release();
    }

    const exp = await call(tAud, 'POST', '/retention/holds/export', { mailbox: owner, reason: 'CV 45/TTr-thanh tra' });
    expect(exp.status).toBe(200);
    expect(exp.headers.get('content-type')).toContain('application/mbox');
    expect(exp.headers.get('x-thutin-kept')).toBe('1');
    expect(exp.text.startsWith('From ')).toBe(true);
    expect(exp.text).toContain('Đề nghị Đặng Thị Hương gửi báo cáo');
    expect((await call(tAdm, 'POST', '/retention/holds/export', { mailbox: owner, reason: 'x' })).status).toBe(403);
    expect((await call(tAdm, 'POST', '/retention/journal/search', { people: 'an', reason: 'x' })).status).toBe(403);
    expect((await call(tAud, 'POST', '/retention/journal/search', { people: 'an' })).status).toBe(400);

    const audit = await r.app.audit.list(50);
    expect(audit.some((e) => e.action === 'hold.set' && e.reason === 'CV 45/TTr-thanh tra' && e.actor === `api:${auditor}`)).toBe(true);
    expect(audit.some((e) => e.action === 'hold.export' && e.target === owner)).toBe(true);

    // Released by the auditor: the next run (a sysadmin may start it) removes what the hold kept.
    expect((await call(tAdm, 'POST', `/retention/holds/${hold.id}/release`, { reason: 'x' })).status).toBe(403);
    expect((await call(tAud, 'POST', `/retention/holds/${hold.id}/release`, { reason: 'CV 50/TTr' })).status).toBe(200);
    const run = await call(tAdm, 'POST', '/retention/run');
    expect(run.status).toBe(200);
    expect(JSON.parse(run.text)).toMatchObject({ releasedRemoved: 1 });
    expect(await r.app.legalHold.kept(owner)).toEqual([]);

    // Policies: a sysadmin sets and lists them, an auditor reads them only; a journaled unit's mail is
    // found by the auditor without diacritics and exported as mboxrd.
    const pol = await call(tAdm, 'POST', '/retention/policies', { folder: '\\Trash', kind: 'delete-after-days', amount: 30, reason: 'QĐ 9' });
    expect(pol.status).toBe(200);
    expect(JSON.parse(pol.text)).toMatchObject({ folder: '\\Trash', kind: 'delete-after-days', amount: 30, unit: null });
    expect((await call(tAud, 'POST', '/retention/policies', { folder: '*', kind: 'keep-years', amount: 5, reason: 'x' })).status).toBe(403);
    expect(JSON.parse((await call(tAud, 'GET', '/retention/policies')).text).policies.length).toBe(1);
    expect((await call(tAdm, 'POST', '/retention/policies', { folder: '*', kind: 'keep-years', amount: 5 })).status).toBe(400);
    // A run removes Trash past 30 days as an expunge: the owner's session selected on Trash is told.
    await client.append('Trash', vietnameseMessage({ from: 'huong@kontum.gov.vn', to: owner, subject: 'Thư cũ trong thùng rác' }), [], new Date(Date.now() - 40 * 86_400_000));
    await client.mailboxOpen('Trash');
    expect(client.mailbox && client.mailbox.exists).toBe(1);
    const expunged = new Promise<number>((resolve) => client!.once('expunge', (e: { seq: number }) => resolve(e.seq)));
    const run2 = await call(tAdm, 'POST', '/retention/run');
    expect(JSON.parse(run2.text)).toMatchObject({ removed: 1 });
    await client.noop();
    expect(await expunged).toBe(1);
    expect(client.mailbox && client.mailbox.exists).toBe(0);
    const ctx = { actor: 'test', reason: 'QĐ 1' };
    await r.app.directory.createUnit({ code: 'SNV', name: 'Sở Nội vụ', kind: 'agency', withMailbox: false }, ctx);
    const p = await r.app.directory.createPerson({ fullName: 'Phạm Thị Hoa', unitCode: 'SNV', password: TEST_PASSWORD }, ctx);
    expect((await call(tAdm, 'PUT', '/retention/journal/units/SNV', { keepYears: 10, reason: 'QĐ 10' })).status).toBe(200);
    const c = await r.app.store.ingest([vietnameseMessage({ from: owner, to: p.address, subject: 'Kế hoạch kiểm tra công vụ' })]);
    await r.app.store.commit(c, { copies: [{ local: [{ accountId: (await r.app.accounts.byAddress(p.address))!.id }] }] });
    await r.app.store.release(c);
    const found = await call(tAud, 'POST', '/retention/journal/search', { unit: 'SNV', text: 'ke hoach kiem tra', reason: 'Thanh tra CV 45' });
    expect(found.status).toBe(200);
    const entries = JSON.parse(found.text).entries as Array<{ id: number; direction: string; subject: string }>;
    expect(entries.map((e) => [e.direction, e.subject])).toEqual([['received', 'Kế hoạch kiểm tra công vụ']]);
    const jx = await call(tAud, 'POST', '/retention/journal/export', { ids: [entries[0].id], reason: 'Thanh tra CV 45' });
    expect(jx.status).toBe(200);
    expect(jx.headers.get('x-thutin-messages')).toBe('1');
    expect(jx.text).toMatch(/^From \S+ /);
    const journalAudit = (await r.app.audit.list(50)).filter((e) => e.action.startsWith('journal.'));
    expect(journalAudit.map((e) => [e.action, e.reason])).toEqual(
      expect.arrayContaining([
        ['journal.set', 'QĐ 10'],
        ['journal.search', 'Thanh tra CV 45'],
        ['journal.export', 'Thanh tra CV 45'],
      ]),
    );
  });
});
