// The directory's life cycle as officials and administrators meet it, over real sockets with
// clients we did not write (issue 15, items 2 and 11–16): postmaster@ and abuse@ of every local
// domain accepted unauthenticated and delivered to the Provincial Office's role mailbox (Python
// smtplib); a leaver's address answered by the automatic reply naming their unit's address, and
// refused with 550 5.1.6 once it is off; a leaver's retained mailbox delegated `read` and read over IMAP by the head (imapflow); a head change that
// rotates the unit mailbox's password and ends its open IMAP session; an agency head who may not
// make a person of another unit head of their unit; a head who moves or leaves vacating the
// headship with a warning; the reason required and likely duplicates confirmed — through the
// admin API (fetch).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends } from '../helpers/harness.ts';
import { startTestServers, imapClient, vietnameseMessage, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { smtplib, step, eventually } from '../../src/smtp/testing/clients.ts';

const D = 'kontum.gov.vn';

describe.each(backends())('directory life cycle over SMTP, IMAP and the admin API (%s)', (backend) => {
  let r: Running;
  let base: string;
  const ctx = { actor: 'test', reason: 'QĐ 01/QĐ-UBND' };
  const tokens: Record<'admin' | 'headSnv', string> = { admin: '', headSnv: '' };
  const ids: Record<string, number> = {};

  async function call(token: string | null, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  }
  async function login(username: string, password = TEST_PASSWORD): Promise<{ status: number; token?: string }> {
    const res = await call(null, 'POST', '/api/v1/auth/login', { username, password });
    return { status: res.status, token: res.json?.token };
  }
  const mx = (rcpts: string[], data = true) =>
    smtplib(r.servers.ports.smtp, [
      { op: 'ehlo', name: 'mx.example.org' },
      { op: 'mail', from: 'dmarc-reports@example.org' },
      ...rcpts.map((to) => ({ op: 'rcpt' as const, to })),
      ...(data ? [{ op: 'data' as const, message: vietnameseMessage({ from: 'dmarc-reports@example.org', to: rcpts[0], subject: 'Báo cáo DMARC' }) }] : []),
      { op: 'quit' },
    ]);
  const inboxCount = async (address: string) => {
    const acct = (await r.app.accounts.byAddress(address))!;
    const mb = (await r.app.store.getMailbox(acct.id, 'INBOX'))!;
    return (await r.app.store.listMessages(mb.id)).length;
  };

  beforeAll(async () => {
    r = await startTestServers({ backend, config: { domains: { primary: D, local: ['baokontum.gov.vn'] } } });
    base = `http://127.0.0.1:${r.servers.ports.http}`;
    const d = r.app.directory;
    const unit = (code: string, name: string, kind: string, parentCode: string | null, withMailbox: boolean) =>
      d.createUnit({ code, name, kind, parentCode, withMailbox, abbreviation: code.toLowerCase().replace('-', '') }, ctx);
    await unit('UBND', 'Ủy ban nhân dân tỉnh Kon Tum', 'province', null, false);
    await unit('SNV', 'Sở Nội vụ', 'agency', 'UBND', true);
    await unit('SNV-VP', 'Văn phòng Sở Nội vụ', 'department', 'SNV', true);
    await unit('STP', 'Sở Tư pháp', 'agency', 'UBND', true);
    const person = async (key: string, fullName: string, unitCode: string, localPart: string, title = 'Chuyên viên') => {
      const p = await d.createPerson({ fullName, unitCode, localPart, title, password: TEST_PASSWORD }, ctx);
      ids[key] = p.person.id;
      return p.address;
    };
    await r.app.roles.grant(await person('admin', 'Nguyễn Văn Quản', 'UBND', 'quannv'), 'sysadmin', null, ctx);
    await person('headSnv', 'Phạm Thị Hoa', 'SNV', 'hoapt', 'Giám đốc');
    await person('deputy', 'Lê Văn Phó', 'SNV', 'pholv', 'Phó Giám đốc');
    await person('vp', 'Trần Thị Văn', 'SNV-VP', 'vantt');
    await person('stp', 'Đỗ Văn Tư', 'STP', 'tudv');
    await d.setUnitHead('SNV', ids.headSnv, ctx);
    tokens.admin = (await login(`quannv@${D}`)).token!;
    tokens.headSnv = (await login(`hoapt@${D}`)).token!;
  }, 120000);
  afterAll(async () => {
    await r?.stop();
  });

  it('accepts postmaster@ and abuse@ of every local domain from anyone, into the holding mailbox until the Provincial Office has its role mailbox, then there', async () => {
    const first = await mx([`postmaster@${D}`, `Abuse@${D}`, 'POSTMASTER@baokontum.gov.vn']);
    expect(step(first, 'rcpt', 0).code).toBe(250);
    expect(step(first, 'rcpt', 1).code).toBe(250);
    expect(step(first, 'rcpt', 2).code).toBe(250);
    expect(step(first, 'data').code).toBe(250);
    // No vpubnd@ yet: the mail waits in postmaster@<primary>, a real mailbox, not lost.
    expect(await inboxCount(`postmaster@${D}`)).toBe(1);
    await r.app.directory.createUnit({ code: 'VPUBND', name: 'Văn phòng Ủy ban nhân dân tỉnh', kind: 'agency', parentCode: 'UBND', abbreviation: 'vpubnd' }, ctx);
    const second = await mx([`postmaster@${D}`]);
    expect(step(second, 'data').code).toBe(250);
    expect(await inboxCount(`vpubnd@${D}`)).toBe(1);
    expect(await inboxCount(`postmaster@${D}`)).toBe(1);
  });

  it('answers mail to a leaver with the automatic reply naming whom to write to (R6.3), and keeps it in the retained mailbox; with the reply off, refuses with 550 5.1.6', async () => {
    const p = await r.app.directory.createPerson({ fullName: 'Hồ Văn Nghỉ', unitCode: 'SNV-VP', localPart: 'nghihv', password: TEST_PASSWORD }, ctx);
    expect(step(await mx([p.address], false), 'rcpt').code).toBe(250);
    await r.app.directory.setPersonStatus(p.person.id, 'left', ctx);
    const before = await inboxCount(p.address);
    expect(step(await mx([p.address]), 'data').code).toBe(250);
    expect(await inboxCount(p.address)).toBe(before + 1);
    // The reply goes back to the sender (outside: through the outbound queue) from the null sender.
    await eventually(async () => (await r.app.queue.list()).some((q) => q.sender === '' && q.recipients.some((x) => x.recipient === 'dmarc-reports@example.org')), 10_000, 'the automatic reply');
    const scripts = await r.app.sieveScripts.list(p.person.accountId!);
    expect(scripts).toMatchObject([{ name: 'nghi-viec', active: true }]);
    const text = await r.app.sieveScripts.get(p.person.accountId!, 'nghi-viec');
    expect(text).toContain('Hồ Văn Nghỉ không còn làm việc');
    expect(text).toContain(`snvvp@${D}`);
    // An administrator turns the reply off: the address refuses, naming the unit's address.
    await r.app.sieveScripts.activate(p.person.accountId!, null, { actor: 'admin', owner: p.address, self: false, reason: 'test' });
    const rcpt = step(await mx([p.address], false), 'rcpt');
    expect(rcpt.code).toBe(550);
    expect(rcpt.msg).toMatch(/^5\.1\.6 /);
    expect(rcpt.msg).toContain('đã nghỉ việc');
    expect(rcpt.msg).toContain('has left');
    expect(rcpt.msg).toContain(`snvvp@${D}`);
    expect(step(await mx([`nobody@${D}`], false), 'rcpt').msg).toMatch(/^5\.1\.1 /);
  });

  it("lets the head read a leaver's retained mailbox over IMAP after a read grant, and refuses grants that would do nothing", async () => {
    const p = await r.app.directory.createPerson({ fullName: 'Vũ Thị Lưu', unitCode: 'SNV', localPart: 'luuvt', password: TEST_PASSWORD }, ctx);
    await r.app.store.append(p.person.accountId!, 'INBOX', vietnameseMessage({ from: `vantt@${D}`, to: p.address, subject: 'Hồ sơ bàn giao' }), []);
    await r.app.directory.setPersonStatus(p.person.id, 'left', ctx);
    const send = await call(tokens.admin, 'PUT', `/api/v1/mailboxes/${p.address}/delegations/hoapt@${D}`, { rights: ['read', 'send-as'], reason: 'CV 12/SNV' });
    expect(send.status).toBe(400);
    expect(send.json.messageEn).toContain('can only be delegated read');
    const ok = await call(tokens.admin, 'PUT', `/api/v1/mailboxes/${p.address}/delegations/hoapt@${D}`, { rights: ['read'], reason: 'CV 12/SNV' });
    expect(ok.status).toBe(204);
    const c = imapClient(r, `hoapt@${D}`);
    await c.connect();
    try {
      const names = (await c.list()).map((m) => m.path);
      expect(names).toContain(`Shared/${p.address}/INBOX`);
      const lock = await c.getMailboxLock(`Shared/${p.address}/INBOX`, { readOnly: true });
      try {
        const subjects: string[] = [];
        for await (const m of c.fetch('1:*', { envelope: true })) subjects.push(m.envelope!.subject!);
        expect(subjects).toEqual(['Hồ sơ bàn giao']);
      } finally {
        lock.release();
      }
    } finally {
      await c.logout();
    }
    // A suspended official's mailbox is not a handover: granting there would do nothing.
    const s = await r.app.directory.createPerson({ fullName: 'Mai Văn Tạm', unitCode: 'SNV', localPart: 'tammv', password: TEST_PASSWORD }, ctx);
    await r.app.directory.setPersonStatus(s.person.id, 'suspended', ctx);
    const refused = await call(tokens.admin, 'PUT', `/api/v1/mailboxes/${s.address}/delegations/hoapt@${D}`, { rights: ['read'], reason: 'CV 13/SNV' });
    expect(refused.status).toBe(400);
    expect(refused.json.code).toBe('DELEGATION_OWNER_INACTIVE');
  });

  it('rotates the unit mailbox password on a head change (shown once to the admin) and ends the session open with the old one', async () => {
    await r.app.accounts.setPassword(`stp@${D}`, TEST_PASSWORD, 'test');
    const c = imapClient(r, `stp@${D}`);
    await c.connect();
    let closed = false;
    c.on('close', () => (closed = true));
    const res = await call(tokens.admin, 'PUT', '/api/v1/units/STP/head', { personId: ids.stp, reason: 'QĐ 88/QĐ-UBND' });
    expect(res.status).toBe(200);
    expect(res.json.mailboxPassword).toMatch(/^\S{14}$/);
    await eventually(() => closed, 5000, 'the unit mailbox session to end');
    expect((await login(`stp@${D}`, TEST_PASSWORD)).status).toBe(401);
    expect((await login(`stp@${D}`, res.json.mailboxPassword)).status).toBe(200);
    const audit = await r.app.audit.list(50, { target: `stp@${D}` });
    expect(audit.find((e: { action: string; target: string }) => e.action === 'account.password-reset' && e.target === `stp@${D}`)).toMatchObject({ reason: 'QĐ 88/QĐ-UBND' });
  });

  it("refuses an agency head making a person of another unit head of their own unit (403), and anyone a head from outside the unit's subtree (400)", async () => {
    const outside = await call(tokens.headSnv, 'PUT', '/api/v1/units/SNV-VP/head', { personId: ids.stp, reason: 'QĐ 5/QĐ-SNV' });
    expect(outside.status).toBe(403);
    expect((await r.app.directory.getUnit('SNV-VP'))!.headPersonId).toBeNull();
    const notBelow = await call(tokens.admin, 'PUT', '/api/v1/units/SNV-VP/head', { personId: ids.deputy, reason: 'QĐ 5/QĐ-SNV' });
    expect(notBelow.status).toBe(400);
    expect(notBelow.json).toMatchObject({ code: 'UNIT_HEAD_OUTSIDE' });
    expect(notBelow.json.message).toContain('Thủ trưởng phải là cán bộ của đơn vị');
    const inside = await call(tokens.headSnv, 'PUT', '/api/v1/units/SNV-VP/head', { personId: ids.vp, reason: 'QĐ 6/QĐ-SNV' });
    expect(inside.status).toBe(200);
  });

  it('a head who moves out vacates the headship, loses the unit mailbox rights, and the answer warns', async () => {
    const u = await r.app.directory.createUnit({ code: 'SNV-TC', name: 'Phòng Tổ chức', kind: 'department', parentCode: 'SNV', abbreviation: 'snvtc' }, ctx);
    const p = await r.app.directory.createPerson({ fullName: 'Đinh Văn Chuyển', unitCode: 'SNV-TC', localPart: 'chuyendv', password: TEST_PASSWORD }, ctx);
    await r.app.directory.setUnitHead('SNV-TC', p.person.id, ctx);
    expect((await r.app.delegations.list(u.unit.mailbox!)).map((x) => x.grantee)).toEqual([p.address]);
    const moved = await call(tokens.admin, 'POST', `/api/v1/people/${p.person.id}/move`, { unitCode: 'STP', reason: 'QĐ 9/QĐ-UBND' });
    expect(moved.status).toBe(200);
    expect(moved.json.warnings).toEqual([expect.objectContaining({ code: 'HEAD_VACATED', unit: 'SNV-TC' })]);
    expect(moved.json.warnings[0].messageEn).toContain('the headship is vacant');
    expect((await r.app.directory.getUnit('SNV-TC'))!.headPersonId).toBeNull();
    expect(await r.app.delegations.list(u.unit.mailbox!)).toEqual([]);
    // Leaving does the same.
    const q = await r.app.directory.createPerson({ fullName: 'Lý Thị Về', unitCode: 'SNV-TC', localPart: 'velt', password: TEST_PASSWORD }, ctx);
    await r.app.directory.setUnitHead('SNV-TC', q.person.id, ctx);
    const left = await call(tokens.admin, 'PUT', `/api/v1/people/${q.person.id}/status`, { status: 'left', reason: 'QĐ 10/QĐ-UBND' });
    expect(left.status).toBe(200);
    expect(left.json.warnings).toEqual([expect.objectContaining({ code: 'HEAD_VACATED', unit: 'SNV-TC' })]);
    expect(await r.app.delegations.list(u.unit.mailbox!)).toEqual([]);
  });

  it('refuses a new person without a reason (400, both languages), warns about a likely duplicate (409 with the candidates) until confirmed, stores capitals in title case', async () => {
    const noReason = await call(tokens.admin, 'POST', '/api/v1/people', { fullName: 'Cao Văn Lý', unitCode: 'SNV' });
    expect(noReason.status).toBe(400);
    expect(noReason.json.issues).toEqual([expect.objectContaining({ field: 'body.reason', message: expect.stringContaining('Thiếu số/ký hiệu văn bản') })]);
    expect(noReason.json.issues[0].message).toContain('is required');
    const blank = await call(tokens.admin, 'POST', '/api/v1/people', { fullName: 'Cao Văn Lý', unitCode: 'SNV', reason: '  ' });
    expect(blank.status).toBe(400);
    // … and so does every other directory change: a status, a delegation, a list, an import.
    expect((await call(tokens.admin, 'PUT', `/api/v1/people/${ids.deputy}/status`, { status: 'suspended' })).status).toBe(400);
    expect((await call(tokens.admin, 'PUT', `/api/v1/mailboxes/snv@${D}/delegations/pholv@${D}`, { rights: ['read'] })).status).toBe(400);
    expect((await call(tokens.admin, 'DELETE', `/api/v1/mailboxes/snv@${D}/delegations/hoapt@${D}`)).status).toBe(400);
    expect((await call(tokens.admin, 'POST', '/api/v1/lists', { address: `ds@${D}`, name: 'DS', kind: 'static' })).status).toBe(400);
    expect((await r.app.directory.getPerson(ids.deputy))!.status).toBe('active');
    const first = await call(tokens.admin, 'POST', '/api/v1/people', { fullName: 'ĐẶNG THỊ HỒNG NHUNG', unitCode: 'SNV', phone: '0260 3862 111', reason: 'QĐ 20/QĐ-SNV' });
    expect(first.status).toBe(201);
    expect(first.json.person.fullName).toBe('Đặng Thị Hồng Nhung');
    expect(first.json.nameAdjusted).toEqual({ typed: 'ĐẶNG THỊ HỒNG NHUNG', stored: 'Đặng Thị Hồng Nhung' });
    const again = await call(tokens.admin, 'POST', '/api/v1/people', { fullName: 'Dang Thi Hong Nhung', unitCode: 'SNV', reason: 'QĐ 21/QĐ-SNV' });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ code: 'PERSON_LIKELY_EXISTS', candidates: [{ fullName: 'Đặng Thị Hồng Nhung', email: `nhungdth@${D}`, why: 'name' }] });
    const samePhone = await call(tokens.admin, 'POST', '/api/v1/people', { fullName: 'Phan Văn Khác', unitCode: 'STP', phone: '+84 260 3862111', reason: 'QĐ 22/QĐ-STP' });
    expect(samePhone.status).toBe(409);
    expect(samePhone.json.candidates).toEqual([expect.objectContaining({ email: `nhungdth@${D}`, why: 'phone' })]);
    const confirmed = await call(tokens.admin, 'POST', '/api/v1/people', { fullName: 'Đặng Thị Hồng Nhung', unitCode: 'SNV', confirmDuplicate: true, reason: 'QĐ 23/QĐ-SNV' });
    expect(confirmed.status).toBe(201);
    expect(confirmed.json.address).toBe(`nhungdth2@${D}`);
    const audit = await r.app.audit.list(50, { action: 'person.create' });
    expect(audit.find((e: { action: string; target: string }) => e.action === 'person.create' && e.target === `nhungdth2@${D}`)).toMatchObject({ reason: 'QĐ 23/QĐ-SNV' });
  });
});
