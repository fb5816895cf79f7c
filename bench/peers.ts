// The peers thutin is measured against, from Debian's packages, each in its own directory under
// the bench's temporary folder and on loopback only:
//   Dovecot  — IMAP over implicit TLS on 127.0.0.1:10993 (same certificate as thutin), LMTP on a
//              unix socket, a passwd-file user with the very argon2id hash thutin stores,
//              Maildir mail in the temp folder, login processes in "high-performance" mode.
//   Postfix  — SMTP on 127.0.0.1:10025 with its own config dir (postfix -c DIR), the bench domain
//              in mydestination, delivering every recipient over LMTP to Dovecot, no DNS
//              (the instance itself: startPrivatePostfix in test/helpers/postfix.ts).
// Neither touches /etc/dovecot or /etc/postfix, nor the standard ports.
import fs from 'node:fs';
import path from 'node:path';
import { DOMAIN, EMPTY_USER, IMAP_USER, PORTS, SMTP_USER, canConnect, log, run, sleep, waitForPort } from './env.ts';
import { startPrivatePostfix } from '../test/helpers/postfix.ts';

export interface DovecotInstance {
  dir: string;
  conf: string;
  masterPid(): number;
  maildir(user: string): string;
  stop(): Promise<void>;
}

export interface PostfixInstance {
  dir: string;
  configDir: string;
  masterPid(): number;
  stop(): Promise<void>;
}

function write(file: string, text: string, mode = 0o644): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode });
}

/** uid/gid of an existing system user (Dovecot never delivers as root). */
async function idsOf(user: string, group: string): Promise<{ uid: number; gid: number }> {
  const uid = Number((await run('id', ['-u', user])).stdout.trim());
  const gid = Number((await run('getent', ['group', group])).stdout.split(':')[2]);
  return { uid, gid };
}

export async function startDovecot(work: string, opts: { cert: string; key: string; passwordHash: string; extraUsers?: string[] }): Promise<DovecotInstance> {
  const dir = path.join(work, 'dovecot');
  const run_ = path.join(dir, 'run');
  const mail = path.join(dir, 'mail');
  const home = path.join(dir, 'home');
  fs.mkdirSync(run_, { recursive: true, mode: 0o755 });
  const { uid, gid } = await idsOf('nobody', 'nogroup');
  for (const d of [mail, home]) {
    fs.mkdirSync(d, { recursive: true, mode: 0o755 });
    fs.chownSync(d, uid, gid);
  }
  const users = [IMAP_USER, SMTP_USER, EMPTY_USER, ...(opts.extraUsers ?? [])].map((u) => `${u}:{ARGON2ID}${opts.passwordHash}:${uid}:${gid}::${home}/${u}::`).join('\n') + '\n';
  write(path.join(dir, 'users'), users, 0o600);
  const internal = await idsOf('dovecot', 'dovecot'); // auth reads the passwd-file as this user
  fs.chownSync(path.join(dir, 'users'), internal.uid, internal.gid);
  const conf = path.join(dir, 'dovecot.conf');
  write(
    conf,
    `# thutin bench: a private Dovecot instance (not /etc/dovecot)
instance_name = thutin-bench-dovecot
protocols = imap lmtp
listen = 127.0.0.1
base_dir = ${run_}
state_dir = ${path.join(dir, 'state')}
log_path = ${path.join(dir, 'dovecot.log')}
ssl = required
ssl_cert = <${opts.cert}
ssl_key = <${opts.key}
ssl_min_protocol = TLSv1.2
auth_mechanisms = plain login
disable_plaintext_auth = yes
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=ARGON2ID ${path.join(dir, 'users')}
}
userdb {
  driver = passwd-file
  args = ${path.join(dir, 'users')}
}
mail_location = maildir:${mail}/%d/%n
# Only Dovecot touches these Maildirs: skip the readdir of cur/ and new/ after every save,
# as Dovecot's documentation advises for that case (otherwise APPEND slows as the folder grows).
maildir_very_dirty_syncs = yes
namespace inbox {
  inbox = yes
  separator = /
}
# 1,000 idle connections of one user from one address
default_process_limit = 2000
default_client_limit = 5000
default_vsz_limit = 1G
protocol imap {
  mail_max_userip_connections = 2000
}
protocol lmtp {
  postmaster_address = postmaster@${DOMAIN}
}
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${PORTS.dovecot.imaps}
    ssl = yes
  }
  # "high-performance" login mode (one login process proxies many TLS connections), as
  # Dovecot recommends for many users; the default spawns one login process per connection.
  service_count = 0
  process_min_avail = 2
}
service imap {
  process_limit = 2000
}
service auth {
  client_limit = 7000
}
service lmtp {
  unix_listener lmtp {
    mode = 0666
  }
}
`,
  );
  await run('dovecot', ['-c', conf], { daemonizes: true });
  const pidFile = path.join(run_, 'master.pid');
  for (let i = 0; i < 100 && !fs.existsSync(pidFile); i++) await sleep(100);
  await waitForPort(PORTS.dovecot.imaps, 'Dovecot', 20_000);
  for (let i = 0; i < 100 && !fs.existsSync(path.join(run_, 'lmtp')); i++) await sleep(100);
  const masterPid = () => Number(fs.readFileSync(pidFile, 'utf8').trim());
  log(`Dovecot ${(await run('dovecot', ['--version'])).stdout.trim()} on 127.0.0.1:${PORTS.dovecot.imaps} (pid ${masterPid()})`);
  return {
    dir,
    conf,
    masterPid,
    maildir: (user: string) => path.join(mail, user.split('@')[1], user.split('@')[0]),
    async stop() {
      await run('doveadm', ['-c', conf, 'stop'], { allowFail: true });
      // doveadm returns before the master has ended its children and closed its listeners
      for (let i = 0; i < 100 && fs.existsSync(pidFile); i++) await sleep(100);
      for (let i = 0; i < 50 && (await canConnect(PORTS.dovecot.imaps)); i++) await sleep(100);
    },
  };
}

export async function startPostfix(work: string, dovecot: DovecotInstance): Promise<PostfixInstance> {
  const lmtpSocket = path.join(dovecot.dir, 'run', 'lmtp');
  const pf = await startPrivatePostfix({
    dir: path.join(work, 'postfix'),
    port: PORTS.postfix.smtp,
    hostname: 'mx.bench.test',
    domain: 'bench.test',
    mydestination: DOMAIN,
    mainCf: `lmtp_host_lookup = native
# every local recipient goes to Dovecot over LMTP; Dovecot decides who exists
local_transport = lmtp:unix:${lmtpSocket}
local_recipient_maps =
`,
    masterCf: `local     unix  -       n       n       -       -       local
lmtp      unix  -       -       n       -       -       lmtp
`,
  });
  log(`Postfix ${(await run('postconf', ['-c', pf.etc, '-h', 'mail_version'])).stdout.trim()} on 127.0.0.1:${PORTS.postfix.smtp} (pid ${pf.masterPid()})`);
  return { dir: pf.dir, configDir: pf.etc, masterPid: pf.masterPid, stop: pf.stop };
}

/** Messages in a Maildir (new/ + cur/). */
export function countMaildir(maildir: string): number {
  let n = 0;
  for (const sub of ['new', 'cur']) {
    try {
      n += fs.readdirSync(path.join(maildir, sub)).length;
    } catch {
      /* not created yet */
    }
  }
  return n;
}
