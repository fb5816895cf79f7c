// Distribution lists through SMTP with real clients (Python smtplib, nodemailer): a static list
// delivers to its local member's INBOX and queues its remote member (original envelope sender),
// with List-Id, one copy for a member who is also a direct recipient; unit-members follows a
// person who moves; unit-heads reaches the heads of agencies; sender policies refuse at RCPT
// with 550 5.7.1 (also a forged local sender on the MX); a message carrying the list's own
// List-Id is refused as a loop.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import nodemailer from 'nodemailer';
import { backends } from '../helpers/harness.ts';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { inbox, message, smtplib, step, type Step } from '../../src/smtp/testing/clients.ts';

const ctx = { actor: 'test', reason: 'QĐ 30/QĐ-UBND' };

describe.each(backends())('distribution lists over SMTP (%s)', (backend) => {
  let r: Running;
  let an: string; // Sở Nội vụ
  let binh: string; // head of Sở TT&TT
  let cuong: string; // not on the lists
  let anId: number;

  beforeAll(async () => {
    r = await startTestServers({ backend });
    const d = r.app.directory;
    await d.createUnit({ code: 'UBND', name: 'Ủy ban nhân dân tỉnh Kon Tum', kind: 'province', withMailbox: false }, ctx);
    await d.createUnit({ code: 'SNV', name: 'Sở Nội vụ', kind: 'agency', parentCode: 'UBND', withMailbox: false }, ctx);
    await d.createUnit({ code: 'STTTT', name: 'Sở Thông tin và Truyền thông', kind: 'agency', parentCode: 'UBND', withMailbox: false }, ctx);
    const a = await d.createPerson({ fullName: 'Nguyễn Văn An', unitCode: 'SNV', password: TEST_PASSWORD }, ctx);
    const b = await d.createPerson({ fullName: 'Lê Thị Bình', unitCode: 'STTTT', password: TEST_PASSWORD }, ctx);
    an = a.address;
    binh = b.address;
    anId = a.person.id;
    await d.setUnitHead('STTTT', b.person.id, ctx);
    cuong = await r.user('cuongpv');
    const l = r.app.lists;
    await l.create({ address: 'ban-bien-tap@kontum.gov.vn', name: 'Ban biên tập', kind: 'static', senders: 'local' }, ctx);
    await l.addMember('ban-bien-tap@kontum.gov.vn', an, ctx);
    await l.addMember('ban-bien-tap@kontum.gov.vn', 'phongvien@baokontum.com.vn', ctx);
    await l.create({ address: 'toan-the-snv@kontum.gov.vn', name: 'Toàn thể Sở Nội vụ', kind: 'unit-members', unitCode: 'SNV', senders: 'members' }, ctx);
    await l.create({ address: 'thu-truong@kontum.gov.vn', name: 'Thủ trưởng các sở, ngành', kind: 'unit-heads', unitCode: 'UBND', senders: 'listed' }, ctx);
    await l.addMember('thu-truong@kontum.gov.vn', cuong, ctx, 'sender');
    await l.create({ address: 'gopy@kontum.gov.vn', name: 'Góp ý của người dân', kind: 'static', senders: 'anyone' }, ctx);
    await l.addMember('gopy@kontum.gov.vn', binh, ctx);
  });
  afterAll(async () => {
    await r?.stop();
  });

  const login = (user: string): Step[] => [{ op: 'ehlo', name: 'laptop.example' }, { op: 'starttls' }, { op: 'ehlo', name: 'laptop.example' }, { op: 'auth', user, password: TEST_PASSWORD }];

  async function lastOf(address: string): Promise<string> {
    const msgs = await inbox(r.app, address);
    return (await r.app.store.readMessage(msgs.at(-1)!)).toString('utf8');
  }

  it('expands a static list: local member in INBOX with List-Id, remote member queued with the original sender, one copy each', async () => {
    const beforeAn = (await inbox(r.app, an)).length;
    const queued = (await r.app.queue.list()).length;
    const res = await smtplib(r.servers.ports.submission, [
      ...login(cuong),
      { op: 'mail', from: cuong },
      { op: 'rcpt', to: 'Ban-Bien-Tap@kontum.gov.vn' },
      { op: 'rcpt', to: an }, // also a member: one copy
      { op: 'data', message: message({ from: cuong, to: 'ban-bien-tap@kontum.gov.vn', subject: 'Bài viết tháng 12' }) },
      { op: 'quit' },
    ]);
    expect(step(res, 'data')).toMatchObject({ code: 250 });
    expect(await inbox(r.app, an)).toHaveLength(beforeAn + 1);
    const q = await r.app.queue.list();
    expect(q).toHaveLength(queued + 1);
    expect(q.at(-1)).toMatchObject({ sender: cuong });
    expect(q.at(-1)!.recipients.map((x) => x.recipient)).toEqual(['phongvien@baokontum.com.vn']);
    const queuedRaw = (await r.app.store.readMessage(q.at(-1)!)).toString('utf8');
    // List-Id is kept beside the stored message and served on top of it.
    expect('\r\n' + queuedRaw).toContain('\r\nList-Id: =?UTF-8?B?' + Buffer.from('Ban biên tập').toString('base64') + '?= <ban-bien-tap.kontum.gov.vn>\r\n');
    // The direct recipient's copy is the original (no List-Id): they were addressed directly.
    expect(await lastOf(an)).not.toContain('List-Id:');
  });

  it('delivers a list-only message to members, and derived unit-members follows a person who moves', async () => {
    const send = () =>
      nodemailer
        .createTransport({ host: '127.0.0.1', port: r.servers.ports.submission, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user: an, pass: TEST_PASSWORD } })
        .sendMail({ from: an, to: 'toan-the-snv@kontum.gov.vn', subject: 'Họp giao ban', text: 'Mời toàn thể cán bộ dự họp.' });
    const before = (await inbox(r.app, an)).length;
    await send();
    expect(await inbox(r.app, an)).toHaveLength(before + 1);
    expect(await lastOf(an)).toContain('List-Id: =?UTF-8?B?');
    await r.app.directory.movePerson(anId, 'STTTT', ctx);
    // Now An is not a member: 'members' policy refuses An at RCPT.
    await expect(send()).rejects.toMatchObject({ responseCode: 550 });
    expect(await inbox(r.app, an)).toHaveLength(before + 1);
    await r.app.directory.movePerson(anId, 'SNV', ctx);
  });

  it('reaches the heads of agencies through unit-heads, for a listed sender only', async () => {
    const before = (await inbox(r.app, binh)).length;
    const res = await smtplib(r.servers.ports.submission, [
      ...login(cuong),
      { op: 'mail', from: cuong },
      { op: 'rcpt', to: 'thu-truong@kontum.gov.vn' },
      { op: 'data', message: message({ from: cuong, to: 'thu-truong@kontum.gov.vn', subject: 'Triệu tập họp' }) },
      { op: 'quit' },
    ]);
    expect(step(res, 'data').code).toBe(250);
    expect(await inbox(r.app, binh)).toHaveLength(before + 1);
    expect(await lastOf(binh)).toContain('<thu-truong.kontum.gov.vn>');
    const refused = await smtplib(r.servers.ports.submission, [...login(an), { op: 'mail', from: an }, { op: 'rcpt', to: 'thu-truong@kontum.gov.vn' }, { op: 'quit' }]);
    expect(step(refused, 'rcpt')).toMatchObject({ code: 550 });
    expect(step(refused, 'rcpt').msg).toMatch(/^5\.7\.1 Không được phép gửi thư tới danh sách này \/ Not allowed to post to this list/);
  });

  it('applies sender policies on the MX: outsiders and forged local senders refused, anyone-lists open', async () => {
    const before = (await inbox(r.app, binh)).length;
    const res = await smtplib(r.servers.ports.smtp, [
      { op: 'ehlo', name: 'mx.example.org' },
      { op: 'mail', from: 'nguoidan@gmail.com' },
      { op: 'rcpt', to: 'ban-bien-tap@kontum.gov.vn' }, // local senders only
      { op: 'rcpt', to: 'gopy@kontum.gov.vn' }, // anyone
      { op: 'data', message: message({ from: 'nguoidan@gmail.com', to: 'gopy@kontum.gov.vn', subject: 'Góp ý về thủ tục hành chính' }) },
      { op: 'mail', from: cuong }, // a local address on the MX is not believed
      { op: 'rcpt', to: 'ban-bien-tap@kontum.gov.vn' },
      { op: 'rcpt', to: 'thu-truong@kontum.gov.vn' },
      { op: 'quit' },
    ]);
    expect(step(res, 'rcpt', 0)).toMatchObject({ code: 550 });
    expect(step(res, 'rcpt', 0).msg).toMatch(/^5\.7\.1 /);
    expect(step(res, 'rcpt', 1).code).toBe(250);
    expect(step(res, 'data').code).toBe(250);
    expect(step(res, 'rcpt', 2).code).toBe(550);
    expect(step(res, 'rcpt', 3).code).toBe(550);
    expect(await inbox(r.app, binh)).toHaveLength(before + 1);
    expect(await lastOf(binh)).toContain('<gopy.kontum.gov.vn>');
  });

  it('refuses a message that already went through the list (loop guard)', async () => {
    const before = (await inbox(r.app, binh)).length;
    const res = await smtplib(r.servers.ports.smtp, [
      { op: 'ehlo', name: 'mx.example.org' },
      { op: 'mail', from: 'nguoidan@gmail.com' },
      { op: 'rcpt', to: 'gopy@kontum.gov.vn' },
      { op: 'data', message: message({ from: 'nguoidan@gmail.com', to: 'gopy@kontum.gov.vn', extraHeaders: ['List-Id: Gop y <gopy.kontum.gov.vn>'] }) },
      { op: 'mail', from: 'nguoidan@gmail.com' },
      { op: 'rcpt', to: 'gopy@kontum.gov.vn' },
      { op: 'data', message: message({ from: 'nguoidan@gmail.com', to: 'gopy@kontum.gov.vn', extraHeaders: ['List-Id: Other <other.example.org>'] }) },
      { op: 'quit' },
    ]);
    expect(step(res, 'data', 0)).toMatchObject({ code: 550 });
    expect(step(res, 'data', 0).msg).toMatch(/^5\.7\.1 Thư đã đi qua danh sách này/);
    expect(step(res, 'data', 1).code).toBe(250);
    expect(await inbox(r.app, binh)).toHaveLength(before + 1);
  });
});
