// A private Postfix instance from Debian's package, owned here for the tests and the benches
// (bench/peers.ts, bench/outbound-bench.ts) alike: its own config, queue and data directories in
// one folder (postfix -c DIR), SMTP on a loopback port, no DNS, the log in DIR/maillog.
// `startPrivatePostfix` writes main.cf / master.cf (the common part plus the caller's settings
// and services), starts it and stops it. `startPostfix` is the tests' instance on top of it: it
// receives mail for `domain` into one Maildir (virtual delivery, every local part to the same
// box) and relays mail for `relayDomains` to the given host:port (thutin's inbound listener).
// Needs root (Postfix's master runs as root and drops privileges) and the postfix package;
// `postfixAvailable()` says whether this machine has both.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { spawn } from 'node:child_process';

export interface PostfixOptions {
  /** The domain Postfix delivers itself (into the Maildir). */
  domain: string;
  /** Domains Postfix relays, each to "host:port" (no MX lookup). */
  relay?: Record<string, string>;
  hostname?: string;
}

export interface PostfixInstance {
  port: number;
  dir: string;
  /** Messages delivered into the Maildir, oldest first. */
  maildir(): Buffer[];
  /** Postfix's log. */
  log(): string;
  stop(): Promise<void>;
}

export interface PrivatePostfixOptions {
  /** The instance's folder (made if missing): etc/, queue/, data/ and maillog below it. */
  dir: string;
  /** SMTP on 127.0.0.1:port. */
  port: number;
  hostname: string;
  domain: string;
  /** Domains delivered by the `local` transport (none unless given). */
  mydestination?: string;
  /** main.cf lines after the common ones (a setting given again there wins). */
  mainCf?: string;
  /** master.cf services after the common ones (e.g. virtual, local, lmtp). */
  masterCf?: string;
}

export interface PrivatePostfix {
  dir: string;
  port: number;
  /** The config directory (postfix -c, postconf -c). */
  etc: string;
  queue: string;
  masterPid(): number;
  /** Postfix's log. */
  log(): string;
  /** `postfix stop`, then wait for the master to be gone. */
  stop(): Promise<void>;
}

const POSTFIX = '/usr/sbin/postfix';

/** Run a command to completion (never rejects). A command that starts a daemon may leave it
 *  holding our pipes: after its exit, output is awaited one second at most. */
function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    let out = '';
    let code: number | null = null;
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, out });
    };
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', (e) => ((out += e.message), done()));
    p.on('exit', (c) => {
      code = c;
      timer = setTimeout(done, 1000);
    });
    p.on('close', done);
  });
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

export function postfixAvailable(): boolean {
  return fs.existsSync(POSTFIX) && fs.existsSync('/usr/lib/postfix/sbin/master') && process.getuid?.() === 0;
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** uid and primary gid of a system user. */
export async function userIds(user: string): Promise<{ uid: number; gid: number }> {
  const uid = Number((await run('id', ['-u', user])).out.trim());
  const gid = Number((await run('id', ['-g', user])).out.trim());
  return { uid, gid };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });
}

