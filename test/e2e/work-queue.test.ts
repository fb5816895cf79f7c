// The unit mailbox as a shared work queue (issue 10, R8.4) over real sockets, on each backend: the
// deputy assigns a letter to the clerk over JMAP (WorkItem/set, capability
// urn:thutin:params:jmap:workqueue), the clerk marks it handled with a note over the HTTP API, the
// head filters the queue by assignee and by handled (JMAP WorkItem/query and the API), an IMAP
// client we did not write (imapflow) sees $Assigned / $Handled on the message, a delegate's open
// IMAP session is told of the change, and an outsider gets nothing (403 / forbidden).
import http from 'node:http';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends } from '../helpers/harness.ts';
import { startTestServers, imapClient, vietnameseMessage, TEST_PASSWORD, type Running } from '../helpers/servers.ts';

const D = 'kontum.gov.vn';
const UNIT = `vp@${D}`;
const USING = ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail', 'urn:thutin:params:jmap:workqueue'];

function request(port: number, method: string, path: string, opts: { headers?: Record<string, string>; body?: unknown } = {}): Promise<{ status: number; json: any }> {
  const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...(opts.headers ?? {}) }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown = null;
        try {
          json = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode ?? 0, json });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

describe.each(backends())('unit mailbox work queue over JMAP, the API and IMAP (%s)', (backend) => {
  let r: Running;
  let port: number;
  const ctx = { actor: 'test', reason: 'QĐ 12/QĐ-VP' };
  const head = `thunv@${D}`;
  const deputy = `pholv@${D}`;
  const clerk = `thutt@${D}`;
  const outsider = `ngoaidv@${D}`;
  let unitAccount: string;
  let inboxId: string;

  const basic = (user: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${TEST_PASSWORD}`).toString('base64')}` });
  const jmap = async (user: string, calls: unknown[]) => {
    const res = await request(port, 'POST', '/jmap/api', { headers: basic(user), body: { using: USING, methodCalls: calls } });
    expect(res.status).toBe(200);
    return res.json.methodResponses as Array<[string, any, string]>;
  };
  const token = async (user: string) => (await request(port, 'POST', '/api/v1/auth/login', { body: { username: user, password: TEST_PASSWORD } })).json.token as string;
  const api = async (user: string, method: string, path: string, body?: unknown) => request(port, method, path, { headers: { authorization: `Bearer ${await token(user)}` }, body });

  beforeAll(async () => {
    r = await startTestServers({ backend });
    port = r.servers.ports.http;
    const d = r.app.directory;
    await d.createUnit({ code: 'VP', name: 'Văn phòng', kind: 'agency', abbreviation: 'vp' }, ctx);
    const p = async (fullName: string, localPart: string) => (await d.createPerson({ fullName, unitCode: 'VP', localPart, password: TEST_PASSWORD }, ctx)).person;
    const h = await p('Nguyễn Văn Thủ', 'thunv');
    await p('Lê Văn Phó', 'pholv');
    await p('Trần Thị Thư', 'thutt');
    await p('Đỗ Văn Ngoài', 'ngoaidv');
    await d.setUnitHead('VP', h.id, ctx);
    await r.app.delegations.grant(UNIT, deputy, ['read', 'manage'], ctx);
    await r.app.delegations.grant(UNIT, clerk, ['read'], ctx);
    const unitId = (await r.app.accounts.byAddress(UNIT))!.id;
    for (const subject of ['Công văn số 101/UBND', 'Công văn số 102/UBND', 'Giấy mời họp giao ban']) {
      await r.app.store.append(unitId, 'INBOX', vietnameseMessage({ from: `vanthu@ubnd.${D}`, to: UNIT, subject }), []);
    }
    unitAccount = `A${unitId}`;
    inboxId = `M${(await r.app.store.getMailbox(unitId, 'INBOX'))!.id}`;
  });
  afterAll(async () => {
    await r?.stop();
  });

  it('announces the capability in the session', async () => {
    const s = await request(port, 'GET', '/jmap/session', { headers: basic(deputy) });
    expect(s.status).toBe(200);
    expect(s.json.capabilities).toHaveProperty('urn:thutin:params:jmap:workqueue');
    expect(Object.keys(s.json.accounts)).toContain(unitAccount);
  });

  it('the deputy assigns over JMAP, the clerk handles over the API, the head filters, an IMAP client sees the keywords live', async () => {
    // The clerk watches the unit's INBOX over IMAP (read-only delegate): the change must reach an open session.
    const watcher = imapClient(r, clerk);
    await watcher.connect();
    const flagsSeen: string[][] = [];
    watcher.on('flags', (ev: { flags: Set<string> }) => flagsSeen.push([...ev.flags]));
    await watcher.mailboxOpen(`Shared/${UNIT}/INBOX`, { readOnly: true });
    void watcher.idle().catch(() => undefined); // IDLE until the logout breaks it
    try {
      const [members] = await jmap(deputy, [['WorkQueueMember/get', { accountId: unitAccount }, 'm']]);
      expect(members[1].list.map((m: any) => [m.email, m.isHead])).toEqual([
        [head, true],
        [deputy, false],
        [clerk, false],
      ]);
      const [q0] = await jmap(deputy, [['WorkItem/query', { accountId: unitAccount, filter: { inMailbox: inboxId } }, 'q']]);
      expect(q0[1].ids).toHaveLength(3);
      const letter = q0[1].ids[2]; // newest first: the oldest is 'Công văn số 101/UBND'
      const [set] = await jmap(deputy, [['WorkItem/set', { accountId: unitAccount, update: { [letter]: { assignee: clerk, note: 'Chuẩn bị dự thảo trả lời' } } }, 's']]);
      expect(set[0]).toBe('WorkItem/set');
      expect(set[1].updated).toEqual({ [letter]: null });
      expect(set[1].newState).not.toBe(set[1].oldState);
      const [bad] = await jmap(deputy, [['WorkItem/set', { accountId: unitAccount, update: { [letter]: { assignee: outsider } } }, 'b']]);
      expect(bad[1].notUpdated[letter]).toMatchObject({ type: 'invalidProperties', properties: ['assignee'] });

      // The clerk finds her work through the API and marks it handled.
      const mine = await api(clerk, 'GET', `/api/v1/mailboxes/${UNIT}/work-queue?assignee=${encodeURIComponent(clerk)}`);
      expect(mine.status).toBe(200);
      expect(mine.json.items).toHaveLength(1);
      expect(mine.json.isHead).toBe(false);
      const { folderId, uid } = { folderId: mine.json.folderId, uid: mine.json.items[0].uid };
      const done = await api(clerk, 'PATCH', `/api/v1/mailboxes/${UNIT}/work-queue/${folderId}/${uid}`, { handled: true, note: 'Đã trình ký, số đi 245' });
      expect(done.status).toBe(200);
      expect(done.json.item).toMatchObject({ assignee: clerk, handled: true, note: 'Đã trình ký, số đi 245', updatedBy: clerk });
      expect(done.json.item.history.map((e: any) => [e.actor, e.kind])).toEqual([
        [deputy, 'assign'],
        [deputy, 'note'],
        [clerk, 'handled'],
        [clerk, 'note'],
      ]);

      // The head: what is still open, what is whose.
      const [open, byClerk, item] = await jmap(head, [
        ['WorkItem/query', { accountId: unitAccount, filter: { inMailbox: inboxId, handled: false } }, 'o'],
        ['WorkItem/query', { accountId: unitAccount, filter: { inMailbox: inboxId, assignee: clerk, handled: true } }, 'c'],
        ['WorkItem/get', { accountId: unitAccount, ids: [letter], properties: ['assignee', 'handled', 'note', 'updatedBy', 'history'] }, 'g'],
      ]);
      expect(open[1].ids).toHaveLength(2);
      expect(open[1].ids).not.toContain(letter);
      expect(byClerk[1].ids).toEqual([letter]);
      expect(item[1].list[0]).toMatchObject({ id: letter, assignee: clerk, handled: true, note: 'Đã trình ký, số đi 245', updatedBy: clerk });
      expect(item[1].list[0].history).toHaveLength(4);
      const [all] = await jmap(head, [['WorkItem/get', { accountId: unitAccount, ids: [...q0[1].ids, 'E999_1', 'nonsense'] }, 'a']]);
      expect(all[1].list.map((i: any) => [i.id, i.assignee, i.handled])).toEqual(q0[1].ids.map((id: string) => [id, id === letter ? clerk : null, id === letter]));
      expect(all[1].list[0]).not.toHaveProperty('history');
      expect(all[1].notFound).toEqual(['nonsense', 'E999_1']);
      const viaApi = await api(head, 'GET', `/api/v1/mailboxes/${UNIT}/work-queue?handled=false`);
      expect(viaApi.json.isHead).toBe(true);
      expect(viaApi.json.items.map((i: any) => i.uid)).toEqual([3, 2]);

      // An IMAP client we did not write sees the keywords on the message.
      const c = imapClient(r, head);
      await c.connect();
      try {
        await c.mailboxOpen(`Shared/${UNIT}/INBOX`, { readOnly: true });
        const m = await c.fetchOne(String(uid), { flags: true }, { uid: true });
        expect(m && [...m.flags!].sort()).toEqual(['$Assigned', '$Handled']);
        const other = await c.fetchOne('3', { flags: true }, { uid: true });
        expect(other && [...other.flags!]).toEqual([]);
      } finally {
        await c.logout();
      }
      // …and so does the open session, told while it idled.
      await expect.poll(() => flagsSeen.some((f) => f.includes('$Handled')), { timeout: 5000 }).toBe(true);

      // Moved to another folder of the unit mailbox, the letter keeps its Email id (RFC 8621) and its work.
      const mover = imapClient(r, head);
      await mover.connect();
      try {
        await mover.mailboxOpen(`Shared/${UNIT}/INBOX`);
        expect(await mover.messageMove(String(uid), `Shared/${UNIT}/Archive`, { uid: true })).toBeTruthy();
      } finally {
        await mover.logout();
      }
      const [moved] = await jmap(head, [['WorkItem/get', { accountId: unitAccount, ids: [letter], properties: ['emailId', 'mailboxId', 'assignee', 'handled'] }, 'm']]);
      expect(moved[1].notFound).toEqual([]);
      expect(moved[1].list[0]).toMatchObject({ id: letter, emailId: letter, assignee: clerk, handled: true });
      expect(moved[1].list[0].mailboxId).not.toBe(inboxId);
      const [again] = await jmap(deputy, [['WorkItem/set', { accountId: unitAccount, update: { [letter]: { note: 'Lưu hồ sơ' } } }, 'n']]);
      expect(again[1].updated).toEqual({ [letter]: null });
    } finally {
      await watcher.logout();
    }
  });

  it('gives an outsider nothing: 403 from the API, forbidden / accountNotFound from JMAP', async () => {
    const res = await api(outsider, 'GET', `/api/v1/mailboxes/${UNIT}/work-queue`);
    expect(res.status).toBe(403);
    const patch = await api(outsider, 'PATCH', `/api/v1/mailboxes/${UNIT}/work-queue/1/1`, { handled: true });
    expect(patch.status).toBe(403);
    const [q] = await jmap(outsider, [['WorkItem/query', { accountId: unitAccount, filter: { inMailbox: inboxId } }, 'q']]);
    expect(q[0]).toBe('error');
    expect(q[1].type).toBe('accountNotFound'); // the mailbox is not among the outsider's accounts
    // A personal mailbox has no queue.
    const [own] = await jmap(head, [['WorkItem/query', { accountId: `A${(await r.app.accounts.byAddress(head))!.id}`, filter: { inMailbox: inboxId } }, 'q']]);
    expect(own[1].type).toBe('accountNotSupportedByMethod');
  });
});
