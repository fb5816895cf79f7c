// Requests (issue 11) as mail clients see them, over the HTTP API and imapflow: a mover keeps their
// own mail, loses the old unit's mailbox (Shared/<old unit>/… disappears from LIST) and gains the new
// one when they take its headship; a handover gives the new head the unit mailbox and the old head's
// access fails; a password reset asked by the agency head ends the person's open IMAP session and
// their old password at once, and the one-time code gives a new one that must be changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImapFlow } from 'imapflow';
import { backends } from '../helpers/harness.ts';
import { imaplibLogin, startRequestWorld, TEST_PASSWORD, type RequestWorld } from '../helpers/requests.ts';
import { vietnameseMessage } from '../helpers/servers.ts';
import { eventually } from '../../src/smtp/testing/clients.ts';
import { missingTool } from '../helpers/tools.ts';

const DOC = { number: '210/QĐ-SNV', date: '2026-12-02', signer: 'Phạm Thị Hoa' };

for (const backend of backends()) {
  describe.skipIf(missingTool('python3', `requests and mailboxes (${backend})`))(`requests as mail clients see them (${backend})`, { timeout: 120_000 }, () => {
    let w: RequestWorld;
    const ctx = { actor: 'test', reason: 'QĐ 01/QĐ-UBND' };
    beforeAll(async () => {
      w = await startRequestWorld(backend);
      const d = w.r.app.directory;
      await d.createUnit({ code: 'SNV-P1', name: 'Phòng Tổ chức cán bộ', kind: 'department', parentCode: 'SNV', abbreviation: 'snvtccb' }, ctx);
      await d.createUnit({ code: 'SNV-P2', name: 'Phòng Cải cách hành chính', kind: 'department', parentCode: 'SNV', abbreviation: 'snvcchc' }, ctx);
    });
    afterAll(async () => {
      await w?.stop();
    });

    async function imap(user: string, pass = TEST_PASSWORD): Promise<ImapFlow & { closed: () => boolean }> {
      const c = new ImapFlow({ host: '127.0.0.1', port: w.r.servers.ports.imaps, secure: true, tls: { rejectUnauthorized: false }, auth: { user, pass }, logger: false });
      let closed = false;
      c.on('close', () => (closed = true));
      c.on('error', () => {});
      await c.connect();
      return Object.assign(c, { closed: () => closed });
    }

    async function names(user: string): Promise<string[]> {
      const c = await imap(user);
      const list = (await c.list()).map((m) => m.path);
      await c.logout();
      return list;
    }

    /** File, submit (head), approve (directory manager) and execute now (sysadmin): the request as it ends. */
    async function through(kind: string, payload: Record<string, unknown>, document: typeof DOC | null = DOC): Promise<{ id: number; json: any }> {
      const { tokens } = w.p;
      const filed = await w.call(tokens['head-snv'], 'POST', '/api/v1/requests', { kind, payload, ...(document ? { document } : {}) });
      expect(filed.status, filed.text).toBe(201);
      const id = filed.json.id as number;
      expect((await w.call(tokens['head-snv'], 'POST', `/api/v1/requests/${id}/submit`)).json.state).toBe('submitted');
      expect((await w.call(tokens['directory-manager'], 'POST', `/api/v1/requests/${id}/approve`, {})).json.state).toBe('scheduled');
      const done = await w.call(tokens.sysadmin, 'POST', `/api/v1/requests/${id}/execute`);
      expect(done.status, done.text).toBe(200);
      return { id, json: done.json };
    }

    it('a mover keeps their mail, loses the old unit mailbox and gains the new one', async () => {
      const d = w.r.app.directory;
      const mover = await d.createPerson({ fullName: 'Ngô Văn Chuyển', unitCode: 'SNV-P1', localPart: 'chuyennv', password: TEST_PASSWORD, title: 'Trưởng phòng' }, ctx);
      await d.setUnitHead('SNV-P1', mover.person.id, ctx, { rotatePassword: false });
      const acct = (await w.r.app.accounts.byAddress(mover.address))!;
      const content = await w.r.app.store.ingest([vietnameseMessage({ from: w.p.actors.user, to: mover.address, subject: 'Giấy mời họp giao ban' })]);
      await w.r.app.store.deliver(content, [{ accountId: acct.id, mailbox: 'INBOX' }]);
      await w.r.app.store.release(content);
      expect(await names(mover.address)).toEqual(expect.arrayContaining(['INBOX', 'Shared/snvtccb@kontum.gov.vn/INBOX']));

      const { id, json } = await through('mover', { person: mover.address, unitCode: 'SNV-P2', title: 'Trưởng phòng', headOfUnit: true });
      expect(json.state).toBe('notified');
      expect(json.items[0].result.headOf).toBe('SNV-P2');

      const after = await names(mover.address);
      expect(after).toContain('Shared/snvcchc@kontum.gov.vn/INBOX');
      expect(after.some((n) => n.startsWith('Shared/snvtccb@'))).toBe(false);
      const c = await imap(mover.address);
      await c.mailboxOpen('INBOX');
      const subjects: string[] = [];
      for await (const m of c.fetch('1:*', { envelope: true })) subjects.push(m.envelope?.subject ?? '');
      // their own mail stayed, and the notice of the request came beside it
      expect(subjects[0]).toBe('Giấy mời họp giao ban');
      expect(subjects.some((x) => x.includes(`#${id}`) && x.includes('đã được thực hiện'))).toBe(true);
      await expect(c.mailboxOpen('Shared/snvtccb@kontum.gov.vn/INBOX')).rejects.toThrow();
      await c.logout();
      // the address stayed; the history names the request
      expect((await d.personByAddress(mover.address))!.unitCode).toBe('SNV-P2');
      expect((await d.history('person', mover.person.id)).at(-1)!.requestId).toBe(id);
    });

    it('a handover: the new head sees the unit mailbox, the old head loses it at once', async () => {
      const d = w.r.app.directory;
      const oldHead = await d.createPerson({ fullName: 'Vũ Thị Cũ', unitCode: 'SNV-P1', localPart: 'cuvt', password: TEST_PASSWORD, title: 'Phó trưởng phòng' }, ctx);
      const newHead = await d.createPerson({ fullName: 'Đỗ Văn Mới', unitCode: 'SNV-P1', localPart: 'moidv', password: TEST_PASSWORD, title: 'Trưởng phòng' }, ctx);
      await d.setUnitHead('SNV-P1', oldHead.person.id, ctx, { rotatePassword: false });
      const before = await imap(oldHead.address);
      await before.mailboxOpen('Shared/snvtccb@kontum.gov.vn/INBOX');

      // the handover needs its decision
      const noDoc = await w.call(w.p.tokens['head-snv'], 'POST', '/api/v1/requests', { kind: 'handover', payload: { unitCode: 'SNV-P1', person: newHead.address } });
      const refused = await w.call(w.p.tokens['head-snv'], 'POST', `/api/v1/requests/${noDoc.json.id}/submit`);
      expect(refused.status).toBe(400);
      expect(refused.json.message).toContain('Thiếu văn bản làm căn cứ');

      const { json } = await through('handover', { unitCode: 'SNV-P1', person: newHead.address });
      expect(json.items[0].result.mailboxRotated).toBe(true);
      expect(await names(newHead.address)).toContain('Shared/snvtccb@kontum.gov.vn/INBOX');
      expect((await names(oldHead.address)).some((n) => n.startsWith('Shared/snvtccb@'))).toBe(false);
      const fresh = await imap(oldHead.address);
      await expect(fresh.mailboxOpen('Shared/snvtccb@kontum.gov.vn/INBOX')).rejects.toThrow();
      await fresh.logout();
      // the old head's open session loses the selected unit folder (rights read again before each command)
      await eventually(
        async () =>
          before.closed() ||
          !(await before.status('Shared/snvtccb@kontum.gov.vn/INBOX', { messages: true }).then(
            () => true,
            () => false,
          )),
        10_000,
        'old head access ends',
      );
      await before.logout().catch(() => {});
    });

    it('a password reset asked by the head ends the open session and the old password; the one-time code gives a new one', async () => {
      const d = w.r.app.directory;
      const person = await d.createPerson({ fullName: 'Mai Thị Quên', unitCode: 'SNV-VP', localPart: 'quenmt', password: TEST_PASSWORD, title: 'Chuyên viên' }, ctx);
      const open = await imap(person.address);
      await open.mailboxOpen('INBOX');
      const { id, json } = await through('password-reset', { person: person.address }, null);
      expect(json.state).toBe('notified');
      await eventually(() => open.closed(), 10_000, 'IMAP session ended by the reset');
      expect(await imaplibLogin(w.r, person.address, TEST_PASSWORD)).toMatch(/^NO/);
      const cred = await w.call(w.p.tokens['head-snv'], 'POST', `/api/v1/requests/${id}/credential`, {});
      expect(cred.status).toBe(200);
      const redeemed = await w.call(null, 'POST', cred.json.redeemPath);
      expect(redeemed.json.mustChangePassword).toBe(true);
      expect(await imaplibLogin(w.r, person.address, redeemed.json.password)).toMatch(/^NO .*(ALERT|đổi mật khẩu)/);
    });
  });
}
