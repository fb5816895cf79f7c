// Owns: the proof over real sockets that an incident ticket (R7.6, R7.7) goes through its life cycle
// by mail and by API. By mail: the reporter writes to baocao@ with Python's smtplib over
// submission (STARTTLS, AUTH), a spam message attached as message/rfc822; the ticket is filed with
// that message; each change reaches the reporter's INBOX as a notice read with Python's imaplib; a
// reply to a notice (In-Reply-To only, no tag) lands on the ticket and reopens it once answered;
// the MX refuses baocao@ from outside (550 5.7.1). By API (fetch): file naming a message by
// folder id + UID, take, reply, answer, close; another user is refused; the audit log holds each
// step; the reported message stays readable by an administrator after the user expunged it over
// IMAP, and its blob is reclaimed when the ticket closes. SQLite and PostgreSQL.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends } from '../helpers/harness.ts';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { missingTool } from '../helpers/tools.ts';

const run = promisify(execFile);

const PY = `
import email, imaplib, json, smtplib, ssl, sys
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage
a = json.load(sys.stdin)
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
if a["mode"] == "send":
    m = EmailMessage()
    m["From"] = a["user"]
    m["To"] = a["to"]
    m["Subject"] = a["subject"]
    if a.get("inReplyTo"):
        m["In-Reply-To"] = a["inReplyTo"]
        m["References"] = a["inReplyTo"]
    m.set_content(a["body"])
    if a.get("attach"):
        m.add_attachment(email.message_from_bytes(a["attach"].encode("utf-8"), policy=policy.default))
    port = a["port"]
    try:
        s = smtplib.SMTP("127.0.0.1", port, timeout=20)
        if a.get("auth"):
            s.starttls(context=ctx)
            s.login(a["user"], a["password"])
        s.send_message(m)
        s.quit()
        print(json.dumps({"code": 250, "text": ""}))
    except smtplib.SMTPRecipientsRefused as e:
        code, text = list(e.recipients.values())[0]
        print(json.dumps({"code": code, "text": text.decode("utf-8", "replace")}))
else:
    c = imaplib.IMAP4_SSL("127.0.0.1", a["port"], ssl_context=ctx)
    c.login(a["user"], a["password"])
    c.select("INBOX")
    out = []
    typ, data = c.uid("SEARCH", None, "ALL")
    for uid in data[0].split():
        typ, d = c.uid("FETCH", uid, "(BODY.PEEK[])")
        msg = email.message_from_bytes(d[0][1], policy=policy.default)
        body = msg.get_body(preferencelist=("plain",))
        out.append({"uid": int(uid), "subject": str(make_header(decode_header(msg["Subject"] or ""))), "from": msg["From"], "messageId": msg["Message-ID"], "body": body.get_content() if body else ""})
    if a.get("expunge"):
        c.uid("STORE", str(a["expunge"]), "+FLAGS", "(\\\\Deleted)")
        c.expunge()
    c.logout()
    print(json.dumps(out))
`;

async function py<T>(args: Record<string, unknown>): Promise<T> {
  const child = run('python3', ['-c', PY], { timeout: 60000 });
  child.child.stdin!.end(JSON.stringify(args));
  const { stdout } = await child;
  return JSON.parse(stdout) as T;
}

interface Seen {
  uid: number;
  subject: string;
  from: string;
  messageId: string;
  body: string;
}

const SPAM = [
  'From: "Ngân hàng" <khuyenmai@lua-dao.example>',
  'To: <an@kontum.gov.vn>',
  'Subject: Trúng thưởng 1 tỷ đồng',
  'Message-ID: <km-1@lua-dao.example>',
  'Date: Sun, 06 Dec 2026 08:00:00 +0700',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=UTF-8',
  'Content-Transfer-Encoding: 8bit',
  '',
  'Bấm vào liên kết để nhận thưởng.',
  '',
].join('\r\n');

