// Article 9 end to end (issue 12): forwarding to gmail.com is refused with a clear message over
// the API (fetch) and the real CLI; forwarding to another province's address works — a message
// sent to the MX with Python's smtplib arrives at that province's server (a scripted remote SMTP
// server on loopback, reached through outbound.relayHost) with the original envelope sender, and a
// copy stays in the INBOX (read over IMAP with imapflow); a message submitted with an attachment
// to a gmail.com address is delivered and its sender gets a Vietnamese notice from postmaster@
// (policy warn), or is queued on hold and the unit head told (policy hold);
// the per-unit report counts the mail exchanged with free-mail domains (API and CLI).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/harness.ts';
import { imapClient, startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { startScriptedRemote, type ScriptedRemote } from '../helpers/remote-smtp.ts';
import { thutin } from '../helpers/cli.ts';
import { message, smtplib, step } from '../../src/smtp/testing/clients.ts';
import { dayOf } from '../../src/core/free-mail-policy.ts';

const ctx = { actor: 'test', reason: 'QĐ 12/QĐ-UBND' };

function withAttachment(from: string, to: string, subject: string): Buffer {
  return Buffer.from(
    [
      `From: ${from}`,
      `To: ${to}`,
      `Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`,
      'Date: Mon, 07 Dec 2026 09:00:00 +0700',
      `Message-ID: <${Math.random().toString(36).slice(2)}@kontum.gov.vn>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="ranh-gioi"',
      '',
      '--ranh-gioi',
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      'Gửi anh báo cáo quý IV.',
      '--ranh-gioi',
      'Content-Type: application/pdf; name="bao-cao-quy-4.pdf"',
      'Content-Disposition: attachment; filename="bao-cao-quy-4.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('%PDF-1.4\n% báo cáo\n').toString('base64'),
      '--ranh-gioi--',
      '',
    ].join('\r\n'),
    'utf8',
  );
}

describe.each(backends())('Article 9: forwarding, free-mail attachments, the report (%s)', { timeout: 120_000 }, (backend) => {
  let r: Running;
  let remote: ScriptedRemote;
  let an: string; // Sở Nội vụ
  let binh: string; // Sở Tư pháp
  let admin: string;
  let base: string;

  beforeAll(async () => {
    remote = await startScriptedRemote();
    r = await startTestServers({
      backend,
      config: { outbound: { enabled: true, relayHost: `[127.0.0.1]:${remote.port}`, retryMinMs: 100, retryMaxMs: 200, connectTimeoutMs: 2000, commandTimeoutMs: 2000 } },
    });
    base = `http://127.0.0.1:${r.servers.ports.http}`;
    const d = r.app.directory;
    await d.createUnit({ code: 'UBND', name: 'Ủy ban nhân dân tỉnh Kon Tum', kind: 'province', withMailbox: false }, ctx);
    await d.createUnit({ code: 'SNV', name: 'Sở Nội vụ', kind: 'agency', parentCode: 'UBND', withMailbox: false }, ctx);
    await d.createUnit({ code: 'STP', name: 'Sở Tư pháp', kind: 'agency', parentCode: 'UBND', withMailbox: false }, ctx);
    an = (await d.createPerson({ fullName: 'Nguyễn Văn An', unitCode: 'SNV', password: TEST_PASSWORD }, ctx)).address;
    binh = (await d.createPerson({ fullName: 'Lê Thị Bình', unitCode: 'STP', password: TEST_PASSWORD }, ctx)).address;
    admin = (await d.createPerson({ fullName: 'Trần Quản Trị', unitCode: 'UBND', password: TEST_PASSWORD }, ctx)).address;
    await r.app.roles.grant(admin, 'sysadmin', null, ctx);
  });
  afterAll(async () => {
    await r?.stop();
    await remote?.stop();
  });

  async function api(user: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: user, password: TEST_PASSWORD }) });
    const token = ((await login.json()) as { token: string }).token;
    const res = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  }

  async function subjects(user: string): Promise<string[]> {
    const c = imapClient(r, user);
    await c.connect();
    try {
      const box = await c.mailboxOpen('INBOX');
      if (!box.exists) return [];
      const out: string[] = [];
      for await (const m of c.fetch('1:*', { envelope: true })) out.push(m.envelope?.subject ?? '');
      return out;
    } finally {
      await c.logout();
    }
  }

  it('refuses forwarding to gmail.com with a clear Vietnamese and English message (API, CLI)', async () => {
    const res = await api(an, 'PUT', '/api/v1/me/forwarding', { address: 'an.nguyen.kontum@gmail.com' });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 'FORWARD_FREE_MAIL' });
    expect(res.json.message).toMatch(/Không được chuyển tiếp thư công vụ tới hộp thư miễn phí \(Điều 9\).*gmail\.com/);
    expect(res.json.messageEn).toMatch(/free-mail service \(Article 9\).*gmail\.com/);
    expect((await api(an, 'GET', '/api/v1/me/forwarding')).json).toEqual({ forward: null });
    if (backend === 'sqlite') {
      const cli = await thutin(r.dataDir, ['account', 'forward', an, 'An.Nguyen@GoogleMail.com']);
      expect(cli.code).toBe(1);
      expect(cli.stderr).toMatch(/Điều 9.*Article 9.*googlemail\.com/s);
    }
  });

  it('forwards to another province: the message arrives there with the original sender, a copy stays here', async () => {
    const set = await api(an, 'PUT', '/api/v1/me/forwarding', { address: 'Van.Thu@GiaLai.gov.vn', keepCopy: true });
    expect(set.status).toBe(200);
    expect(set.json.forward).toMatchObject({ address: 'van.thu@gialai.gov.vn', keepCopy: true });
    const audit = await r.app.audit.list(10, { action: 'forwarding.set' });
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0])).toContain('van.thu@gialai.gov.vn');

    const res = await smtplib(r.servers.ports.smtp, [
      { op: 'ehlo', name: 'mx.doitac.example' },
      { op: 'mail', from: 'lienhe@doitac.example' },
      { op: 'rcpt', to: an },
      { op: 'data', message: message({ from: 'Lien he <lienhe@doitac.example>', to: an, subject: 'Đề nghị phối hợp' }) },
      { op: 'quit' },
    ]);
    expect(step(res, 'data')).toMatchObject({ code: 250 });
    await remote.waitForMessages(1, 15_000);
    const got = remote.messages[0];
    expect(got.to).toEqual(['van.thu@gialai.gov.vn']);
    expect(got.from).toBe('lienhe@doitac.example');
    expect(got.data.toString('utf8')).toContain('Subject: ');
    expect(await subjects(an)).toContain('Đề nghị phối hợp');

    // without a copy: the next message only goes on
    expect((await api(an, 'PUT', '/api/v1/me/forwarding', { address: 'van.thu@gialai.gov.vn', keepCopy: false })).status).toBe(200);
    const before = (await subjects(an)).length;
    const res2 = await smtplib(r.servers.ports.smtp, [
      { op: 'ehlo', name: 'mx.doitac.example' },
      { op: 'mail', from: 'lienhe@doitac.example' },
      { op: 'rcpt', to: an },
      { op: 'data', message: message({ from: 'lienhe@doitac.example', to: an, subject: 'Lần hai' }) },
      { op: 'quit' },
    ]);
    expect(step(res2, 'data')).toMatchObject({ code: 250 });
    await remote.waitForMessages(2, 15_000);
    expect(remote.messages[1].to).toEqual(['van.thu@gialai.gov.vn']);
    expect((await subjects(an)).length).toBe(before);
    expect((await api(an, 'DELETE', '/api/v1/me/forwarding')).status).toBe(204);
    expect((await api(an, 'GET', '/api/v1/me/forwarding')).json).toEqual({ forward: null });
    if (backend === 'sqlite') {
      // the administrator's side: the real CLI sets, shows and stops it
      const set2 = await thutin(r.dataDir, ['account', 'forward', an, 'vanphong@quangngai.gov.vn', '--no-keep-copy']);
      expect(set2.code, set2.stderr).toBe(0);
      expect(set2.stdout).toContain(`${an} -> vanphong@quangngai.gov.vn`);
      const shown = await thutin(r.dataDir, ['account', 'forward', an, '--json']);
      expect(JSON.parse(shown.stdout)).toMatchObject({ account: an, forward: { address: 'vanphong@quangngai.gov.vn', keepCopy: false } });
      expect((await thutin(r.dataDir, ['account', 'forward', an, '--off'])).code).toBe(0);
      expect((await api(an, 'GET', '/api/v1/me/forwarding')).json).toEqual({ forward: null });
    }
  });

  it('delivers a submitted message with an attachment to gmail.com and warns its sender (policy warn)', async () => {
    const sentBefore = remote.messages.length;
    const res = await smtplib(r.servers.ports.submission, [
      { op: 'ehlo', name: 'laptop' },
      { op: 'starttls' },
      { op: 'ehlo', name: 'laptop' },
      { op: 'auth', user: binh, password: TEST_PASSWORD },
      { op: 'mail', from: binh },
      { op: 'rcpt', to: 'doitac.rieng@gmail.com' },
      { op: 'data', message: withAttachment(binh, 'doitac.rieng@gmail.com', 'Báo cáo quý IV') },
      { op: 'quit' },
    ]);
    expect(step(res, 'data')).toMatchObject({ code: 250 });
    await remote.waitForMessages(sentBefore + 1, 15_000);
    expect(remote.messages.at(-1)!.to).toEqual(['doitac.rieng@gmail.com']);
    const s = await subjects(binh);
    expect(s).toContain('Cảnh báo: gửi tệp đính kèm tới hộp thư miễn phí / Warning: attachments sent to a free-mail address');

    // the same without an attachment: no notice
    const res2 = await smtplib(r.servers.ports.submission, [
      { op: 'ehlo', name: 'laptop' },
      { op: 'starttls' },
      { op: 'ehlo', name: 'laptop' },
      { op: 'auth', user: binh, password: TEST_PASSWORD },
      { op: 'mail', from: binh },
      { op: 'rcpt', to: 'doitac.rieng@gmail.com' },
      { op: 'data', message: message({ from: binh, to: 'doitac.rieng@gmail.com', subject: 'Không đính kèm' }) },
      { op: 'quit' },
    ]);
    expect(step(res2, 'data')).toMatchObject({ code: 250 });
    expect((await subjects(binh)).length).toBe(s.length);
  });

  it('reports the mail exchanged with free-mail domains per unit and direction (API, CLI)', async () => {
    const res = await smtplib(r.servers.ports.smtp, [
      { op: 'ehlo', name: 'mail-yw1.google.example' },
      { op: 'mail', from: 'nguoidan.kt@gmail.com' },
      { op: 'rcpt', to: an },
      { op: 'data', message: message({ from: 'nguoidan.kt@gmail.com', to: an, subject: 'Hỏi thủ tục' }) },
      { op: 'quit' },
    ]);
    expect(step(res, 'data')).toMatchObject({ code: 250 });
    const today = dayOf(Date.now());
    const rep = await api(admin, 'GET', `/api/v1/reports/free-mail?from=${today}&to=${today}`);
    expect(rep.status).toBe(200);
    const byCode = Object.fromEntries((rep.json.units as Array<{ unitCode: string; in: number; out: number }>).map((u) => [u.unitCode, u]));
    expect(byCode.SNV).toMatchObject({ unitName: 'Sở Nội vụ', in: 1, out: 0 });
    expect(byCode.STP).toMatchObject({ unitName: 'Sở Tư pháp', in: 0, out: 2 });
    expect((await api(an, 'GET', `/api/v1/reports/free-mail?from=${today}&to=${today}`)).status).toBe(403);
    if (backend === 'sqlite') {
      const cli = await thutin(r.dataDir, ['report', 'free-mail', '--from', today, '--to', today, '--json']);
      expect(cli.code, cli.stderr).toBe(0);
      expect(JSON.parse(cli.stdout).units).toEqual(rep.json.units);
    }
  });
});

