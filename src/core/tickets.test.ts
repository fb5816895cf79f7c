// Incident tickets (core/tickets.ts) on SQLite and PostgreSQL: the life cycle with its audit
// entries and the reporter's notices; who sees what; the reported message kept past the user's
// expunge and reclaimed when the ticket closes; filing and replying by mail (receiveMail).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends, createTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/harness.ts';
import { isThutinError } from './errors.ts';
import { toFlagSet } from './flags.ts';
import { decodeEncodedWords } from './mime/index.ts';
import type { TicketActor } from './tickets.ts';
import { guessCategory, ticketIdOf, replyText } from './ticket-mail.ts';

const msg = (subject: string, body: string, extra: string[] = []) =>
  Buffer.from(
    [
      'From: <spammer@lua-dao.example>',
      'To: <an@kontum.gov.vn>',
      `Subject: ${subject}`,
      'Date: Sun, 06 Dec 2026 09:00:00 +0700',
      `Message-ID: <${Math.random().toString(36).slice(2)}@lua-dao.example>`,
      ...extra,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=UTF-8',
      '',
      body,
      '',
    ].join('\r\n'),
  );

describe('filing rules by mail', () => {
  it('guesses the category from the subject, diacritics or not', () => {
    expect(guessCategory('Báo cáo thư rác')).toBe('spam');
    expect(guessCategory('bao cao thu rac')).toBe('spam');
    expect(guessCategory('SPAM from outside')).toBe('spam');
    expect(guessCategory('Nghi có mã độc trong tệp')).toBe('virus');
    expect(guessCategory('virus?')).toBe('virus');
    expect(guessCategory('Không gửi được thư')).toBe('fault');
  });
  it('finds the ticket of a reply by its tag or by the notice it answers', () => {
    expect(ticketIdOf('Re: [#42] Đã nhận báo cáo', null, null, 'kontum.gov.vn')).toBe(42);
    expect(ticketIdOf('Re: anything', '<ticket-7-1-abc@kontum.gov.vn>', null, 'kontum.gov.vn')).toBe(7);
    expect(ticketIdOf('Re: anything', null, '<x@y> <ticket-9@kontum.gov.vn>', 'kontum.gov.vn')).toBe(9);
    expect(ticketIdOf('Re: anything', '<ticket-7-1-abc@elsewhere.example>', null, 'kontum.gov.vn')).toBeNull();
  });
  it('keeps a reply’s own words, not the quoted notice', () => {
    expect(replyText('Vẫn còn nhận thư rác.\n\nVào 09:00, baocao đã viết:\n> Báo cáo #3 đã được trả lời\n')).toBe('Vẫn còn nhận thư rác.');
  });
});

