// `thutin ticket …` as the operator runs it (bin/thutin.js in a child process) on a data directory
// with a reported message: list and show print the ticket with its internal notes and the message
// it keeps; reply (public, internal, --answer), assign, close and reopen change it, are audited
// with the operating-system user as actor, and the reporter is told by mail of the public ones.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../../../test/helpers/harness.ts';
import { decodeEncodedWords } from '../../core/mime/index.ts';

const BIN = path.resolve(import.meta.dirname, '../../../bin/thutin.js');

function thutin(dir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, '--data', dir, ...args], { timeout: 60000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('thutin ticket', { timeout: 180000 }, () => {
  let t: TestApp;
  let id = 0;
  let reporterId = 0;
  const notices = async () => {
    const mb = (await t.app.store.getMailbox(reporterId, 'INBOX'))!;
    const all = await t.app.store.getMessages(
      mb.id,
      (await t.app.store.listMessages(mb.id)).map((m) => m.uid),
    );
    const idx = await t.app.store.indexesOf(all);
    return all.map((m) => decodeEncodedWords(idx.get(m)!.envelope.subject ?? '').split(' / ')[0]).filter((x) => x.startsWith('[#'));
  };

  beforeAll(async () => {
    t = await createTestApp();
    reporterId = (await t.app.accounts.create('an@kontum.gov.vn', TEST_PASSWORD, 'test')).id;
    await t.app.accounts.create('quantri@kontum.gov.vn', TEST_PASSWORD, 'test');
    await t.app.roles.grant('quantri@kontum.gov.vn', 'sysadmin', null, { actor: 'test', reason: 'QĐ 01' });
    const content = await t.app.store.ingest([Buffer.from('From: <km@lua-dao.example>\r\nSubject: Khuyến mãi\r\n\r\nMua ngay.\r\n')]);
    await t.app.store.deliver(content, [{ accountId: reporterId, mailbox: 'INBOX' }]);
    await t.app.store.release(content);
    const reporter = t.app.tickets.actorOf(await t.app.roles.principal(reporterId));
    id = (await t.app.tickets.file(reporter, { category: 'spam', text: 'Thư lừa đảo', message: { contentId: content.sha256 } })).id;
  });
  afterAll(async () => t?.cleanup());

  it('lists and shows the ticket with the message it keeps', async () => {
    const l = await thutin(t.dataDir, ['ticket', 'list', '--category', 'spam']);
    expect(l.code).toBe(0);
    expect(l.stdout).toMatch(new RegExp(`^#${id}\\t.*\\tThư rác / Spam\\tmới / new\\t<an@kontum.gov.vn>\\t-\\tKhuyến mãi$`, 'm'));
    expect(JSON.parse((await thutin(t.dataDir, ['ticket', 'list', '--state', 'closed', '--json'])).stdout)).toEqual([]);
    const s = await thutin(t.dataDir, ['ticket', 'show', `#${id}`]);
    expect(s.stdout).toContain('Thư được báo cáo / reported message: Khuyến mãi');
    expect(s.stdout).toContain('Thư lừa đảo');
  });

  it('replies, notes, assigns, answers, closes and reopens — audited, the reporter told', async () => {
    expect((await thutin(t.dataDir, ['ticket', 'reply', String(id), 'Chỉ quản trị viên thấy', '--internal'])).code).toBe(0);
    expect((await thutin(t.dataDir, ['ticket', 'assign', String(id), 'an@kontum.gov.vn'])).stderr).toContain('sysadmin');
    expect((await thutin(t.dataDir, ['ticket', 'assign', String(id), 'quantri@kontum.gov.vn'])).stdout).toBe(`#${id}: đã giao cho / assigned to quantri@kontum.gov.vn\n`);
    expect((await thutin(t.dataDir, ['ticket', 'reply', String(id), 'Đã chặn người gửi.', '--answer'])).stdout).toBe(`#${id}: đã trả lời / answered\n`);
    expect((await thutin(t.dataDir, ['ticket', 'close', String(id)])).stdout).toBe(`#${id}: đã đóng / closed\n`);
    expect((await thutin(t.dataDir, ['ticket', 'reopen', String(id)])).stdout).toBe(`#${id}: đang xử lý / in progress\n`);
    const bad = await thutin(t.dataDir, ['ticket', 'reopen', String(id)]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Báo cáo đang ở trạng thái không cho phép thao tác này');

    const s = await thutin(t.dataDir, ['ticket', 'show', String(id)]);
    expect(s.stdout).toContain('[nội bộ / internal]\nChỉ quản trị viên thấy');
    expect(s.stdout).toContain('Thư được báo cáo / reported message: -');
    const audit = (await t.app.audit.list(20, { target: `#${id}` })).reverse();
    expect(audit.map((e) => e.action)).toEqual(['ticket.file', 'ticket.reply', 'ticket.assign', 'ticket.answer', 'ticket.close', 'ticket.reopen']);
    expect(audit.slice(1).every((e) => e.actor.startsWith('cli:'))).toBe(true);
    expect(await notices()).toEqual([
      `[#${id}] Đã nhận báo cáo #${id}`,
      `[#${id}] Báo cáo #${id} đã được giao cho quantri@kontum.gov.vn`,
      `[#${id}] Báo cáo #${id} đã được trả lời`,
      `[#${id}] Báo cáo #${id} đã đóng`,
      `[#${id}] Báo cáo #${id} được mở lại`,
    ]);
  });
});