describe.skipIf(missingTool('python3', 'tickets by mail and API')).each(backends())('incident tickets over mail and the API (%s)', (backend) => {
  let r: Running;
  let base: string;
  let an: string;
  let binh: string;
  let admin: string;
  const tokens: Record<string, string> = {};

  const send = (user: string, a: { to?: string; subject: string; body: string; attach?: string; inReplyTo?: string; mx?: boolean }) =>
    py<{ code: number; text: string }>({
      mode: 'send',
      user,
      password: TEST_PASSWORD,
      to: a.to ?? 'baocao@kontum.gov.vn',
      subject: a.subject,
      body: a.body,
      attach: a.attach,
      inReplyTo: a.inReplyTo,
      port: a.mx ? r.servers.ports.smtp : r.servers.ports.submission,
      auth: !a.mx,
    });
  const inbox = (user: string, expunge?: number) => py<Seen[]>({ mode: 'inbox', user, password: TEST_PASSWORD, port: r.servers.ports.imaps, expunge });
  const notices = async (user: string, id: number) => (await inbox(user)).filter((m) => m.subject.startsWith(`[#${id}]`));
  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, text, json };
  };
  const login = async (username: string) => {
    const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: TEST_PASSWORD }) });
    return ((await res.json()) as { token: string }).token;
  };

  beforeAll(async () => {
    r = await startTestServers({ backend });
    base = `http://127.0.0.1:${r.servers.ports.http}`;
    an = await r.user('an');
    binh = await r.user('binh');
    admin = await r.user('quantri');
    await r.app.roles.grant(admin, 'sysadmin', null, { actor: 'test', reason: 'QĐ 01' });
    for (const u of [an, binh, admin]) tokens[u] = await login(u);
  }, 120000);
  afterAll(async () => r?.stop());

  it('by mail: filed with the attached message, each change told by mail, a reply to a notice lands on the ticket', { timeout: 120000 }, async () => {
    const sent = await send(an, { subject: 'Báo cáo thư rác', body: 'Tôi nhận được thư lừa đảo này sáng nay.', attach: SPAM });
    expect(sent.code).toBe(250);
    const [filed] = await r.app.tickets.list(r.app.tickets.actorOf(await r.app.roles.principal((await r.app.accounts.byAddress(an))!.id)));
    expect(filed).toMatchObject({ category: 'spam', state: 'new', source: 'mail', reporter: an, subject: 'Báo cáo thư rác', body: 'Tôi nhận được thư lừa đảo này sáng nay.' });
    const id = filed.id;

    const admin1 = await call(tokens[admin], 'GET', `/api/v1/tickets/${id}`);
    expect(admin1.json.message).toMatchObject({ subject: 'Trúng thưởng 1 tỷ đồng', origin: 'attachment' });
    const held = await call(tokens[admin], 'GET', `/api/v1/tickets/${id}/message`);
    expect(held.status).toBe(200);
    expect(held.text).toContain('Bấm vào liên kết để nhận thưởng.');

    let n = await notices(an, id);
    expect(n).toHaveLength(1);
    expect(n[0].subject).toBe(`[#${id}] Đã nhận báo cáo #${id} / Report #${id} received: Báo cáo thư rác`);
    expect(n[0].from).toContain('baocao@kontum.gov.vn');
    expect(n[0].body).toContain('Loại: Thư rác. Trạng thái: mới.');

    expect((await call(tokens[admin], 'POST', `/api/v1/tickets/${id}/state`, { action: 'take' })).status).toBe(200);
    expect((await call(tokens[admin], 'POST', `/api/v1/tickets/${id}/state`, { action: 'answer', text: 'Đã chặn tên miền lua-dao.example.' })).json.ticket.state).toBe('answered');
    n = await notices(an, id);
    expect(n.map((m) => m.subject.split(' / ')[0])).toEqual([`[#${id}] Đã nhận báo cáo #${id}`, `[#${id}] Báo cáo #${id} đang được xử lý`, `[#${id}] Báo cáo #${id} đã được trả lời`]);
    expect(n[2].body).toContain('Đã chặn tên miền lua-dao.example.');

    // The reporter answers the last notice from a mail client: In-Reply-To only, the tag dropped from the subject.
    const again = await send(an, { subject: 'Re: bổ sung', body: 'Vẫn còn nhận từ tên miền khác.\n\n> Báo cáo đã được trả lời', inReplyTo: n[2].messageId });
    expect(again.code).toBe(250);
    const d = await call(tokens[an], 'GET', `/api/v1/tickets/${id}`);
    expect(d.json.ticket.state).toBe('in_progress');
    expect(d.json.replies.map((x: { body: string; author: string }) => [x.author, x.body])).toEqual([
      [admin, 'Đã chặn tên miền lua-dao.example.'],
      [an, 'Vẫn còn nhận từ tên miền khác.'],
    ]);
    expect((await call(tokens[admin], 'POST', `/api/v1/tickets/${id}/state`, { action: 'close' })).json.ticket.state).toBe('closed');
    n = await notices(an, id);
    expect(n.map((m) => m.subject.split(' / ')[0]).slice(3)).toEqual([`[#${id}] Báo cáo #${id} được mở lại`, `[#${id}] Báo cáo #${id} đã đóng`]);
    // Closed: the attached message is let go.
    expect((await call(tokens[admin], 'GET', `/api/v1/tickets/${id}/message`)).json.code).toBe('TICKET_MESSAGE_RELEASED');

    // From outside, through the MX: refused.
    const outside = await send('ke-gian@lua-dao.example', { subject: 'spam', body: 'x', mx: true });
    expect(outside.code).toBe(550);
    expect(outside.text).toMatch(/^5\.7\.1 Địa chỉ báo cáo sự cố chỉ nhận thư của tài khoản trong hệ thống/);
  });

  it('by API: file, take, reply, answer, close; another user refused; audited; the message kept past the expunge and reclaimed at close', { timeout: 120000 }, async () => {
    expect((await send(binh, { to: an, subject: 'thư thường', body: 'Chào anh.' })).code).toBe(250);
    expect((await send('khuyenmai@lua-dao.example', { to: an, subject: 'Khuyến mãi lớn', body: 'Mua ngay hôm nay!', mx: true })).code).toBe(250);
    const mine = await inbox(an);
    const spam = mine.find((m) => m.subject === 'Khuyến mãi lớn')!;
    const folder = await r.app.store.getMailbox((await r.app.accounts.byAddress(an))!.id, 'INBOX');
    const [meta] = await r.app.store.getMessages(folder!.id, [spam.uid]);

    const filed = await call(tokens[an], 'POST', '/api/v1/tickets', { category: 'spam', text: 'Thư quảng cáo lạ', message: { mailboxId: folder!.id, uid: spam.uid } });
    expect(filed.status).toBe(201);
    const id = filed.json.ticket.id as number;
    expect(filed.json.ticket).toMatchObject({ state: 'new', subject: 'Khuyến mãi lớn', reporter: an });
    // binh cannot name an's message, see an's ticket, or reply to it; the list shows binh none of it.
    expect((await call(tokens[binh], 'POST', '/api/v1/tickets', { category: 'spam', text: 'x', message: { mailboxId: folder!.id, uid: spam.uid } })).status).toBe(404);
    expect((await call(tokens[binh], 'GET', `/api/v1/tickets/${id}`)).status).toBe(403);
    expect((await call(tokens[binh], 'POST', `/api/v1/tickets/${id}/replies`, { text: 'xen vào' })).status).toBe(403);
    expect((await call(tokens[binh], 'POST', `/api/v1/tickets/${id}/state`, { action: 'take' })).status).toBe(403);
    expect((await call(tokens[binh], 'GET', `/api/v1/tickets/${id}/message`)).status).toBe(403);
    expect((await call(tokens[binh], 'GET', '/api/v1/tickets')).json.tickets.map((t: { id: number }) => t.id)).not.toContain(id);

    expect((await call(tokens[admin], 'POST', `/api/v1/tickets/${id}/state`, { action: 'take' })).json.ticket).toMatchObject({ state: 'in_progress', assignee: admin });
    expect((await call(tokens[admin], 'POST', `/api/v1/tickets/${id}/replies`, { text: 'Đang kiểm tra nguồn gửi.', internal: true })).status).toBe(201);
    expect((await call(tokens[admin], 'POST', `/api/v1/tickets/${id}/replies`, { text: 'Cảm ơn anh đã báo.' })).status).toBe(201);
    expect((await call(tokens[admin], 'POST', `/api/v1/tickets/${id}/state`, { action: 'answer', text: 'Đã đưa vào danh sách chặn.' })).json.ticket.state).toBe('answered');
    const listed = await call(tokens[admin], 'GET', `/api/v1/tickets?state=answered&category=spam&assignee=${encodeURIComponent(admin)}`);
    expect(listed.json.tickets.map((t: { id: number }) => t.id)).toEqual([id]);
    // The reporter does not see the internal note.
    expect((await call(tokens[an], 'GET', `/api/v1/tickets/${id}`)).json.replies.map((x: { body: string }) => x.body)).toEqual(['Cảm ơn anh đã báo.', 'Đã đưa vào danh sách chặn.']);

    // an expunges the message over IMAP: the ticket still holds it.
    await inbox(an, spam.uid);
    expect((await inbox(an)).some((m) => m.subject === 'Khuyến mãi lớn')).toBe(false);
    const held = await call(tokens[admin], 'GET', `/api/v1/tickets/${id}/message`);
    expect(held.status).toBe(200);
    expect(held.text).toContain('Mua ngay hôm nay!');
    expect(await r.app.blobs.exists(meta.sha256)).toBe(true);

    expect((await call(tokens[admin], 'POST', `/api/v1/tickets/${id}/state`, { action: 'close' })).json.ticket.state).toBe('closed');
    expect(await r.app.blobs.exists(meta.sha256)).toBe(false);
    expect((await call(tokens[admin], 'GET', `/api/v1/tickets/${id}/message`)).status).toBe(400);

    const audit = await call(tokens[admin], 'GET', `/api/v1/audit?target=${encodeURIComponent(`#${id}`)}&limit=50`);
    expect(audit.json.entries.map((e: { action: string; actor: string }) => `${e.actor} ${e.action}`).reverse()).toEqual([
      `api:${an} ticket.file`,
      `api:${admin} ticket.take`,
      `api:${admin} ticket.reply`,
      `api:${admin} ticket.reply`,
      `api:${admin} ticket.answer`,
      `api:${admin} ticket.close`,
    ]);
    const subjects = (await notices(an, id)).map((m) => m.subject.split(' / ')[0]);
    expect(subjects).toEqual([
      `[#${id}] Đã nhận báo cáo #${id}`,
      `[#${id}] Báo cáo #${id} đang được xử lý`,
      `[#${id}] Trả lời mới cho báo cáo #${id}`,
      `[#${id}] Báo cáo #${id} đã được trả lời`,
      `[#${id}] Báo cáo #${id} đã đóng`,
    ]);
  });
});