describe.each(backends())('tickets (%s)', (backend) => {
  let t: TestApp;
  let user: { id: number; actor: TicketActor };
  let other: { id: number; actor: TicketActor };
  let admin: { id: number; actor: TicketActor };
  const ctx = { actor: 'test', reason: 'QĐ 01' };

  const account = async (local: string) => {
    const a = await t.app.accounts.create(`${local}@kontum.gov.vn`, TEST_PASSWORD, 'test');
    return a.id;
  };
  const actor = async (id: number) => t.app.tickets.actorOf(await t.app.roles.principal(id));
  const inbox = async (accountId: number) => {
    const mb = await t.app.store.getMailbox(accountId, 'INBOX');
    return { mb: mb!, list: await t.app.store.listMessages(mb!.id) };
  };
  const noticeSubjects = async (accountId: number) => {
    const { mb, list: all } = await inbox(accountId);
    const list = await t.app.store.getMessages(
      mb.id,
      all.map((m) => m.uid),
    );
    const idx = await t.app.store.indexesOf(list);
    return list.map((m) => decodeEncodedWords(idx.get(m)!.envelope.subject ?? '')).filter((s) => s.startsWith('[#'));
  };

  beforeAll(async () => {
    t = await createTestApp({ backend });
    const u = await account('an');
    const o = await account('binh');
    const a = await account('quantri');
    await t.app.roles.grant('quantri@kontum.gov.vn', 'sysadmin', null, ctx);
    user = { id: u, actor: await actor(u) };
    other = { id: o, actor: await actor(o) };
    admin = { id: a, actor: await actor(a) };
  });
  afterAll(async () => t?.cleanup());

  it('goes through its life cycle: filed, taken, answered, reopened by the reporter, closed — audited, the reporter told each time', async () => {
    const tk = await t.app.tickets.file(user.actor, { category: 'fault', subject: 'Không gửi được thư', text: 'Gửi thư tới Sở Tư pháp bị trả lại.' });
    expect(tk).toMatchObject({ state: 'new', category: 'fault', reporter: 'an@kontum.gov.vn', assigneeId: null });
    const taken = await t.app.tickets.transition(admin.actor, tk.id, 'take');
    expect(taken).toMatchObject({ state: 'in_progress', assignee: 'quantri@kontum.gov.vn' });
    await t.app.tickets.reply(admin.actor, tk.id, 'Ghi chú nội bộ: kiểm tra hàng đợi', { internal: true });
    const answered = await t.app.tickets.transition(admin.actor, tk.id, 'answer', 'Đã sửa bản ghi MX, xin gửi lại.');
    expect(answered.state).toBe('answered');
    const reopened = await t.app.tickets.reply(user.actor, tk.id, 'Vẫn bị trả lại.');
    expect(reopened.state).toBe('in_progress');
    const closed = await t.app.tickets.transition(admin.actor, tk.id, 'close');
    expect(closed.state).toBe('closed');
    expect(closed.closedAt).not.toBeNull();

    // The reporter sees the public replies only; an administrator sees the note too.
    expect((await t.app.tickets.get(user.actor, tk.id)).replies.map((r) => r.body)).toEqual(['Đã sửa bản ghi MX, xin gửi lại.', 'Vẫn bị trả lại.']);
    expect((await t.app.tickets.get(admin.actor, tk.id)).replies.map((r) => r.internal)).toEqual([true, false, false]);

    const audit = (await t.app.audit.list(50, { target: `#${tk.id}` })).map((e) => e.action).reverse();
    expect(audit).toEqual(['ticket.file', 'ticket.take', 'ticket.reply', 'ticket.answer', 'ticket.reply', 'ticket.reopen', 'ticket.close']);

    const subjects = (await noticeSubjects(user.id)).filter((s) => s.startsWith(`[#${tk.id}]`));
    expect(subjects.map((s) => s.split(' / ')[0])).toEqual([
      `[#${tk.id}] Đã nhận báo cáo #${tk.id}`,
      `[#${tk.id}] Báo cáo #${tk.id} đang được xử lý`,
      `[#${tk.id}] Báo cáo #${tk.id} đã được trả lời`,
      `[#${tk.id}] Báo cáo #${tk.id} được mở lại`,
      `[#${tk.id}] Báo cáo #${tk.id} đã đóng`,
    ]);
    // A closed ticket cannot be answered.
    await expect(t.app.tickets.transition(admin.actor, tk.id, 'answer')).rejects.toSatisfy((e) => isThutinError(e, 'TICKET_STATE_CONFLICT'));
  });

  it('shows a user their own tickets only, refuses another’s, and works only for ticket.write', async () => {
    const mine = await t.app.tickets.file(user.actor, { category: 'other', text: 'Câu hỏi' });
    const theirs = await t.app.tickets.file(other.actor, { category: 'spam', text: 'Thư quảng cáo' });
    expect((await t.app.tickets.list(user.actor)).map((x) => x.reporter)).not.toContain('binh@kontum.gov.vn');
    expect((await t.app.tickets.list(admin.actor, { category: 'spam' })).map((x) => x.id)).toContain(theirs.id);
    await expect(t.app.tickets.get(user.actor, theirs.id)).rejects.toSatisfy((e) => isThutinError(e, 'FORBIDDEN'));
    await expect(t.app.tickets.reply(user.actor, theirs.id, 'xen vào')).rejects.toSatisfy((e) => isThutinError(e, 'FORBIDDEN'));
    await expect(t.app.tickets.transition(user.actor, mine.id, 'take')).rejects.toSatisfy((e) => isThutinError(e, 'FORBIDDEN'));
    await expect(t.app.tickets.assign(admin.actor, mine.id, 'binh@kontum.gov.vn')).rejects.toSatisfy((e) => isThutinError(e, 'TICKET_ASSIGNEE_INVALID'));
    expect((await t.app.tickets.assign(admin.actor, mine.id, 'quantri@kontum.gov.vn')).assignee).toBe('quantri@kontum.gov.vn');
    expect((await t.app.tickets.list(admin.actor, { assignee: 'quantri@kontum.gov.vn' })).map((x) => x.id)).toContain(mine.id);
    // The reporter may close their own ticket.
    expect((await t.app.tickets.transition(user.actor, mine.id, 'close')).state).toBe('closed');
  });

  it('keeps the reported message after the user expunges it, and reclaims it when the ticket closes', async () => {
    const raw = msg('Trúng thưởng 1 tỷ đồng', 'Bấm vào liên kết để nhận thưởng.');
    const content = await t.app.store.ingest([raw]);
    const [d] = await t.app.store.deliver(content, [{ accountId: user.id, mailbox: 'INBOX' }]);
    await t.app.store.release(content);
    // A message of someone else cannot be named.
    await expect(t.app.tickets.file(other.actor, { category: 'spam', text: 'x', message: { mailboxId: d.mailboxId, uid: d.uid } })).rejects.toSatisfy((e) =>
      isThutinError(e, 'TICKET_MESSAGE_NOT_FOUND'),
    );
    const tk = await t.app.tickets.file(user.actor, { category: 'spam', text: 'Thư lừa đảo', message: { contentId: content.sha256 } });
    // The webmail's report button (issue 10): account, category, folder id + UID, text.
    const button = await t.app.tickets.report(user.id, 'spam', { mailboxId: d.mailboxId, uid: d.uid }, 'Báo cáo từ webmail');
    expect(button).toMatchObject({ source: 'webmail', subject: 'Trúng thưởng 1 tỷ đồng', reporter: 'an@kontum.gov.vn' });
    expect(tk.subject).toBe('Trúng thưởng 1 tỷ đồng');

    await t.app.store.storeFlags(d.mailboxId, [d.uid], 'add', toFlagSet(['\\Deleted']));
    expect(await t.app.store.expunge(d.mailboxId, [d.uid])).toEqual([d.uid]);
    expect(await t.app.blobs.exists(content.sha256)).toBe(true);

    const m = await t.app.tickets.message(admin.actor, tk.id);
    const chunks: Buffer[] = [];
    for await (const c of m.stream) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(raw)).toBe(true);
    // `thutin store check` counts the ticket's reference: the content is not garbage.
    expect((await t.app.storeCheck.check({ graceMs: 0 })).unreferencedContents.count).toBe(0);

    // The webmail's report button names the same message by folder id + UID: it is gone from the folder now.
    await expect(t.app.tickets.report(user.id, 'spam', { mailboxId: d.mailboxId, uid: d.uid }, 'lừa đảo')).rejects.toSatisfy((e) => isThutinError(e, 'TICKET_MESSAGE_NOT_FOUND'));
    await t.app.tickets.transition(admin.actor, tk.id, 'close');
    // The other ticket still names it: kept until that one closes too.
    expect(await t.app.blobs.exists(content.sha256)).toBe(true);
    await t.app.tickets.transition(admin.actor, button.id, 'close');
    expect(await t.app.blobs.exists(content.sha256)).toBe(false);
    await expect(t.app.tickets.message(admin.actor, tk.id)).rejects.toSatisfy((e) => isThutinError(e, 'TICKET_MESSAGE_RELEASED'));
  });

  it('files by mail with the attached message as the reported one, and takes a reply by mail onto its ticket', async () => {
    const inner = msg('Khuyến mãi', 'Mua ngay!').toString('utf8');
    const report = Buffer.from(
      [
        'From: <an@kontum.gov.vn>',
        'To: <baocao@kontum.gov.vn>',
        `Subject: =?UTF-8?B?${Buffer.from('Báo cáo thư rác').toString('base64')}?=`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain; charset=UTF-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        'Tôi nhận được thư này sáng nay.',
        '--b1',
        'Content-Type: message/rfc822',
        'Content-Disposition: attachment',
        '',
        inner,
        '--b1--',
        '',
      ].join('\r\n'),
    );
    const content = await t.app.store.ingest([report]);
    const r = await t.app.tickets.receiveMail(content, user.id);
    await t.app.store.release(content);
    expect(r.filed).toBe(true);
    const d = await t.app.tickets.get(admin.actor, r.ticketId!);
    expect(d.ticket).toMatchObject({ category: 'spam', source: 'mail', subject: 'Báo cáo thư rác', body: 'Tôi nhận được thư này sáng nay.' });
    expect(d.message).toMatchObject({ subject: 'Khuyến mãi', origin: 'attachment' });
    const m = await t.app.tickets.message(admin.actor, r.ticketId!);
    const chunks: Buffer[] = [];
    for await (const c of m.stream) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString('utf8')).toContain('Mua ngay!');

    const reply = await t.app.store.ingest([msg(`Re: [#${r.ticketId}] Đã nhận báo cáo`, 'Thêm: thư đến từ 3 địa chỉ.\r\n\r\n> trích dẫn')]);
    expect(await t.app.tickets.receiveMail(reply, user.id)).toEqual({ ticketId: r.ticketId, filed: false });
    await t.app.store.release(reply);
    expect((await t.app.tickets.get(user.actor, r.ticketId!)).replies.map((x) => x.body)).toEqual(['Thêm: thư đến từ 3 địa chỉ.']);

    // Forwarded inline from the reporter's INBOX: their own copy (found by X-Forwarded-Message-Id) is the reported message.
    const orig = await t.app.store.ingest([msg('Vay tiền nhanh', 'Lãi suất 0%.', [])]);
    await t.app.store.deliver(orig, [{ accountId: user.id, mailbox: 'INBOX' }]);
    await t.app.store.release(orig);
    const fwd = await t.app.store.ingest([msg('Fwd: Vay tiền nhanh', '-------- Forwarded Message --------\r\nLãi suất 0%.', [`X-Forwarded-Message-Id: ${orig.index.messageId}`])]);
    const f = await t.app.tickets.receiveMail(fwd, user.id);
    await t.app.store.release(fwd);
    expect((await t.app.tickets.get(admin.actor, f.ticketId!)).message).toMatchObject({ subject: 'Vay tiền nhanh', origin: expect.stringMatching(/^folder \d+ uid \d+$/) });

    // An automatic answer (Auto-Submitted) to a notice files and adds nothing.
    const auto = await t.app.store.ingest([msg(`Re: [#${r.ticketId}] vắng mặt`, 'Tôi đang nghỉ phép.', ['Auto-Submitted: auto-replied'])]);
    expect(await t.app.tickets.receiveMail(auto, user.id)).toEqual({ ticketId: null, filed: false });
    await t.app.store.release(auto);
    expect((await t.app.tickets.get(user.actor, r.ticketId!)).replies).toHaveLength(1);
  });
});
