// A private Postfix instance from Debian's package for tests, the way bench/peers.ts runs one:
// its own config, queue and data directories in a temp folder (postfix -c DIR), SMTP on a
// loopback port, no DNS. It receives mail for `domain` into one Maildir (virtual delivery,
// every local part to the same box) and relays mail for `relayDomains` to the given host:port
// (thutin's inbound listener). Needs root (Postfix's master runs as root and drops privileges)
// and the postfix package; `postfixAvailable()` says whether this machine has both.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { execFile } from 'node:child_process';

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

const POSTFIX = '/usr/sbin/postfix';

function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 30_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }));
  });
}

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

async function ids(user: string): Promise<{ uid: number; gid: number }> {
  const uid = Number((await run('id', ['-u', user])).out.trim());
  const gid = Number((await run('id', ['-g', user])).out.trim());
  return { uid, gid };
}

export async function startPostfix(o: PostfixOptions): Promise<PostfixInstance> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-postfix-'));
  fs.chmodSync(dir, 0o755);
  const etc = path.join(dir, 'etc');
  const queue = path.join(dir, 'queue');
  const data = path.join(dir, 'data');
  const mail = path.join(dir, 'mail');
  for (const d of [etc, queue, data, mail]) fs.mkdirSync(d, { recursive: true, mode: 0o755 });
  const pf = await ids('postfix');
  fs.chownSync(data, pf.uid, pf.gid);
  const nobody = await ids('nobody');
  fs.chownSync(mail, nobody.uid, nobody.gid);
  const port = await freePort();
  const relay = Object.entries(o.relay ?? {});
  const transport = relay.map(([d, hp]) => `${d}=smtp:[${hp.split(':')[0]}]:${hp.split(':')[1]}`).join(', ');
  fs.writeFileSync(
    path.join(etc, 'main.cf'),
    `# thutin test: a private Postfix instance (postfix -c ${etc}); not /etc/postfix
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
myhostname = ${o.hostname ?? `mx.${o.domain}`}
mydomain = ${o.domain}
myorigin = $myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
disable_dns_lookups = yes
smtp_host_lookup = native
smtp_dns_support_level = disabled
smtpd_peername_lookup = no
smtp_tls_security_level = may
smtpd_tls_security_level = none
virtual_mailbox_domains = ${o.domain}
virtual_mailbox_base = ${mail}
virtual_mailbox_maps = static:inbox/
virtual_uid_maps = static:${nobody.uid}
virtual_gid_maps = static:${nobody.gid}
virtual_minimum_uid = 1
relay_domains = ${relay.map(([d]) => d).join(', ')}
${transport ? `transport_maps = inline:{ ${transport} }` : ''}
smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination
alias_maps =
alias_database =
biff = no
append_dot_mydomain = no
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
maillog_file_prefixes = ${dir}
maillog_file = ${path.join(dir, 'maillog')}
`,
  );
  fs.writeFileSync(
    path.join(etc, 'master.cf'),
    `127.0.0.1:${port} inet n - n - - smtpd
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
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
`,
  );
  await run(POSTFIX, ['-c', etc, 'set-permissions']);
  const r = await run(POSTFIX, ['-c', etc, 'start']);
  if (r.code !== 0) throw new Error(`postfix -c ${etc} start failed:\n${r.out}${fs.existsSync(path.join(dir, "maillog")) ? fs.readFileSync(path.join(dir, "maillog"), "utf8") : ""}`);
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  const box = path.join(mail, 'inbox');
  return {
    port,
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
    log() {
      try {
        return fs.readFileSync(path.join(dir, 'maillog'), 'utf8');
      } catch {
        return '';
      }
    },
    async stop() {
      await run(POSTFIX, ['-c', etc, 'stop']);
      const pidFile = path.join(queue, 'pid', 'master.pid');
      for (let i = 0; i < 50 && fs.existsSync(pidFile); i++) await new Promise((res) => setTimeout(res, 100));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
