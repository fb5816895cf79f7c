// Sending from a unit mailbox (R8) through submission with real clients (nodemailer, Python
// smtplib): without a right the unit address is refused on the envelope (553 5.7.1) and in
// From: (550 5.7.1); send-as delivers as the unit with no Sender:; send-on-behalf delivers with
// `Sender: <user>` added (or refuses another Sender:); spoofing a colleague in From: is refused;
// a revoked right stops the next message.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import nodemailer from 'nodemailer';
import { backends } from '../helpers/harness.ts';
import { imapClient, startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { inbox, message, smtplib, step } from '../../src/smtp/testing/clients.ts';

const UNIT = 'stttt@kontum.gov.vn';

describe.each(backends())('sending as a unit mailbox (%s)', (backend) => {
  let r: Running;
  let head: string; // send-as
  let clerk: string; // send-on-behalf
  let other: string; // nothing
  let reader: string; // the recipient
  const ctx = { actor: 'test', reason: 'QĐ 15/QĐ-STTTT' };

  beforeAll(async () => {
    r = await startTestServers({ backend });
    await r.user('stttt');
    head = await r.user('giamdoc.stttt');
    clerk = await r.user('vanthu.stttt');
    other = await r.user('annv');
    reader = await r.user('binhlt');
    await r.app.delegations.grant(UNIT, head, ['read', 'send-as', 'manage'], ctx);
    await r.app.delegations.grant(UNIT, clerk, ['read', 'send-on-behalf'], ctx);
  });
  afterAll(async () => {
    await r?.stop();
  });

  function transport(user: string) {
    return nodemailer.createTransport({
      host: '127.0.0.1',
      port: r.servers.ports.submission,
      secure: false,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
      auth: { user, pass: TEST_PASSWORD },
    });
  }

  async function lastReceived(): Promise<string> {
    const msgs = await inbox(r.app, reader);
    return (await r.app.store.readMessage(msgs.at(-1)!)).toString('utf8');
  }

  const mail = (from: string, extra: Record<string, unknown> = {}) => ({
    from: `Sở Thông tin và Truyền thông <${from}>`,
    to: reader,
    subject: 'Công văn số 123/STTTT-VP',
    text: 'Kính gửi các đồng chí.',
    ...extra,
  });

  it('refuses the unit address without a right, on the envelope (553 5.7.1) and in From: (550 5.7.1)', async () => {
    const before = (await inbox(r.app, reader)).length;
    await expect(transport(other).sendMail(mail(UNIT))).rejects.toMatchObject({ responseCode: 553 });
    // Envelope of one's own, From: the unit.
    const err = await transport(other)
      .sendMail(mail(UNIT, { envelope: { from: other, to: reader } }))
      .catch((e: { responseCode: number; response: string }) => e);
    expect(err).toMatchObject({ responseCode: 550 });
    expect((err as { response: string }).response).toMatch(/5\.7\.1 Không được phép gửi thư với địa chỉ người gửi này \/ Not allowed to send from this address/);
    expect(await inbox(r.app, reader)).toHaveLength(before);
  });

  it('delivers with send-as as the unit, without Sender:', async () => {
    const info = await transport(head).sendMail(mail(UNIT));
    expect(info.accepted).toEqual([reader]);
    const raw = await lastReceived();
    expect(raw).toMatch(/^From: [^\r]*(\r\n [^\r]*)*<stttt@kontum\.gov\.vn>\r\n/m);
    expect(raw).not.toMatch(/^Sender:/im);
  });

  it('delivers with send-on-behalf and adds Sender: of the user; refuses a Sender: that is not the user', async () => {
    await transport(clerk).sendMail(mail(UNIT));
    const raw = await lastReceived();
    expect(raw).toMatch(/^From: [^\r]*(\r\n [^\r]*)*<stttt@kontum\.gov\.vn>\r\n/m);
    // Sender: is kept beside the stored message and served on top of it.
    expect(raw.startsWith(`Sender: <${clerk}>\r\nReceived: `)).toBe(true);
    // A Sender: that is the user is kept as it is.
    await transport(clerk).sendMail(mail(UNIT, { sender: `Văn thư <${clerk}>` }));
    expect((await lastReceived()).match(/^Sender:/gim)).toHaveLength(1);
    await expect(transport(clerk).sendMail(mail(UNIT, { sender: other }))).rejects.toMatchObject({ responseCode: 550 });
  });

  it('refuses From: spoofing a colleague with 550 5.7.1 (Python smtplib), envelope being the user', async () => {
    const res = await smtplib(r.servers.ports.submission, [
      { op: 'ehlo', name: 'laptop.example' },
      { op: 'starttls' },
      { op: 'ehlo', name: 'laptop.example' },
      { op: 'auth', user: other, password: TEST_PASSWORD },
      { op: 'mail', from: other },
      { op: 'rcpt', to: reader },
      { op: 'data', message: message({ from: `Giám đốc <${head}>`, to: reader }) },
      { op: 'mail', from: other },
      { op: 'rcpt', to: reader },
      { op: 'data', message: message({ from: other, to: reader, extraHeaders: [`Sender: ${head}`] }) },
      { op: 'mail', from: other },
      { op: 'rcpt', to: reader },
      { op: 'data', message: message({ from: `An <${other.toUpperCase()}>`, to: reader }) },
      { op: 'quit' },
    ]);
    expect(step(res, 'data', 0)).toMatchObject({ code: 550 });
    expect(step(res, 'data', 0).msg).toMatch(/^5\.7\.1 /);
    expect(step(res, 'data', 1)).toMatchObject({ code: 550 });
    expect(step(res, 'data', 2)).toMatchObject({ code: 250 }); // one's own address, any case
  });

  it('applies a revoked right to the next message', async () => {
    await transport(head).sendMail(mail(UNIT));
    await r.app.delegations.revoke(UNIT, head, ctx);
    await expect(transport(head).sendMail(mail(UNIT))).rejects.toMatchObject({ responseCode: 553 });
    await expect(transport(head).sendMail(mail(UNIT, { envelope: { from: head, to: reader } }))).rejects.toMatchObject({ responseCode: 550 });
    await r.app.delegations.grant(UNIT, head, ['read', 'send-as', 'manage'], ctx);
  });

  it('serves the message with its added Sender: the same over IMAP BODY[], RFC822.SIZE, BODY[HEADER] and ENVELOPE as the store', async () => {
    await transport(clerk).sendMail(mail(UNIT, { subject: 'Giấy mời họp số 7' }));
    const stored = await lastReceived();
    expect(stored.startsWith(`Sender: <${clerk}>\r\n`)).toBe(true);
    const c = imapClient(r, reader);
    await c.connect();
    try {
      await c.mailboxOpen('INBOX');
      const m = await c.fetchOne('*', { source: true, size: true, envelope: true, headers: true });
      if (!m) throw new Error('no message');
      expect(m.source!.toString('utf8')).toBe(stored);
      expect(m.size).toBe(Buffer.byteLength(stored));
      const header = m.headers!.toString('utf8');
      expect(header.endsWith('\r\n\r\n')).toBe(true);
      expect(stored.startsWith(header)).toBe(true);
      expect(m.envelope!.sender![0].address).toBe(clerk);
      expect(m.envelope!.from![0].address).toBe(UNIT);
      // Twice the same bytes: served from one blob and its prefix, stable across reads.
      const again = await c.fetchOne('*', { source: true });
      expect(again && again.source!.equals(m.source!)).toBe(true);
    } finally {
      await c.logout();
    }
  });
});