describe.each(backends())('Article 9: attachments to free-mail held for the unit head (hygiene.freeMail.attachments = hold, %s)', { timeout: 120_000 }, (backend) => {
  let r: Running;
  let head: string;
  let clerk: string;

  beforeAll(async () => {
    r = await startTestServers({ backend, config: { hygiene: { freeMail: { attachments: 'hold' } } } });
    const d = r.app.directory;
    await d.createUnit({ code: 'STP', name: 'Sở Tư pháp', kind: 'agency', withMailbox: false }, ctx);
    const h = await d.createPerson({ fullName: 'Phạm Văn Trưởng', unitCode: 'STP', password: TEST_PASSWORD }, ctx);
    await d.setUnitHead('STP', h.person.id, ctx);
    head = h.address;
    clerk = (await d.createPerson({ fullName: 'Lê Thị Bình', unitCode: 'STP', password: TEST_PASSWORD }, ctx)).address;
  });
  afterAll(async () => {
    await r?.stop();
  });

  async function submit(msg: Buffer, to: string): Promise<number | undefined> {
    const res = await smtplib(r.servers.ports.submission, [
      { op: 'ehlo', name: 'laptop' },
      { op: 'starttls' },
      { op: 'ehlo', name: 'laptop' },
      { op: 'auth', user: clerk, password: TEST_PASSWORD },
      { op: 'mail', from: clerk },
      { op: 'rcpt', to },
      { op: 'data', message: msg },
      { op: 'quit' },
    ]);
    return step(res, 'data').code;
  }

  async function subjects(user: string): Promise<string[]> {
    const c = imapClient(r, user);
    await c.connect();
    try {
      const box = await c.mailboxOpen('INBOX');
      if (!box.exists) return [];
      const out: string[] = [];
      for await (const m of c.fetch('1:*', { envelope: true })) out.push(m.envelope?.subject ?? '');
      return out;
    } finally {
      await c.logout();
    }
  }

  it('accepts the message, queues it on hold and tells the unit head and the sender; without attachment it goes', async () => {
    expect(await submit(withAttachment(clerk, 'doitac@yahoo.com.vn', 'Hồ sơ dự thầu'), 'doitac@yahoo.com.vn')).toBe(250);
    expect(await submit(message({ from: clerk, to: 'doitac@yahoo.com.vn', subject: 'Lịch làm việc' }), 'doitac@yahoo.com.vn')).toBe(250);
    expect(await submit(withAttachment(clerk, 'vanthu@gialai.gov.vn', 'Hồ sơ'), 'vanthu@gialai.gov.vn')).toBe(250);
    const q = await r.app.queue.list();
    expect(q.map((e) => [e.recipients[0].recipient, e.state])).toEqual([
      ['doitac@yahoo.com.vn', 'hold'],
      ['doitac@yahoo.com.vn', 'active'],
      ['vanthu@gialai.gov.vn', 'active'],
    ]);
    const notice = 'Thư có tệp đính kèm tới hộp thư miễn phí đang được giữ / Message with attachments to free-mail held';
    expect(await subjects(head)).toEqual([notice]);
    expect(await subjects(clerk)).toEqual([notice]);
  });
});
