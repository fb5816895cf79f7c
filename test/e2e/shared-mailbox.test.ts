// Unit mailboxes shared by delegation (R8) seen through IMAP with real clients: the shared
// namespace (NAMESPACE, LIST), a `read` delegate reading and marking \Seen but refused
// deletions with NO [NOPERM], a `manage` delegate moving and expunging but not deleting the
// owner's special folders, IDLE on a shared folder, names without rights that do not exist,
// revocation taking effect on the next SELECT — with imapflow, a raw socket and Python imaplib.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { backends } from '../helpers/harness.ts';
import { RawImap } from '../helpers/raw-imap.ts';
import { startTestServers, imapClient, vietnameseMessage, TEST_PASSWORD, type Running } from '../helpers/servers.ts';

const run = promisify(execFile);
const UNIT = 'stttt@kontum.gov.vn';
const SHARED_INBOX = `Shared/${UNIT}/INBOX`;

describe.each(backends())('shared unit mailbox over IMAP (%s)', (backend) => {
  let r: Running;
  let head: string; // manage
  let clerk: string; // read
  let other: string; // nothing
  let unitId: number;
  const ctx = { actor: 'test', reason: 'QĐ 15/QĐ-STTTT' };

  beforeAll(async () => {
    r = await startTestServers({ backend });
    await r.user('stttt');
    unitId = (await r.app.accounts.byAddress(UNIT))!.id;
    head = await r.user('giamdoc.stttt');
    clerk = await r.user('vanthu.stttt');
    other = await r.user('annv');
    await r.app.delegations.grant(UNIT, head, ['read', 'send-as', 'manage'], ctx);
    await r.app.delegations.grant(UNIT, clerk, ['read'], ctx);
    for (const subject of ['Công văn số 1', 'Công văn số 2', 'Công văn số 3']) {
      await r.app.store.append(unitId, 'INBOX', vietnameseMessage({ from: 'vanthu@moha.gov.vn', to: UNIT, subject }), []);
    }
  });
  afterAll(async () => {
    await r?.stop();
  });

  async function raw(user: string): Promise<RawImap> {
    const c = await RawImap.connect(r.servers.ports.imaps);
    expect(await c.cmd('L', `LOGIN ${user} "${TEST_PASSWORD}"`)).toMatch(/^L OK/m);
    return c;
  }

  it('announces the shared namespace and lists the unit mailbox under Shared/ for a delegate', async () => {
    const c = await raw(clerk);
    expect(await c.cmd('n1', 'NAMESPACE')).toContain('* NAMESPACE (("" "/")) NIL (("Shared/" "/"))');
    const list = await c.cmd('n2', 'LIST "" "*"');
    expect(list).toContain('* LIST (\\Noselect \\HasChildren) "/" "Shared"\r\n');
    expect(list).toContain(`* LIST (\\Noselect \\HasChildren) "/" "Shared/${UNIT}"\r\n`);
    expect(list).toContain(`* LIST (\\HasNoChildren) "/" "${SHARED_INBOX}"\r\n`);
    expect(list).toContain(`* LIST (\\HasNoChildren \\Sent) "/" "Shared/${UNIT}/Sent"\r\n`);
    expect(list.indexOf('"INBOX"')).toBeLessThan(list.indexOf('"Shared"')); // own folders first
    expect(await c.cmd('n3', 'LIST "" "%"')).toMatch(/\* LIST \(\\Noselect \\HasChildren\) "\/" "Shared"\r\n/);
    expect(await c.cmd('n4', `LIST "" "Shared/%"`)).toBe(`* LIST (\\Noselect \\HasChildren) "/" "Shared/${UNIT}"\r\nn4 OK LIST hoàn tất / completed\r\n`);
    const ext = await c.cmd('n5', `LIST "" "Shared/*" RETURN (STATUS (MESSAGES UNSEEN))`);
    expect(ext).toContain(`* STATUS "${SHARED_INBOX}" (MESSAGES 3 UNSEEN 3)`);
    expect(await c.cmd('n6', `STATUS ${SHARED_INBOX} (MESSAGES)`)).toContain(`* STATUS "${SHARED_INBOX}" (MESSAGES 3)`);
    expect(await c.cmd('n7', 'LSUB "" "Shared/*"')).toContain(`* LSUB () "/" "${SHARED_INBOX}"`);
    c.close();
  });

  it('lets a read delegate read with imapflow, read-only: every change refused, \\Seen included (issue 9)', async () => {
    const c = imapClient(r, clerk);
    await c.connect();
    const names = (await c.list()).map((m) => m.path);
    expect(names).toEqual(expect.arrayContaining(['INBOX', SHARED_INBOX, `Shared/${UNIT}/Archive`]));
    const box = await c.mailboxOpen(SHARED_INBOX);
    expect(box.exists).toBe(3);
    const subjects: string[] = [];
    for await (const m of c.fetch('1:*', { envelope: true })) subjects.push(m.envelope!.subject!);
    expect(subjects).toEqual(['Công văn số 1', 'Công văn số 2', 'Công văn số 3']);
    const msg = await c.fetchOne('1', { source: true });
    expect(msg && msg.source!.toString('utf8')).toContain('Kính gửi đồng chí Nguyễn Văn An');
    expect(await c.messageFlagsAdd('1', ['\\Seen'])).toBe(false);
    // Deleting goes through STORE \Deleted, which is refused.
    expect(await c.messageFlagsAdd('2', ['\\Deleted'])).toBe(false);
    expect(await c.messageDelete('2')).toBe(false);
    await c.logout();
    const owner = await r.app.store.getMailbox(unitId, 'INBOX');
    const metas = await r.app.store.listMessages(owner!.id);
    expect(metas.map((m) => m.flags & 1)).toEqual([0, 0, 0]); // reading marked nothing: the owner's state is the owner's
    expect(metas).toHaveLength(3);

    const raw1 = await raw(clerk);
    expect(await raw1.cmd('s1', `SELECT ${SHARED_INBOX}`)).toMatch(/OK \[PERMANENTFLAGS \(\)\][\s\S]*s1 OK \[READ-ONLY\]/);
    expect(await raw1.cmd('s2', 'STORE 2 +FLAGS (\\Deleted)')).toMatch(/^s2 NO \[NOPERM\]/m);
    expect(await raw1.cmd('s3', 'STORE 2 FLAGS (\\Seen)')).toMatch(/^s3 NO \[NOPERM\]/m);
    expect(await raw1.cmd('s4', 'EXPUNGE')).toMatch(/^s4 NO \[NOPERM\]/m);
    expect(await raw1.cmd('s5', 'MOVE 2 INBOX')).toMatch(/^s5 NO \[NOPERM\]/m);
    expect(await raw1.cmd('s6', 'COPY 2 INBOX')).toMatch(/^s6 OK \[COPYUID/m); // a copy into one's own folder is reading
    expect(await raw1.cmd('s7', `COPY 1 Shared/${UNIT}/Archive`)).toMatch(/^s7 NO \[NOPERM\]/m);
    expect(await raw1.cmd('s8', `CREATE Shared/${UNIT}/Moi`)).toMatch(/^s8 NO \[NOPERM\]/m);
    expect(await raw1.cmd('s9', `DELETE Shared/${UNIT}/Archive`)).toMatch(/^s9 NO \[NOPERM\]/m);
    expect(await raw1.cmd('s10', 'STORE 2 -FLAGS (\\Seen)')).toMatch(/^s10 NO \[NOPERM\]/m);
    expect(await raw1.cmd('s10b', 'FETCH 2 BODY[TEXT]')).not.toMatch(/\\Seen/); // read-only: reading sets nothing
    raw1.write(`s11 APPEND ${SHARED_INBOX} {5+}\r\nHello\r\n`);
    expect(await raw1.readUntil(/^s11 .*\r\n/m)).toMatch(/^s11 NO \[NOPERM\]/m);
    expect(await raw1.cmd('s12', 'CLOSE')).toMatch(/^s12 OK/m);
    raw1.close();
  });

  it('lets a manage delegate move and expunge, create and delete folders, but not delete INBOX or special folders', async () => {
    const c = imapClient(r, head);
    await c.connect();
    await c.mailboxOpen(SHARED_INBOX);
    const moved = await c.messageMove('3', `Shared/${UNIT}/Archive`);
    expect(moved && moved.uidMap && moved.uidMap.size).toBe(1);
    expect(await c.messageDelete('2')).toBe(true);
    expect(await c.status(SHARED_INBOX, { messages: true })).toMatchObject({ messages: 1 });
    expect(await c.status(`Shared/${UNIT}/Archive`, { messages: true })).toMatchObject({ messages: 1 });
    await c.mailboxCreate(`Shared/${UNIT}/Hồ sơ 2026`);
    await c.mailboxRename(`Shared/${UNIT}/Hồ sơ 2026`, `Shared/${UNIT}/Hồ sơ 2027`);
    expect((await r.app.store.listMailboxes(unitId)).map((m) => m.name)).toContain('Hồ sơ 2027');
    await c.mailboxDelete(`Shared/${UNIT}/Hồ sơ 2027`);
    await c.logout();

    const rc = await raw(head);
    expect(await rc.cmd('m1', `DELETE Shared/${UNIT}/Sent`)).toMatch(/^m1 NO \[NOPERM\]/m);
    expect(await rc.cmd('m2', `DELETE ${SHARED_INBOX}`)).toMatch(/^m2 NO \[NOPERM\]/m);
    expect(await rc.cmd('m3', `RENAME Shared/${UNIT}/Trash Shared/${UNIT}/Rac`)).toMatch(/^m3 NO \[NOPERM\]/m);
    expect(await rc.cmd('m4', `RENAME Shared/${UNIT}/Archive Archive2`)).toMatch(/^m4 NO/m);
    expect(await rc.cmd('m5', `DELETE Shared/${UNIT}`)).toMatch(/^m5 NO \[NOPERM\]/m);
    rc.close();
    expect((await r.app.store.listMailboxes(unitId)).map((m) => m.name)).toEqual(expect.arrayContaining(['INBOX', 'Sent', 'Trash', 'Archive']));
  });

  it('answers the ACL commands (RFC 4314) from the delegation, read-only', async () => {
    const c = await raw(clerk);
    expect(await c.cmd('a0', 'CAPABILITY')).toMatch(/ ACL RIGHTS=texk/);
    expect(await c.cmd('a1', `MYRIGHTS ${SHARED_INBOX}`)).toContain(`* MYRIGHTS "${SHARED_INBOX}" lr\r\n`);
    expect(await c.cmd('a2', 'MYRIGHTS INBOX')).toContain('* MYRIGHTS "INBOX" lrswipktea\r\n');
    expect(await c.cmd('a3', `GETACL ${SHARED_INBOX}`)).toMatch(/^a3 NO \[NOPERM\]/m);
    expect(await c.cmd('a4', `SETACL ${SHARED_INBOX} ${clerk} +w`)).toMatch(/^a4 NO \[NOPERM\]/m);
    expect(await c.cmd('a5', `LISTRIGHTS ${SHARED_INBOX} ${clerk}`)).toContain(`* LISTRIGHTS "${SHARED_INBOX}" "${clerk}" "" lr swipkxte`);
    c.close();
    const h = await raw(head);
    expect(await h.cmd('b1', `MYRIGHTS ${SHARED_INBOX}`)).toContain(`* MYRIGHTS "${SHARED_INBOX}" lrswipkte\r\n`); // not x on INBOX
    expect(await h.cmd('b2', `MYRIGHTS Shared/${UNIT}/Archive`)).toContain(`* MYRIGHTS "Shared/${UNIT}/Archive" lrswipkte\r\n`); // special folder
    expect(await h.cmd('b3', `CREATE Shared/${UNIT}/Projects`)).toMatch(/^b3 OK/m);
    expect(await h.cmd('b4', `MYRIGHTS Shared/${UNIT}/Projects`)).toContain(`* MYRIGHTS "Shared/${UNIT}/Projects" lrswipkxte\r\n`);
    h.close();
    const owner = await raw(UNIT);
    const acl = await owner.cmd('o1', 'GETACL INBOX');
    expect(acl).toContain(`* ACL "INBOX" "${UNIT}" lrswipktea "${head}" lrswipkte "${clerk}" lr\r\n`);
    expect(await owner.cmd('o2', 'MYRIGHTS Archive')).toContain('* MYRIGHTS "Archive" lrswipkxtea\r\n');
    owner.close();
  });

  it('keeps names without rights invisible and unreachable, for shared and personal mailboxes alike', async () => {
    const c = await raw(other);
    const list = await c.cmd('x1', 'LIST "" "*"');
    expect(list).not.toContain('Shared');
    expect(await c.cmd('x2', `SELECT ${SHARED_INBOX}`)).toMatch(/^x2 NO \[NONEXISTENT\]/m);
    expect(await c.cmd('x3', `SELECT Shared/${clerk}/INBOX`)).toMatch(/^x3 NO \[NONEXISTENT\]/m);
    expect(await c.cmd('x4', `EXAMINE "Shared/${head}/Sent"`)).toMatch(/^x4 NO \[NONEXISTENT\]/m);
    expect(await c.cmd('x5', `STATUS ${SHARED_INBOX} (MESSAGES)`)).toMatch(/^x5 NO \[NONEXISTENT\]/m);
    expect(await c.cmd('x6', `CREATE Shared/${UNIT}/X`)).toMatch(/^x6 NO \[NOPERM\]/m);
    expect(await c.cmd('x7', `SELECT Shared/nobody@kontum.gov.vn/INBOX`)).toMatch(/^x7 NO \[NONEXISTENT\]/m);
    expect(await c.cmd('x8', 'SELECT Shared')).toMatch(/^x8 NO \[NONEXISTENT\]/m);
    c.close();
    // A delegate does not see another delegate's personal folders either.
    const d = await raw(clerk);
    expect(await d.cmd('y1', `SELECT Shared/${head}/INBOX`)).toMatch(/^y1 NO \[NONEXISTENT\]/m);
    d.close();
  });

  it('tells an idling delegate about new mail in the shared folder, and stops at revocation', async () => {
    await r.app.delegations.grant(UNIT, other, ['read'], ctx);
    const c = imapClient(r, other);
    await c.connect();
    await c.mailboxOpen(SHARED_INBOX);
    const before = c.mailbox && typeof c.mailbox === 'object' ? c.mailbox.exists : -1;
    const seen = new Promise<number>((resolve) => c.on('exists', (e: { count: number }) => resolve(e.count)));
    void c.idle().catch(() => {}); // resolves when the next command breaks the IDLE
    await new Promise((res) => setTimeout(res, 200)); // let IDLE reach the server
    await r.app.store.append(unitId, 'INBOX', vietnameseMessage({ from: 'ubnd@kontum.gov.vn', to: UNIT, subject: 'Giấy mời' }), []);
    expect(await seen).toBe(before + 1);
    await c.logout();

    await r.app.delegations.revoke(UNIT, other, ctx);
    const rc = await raw(other);
    expect(await rc.cmd('z1', `SELECT ${SHARED_INBOX}`)).toMatch(/^z1 NO \[NONEXISTENT\]/m);
    expect(await rc.cmd('z2', 'LIST "" "*"')).not.toContain('Shared');
    rc.close();
  });

  it('ends the session of a delegate whose right is revoked while the shared folder is selected', async () => {
    await r.app.delegations.grant(UNIT, other, ['manage'], ctx);
    const c = await raw(other);
    expect(await c.cmd('w1', `SELECT ${SHARED_INBOX}`)).toMatch(/^w1 OK \[READ-WRITE\]/m);
    await r.app.delegations.grant(UNIT, other, ['read'], ctx); // manage → read: deletions stop at once
    expect(await c.cmd('w2', 'STORE 1 +FLAGS (\\Deleted)')).toMatch(/^w2 NO \[NOPERM\]/m);
    await r.app.delegations.revoke(UNIT, other, ctx);
    c.write('w3 FETCH 1 (FLAGS)\r\n');
    expect(await c.readUntil(/^\* BYE .*\r\n/m)).toMatch(/access to the shared mailbox was revoked/);
    c.close();
  });

  it('works the same for Python imaplib', async () => {
    const script = path.join(import.meta.dirname, 'clients', 'imaplib_shared.py');
    const { stdout } = await run('python3', [script, '127.0.0.1', String(r.servers.ports.imaps), clerk, TEST_PASSWORD, SHARED_INBOX], { timeout: 20000 });
    const out = JSON.parse(stdout);
    expect(out.namespace).toBe('(("" "/")) NIL (("Shared/" "/"))');
    expect(out.list).toContain(`(\\HasNoChildren) "/" "${SHARED_INBOX}"`);
    expect(out.select_rw).toMatch(/^read-only/);
    expect(out.select[0]).toBe('OK');
    expect(out.fetch_subject).toMatch(/^Subject: /);
    expect(out.store_seen).toBe('NO');
    expect(out.store_deleted).toMatch(/^NO \[NOPERM\]/);
  });
});