export async function startPrivatePostfix(o: PrivatePostfixOptions): Promise<PrivatePostfix> {
  const { dir, port } = o;
  const etc = path.join(dir, 'etc');
  const queue = path.join(dir, 'queue');
  const data = path.join(dir, 'data');
  const maillog = path.join(dir, 'maillog');
  for (const d of [etc, queue]) fs.mkdirSync(d, { recursive: true, mode: 0o755 });
  fs.mkdirSync(data, { recursive: true, mode: 0o700 });
  const pf = await userIds('postfix');
  fs.chownSync(data, pf.uid, pf.gid);
  fs.writeFileSync(
    path.join(etc, 'main.cf'),
    `# thutin: a private Postfix instance (postfix -c ${etc}); not /etc/postfix
compatibility_level = 3.6
config_directory = ${etc}
queue_directory = ${queue}
data_directory = ${data}
meta_directory = /etc/postfix
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = ${o.hostname}
mydomain = ${o.domain}
myorigin = $myhostname
mydestination = ${o.mydestination ?? ''}
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
# no DNS at all
disable_dns_lookups = yes
smtp_host_lookup = native
smtp_dns_support_level = disabled
smtpd_peername_lookup = no
smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination
alias_maps =
alias_database =
biff = no
append_dot_mydomain = no
maillog_file_prefixes = ${dir}
maillog_file = ${maillog}
${o.mainCf ?? ''}`,
  );
  fs.writeFileSync(
    path.join(etc, 'master.cf'),
    `# service type  private unpriv  chroot  wakeup  maxproc command
127.0.0.1:${port} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
${o.masterCf ?? ''}`,
  );
  const log = () => {
    try {
      return fs.readFileSync(maillog, 'utf8');
    } catch {
      return '';
    }
  };
  await run(POSTFIX, ['-c', etc, 'set-permissions']);
  await run(POSTFIX, ['-c', etc, 'check']);
  const r = await run(POSTFIX, ['-c', etc, 'start']);
  if (r.code !== 0) throw new Error(`postfix -c ${etc} start failed:\n${r.out}${log()}`);
  for (let i = 0; !(await canConnect(port)); i++) {
    if (i >= 200) throw new Error(`Postfix (postfix -c ${etc}) did not listen on 127.0.0.1:${port} within 20 s\n${log()}`);
    await sleep(100);
  }
  const pidFile = path.join(queue, 'pid', 'master.pid');
  return {
    dir,
    port,
    etc,
    queue,
    masterPid: () => Number(fs.readFileSync(pidFile, 'utf8').trim()),
    log,
    async stop() {
      let pid = 0;
      try {
        pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
      } catch {
        /* not running */
      }
      await run(POSTFIX, ['-c', etc, 'stop']);
      // master.pid stays behind (a lock file): wait for the process itself, 5 s at most
      for (let i = 0; i < 50 && pid > 0 && alive(pid); i++) await sleep(100);
    },
  };
}

export async function startPostfix(o: PostfixOptions): Promise<PostfixInstance> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-postfix-'));
  fs.chmodSync(dir, 0o755);
  const mail = path.join(dir, 'mail');
  fs.mkdirSync(mail, { recursive: true, mode: 0o755 });
  const nobody = await userIds('nobody');
  fs.chownSync(mail, nobody.uid, nobody.gid);
  const relay = Object.entries(o.relay ?? {});
  const transport = relay.map(([d, hp]) => `${d}=smtp:[${hp.split(':')[0]}]:${hp.split(':')[1]}`).join(', ');
  const pf = await startPrivatePostfix({
    dir,
    port: await freePort(),
    hostname: o.hostname ?? `mx.${o.domain}`,
    domain: o.domain,
    mainCf: `smtp_tls_security_level = may
smtpd_tls_security_level = none
virtual_mailbox_domains = ${o.domain}
virtual_mailbox_base = ${mail}
virtual_mailbox_maps = static:inbox/
virtual_uid_maps = static:${nobody.uid}
virtual_gid_maps = static:${nobody.gid}
virtual_minimum_uid = 1
relay_domains = ${relay.map(([d]) => d).join(', ')}
${transport ? `transport_maps = inline:{ ${transport} }` : ''}
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
`,
    masterCf: `virtual   unix  -       n       n       -       -       virtual
`,
  });
  const box = path.join(mail, 'inbox');
  return {
    port: pf.port,
    dir,
    maildir() {
      const out: Array<{ f: string; t: number }> = [];
      for (const sub of ['new', 'cur']) {
        try {
          for (const f of fs.readdirSync(path.join(box, sub))) out.push({ f: path.join(box, sub, f), t: fs.statSync(path.join(box, sub, f)).mtimeMs });
        } catch {
          /* not made yet */
        }
      }
      return out.sort((a, b) => a.t - b.t).map((x) => fs.readFileSync(x.f));
    },
    log: pf.log,
    async stop() {
      await pf.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
