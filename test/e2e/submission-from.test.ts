// Owns: the proof over real submission (Python's smtplib: STARTTLS, AUTH PLAIN, raw DATA) that a
// From: field readers would disagree on is refused (issue 9 finding 5): alice sending
// `From: alice@kontum.gov.vn <bob@kontum.gov.vn>` gets 550 5.7.1 in Vietnamese and English and
// nothing reaches bob; so do the comment, encoded-word and full-width tricks; alice's honest
// message (Vietnamese display name, her own address in her name) is delivered, and reads as alice
// to mailparser.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { simpleParser } from 'mailparser';
import { backends } from '../helpers/harness.ts';
import { startTestServers, imapClient, TEST_PASSWORD, type Running } from '../helpers/servers.ts';

const run = promisify(execFile);

/** Send each raw message as `user` over submission with STARTTLS; the reply to each DATA. */
async function submit(r: Running, user: string, to: string, messages: string[]): Promise<Array<{ code: number; text: string }>> {
  const py = `
import json, smtplib, ssl, sys
msgs = json.load(sys.stdin)
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
out = []
for raw in msgs:
    s = smtplib.SMTP("127.0.0.1", ${r.servers.ports.submission}, timeout=20)
    s.starttls(context=ctx)
    s.login(${JSON.stringify(user)}, ${JSON.stringify(TEST_PASSWORD)})
    try:
        s.sendmail(${JSON.stringify(user)}, [${JSON.stringify(to)}], raw.encode("utf-8"))
        out.append({"code": 250, "text": ""})
    except smtplib.SMTPDataError as e:
        out.append({"code": e.smtp_code, "text": e.smtp_error.decode("utf-8", "replace")})
    s.quit()
print(json.dumps(out))
`;
  const child = run('python3', ['-c', py], { timeout: 60000 });
  child.child.stdin!.end(JSON.stringify(messages));
  const { stdout } = await child;
  return JSON.parse(stdout) as Array<{ code: number; text: string }>;
}

const message = (from: string, to: string, subject: string) =>
  [`From: ${from}`, `To: <${to}>`, `Subject: ${subject}`, 'Date: Sun, 06 Dec 2026 09:00:00 +0700', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=UTF-8', '', 'Kính gửi anh Bình.', ''].join(
    '\r\n',
  );

const b64 = (s: string) => `=?UTF-8?B?${Buffer.from(s).toString('base64')}?=`;

describe.each(backends())('submission From: rule (%s)', (backend) => {
  let r: Running;
  let alice: string;
  let bob: string;
  beforeAll(async () => {
    r = await startTestServers({ backend });
    alice = await r.user('alice');
    bob = await r.user('bob');
  });
  afterAll(async () => r?.stop());

  it('refuses display-name, comment, encoded-word and full-width forgeries with 550 5.7.1; the honest message arrives', async () => {
    const forged = [`${alice} <${bob}>`, `"${alice}" <${bob}>`, `${alice} (${bob})`, `<${alice}> ${bob}`, `${b64(`Giám đốc ${bob}`)} <${alice}>`, `"Phòng Tổ chức bob＠kontum.gov.vn" <${alice}>`];
    const replies = await submit(r, alice, bob, [
      ...forged.map((f, i) => message(f, bob, `forged ${i}`)),
      message(`${b64('Nguyễn Thị Alice')} <${alice}>`, bob, 'honest'),
      message(`"${alice}" <${alice}>`, bob, 'honest 2'),
    ]);
    for (let i = 0; i < forged.length; i++) {
      expect(replies[i].code, forged[i]).toBe(550);
      expect(replies[i].text, forged[i]).toBe('5.7.1 Trường From: không rõ ràng hoặc tên hiển thị chứa một địa chỉ khác / Ambiguous From: field, or its display name shows another address');
    }
    expect(replies.slice(forged.length).map((x) => x.code)).toEqual([250, 250]);

    const c = imapClient(r, bob);
    await c.connect();
    await c.mailboxOpen('INBOX');
    const got: Array<{ subject: string; from: string }> = [];
    for await (const m of c.fetch('1:*', { source: true })) {
      const parsed = await simpleParser(m.source!);
      got.push({ subject: parsed.subject ?? '', from: parsed.from!.value[0].address! });
    }
    await c.logout();
    expect(got).toEqual([
      { subject: 'honest', from: alice },
      { subject: 'honest 2', from: alice },
    ]);
  });
});
