// Alias domains (a merged province keeps its old domain): mail to x@old lands in x@new's INBOX,
// through the MX (Python's smtplib) and through submission (swaks with STARTTLS + AUTH); an
// unknown user on the alias domain gets 550 5.1.1, like on the target domain.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/harness.ts';
import { imapClient, startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { missingTool } from '../helpers/tools.ts';

const run = promisify(execFile);

describe.each(backends())('alias domain (%s)', (backend) => {
  let r: Running;
  let an: string;
  let binh: string;
  beforeAll(async () => {
    r = await startTestServers({ backend, config: { domains: { primary: 'kontum.gov.vn', aliases: { 'kontum.old.vn': 'kontum.gov.vn' } } } });
    an = await r.user('annv');
    binh = await r.user('binhlt');
  });
  afterAll(async () => {
    await r?.stop();
  });

  function smtplib(to: string, subject: string) {
    const py = [
      'import smtplib, sys',
      'from email.message import EmailMessage',
      'm = EmailMessage()',
      'm["From"] = "Sở Tư pháp <vanthu@gialai.gov.vn>"',
      `m["To"] = "${to}"`,
      `m["Subject"] = "${subject}"`,
      'm.set_content("Nội dung.")',
      `s = smtplib.SMTP("127.0.0.1", ${r.servers.ports.smtp})`,
      'try:',
      '    s.send_message(m)',
      '    print("250")',
      'except smtplib.SMTPRecipientsRefused as e:',
      '    code, text = list(e.recipients.values())[0]',
      '    print(code, text.decode())',
      's.quit()',
    ].join('\n');
    return run('python3', ['-c', py], { timeout: 20000 }).then((o) => o.stdout.trim());
  }

  async function subjects(user: string): Promise<string[]> {
    const c = imapClient(r, user);
    await c.connect();
    try {
      await c.mailboxOpen('INBOX');
      const out: string[] = [];
      for await (const m of c.fetch('1:*', { envelope: true })) out.push(m.envelope!.subject!);
      return out.sort();
    } finally {
      await c.logout();
    }
  }

  it.skipIf(missingTool('swaks', 'alias domain: delivery (swaks)') || missingTool('Net::SSLeay', 'alias domain: delivery (swaks)'))(
    'delivers mail for x@alias to the INBOX of x@target, from outside and from a local user',
    async () => {
      expect(await smtplib('annv@KonTum.Old.vn', 'Gửi địa chỉ cũ')).toBe('250');
      await run(
        'swaks',
        [
          '--server',
          `127.0.0.1:${r.servers.ports.submission}`,
          '--tls',
          '--auth',
          'PLAIN',
          '--auth-user',
          binh,
          '--auth-password',
          TEST_PASSWORD,
          '--from',
          binh,
          '--to',
          'annv@kontum.old.vn',
          '--header',
          'Subject: Noi bo qua mien cu',
          '--body',
          'x',
        ],
        { timeout: 20000 },
      );
      expect(await subjects(an)).toEqual(['Gửi địa chỉ cũ', 'Noi bo qua mien cu']);
    },
  );

  it.skipIf(missingTool('swaks', 'alias domain: login (swaks)') || missingTool('Net::SSLeay', 'alias domain: login (swaks)'))(
    'lets a user log in with the alias form of the address (IMAP, and submission sending as it)',
    async () => {
      expect(await subjects('annv@kontum.old.vn')).toEqual(['Gửi địa chỉ cũ', 'Noi bo qua mien cu']);
      await run(
        'swaks',
        [
          '--server',
          `127.0.0.1:${r.servers.ports.submission}`,
          '--tls',
          '--auth',
          'PLAIN',
          '--auth-user',
          'binhlt@kontum.old.vn',
          '--auth-password',
          TEST_PASSWORD,
          '--from',
          'binhlt@kontum.old.vn',
          '--to',
          an,
          '--header',
          'Subject: Tu dia chi cu',
          '--body',
          'x',
        ],
        { timeout: 20000 },
      );
      expect(await subjects(an)).toContain('Tu dia chi cu');
    },
  );

  it('refuses an unknown user on the alias domain with 550 5.1.1', async () => {
    expect(await smtplib('khongco@kontum.old.vn', 'x')).toMatch(/^550 5\.1\.1 /);
  });
});
