// Owns: a private Dovecot from Debian's dovecot-imapd for the migration tests and bench (the "old
// server" a province moves from) — its own config, run, state and mail folders under one temporary
// folder (never /etc/dovecot), IMAP (plain + STARTTLS) and IMAPS on free loopback ports, users in a
// passwd-file with PLAIN passwords, a master user for SASL PLAIN proxy-auth (authzid), Maildir mail
// owned by nobody, Vietnamese special-use folders ("Đã gửi" \Sent, "Thùng rác" \Trash), and no
// fsync (only the copy out of it is measured). `startDovecot` starts it; `stop` ends it and waits.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import net from 'node:net';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { freePort, userIds } from './postfix.ts';

const run = promisify(execFile);

export interface DovecotUser {
  login: string;
  password: string;
}

export interface Dovecot {
  dir: string;
  imapPort: number;
  imapsPort: number;
  master: DovecotUser;
  /** A connected imapflow client of a user (implicit TLS, the certificate not checked). */
  client(u: DovecotUser): Promise<ImapFlow>;
  log(): string;
  stop(): Promise<void>;
}

export const DOVECOT_BIN = '/usr/sbin/dovecot';

async function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startDovecot(work: string, opts: { cert: string; key: string; users: DovecotUser[] }): Promise<Dovecot> {
  const dir = path.join(work, 'dovecot');
  const runDir = path.join(dir, 'run');
  const home = path.join(dir, 'home');
  fs.mkdirSync(runDir, { recursive: true, mode: 0o755 });
  fs.mkdirSync(home, { recursive: true, mode: 0o755 });
  const nobody = await userIds('nobody');
  fs.chownSync(home, nobody.uid, nobody.gid);
  const internal = await userIds('dovecot');
  const master: DovecotUser = { login: 'quantri', password: crypto.randomBytes(9).toString('base64url') };
  const users = opts.users.map((u) => `${u.login}:{PLAIN}${u.password}:${nobody.uid}:${nobody.gid}::${home}/${u.login}::`).join('\n') + '\n';
  for (const [name, text] of [
    ['users', users],
    ['masters', `${master.login}:{PLAIN}${master.password}\n`],
  ]) {
    fs.writeFileSync(path.join(dir, name), text, { mode: 0o600 });
    fs.chownSync(path.join(dir, name), internal.uid, internal.gid);
  }
  const imapPort = await freePort();
  const imapsPort = await freePort();
  const conf = path.join(dir, 'dovecot.conf');
  fs.writeFileSync(
    conf,
    `# thutin tests: a private Dovecot (the old server of a migration), not /etc/dovecot
instance_name = thutin-test-${crypto.randomBytes(4).toString('hex')}
protocols = imap
listen = 127.0.0.1
base_dir = ${runDir}
state_dir = ${path.join(dir, 'state')}
log_path = ${path.join(dir, 'dovecot.log')}
ssl = yes
ssl_cert = <${opts.cert}
ssl_key = <${opts.key}
ssl_min_protocol = TLSv1.2
auth_mechanisms = plain login
disable_plaintext_auth = no
first_valid_uid = 1
mail_fsync = never
maildir_very_dirty_syncs = yes
# master users log in as anyone with SASL PLAIN's authzid (or "user*master")
auth_master_user_separator = *
passdb {
  driver = passwd-file
  master = yes
  args = scheme=PLAIN ${path.join(dir, 'masters')}
  pass = yes
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN ${path.join(dir, 'users')}
}
userdb {
  driver = passwd-file
  args = ${path.join(dir, 'users')}
}
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
  mailbox "Đã gửi" {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox "Thùng rác" {
    special_use = \\Trash
    auto = subscribe
  }
}
protocol imap {
  mail_max_userip_connections = 100
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${imapPort}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${imapsPort}
    ssl = yes
  }
}
`,
  );
  // The master daemonizes: its stdio must not be pipes the caller waits on.
  await new Promise<void>((resolve, reject) => {
    const p = spawn(DOVECOT_BIN, ['-c', conf], { stdio: 'ignore' });
    p.once('error', reject);
    p.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`dovecot exited with ${code}: ${fs.existsSync(path.join(dir, 'dovecot.log')) ? fs.readFileSync(path.join(dir, 'dovecot.log'), 'utf8').slice(-2000) : ''}`)),
    );
  });
  const pidFile = path.join(runDir, 'master.pid');
  for (let i = 0; i < 100 && !(await canConnect(imapsPort)); i++) await sleep(100);
  if (!(await canConnect(imapsPort)))
    throw new Error(`Dovecot did not start: ${fs.existsSync(path.join(dir, 'dovecot.log')) ? fs.readFileSync(path.join(dir, 'dovecot.log'), 'utf8').slice(-2000) : ''}`);
  return {
    dir,
    imapPort,
    imapsPort,
    master,
    async client(u) {
      const c = new ImapFlow({ host: '127.0.0.1', port: imapsPort, secure: true, tls: { rejectUnauthorized: false }, auth: { user: u.login, pass: u.password }, logger: false });
      await c.connect();
      return c;
    },
    log: () => fs.readFileSync(path.join(dir, 'dovecot.log'), 'utf8'),
    async stop() {
      await run('/usr/bin/doveadm', ['-c', conf, 'stop']).catch(() => undefined);
      for (let i = 0; i < 100 && fs.existsSync(pidFile); i++) await sleep(100);
      for (let i = 0; i < 50 && (await canConnect(imapsPort)); i++) await sleep(100);
    },
  };
}

/** A message of the migration fixtures: Vietnamese text, a Message-ID of its own, ~1–6 KB. */
export function fixtureMessage(i: number, folder: string, extra = ''): Buffer {
  const body = `Kính gửi các đồng chí,\r\n\r\nSở Thông tin và Truyền thông đề nghị báo cáo số ${i} (${folder}).\r\n${'Nội dung công văn có dấu tiếng Việt: ưu tiên, khẩn, đúng hạn. '.repeat(10 + (i % 80))}\r\n${extra}`;
  return Buffer.from(
    [
      `From: =?UTF-8?B?${Buffer.from('Nguyễn Văn An').toString('base64')}?= <an.nguyen@cu.kontum.gov.vn>`,
      `To: <binh.le@cu.kontum.gov.vn>`,
      `Subject: =?UTF-8?B?${Buffer.from(`Công văn số ${i}/STTTT`).toString('base64')}?=`,
      `Date: ${new Date(Date.UTC(2019, 0, 1) + i * 3_600_000).toUTCString().replace('GMT', '+0000')}`,
      `Message-ID: <cv${i}.${folder.length}@cu.kontum.gov.vn>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      body,
      '',
    ].join('\r\n'),
  );
}

/** The flags fixture message i gets (system flags and keywords). */
export function fixtureFlags(i: number): string[] {
  const sets = [[], ['\\Seen'], ['\\Seen', '\\Answered'], ['\\Seen', '\\Flagged', '$Label1'], ['\\Draft'], ['\\Seen', 'Quan_trong', '$Forwarded']];
  return sets[i % sets.length];
}

/** The internal date fixture message i gets (whole seconds, spread over years). */
export function fixtureDate(i: number): Date {
  return new Date(Date.UTC(2018, 0, 1) + i * 37_813_000);
}

/** Append `count` fixture messages to a folder (numbered from `first`). */
export async function appendFixtures(c: ImapFlow, folder: string, first: number, count: number): Promise<void> {
  for (let i = first; i < first + count; i++) await c.append(folder, fixtureMessage(i, folder), fixtureFlags(i), fixtureDate(i));
}
