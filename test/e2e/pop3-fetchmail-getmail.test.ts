// POP3 with the download clients officials' machines run, on SQLite and PostgreSQL: fetchmail
// (STLS on the plain port, USER/PASS, UIDL) and getmail6 (POP3 over implicit TLS) download every
// message of INBOX and delete it from the server; the messages they deliver are the ones sent, and
// afterwards IMAP sees the expunges — a selected imapflow session is told EXPUNGE for each, and
// INBOX is empty. Skipped with one loud line naming the Debian package when a client is missing.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServers, imapClient, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { backends } from '../helpers/harness.ts';
import { missingTool } from '../helpers/tools.ts';

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 60_000, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}\n${stderr}` });
    });
  });
}

function message(i: number): Buffer {
  return Buffer.from(
    [
      'From: Văn phòng UBND tỉnh <vpubnd@kontum.gov.vn>',
      'To: annv@kontum.gov.vn',
      `Subject: Công văn số ${i}/UBND-TH`,
      `Message-ID: <cv${i}@kontum.gov.vn>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=UTF-8',
      '',
      `Kính gửi các sở, ban, ngành.`,
      `.Dòng ${i} bắt đầu bằng dấu chấm`,
      '',
    ].join('\r\n'),
  );
}

/** Fill INBOX, run a client, check what it delivered and that a selected IMAP session saw the expunges. */
async function downloadAndDelete(r: Running, user: string, client: (dir: string) => Promise<{ code: number; out: string }>, delivered: (dir: string) => string[]): Promise<void> {
  const imap = imapClient(r, user);
  await imap.connect();
  try {
    for (let i = 1; i <= 3; i++) await imap.append('INBOX', message(i));
    await imap.mailboxOpen('INBOX');
    const expunged: number[] = [];
    imap.on('expunge', (e: { seq: number }) => expunged.push(e.seq));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-pop3-client-'));
    try {
      const res = await client(dir);
      expect(res.code, res.out).toBe(0);
      const got = delivered(dir);
      expect(got).toHaveLength(3);
      for (let i = 1; i <= 3; i++) {
        const text = got.find((t) => t.includes(`Công văn số ${i}/UBND-TH`));
        expect(text, `message ${i}`).toBeDefined();
        expect(text).toContain(`\n.Dòng ${i} bắt đầu bằng dấu chấm`); // un-stuffed by the client
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    await imap.noop();
    expect(expunged).toHaveLength(3);
    const st = await imap.status('INBOX', { messages: true });
    expect(st && st.messages).toBe(0);
  } finally {
    await imap.logout().catch(() => {});
  }
}

for (const backend of backends()) {
  describe(`POP3 download clients (${backend})`, { timeout: 120_000 }, () => {
    let r: Running;
    beforeAll(async () => {
      r = await startTestServers({ backend });
    });
    afterAll(async () => r?.stop());

    it.skipIf(missingTool('fetchmail', 'POP3 with fetchmail'))('fetchmail: STLS, USER/PASS, download and delete', async () => {
      const user = await r.user('fetch');
      await downloadAndDelete(
        r,
        user,
        async (dir) => {
          const out = path.join(dir, 'out');
          fs.mkdirSync(out);
          const rc = path.join(dir, 'fetchmailrc');
          fs.writeFileSync(
            rc,
            [
              'set no bouncemail',
              `poll 127.0.0.1 service ${r.servers.ports.pop3} protocol POP3 uidl auth password`,
              `  user "${user}" there with password "${TEST_PASSWORD}" is "root" here`,
              '  sslproto TLS1.2+ no sslcertck',
              '  fetchall nokeep',
              `  mda "/bin/sh -c 'cat > ${out}/m.$$$$'"`,
              '',
            ].join('\n'),
            { mode: 0o600 },
          );
          return run('fetchmail', ['-f', rc, '--nodetach', '--nosyslog', '-v', '-i', path.join(dir, 'ids'), '--pidfile', path.join(dir, 'pid')], { HOME: dir, FETCHMAILHOME: dir });
        },
        (dir) => fs.readdirSync(path.join(dir, 'out')).map((f) => fs.readFileSync(path.join(dir, 'out', f), 'utf8')),
      );
    });

    it.skipIf(missingTool('getmail', 'POP3 with getmail6'))('getmail6: POP3 over TLS, download and delete', async () => {
      const user = await r.user('getm');
      await downloadAndDelete(
        r,
        user,
        async (dir) => {
          const maildir = path.join(dir, 'Maildir');
          for (const d of ['cur', 'new', 'tmp']) fs.mkdirSync(path.join(maildir, d), { recursive: true });
          fs.writeFileSync(
            path.join(dir, 'getmailrc'),
            [
              '[retriever]',
              'type = SimplePOP3SSLRetriever',
              'server = 127.0.0.1',
              `port = ${r.servers.ports.pop3s}`,
              `username = ${user}`,
              `password = ${TEST_PASSWORD}`,
              // getmail refuses Maildir delivery as root (CI runs as root): an external MDA writes the files.
              '[destination]',
              'type = MDA_external',
              'path = /bin/sh',
              `arguments = ("-c", "cat > ${maildir}/new/m.$$")`,
              'allow_root_commands = true',
              '[options]',
              'delete = true',
              'read_all = true',
              'verbose = 2',
              '',
            ].join('\n'),
          );
          return run('getmail', ['--getmaildir', dir, '--rcfile', 'getmailrc'], { HOME: dir });
        },
        (dir) => fs.readdirSync(path.join(dir, 'Maildir', 'new')).map((f) => fs.readFileSync(path.join(dir, 'Maildir', 'new', f), 'utf8')),
      );
    });
  });
}
