// The whole path an official's mail takes, with clients we did not write: send through
// submission with swaks (STARTTLS + AUTH), receive from outside through the MX with Python's
// smtplib, then read and file both through IMAP with imapflow — on each store backend.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { backends } from '../helpers/harness.ts';
import { startTestServers, imapClient, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { missingTool } from '../helpers/tools.ts';

const run = promisify(execFile);

describe.each(backends())('mail flow: submission and MX to IMAP (%s)', (backend) => {
  let r: Running;
  let an: string;
  let binh: string;
  beforeAll(async () => {
    r = await startTestServers({ backend });
    an = await r.user('annv');
    binh = await r.user('binhlt');
  });
  afterAll(async () => {
    await r?.stop();
  });

  it.skipIf(missingTool('swaks', 'mail flow (swaks)') || missingTool('Net::SSLeay', 'mail flow (swaks)'))(
    'delivers submitted and inbound mail that the recipient reads and files over IMAP',
    async () => {
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
          an,
          '--header',
          'Subject: =?UTF-8?B?' + Buffer.from('Giấy mời họp').toString('base64') + '?=',
          '--body',
          'Mời đồng chí dự họp lúc 8 giờ.',
          '--add-header',
          'Content-Type: text/plain; charset=UTF-8',
        ],
        { timeout: 20000 },
      );
      const py = [
        'import smtplib, sys',
        'from email.message import EmailMessage',
        'm = EmailMessage()',
        'm["From"] = "Bộ Nội vụ <vanthu@moha.gov.vn>"',
        `m["To"] = "${an}"`,
        'm["Subject"] = "Công văn hướng dẫn"',
        'm.set_content("Đề nghị Sở Nội vụ tỉnh Kon Tum triển khai.")',
        `s = smtplib.SMTP("127.0.0.1", ${r.servers.ports.smtp})`,
        's.send_message(m)',
        's.quit()',
      ].join('\n');
      await run('python3', ['-c', py], { timeout: 20000 });

      const c = imapClient(r, an);
      await c.connect();
      await c.mailboxOpen('INBOX');
      const subjects: string[] = [];
      for await (const m of c.fetch('1:*', { envelope: true, source: true })) {
        subjects.push(m.envelope!.subject!);
        // Our Received is the first trace field after those the auth stage puts on top.
        expect(m.source!.toString()).toMatch(/^(?:(?:Received-SPF|Authentication-Results):[^\r]*\r\n(?:[ \t][^\r]*\r\n)*)*Received: from /);
      }
      expect(subjects.sort()).toEqual(['Công văn hướng dẫn', 'Giấy mời họp']);
      const found = await c.search({ from: 'moha.gov.vn' });
      expect(found).toHaveLength(1);
      await c.messageMove(String((found as number[])[0]), 'Archive');
      expect(await c.status('Archive', { messages: true })).toMatchObject({ messages: 1 });
      expect(await c.status('INBOX', { messages: true })).toMatchObject({ messages: 1 });
      await c.logout();
    },
  );
});
