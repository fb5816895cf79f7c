// A handover of a unit mailbox with several thousand messages (issue 11, R8.3): 3,000 messages in its
// INBOX and 600 in a Vietnamese-named folder, loaded through the store API (ingest + group-committed
// deliveries, not SMTP one by one); the handover goes through a request over the HTTP API; the new
// head's imapflow sees every message (STATUS and a FETCH of every UID and envelope), the old head's
// open and new sessions lose the unit's folders, the unit mailbox's old password no longer logs in,
// and the handover record counts the folders right.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImapFlow } from 'imapflow';
import { backends } from '../helpers/harness.ts';
import { startRequestWorld, TEST_PASSWORD, type RequestWorld } from '../helpers/requests.ts';
import { vietnameseMessage } from '../helpers/servers.ts';
import { eventually } from '../../src/smtp/testing/clients.ts';

const DOC = { number: '412/QĐ-SNV', date: '2026-12-04', signer: 'Phạm Thị Hoa' };
const INBOX_COUNT = 3000;
const ARCHIVE = 'Lưu trữ 2025';
const ARCHIVE_COUNT = 600;

for (const backend of backends()) {
  describe(`handover of a large unit mailbox (${backend})`, { timeout: 300_000 }, () => {
    let w: RequestWorld;
    const ctx = { actor: 'test', reason: 'QĐ 04/QĐ-UBND' };
    let unitPassword = '';
    beforeAll(async () => {
      w = await startRequestWorld(backend);
      await w.r.app.directory.createUnit({ code: 'SNV-LT', name: 'Phòng Văn thư - Lưu trữ', kind: 'department', parentCode: 'SNV', abbreviation: 'snvvtlt' }, ctx);
      unitPassword = 'Hopthu#DonVi2026';
    });
    afterAll(async () => {
      await w?.stop();
    });

    async function imap(user: string, pass = TEST_PASSWORD): Promise<ImapFlow> {
      const c = new ImapFlow({ host: '127.0.0.1', port: w.r.servers.ports.imaps, secure: true, tls: { rejectUnauthorized: false }, auth: { user, pass }, logger: false });
      c.on('error', () => {});
      await c.connect();
      return c;
    }

    /** STATUS MESSAGES of a folder (-1 when the server gives none). */
    async function count(c: ImapFlow, path: string): Promise<number> {
      const st = await c.status(path, { messages: true });
      return st ? (st.messages ?? -1) : -1;
    }

    /** Load `n` messages into a folder through the store: ingest, then deliveries committed 100 at a time (the group commit). */
    async function load(accountId: number, folder: string, n: number, tag: string): Promise<void> {
      for (let i = 0; i < n; i += 100) {
        await Promise.all(
          Array.from({ length: Math.min(100, n - i) }, async (_, k) => {
            const no = i + k + 1;
            const c = await w.r.app.store.ingest([vietnameseMessage({ from: w.p.actors.user, to: 'snvvtlt@kontum.gov.vn', subject: `${tag} số ${no}/${n}`, messageId: `<${tag}-${no}@test>` })]);
            await w.r.app.store.deliver(c, [{ accountId, mailbox: folder }]);
            await w.r.app.store.release(c);
          }),
        );
      }
    }

    it('the new head’s imapflow sees every message; the old head’s access and the old password fail', async () => {
      const d = w.r.app.directory;
      const oldHead = await d.createPerson({ fullName: 'Đinh Văn Tiền Nhiệm', unitCode: 'SNV-LT', localPart: 'tiennhiemdv', password: TEST_PASSWORD, title: 'Trưởng phòng' }, ctx);
      const newHead = await d.createPerson({ fullName: 'Quách Thị Kế Nhiệm', unitCode: 'SNV-LT', localPart: 'kenhiemqt', password: TEST_PASSWORD, title: 'Phó trưởng phòng' }, ctx);
      await d.setUnitHead('SNV-LT', oldHead.person.id, ctx, { rotatePassword: false });
      const box = (await w.r.app.accounts.byAddress('snvvtlt@kontum.gov.vn'))!;
      await w.r.app.store.createMailbox(box.id, ARCHIVE);
      const started = Date.now();
      await load(box.id, 'INBOX', INBOX_COUNT, 'Công văn đến');
      await load(box.id, ARCHIVE, ARCHIVE_COUNT, 'Hồ sơ lưu trữ');
      const loadMs = Date.now() - started;
      console.log(`[handover-large ${backend}] ${INBOX_COUNT + ARCHIVE_COUNT} messages loaded through the store in ${loadMs} ms`);

      const shared = 'Shared/snvvtlt@kontum.gov.vn';
      const before = await imap(oldHead.address);
      expect(await count(before, `${shared}/INBOX`)).toBe(INBOX_COUNT);
      await before.mailboxOpen(`${shared}/INBOX`);
      // the unit mailbox's own password (the old head set it at first use) works before the handover
      await w.r.app.accounts.setPassword('snvvtlt@kontum.gov.vn', unitPassword, 'test');
      const unitBefore = await imap('snvvtlt@kontum.gov.vn', unitPassword).catch((e: Error) => e);
      expect(unitBefore).toBeInstanceOf(ImapFlow);
      if (unitBefore instanceof ImapFlow) await unitBefore.logout();

      // the handover, through a request over the API
      const { tokens } = w.p;
      const filed = await w.call(tokens['head-snv'], 'POST', '/api/v1/requests', { kind: 'handover', payload: { unitCode: 'SNV-LT', person: newHead.address }, document: DOC });
      expect(filed.status, filed.text).toBe(201);
      const id = filed.json.id as number;
      expect((await w.call(tokens['head-snv'], 'POST', `/api/v1/requests/${id}/submit`)).status).toBe(200);
      expect((await w.call(tokens['directory-manager'], 'POST', `/api/v1/requests/${id}/approve`, {})).status).toBe(200);
      const t0 = Date.now();
      const done = await w.call(tokens.sysadmin, 'POST', `/api/v1/requests/${id}/execute`);
      console.log(`[handover-large ${backend}] handover executed in ${Date.now() - t0} ms`);
      expect(done.json.state, done.text).toBe('notified');
      const record = done.json.items[0].result.record;
      expect(record.folders.find((f: { name: string }) => f.name === 'INBOX').messages).toBe(INBOX_COUNT);
      expect(record.folders.find((f: { name: string }) => f.name === ARCHIVE).messages).toBe(ARCHIVE_COUNT);

      // the new head sees all of it
      const c = await imap(newHead.address);
      const names = (await c.list()).map((m) => m.path);
      expect(names).toEqual(expect.arrayContaining([`${shared}/INBOX`, `${shared}/${ARCHIVE}`]));
      expect(await count(c, `${shared}/${ARCHIVE}`)).toBe(ARCHIVE_COUNT);
      const mb = await c.mailboxOpen(`${shared}/INBOX`, { readOnly: true });
      expect(mb.exists).toBe(INBOX_COUNT);
      const subjects = new Set<string>();
      const t1 = Date.now();
      for await (const m of c.fetch('1:*', { uid: true, envelope: true })) subjects.add(m.envelope?.subject ?? '');
      console.log(`[handover-large ${backend}] new head fetched ${subjects.size} envelopes in ${Date.now() - t1} ms`);
      expect(subjects.size).toBe(INBOX_COUNT);
      expect(subjects.has(`Công văn đến số ${INBOX_COUNT}/${INBOX_COUNT}`)).toBe(true);
      await c.logout();

      // the old head: the open session loses the folder, a new one does not see it, the old unit password fails
      await eventually(
        async () =>
          !(await before.status(`${shared}/INBOX`, { messages: true }).then(
            () => true,
            () => false,
          )),
        10_000,
        'old head access ends',
      );
      await before.logout().catch(() => {});
      const fresh = await imap(oldHead.address);
      expect((await fresh.list()).some((m) => m.path.startsWith(shared))).toBe(false);
      await expect(fresh.mailboxOpen(`${shared}/INBOX`)).rejects.toThrow();
      await fresh.logout();
      await expect(imap('snvvtlt@kontum.gov.vn', unitPassword)).rejects.toThrow();
    });
  });
}
