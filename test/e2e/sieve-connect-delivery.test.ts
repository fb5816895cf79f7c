// Issue 13's Sieve test as an official meets it: a script uploaded and activated with Debian's
// sieve-connect (ManageSieve, STARTTLS, SASL PLAIN) files mail into a folder and answers a vacation
// once per sender per period, never a list or bulk mail — mail sent with Python's smtplib through
// submission and the MX, the result read with imapflow.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServers, imapClient, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { missingTool } from '../helpers/tools.ts';
import { smtplib, eventually, inbox } from '../../src/smtp/testing/clients.ts';

function sieveConnect(port: number, user: string, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      'sieve-connect',
      ['--server', '127.0.0.1', '--port', String(port), '--nosrv', '--user', user, '--passwordfd', '0', '--notlsverify', ...args],
      { timeout: 30_000 },
      (err, _stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
    );
    child.stdin!.end(`${TEST_PASSWORD}\n`);
  });
}

const SCRIPT = `require ["fileinto", "vacation"];
if header :contains "subject" "Công văn" {
  fileinto "Công văn";
}
vacation :days 1 :subject "Vắng mặt" "Tôi đang đi công tác đến hết tuần.";
`;

describe.skipIf(missingTool('sieve-connect', 'Sieve uploaded with sieve-connect'))('Sieve uploaded with sieve-connect, applied at delivery', { timeout: 120_000 }, () => {
  let r: Running;
  let an: string;
  let binh: string;
  let dir: string;
  beforeAll(async () => {
    r = await startTestServers();
    an = await r.user('annv');
    binh = await r.user('binhlt');
    await r.app.store.createMailbox((await r.app.accounts.byAddress(an))!.id, 'Công văn');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-sieve-'));
    const local = path.join(dir, 'loc.sieve');
    fs.writeFileSync(local, SCRIPT);
    expect((await sieveConnect(r.servers.ports.sieve, an, ['--upload', '--localsieve', local, '--remotesieve', 'lọc'])).code).toBe(0);
    expect((await sieveConnect(r.servers.ports.sieve, an, ['--activate', '--remotesieve', 'lọc'])).code).toBe(0);
  });
  afterAll(async () => {
    await r?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const submit = (subject: string) =>
    smtplib(r.servers.ports.submission, [
      { op: 'ehlo', name: 'client' },
      { op: 'starttls' },
      { op: 'ehlo', name: 'client' },
      { op: 'auth', user: binh, password: TEST_PASSWORD },
      { op: 'mail', from: binh },
      { op: 'rcpt', to: an },
      { op: 'data', message: Buffer.from(`From: ${binh}\r\nTo: ${an}\r\nSubject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=\r\n\r\nNội dung.\r\n`) },
      { op: 'quit' },
    ]);

  it('files into the folder the script names, and answers the sender once', async () => {
    await submit('Công văn số 5');
    await submit('Hỏi lịch họp');
    await submit('Hỏi lại lịch họp');
    const c = imapClient(r, an);
    await c.connect();
    const folder = await c.status('Công văn', { messages: true });
    const inboxStatus = await c.status('INBOX', { messages: true });
    await c.logout();
    expect(folder && folder.messages).toBe(1);
    expect(inboxStatus && inboxStatus.messages).toBe(2);
    await eventually(async () => (await inbox(r.app, binh)).length >= 1, 10_000, 'the vacation reply');
    await new Promise((res) => setTimeout(res, 300));
    expect(await inbox(r.app, binh)).toHaveLength(1); // one reply for three messages
  });

  it('never answers a list or bulk mail', async () => {
    const before = (await inbox(r.app, binh)).length;
    const mx = (headers: string) =>
      smtplib(r.servers.ports.smtp, [
        { op: 'ehlo', name: 'mx.example.org' },
        { op: 'mail', from: 'bantin@example.org' },
        { op: 'rcpt', to: an },
        { op: 'data', message: Buffer.from(`From: bantin@example.org\r\nTo: ${an}\r\nSubject: Tin\r\n${headers}\r\n\r\nx\r\n`) },
        { op: 'quit' },
      ]);
    await mx('List-Id: <tin.example.org>');
    await mx('Precedence: bulk');
    await new Promise((res) => setTimeout(res, 500));
    expect((await r.app.queue.list()).some((q) => q.recipients.some((x) => x.recipient === 'bantin@example.org'))).toBe(false);
    expect((await inbox(r.app, binh)).length).toBe(before);
  });
});
