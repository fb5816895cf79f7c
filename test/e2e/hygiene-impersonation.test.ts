// Impersonation warnings (issue 12) end to end: real senders (swaks, Python's smtplib, nodemailer
// with its own DKIM signer) deliver to the MX while the system resolves SPF/DKIM/DMARC through a
// DNS server the test runs; the recipient reads the message over IMAP (imapflow). The display
// name of a real official from outside, a look-alike domain, a Unicode confusable (IDN) domain and
// a free-mail address claiming a provincial body get the Vietnamese warning, the Subject prefix,
// `x-thutin-impersonation=fail` in Authentication-Results and the $Phishing keyword; a real
// internal message (submitted, or DKIM-signed by our domain and passing DMARC) and an ordinary
// outside message get none.
import crypto from 'node:crypto';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/harness.ts';
import { imapClient, startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';
import { dkimTxtRecord } from '../../src/mailauth/keys.ts';
import { message, smtplib, step, swaks, swaksReplies } from '../../src/smtp/testing/clients.ts';
import { missingTool } from '../helpers/tools.ts';

const ctx = { actor: 'test', reason: 'QĐ 12/QĐ-UBND' };
const ourKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const PREFIX = '[Cảnh báo: thư bên ngoài]';
const b64 = (s: string) => `=?UTF-8?B?${Buffer.from(s).toString('base64')}?=`;

describe.each(backends())('impersonation warnings over SMTP and IMAP (%s)', { timeout: 120_000 }, (backend) => {
  let r: Running;
  let dns: TestDnsServer;
  let an: string;

  beforeAll(async () => {
    const dk = dkimTxtRecord({ domain: 'kontum.gov.vn', selector: 's1', algorithm: 'rsa', privateKeyPem: ourKey });
    dns = await startDnsServer({
      'kontum.gov.vn': { TXT: ['v=spf1 -all'] },
      [dk.name]: { TXT: [dk.value] },
      '_dmarc.kontum.gov.vn': { TXT: ['v=DMARC1; p=none'] },
      'example.org': { TXT: ['v=spf1 ip4:127.0.0.1 -all'] },
    });
    r = await startTestServers({ backend, config: { dns: { servers: [dns.address] } } });
    const d = r.app.directory;
    await d.createUnit({ code: 'UBND', name: 'Ủy ban nhân dân tỉnh Kon Tum', kind: 'province', withMailbox: false }, ctx);
    await d.createUnit({ code: 'SNV', name: 'Sở Nội vụ', kind: 'agency', parentCode: 'UBND' }, ctx);
    an = (await d.createPerson({ fullName: 'Nguyễn Văn Án', unitCode: 'SNV', password: TEST_PASSWORD }, ctx)).address;
  });
  afterAll(async () => {
    await r?.stop();
    await dns?.stop();
  });

  /** The newest message of the user's INBOX, read over IMAP: its source and its decoded Subject. */
  async function newest(user: string): Promise<{ source: string; subject: string; flags: string[] }> {
    const c = imapClient(r, user);
    await c.connect();
    try {
      const box = await c.mailboxOpen('INBOX');
      const m = await c.fetchOne(String(box.exists), { source: true, envelope: true, flags: true });
      if (!m) throw new Error('no message');
      return { source: m.source!.toString('utf8'), subject: m.envelope!.subject ?? '', flags: [...(m.flags ?? [])] };
    } finally {
      await c.logout();
    }
  }

  const impersonation = (source: string) => /x-thutin-impersonation=fail reason=([\w,-]+)/.exec(source.replace(/\r\n[ \t]+/g, ' '))?.[1] ?? null;

  async function viaMx(from: string, envelopeFrom: string, subject: string): Promise<void> {
    const res = await smtplib(r.servers.ports.smtp, [
      { op: 'ehlo', name: 'mx.example.org' },
      { op: 'mail', from: envelopeFrom },
      { op: 'rcpt', to: an },
      { op: 'data', message: message({ from, to: an, subject }) },
      { op: 'quit' },
    ]);
    expect(step(res, 'data')).toMatchObject({ code: 250 });
  }

  it('warns of the display name of a real official from outside (accents and case ignored), sent with swaks', async () => {
    if (missingTool('swaks', 'impersonation: display name over swaks')) return;
    const data = message({ from: '"NGUYEN VAN AN" <an.nguyen.kt@example.org>', to: an, subject: 'Gửi anh tài liệu' }).toString('utf8');
    const res = await swaks(['--server', `127.0.0.1:${r.servers.ports.smtp}`, '--helo', 'mx.example.org', '--from', 'an.nguyen.kt@example.org', '--to', an], { data });
    expect(res.exit, res.out).toBe(0);
    expect(swaksReplies(res.out).at(-2)).toMatch(/^250 /);
    const m = await newest(an);
    expect(m.subject).toBe(`${PREFIX} Gửi anh tài liệu`);
    expect(impersonation(m.source)).toBe('display-name');
    expect(m.flags).toContain('$Phishing');
    expect(m.source).toMatch(/^X-Thutin-Warning: =\?UTF-8\?B\?/m);
    const warning = m.source.match(/^X-Thutin-Warning: ([\s\S]*?)\r\n(?=\S)/m)![1].replace(/\r\n /g, '');
    const decoded = warning.replace(/=\?UTF-8\?B\?([^?]*)\?=/g, (_, b: string) => Buffer.from(b, 'base64').toString('utf8'));
    expect(decoded).toContain('Thư từ bên ngoài');
    expect(decoded).toContain('Nguyễn Văn Án');
    // our Authentication-Results (SPF and DMARC of example.org) stays first
    expect(m.source.indexOf('dmarc=')).toBeLessThan(m.source.indexOf('x-thutin-impersonation'));
  });

  it('warns of a look-alike domain: kontum-gov.vn and kontum.gov.vn.example', async () => {
    await viaMx('Phong Hanh chinh <vanthu@kontum-gov.vn>', 'vanthu@kontum-gov.vn', 'Công văn khẩn');
    let m = await newest(an);
    expect(impersonation(m.source)).toBe('lookalike-domain');
    expect(m.subject).toBe(`${PREFIX} Công văn khẩn`);
    await viaMx('Van thu <vanthu@kontum.gov.vn.example>', 'vanthu@kontum.gov.vn.example', 'Lịch họp');
    m = await newest(an);
    expect(impersonation(m.source)).toBe('lookalike-domain');
  });

  it('warns of a Unicode confusable domain written as IDN (Cyrillic о in kontum.gov.vn)', async () => {
    const puny = new URL('http://k\u043entum.gov.vn/').hostname; // xn--…
    expect(puny).toMatch(/^xn--/);
    await viaMx(`Van phong <vanphong@${puny}>`, `vanphong@${puny}`, 'Thông báo');
    const m = await newest(an);
    expect(impersonation(m.source)).toBe('lookalike-domain');
  });

  it('warns of a free-mail address whose display name claims a provincial body', async () => {
    await viaMx(`${b64('Văn phòng UBND tỉnh')} <vanphong.ubnd.kt@gmail.com>`, 'vanphong.ubnd.kt@gmail.com', 'Giấy mời');
    const m = await newest(an);
    expect(impersonation(m.source)).toBe('free-mail-claim');
    expect(m.subject).toBe(`${PREFIX} Giấy mời`);
  });

  it('leaves an ordinary outside message alone', async () => {
    await viaMx('Tran Binh <binh@example.org>', 'binh@example.org', 'Hỏi thăm');
    const m = await newest(an);
    expect(m.subject).toBe('Hỏi thăm');
    expect(impersonation(m.source)).toBeNull();
    expect(m.flags).not.toContain('$Phishing');
    expect(m.source).not.toContain('X-Thutin-Warning');
  });

  it('gives a real internal message no banner: submitted by our user, or DKIM-signed by our domain (DMARC pass)', async () => {
    const clerk = await r.user('vanthu.snv');
    // submitted by an authenticated official, display name naming the unit
    const res = await smtplib(r.servers.ports.submission, [
      { op: 'ehlo', name: 'laptop' },
      { op: 'starttls' },
      { op: 'ehlo', name: 'laptop' },
      { op: 'auth', user: clerk, password: TEST_PASSWORD },
      { op: 'mail', from: clerk },
      { op: 'rcpt', to: an },
      { op: 'data', message: message({ from: `${b64('Văn thư - Sở Nội vụ')} <${clerk}>`, to: an, subject: 'Nội bộ 1' }) },
      { op: 'quit' },
    ]);
    expect(step(res, 'data')).toMatchObject({ code: 250 });
    let m = await newest(an);
    expect(m.subject).toBe('Nội bộ 1');
    expect(impersonation(m.source)).toBeNull();

    // from another of our servers through the MX, signed with our domain's key: DMARC passes
    const signed = nodemailer.createTransport({
      host: '127.0.0.1',
      port: r.servers.ports.smtp,
      secure: false,
      ignoreTLS: true,
      name: 'mail2.kontum.gov.vn',
      dkim: { domainName: 'kontum.gov.vn', keySelector: 's1', privateKey: ourKey },
    });
    const mail = { from: { name: 'Văn thư - Sở Nội vụ', address: clerk }, to: an, subject: 'Nội bộ 2', text: 'Kính gửi anh Án.' };
    await signed.sendMail(mail);
    m = await newest(an);
    expect(m.subject).toBe('Nội bộ 2');
    expect(m.flags).not.toContain('$Phishing');
    expect(m.source).toMatch(/dmarc=pass/);
    expect(impersonation(m.source)).toBeNull();

    // the same without the signature fails DMARC: the unit's name in it is now a warning
    await nodemailer.createTransport({ host: '127.0.0.1', port: r.servers.ports.smtp, secure: false, ignoreTLS: true, name: 'mx.example.org' }).sendMail({ ...mail, subject: 'Nội bộ 3' });
    m = await newest(an);
    expect(m.source).toMatch(/dmarc=fail/);
    expect(impersonation(m.source)).toBe('display-name');
    expect(m.subject).toBe(`${PREFIX} Nội bộ 3`);
  });
});
