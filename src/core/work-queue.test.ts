// The unit mailbox's work queue (core/work-queue.ts) on SQLite and PostgreSQL: who may see and
// change it (the head, read/manage delegates; not an outsider, not a send-only delegate, not a
// personal mailbox), assigning only to members, the history and audit entries, the $Assigned /
// $Handled keywords on the stored message, the head's filters, a move carrying the work and an
// expunge taking it away.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends, createTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/harness.ts';
import { isThutinError } from './errors.ts';
import { parseKeywords } from './flags.ts';
import type { WorkCaller } from './work-queue.ts';

const D = 'kontum.gov.vn';
const msg = (subject: string) =>
  Buffer.from(
    [
      `From: <vanthu@moha.gov.vn>`,
      `To: <vp@${D}>`,
      `Subject: ${subject}`,
      'Date: Mon, 07 Dec 2026 08:00:00 +0700',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=UTF-8',
      '',
      'Kính gửi Văn phòng.',
      '',
    ].join('\r\n'),
  );

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    expect(isThutinError(e) ? e.code : e).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe.each(backends())('work queue (%s)', (backend) => {
  let t: TestApp;
  const ctx = { actor: 'test', reason: 'QĐ 10/QĐ-VP' };
  let unitBox: number;
  let inbox: number;
  let head: WorkCaller;
  let clerk: WorkCaller; // read
  let deputy: WorkCaller; // manage
  let sender: WorkCaller; // send-as only
  let outsider: WorkCaller;

  const caller = async (address: string): Promise<WorkCaller> => ({ accountId: (await t.app.accounts.byAddress(address))!.id, address });

  beforeAll(async () => {
    t = await createTestApp({ backend });
    const d = t.app.directory;
    await d.createUnit({ code: 'VP', name: 'Văn phòng', kind: 'agency', abbreviation: 'vp' }, ctx);
    const p = async (fullName: string, localPart: string) => (await d.createPerson({ fullName, unitCode: 'VP', localPart, password: TEST_PASSWORD }, ctx)).person;
    const h = await p('Nguyễn Văn Thủ', 'thunv');
    await p('Trần Thị Thư', 'thutt');
    await p('Lê Văn Phó', 'pholv');
    await p('Phạm Văn Gửi', 'guipv');
    await p('Đỗ Văn Ngoài', 'ngoaidv');
    await d.setUnitHead('VP', h.id, ctx);
    await t.app.delegations.grant(`vp@${D}`, `thutt@${D}`, ['read'], ctx);
    await t.app.delegations.grant(`vp@${D}`, `pholv@${D}`, ['read', 'manage'], ctx);
    await t.app.delegations.grant(`vp@${D}`, `guipv@${D}`, ['send-as'], ctx);
    head = await caller(`thunv@${D}`);
    clerk = await caller(`thutt@${D}`);
    deputy = await caller(`pholv@${D}`);
    sender = await caller(`guipv@${D}`);
    outsider = await caller(`ngoaidv@${D}`);
    unitBox = (await t.app.accounts.byAddress(`vp@${D}`))!.id;
    for (const s of ['Công văn 1', 'Công văn 2', 'Công văn 3']) await t.app.store.append(unitBox, 'INBOX', msg(s), []);
    inbox = (await t.app.store.getMailbox(unitBox, 'INBOX'))!.id;
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const keywordsOf = async (mailboxId: number, uid: number) => parseKeywords((await t.app.store.getMessages(mailboxId, [uid]))[0].keywords);

  it('lets the head and read/manage delegates in, nobody else; lists the members who may be assigned', async () => {
    expect((await t.app.workQueue.access(head, unitBox)).isHead).toBe(true);
    expect((await t.app.workQueue.access(clerk, unitBox)).isHead).toBe(false);
    await t.app.workQueue.access(deputy, unitBox);
    await expectCode(t.app.workQueue.access(sender, unitBox), 'FORBIDDEN');
    await expectCode(t.app.workQueue.access(outsider, unitBox), 'FORBIDDEN');
    await expectCode(t.app.workQueue.items(outsider, inbox, [1]), 'FORBIDDEN');
    await expectCode(t.app.workQueue.access(head, head.accountId), 'WORK_QUEUE_NOT_UNIT_MAILBOX');
    const members = await t.app.workQueue.members(clerk, unitBox);
    expect(members.map((m) => [m.address, m.isHead, m.name])).toEqual([
      [`thunv@${D}`, true, 'Nguyễn Văn Thủ'],
      [`pholv@${D}`, false, 'Lê Văn Phó'],
      [`thutt@${D}`, false, 'Trần Thị Thư'],
    ]);
  });

  it('assigns, marks handled, notes: history with who and when, audit entries, keywords on the message', async () => {
    expect(await t.app.workQueue.items(clerk, inbox, [1])).toEqual([{ mailboxId: inbox, uid: 1, assignee: null, handled: false, note: '', updatedAt: null, updatedBy: null }]);
    const a = await t.app.workQueue.update(deputy, inbox, 1, { assignee: `THUTT@${D}`, note: 'Trình lãnh đạo trước 10/12' });
    expect(a).toMatchObject({ assignee: `thutt@${D}`, handled: false, note: 'Trình lãnh đạo trước 10/12', updatedBy: `pholv@${D}` });
    expect(await keywordsOf(inbox, 1)).toEqual(['$Assigned']);
    await expectCode(t.app.workQueue.update(deputy, inbox, 1, { assignee: `guipv@${D}` }), 'WORK_QUEUE_ASSIGNEE_INVALID');
    await expectCode(t.app.workQueue.update(deputy, inbox, 1, { assignee: `ngoaidv@${D}` }), 'WORK_QUEUE_ASSIGNEE_INVALID');
    await expectCode(t.app.workQueue.update(deputy, inbox, 1, { note: 'x'.repeat(1001) }), 'WORK_QUEUE_NOTE_TOO_LONG');
    await expectCode(t.app.workQueue.update(deputy, inbox, 99, { handled: true }), 'WORK_ITEM_NOT_FOUND');
    await expectCode(t.app.workQueue.update(outsider, inbox, 1, { handled: true }), 'FORBIDDEN');
    // The clerk (a read delegate) marks it handled: the queue is the unit's bookkeeping.
    const b = await t.app.workQueue.update(clerk, inbox, 1, { handled: true });
    expect(b).toMatchObject({ assignee: `thutt@${D}`, handled: true, updatedBy: `thutt@${D}` });
    expect((await keywordsOf(inbox, 1)).sort()).toEqual(['$Assigned', '$Handled']);
    // Nothing changed: no event.
    await t.app.workQueue.update(clerk, inbox, 1, { handled: true });
    const item = await t.app.workQueue.item(head, inbox, 1);
    expect(item.history.map((e) => [e.actor, e.kind, e.value])).toEqual([
      [`pholv@${D}`, 'assign', `thutt@${D}`],
      [`pholv@${D}`, 'note', 'Trình lãnh đạo trước 10/12'],
      [`thutt@${D}`, 'handled', ''],
    ]);
    expect(item.history.every((e) => typeof e.at === 'number' && e.at > 0)).toBe(true);
    const audit = await t.app.audit.list(10, { action: 'workqueue.update' });
    expect(audit).toHaveLength(2);
    expect(audit.map((e) => e.actor).sort()).toEqual([`pholv@${D}`, `thutt@${D}`]);
    expect(audit.every((e) => e.target === `vp@${D}`)).toBe(true);
    // Handing it back takes $Assigned away.
    await t.app.workQueue.update(head, inbox, 1, { assignee: null, handled: false });
    expect(await keywordsOf(inbox, 1)).toEqual([]);
    expect((await t.app.workQueue.item(head, inbox, 1)).history.slice(-2).map((e) => e.kind)).toEqual(['unassign', 'unhandled']);
  });

  it('filters the queue for the head: by assignee, nobody, handled or not', async () => {
    await t.app.workQueue.update(head, inbox, 1, { assignee: `thutt@${D}` });
    await t.app.workQueue.update(head, inbox, 2, { assignee: `pholv@${D}`, handled: true });
    const uids = async (f: Parameters<typeof t.app.workQueue.query>[2]) => (await t.app.workQueue.query(head, inbox, f)).map((i) => i.uid);
    expect(await uids({})).toEqual([3, 2, 1]);
    expect(await uids({ assignee: `thutt@${D}` })).toEqual([1]);
    expect(await uids({ assignee: 'none' })).toEqual([3]);
    expect(await uids({ handled: false })).toEqual([3, 1]);
    expect(await uids({ handled: true, assignee: `pholv@${D}` })).toEqual([2]);
  });

  it('keeps the work and its history when a message is moved within the unit mailbox, copies it with a copy, and drops it with an expunge', async () => {
    const archive = (await t.app.store.getMailbox(unitBox, 'Archive'))!.id;
    const { pairs } = await t.app.store.move(inbox, [2], archive);
    const newUid = pairs[0][1];
    const moved = await t.app.workQueue.item(head, archive, newUid);
    expect(moved).toMatchObject({ assignee: `pholv@${D}`, handled: true });
    expect(moved.history.map((e) => e.kind)).toEqual(['assign', 'handled']);
    expect((await keywordsOf(archive, newUid)).sort()).toEqual(['$Assigned', '$Handled']);
    // A copy gets its own.
    const copy = await t.app.store.copy(archive, [newUid], inbox);
    const copyUid = copy.pairs[0][1];
    expect(await t.app.workQueue.item(head, inbox, copyUid)).toMatchObject({ assignee: `pholv@${D}`, handled: true });
    await t.app.workQueue.update(head, inbox, copyUid, { handled: false });
    expect((await t.app.workQueue.item(head, archive, newUid)).handled).toBe(true);
    // Expunged: gone.
    await t.app.store.storeFlags(archive, [newUid], 'add', { mask: 8, keywords: [] });
    await t.app.store.expunge(archive);
    await expectCode(t.app.workQueue.item(head, archive, newUid), 'WORK_ITEM_NOT_FOUND');
    expect((await t.app.workQueue.query(head, archive, {})).length).toBe(0);
  });
});
