// Owns: the configuration's schema — every key of thutin.json, its type, its default (unprivileged
// ports, the local domain) and the messages of the values the schema itself checks. Loading, the
// THUTIN_* overrides and the messages for unknown keys are config.ts's and validation.ts's.
import net from 'node:net';
import { z } from 'zod';
import { hygieneSchema } from './schema-hygiene.ts';
import { smtpSchema } from './schema-smtp.ts';
import { imapSchema } from './schema-imap.ts';
import { domain, port, positiveInt } from './schema-parts.ts';

/** An IP address or a CIDR block (10.0.0.0/8, 2001:db8::/32): the proxies believed for the client address. */
const ipOrCidr = z.string().refine((s) => {
  const [addr, bits, more] = s.split('/');
  const v = net.isIP(addr);
  if (!v || more !== undefined) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (v === 4 ? 32 : 128));
}, 'cần địa chỉ IP hoặc CIDR (10.0.0.0/8) / an IP address or CIDR (10.0.0.0/8) is required');

export const configSchema = z.object({
  // '' = mail.<primary domain> (never the bare machine name: MX targets and MAILER-DAEMON@ use it).
  hostname: z.string().default(''),
  domains: z
    .object({
      primary: domain.default('kontum.gov.vn'),
      local: z.array(domain).default([]),
      // Alias domains: mail to x@alias lands in x@target's mailbox (merged provinces keep old domains).
      aliases: z.record(domain, domain).default({}),
    })
    .prefault({}),
  database: z
    .object({
      driver: z.enum(['sqlite', 'postgres']).default('sqlite'),
      url: z.string().optional(), // postgres connection string
      file: z.string().default('thutin.sqlite'), // relative to the data dir
      // SQLite's page cache, and how much of the file it reads through a memory map instead of a
      // read() per page (0: none). A search or listing of a large folder touches pages all over
      // the file: with SQLite's default 2 MB cache and no map each is a system call.
      sqliteCacheMb: z.number().int().min(1).max(4096).default(32), // better-sqlite3's build: 16
      sqliteMmapMb: z.number().int().min(0).max(65536).default(1024),
    })
    .prefault({}),
  smtp: smtpSchema,
  imap: imapSchema,
  // POP3 (issue 13, src/pop3/): 2110 with STLS, 2995 implicit TLS; USER/PASS and AUTH PLAIN only over TLS.
  // Sieve (issue 13): ManageSieve (RFC 5804; STARTTLS; 4190 is its registered port) and the limits
  // of scripts and of what one message may cause.
  sieve: z
    .object({
      host: z.string().default('0.0.0.0'),
      port: port.default(4190),
      maxScripts: positiveInt(20),
      maxScriptBytes: positiveInt(64 * 1024),
      maxRedirects: z.number().int().nonnegative().default(5),
      // The ManageSieve listener (src/managesieve/): a command line between literals; a literal before
      // sign-in (a SASL response); idle times before and after sign-in and the time to sign in at all.
      maxLineLength: z.number().int().min(1024).default(8192),
      preAuthLiteralMax: positiveInt(8192),
      idleTimeoutMs: positiveInt(30 * 60 * 1000),
      preAuthTimeoutMs: positiveInt(60 * 1000),
      preAuthMaxMs: positiveInt(2 * 60 * 1000),
      maxConnections: positiveInt(2000), // in total …
      maxConnectionsPerIp: positiveInt(50), // … and from one address
      maxBadCommands: positiveInt(10), // NO for unknown or malformed commands, then BYE
    })
    .prefault({}),
  pop3: z
    .object({
      host: z.string().default('0.0.0.0'),
      port: port.default(2110),
      tlsPort: port.default(2995),
      // RFC 1939 §3: the autologout timer is at least 10 minutes once signed in; before sign-in, 60 s.
      idleTimeoutMs: positiveInt(10 * 60 * 1000),
      preAuthTimeoutMs: positiveInt(60 * 1000),
      // Time to sign in at all, whatever the connection sends (CAPA every few seconds does not keep it open).
      preAuthMaxMs: positiveInt(2 * 60 * 1000),
      // RFC 2449: a command line is 255 octets; a SASL response (AUTH PLAIN) may be longer.
      maxLineLength: z.number().int().min(255).default(1024),
      maxConnections: positiveInt(5000), // in total …
      maxConnectionsPerIp: positiveInt(100), // … and from one address
      maxBadCommands: positiveInt(10), // -ERR for unknown or malformed commands, then the connection ends
      // The maildrop lock (one POP3 session per mailbox) lapses this long after its last renewal (a crashed process's).
      lockTtlMs: z.number().int().min(3000).default(120_000),
      // RETR marks the message \Seen at QUIT (Dovecot's default, pop3_no_flag_updates = no); false leaves flags alone.
      markSeen: z.boolean().default(true),
    })
    .prefault({}),
  http: z
    .object({
      host: z.string().default('0.0.0.0'),
      port: port.default(8080),
      maxConnections: positiveInt(2000), // on each of the plain and HTTPS listeners …
      // … and from one client address on each (IPv6 /64; a browser holds ~6, a NAT office many; trusted proxies exempt)
      maxConnectionsPerIp: positiveInt(500),
      tokenTtlMs: positiveInt(8 * 3600 * 1000), // life of an admin API token
      // Unused since issue 9 (the one sign-in throttle: security.signIn.*); kept so existing files still load.
      loginMaxFailures: positiveInt(10),
      loginWindowMs: positiveInt(15 * 60 * 1000),
      // Behind a reverse proxy: true, or its addresses ('127.0.0.1,10.0.0.0/8'), so the client address
      // (login limits, logs) is read from X-Forwarded-For. false = the socket's address.
      trustProxy: z.union([z.boolean(), z.string()]).default(false),
      // HTTPS (issue 9): the same certificate as the other listeners. On the plain port, sign-in and
      // tokens are refused except from loopback, GETs are redirected here; HSTS is sent over HTTPS.
      tlsPort: port.default(8443),
      // Reverse proxies whose X-Forwarded-For is believed (addresses or CIDRs); wins over trustProxy.
      trustedProxies: z.array(ipOrCidr).default([]),
    })
    .prefault({}),
  // DNS resolvers used for MX lookups, SPF/DKIM/DMARC and SMTP clients' PTR names ("host" or
  // "host:port"); [] = the system's. One cached resolver per process (src/net/resolver.ts).
  dns: z
    .object({
      servers: z.array(z.string()).default([]),
      timeoutMs: positiveInt(2000), // first try; each retry waits twice as long
      tries: z.number().int().min(1).max(5).default(2),
      cacheMaxEntries: z.number().int().min(0).default(10000), // answers kept (least recently used go first)
      cacheTtlMs: z.number().int().min(0).default(300_000), // for answers without a TTL (MX, TXT, PTR …)
      maxTtlMs: z.number().int().min(0).default(3_600_000), // no answer is kept longer, whatever its TTL
      negativeTtlMs: z.number().int().min(0).default(300_000), // NXDOMAIN / no such record
      failureTtlMs: z.number().int().min(0).default(30_000), // SERVFAIL, timeouts, refused
      breakerThreshold: z.number().int().min(1).default(3), // consecutive timeouts that stop the asking …
      breakerWindowMs: positiveInt(60_000), // … within this window …
      breakerOpenMs: positiveInt(30_000), // … for this long, then one probe
    })
    .prefault({}),
  outbound: z
    .object({
      enabled: z.boolean().default(true), // run the delivery worker in `serve`
      relayHost: z.string().default(''), // 'host[:port]': send everything through it (government network)
      remotePort: port.default(25), // port of remote MX hosts (tests point it at a loopback peer)
      lifetimeMs: positiveInt(5 * 24 * 3600 * 1000),
      delayWarningMs: positiveInt(4 * 3600 * 1000),
      retryMinMs: positiveInt(5 * 60 * 1000),
      retryMaxMs: positiveInt(4 * 3600 * 1000),
      concurrency: positiveInt(20),
      connectTimeoutMs: positiveInt(30 * 1000),
      commandTimeoutMs: positiveInt(5 * 60 * 1000),
      maxHops: positiveInt(30),
      // A finished ('done') queue entry and its recipients are kept this long (queue history), then pruned.
      doneRetentionMs: z
        .number()
        .int()
        .nonnegative()
        .default(7 * 24 * 3600 * 1000),
    })
    .prefault({}),
  // MTA-STS (RFC 8461): the policy served at /.well-known/mta-sts.txt and printed by `thutin dns`.
  mtaSts: z.object({ mode: z.enum(['testing', 'enforce']).default('testing') }).prefault({}),
  // What mail clients are told by autoconfig, Autodiscover and Apple profiles (issue 13, core/client-setup.ts):
  // 'listeners' = the TLS listeners' own ports; 'standard' = 993, 995, 465, 636 when those are forwarded
  // to the listeners (the ports `thutin dns` publishes in its SRV records).
  clientSetup: z.object({ ports: z.enum(['listeners', 'standard']).default('listeners') }).prefault({}),
  dkim: z
    .object({
      selector: z.string().default('thutin'),
      keyDir: z.string().default('dkim'), // relative to the data dir: <domain>.<selector>.key
    })
    .prefault({}),
  ldap: z
    .object({
      host: z.string().default('0.0.0.0'),
      port: port.default(2389), // plain, with StartTLS
      tlsPort: port.default(2636), // LDAPS (implicit TLS)
      idleTimeoutMs: positiveInt(10 * 60 * 1000),
      maxConnectionsPerIp: positiveInt(50),
      maxConnections: positiveInt(2000), // in total
      maxResults: positiveInt(500), // entries per search (and per paged search)
      // Unused since issue 9 (the one sign-in throttle: security.signIn.*); kept so existing files still load.
      bindMaxFailures: positiveInt(10),
      bindWindowMs: positiveInt(15 * 60 * 1000), // … within this window
    })
    .prefault({}),
  tls: z
    .object({
      cert: z.string().default('tls/cert.pem'), // relative to the data dir
      key: z.string().default('tls/key.pem'),
      // One policy for every TLS listener (config/tls.ts): TLS 1.2 with ECDHE + AEAD only, and TLS 1.3.
      minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2'),
      ciphers: z.string().min(1).optional(), // OpenSSL cipher list; default: DEFAULT_TLS_CIPHERS in config/tls.ts
    })
    .prefault({}),
  // PROXY protocol v1/v2 (HAProxy) on every listener, believed only from these addresses or CIDRs;
  // a connection from them must start with the header, one from anywhere else must not.
  proxyProtocol: z.object({ trustedFrom: z.array(ipOrCidr).default([]) }).prefault({}),
  // The directory (issue 4): address naming rules and how long a leaver's mailbox is kept.
  directory: z
    .object({
      // Personal addresses: 'given-initials' (Nguyễn Văn An → annv, the common government practice),
      // 'given.family' (an.nguyen) or 'family.given' (nguyen.an).
      personAddress: z.enum(['given-initials', 'given.family', 'family.given']).default('given-initials'),
      clashStart: z.number().int().min(2).default(2), // annv, annv2, annv3 …
      reserved: z
        .array(z.string())
        .default([
          'postmaster',
          'abuse',
          'admin',
          'administrator',
          'hostmaster',
          'webmaster',
          'root',
          'noreply',
          'no-reply',
          'mailer-daemon',
          'security',
          'support',
          'info',
          'www',
          'ftp',
          'nobody',
          'system',
          'daemon',
          'dmarc',
          'dkim',
          'spam',
          'virus',
          'quarantine',
          'list',
          'lists',
          'bounce',
          'bounces',
          'ldap',
          'mail',
          'smtp',
          'imap',
        ]),
      retentionMonths: z.number().int().nonnegative().default(6), // a leaver's mailbox is purged after …
      leaderRetentionMonths: z.number().int().nonnegative().default(12), // … or this for leaders
      // A purged leaver's addresses rest this many days before anyone else may have them (issue 11):
      // a year after the purge — 18 months after leaving, 24 for leaders — while correspondents still
      // write to the old address. 0 = free at once.
      addressQuarantineDays: z.number().int().nonnegative().default(365),
      // How often `serve` purges the leavers whose retention has passed (0 = never: by hand only).
      purgeIntervalMs: z
        .number()
        .int()
        .nonnegative()
        .default(6 * 3600_000),
      // A title containing one of these (lower case, NFC) makes a leader: trưởng covers Trưởng phòng,
      // Phó trưởng ban, Cục trưởng, Hiệu trưởng; unit heads are leaders whatever their title.
      leaderTitles: z.array(z.string()).default(['giám đốc', 'chủ tịch', 'trưởng', 'chánh', 'bí thư', 'tổng biên tập', 'thủ trưởng']),
      // postmaster@ and abuse@ of every local domain always exist (RFC 5321 §4.5.1, RFC 2142) and go to this
      // role mailbox of the Provincial Office: an address, or a local part on the primary domain
      // (default: vpubnd, the unit mailbox of Văn phòng UBND tỉnh). While it does not exist (or is
      // disabled), they go to the holding mailbox postmaster@<primary domain>, created when first needed.
      postmasterMailbox: z.string().min(1).default('vpubnd'),
      abuseMailbox: z.string().min(1).optional(), // default: postmasterMailbox
    })
    .prefault({}),
  quota: z
    .object({
      defaultBytes: z
        .number()
        .int()
        .nonnegative()
        .default(2 * 1024 ** 3),
    })
    .prefault({}),
  // Reclaiming storage (core/reclaim.ts, core/maintenance.ts): blob files without a contents row
  // are removed once older than orphanGraceMs (younger ones may be in flight in another process);
  // the sweep, change-log compaction and queue pruning run every maintenanceIntervalMs; expunge
  // records older than changesRetentionMs go (older QRESYNC states then get a full resync).
  // Backups made by `serve` (src/backup/): into `dir` ('' = none) at `schedule` ('daily 02:00', local
  // time; '' = none), then rotated by `keep`; encrypted when `passphraseFile` names a file holding the passphrase.
  backup: z
    .object({
      dir: z.string().default(''),
      schedule: z.string().default(''),
      keep: z.object({ daily: z.number().int().nonnegative().default(7), weekly: z.number().int().nonnegative().default(4), monthly: z.number().int().nonnegative().default(12) }).prefault({}),
      passphraseFile: z.string().default(''),
      // Or encrypted to a public key (issue 14, backup/recipient-key.ts): a PEM file of an X25519 or RSA public key.
      recipientKeyFile: z.string().default(''),
      // The console's last-backup card turns red when the last good backup is older than this (issue 14).
      maxAgeHours: z.number().positive().default(48),
    })
    .prefault({}),
  store: z
    .object({
      // Several thutin processes (on PostgreSQL) share this data directory's blobs: their pins are
      // invisible to each other, so unreferenced blobs younger than orphanGraceMs are left to the sweep.
      sharedBlobs: z.boolean().default(false),
      orphanGraceMs: z
        .number()
        .int()
        .nonnegative()
        .default(15 * 60 * 1000),
      maintenanceIntervalMs: positiveInt(3600 * 1000),
      changesRetentionMs: z
        .number()
        .int()
        .nonnegative()
        .default(30 * 24 * 3600 * 1000),
      // Threads that write, hash and index received messages (storage/blob-writers.ts), off the
      // event loop that serves the sessions; 0: on the event loop itself. Two by default: creating
      // files waits on the file system's journal while other messages are fsynced (ext4), which
      // on the event loop stalls every session (docs/BENCHMARKS.md, SMTP ingest).
      ingestWorkers: z.number().int().min(0).max(16).default(2),
    })
    .prefault({}),
  // Issue 9: one sign-in throttle for every door (core/throttle.ts, core/sign-in.ts), the forced
  // change's deadline and how often a process looks for sessions ended by another (core/sessions.ts).
  security: z
    .object({
      signIn: z
        .object({
          accountMaxFailures: positiveInt(10), // failures per account …
          accountWindowMs: positiveInt(15 * 60_000), // … within this window, then a lockout of …
          accountLockoutMs: positiveInt(15 * 60_000),
          addressMaxFailures: positiveInt(100), // failures per client address (IPv6 /64) …
          addressWindowMs: positiveInt(3600_000), // … within this window, then a lockout of …
          addressLockoutMs: positiveInt(3600_000),
          freeFailures: z.number().int().nonnegative().default(3), // failures in a row on an account before delays
          baseDelayMs: z.number().int().nonnegative().default(1000), // first delay, doubled each failure …
          maxDelayMs: z.number().int().nonnegative().default(60_000), // … up to this
          knownAddressTtlMs: positiveInt(30 * 86400_000), // a usual address is forgotten after this
          historyRetentionMs: positiveInt(90 * 86400_000), // sign-ins kept for the user to see
        })
        .prefault({}),
      firstPasswordDeadlineHours: z.number().nonnegative().default(6), // 0 = no deadline
      sessionPollMs: positiveInt(2000),
      // Administrators (any role but user) must turn the second factor on: until then their API session may only enrol.
      requireSecondFactorForAdmins: z.boolean().default(true),
    })
    .prefault({}),
  // Issue 12, mail hygiene: schema-hygiene.ts.
  hygiene: hygieneSchema,
  // Issue 12, incident tickets (core/tickets.ts, R7.6/R7.7): mail to this address from a local
  // account files a ticket or replies to one, and the reporter's notices come from it. '' =
  // baocao@<domains.primary>.
  tickets: z.object({ address: z.string().default('') }).prefault({}),
  // Retention policies (issue 14, core/retention-policies.ts): how often `serve` runs them; 0 = never (only `thutin retention run`).
  retention: z
    .object({
      runIntervalMs: z
        .number()
        .int()
        .nonnegative()
        .default(6 * 3600_000),
    })
    .prefault({}),
  // Requests of the decision's processes (issue 11, src/requests/): the service level in working days
  // (weekends and `holidays` skipped: 'MM-DD' every year, 'YYYY-MM-DD' once — add Tết and the Hùng
  // Kings' day each year as the Government announces them), how long a one-time credential may be
  // redeemed, the largest scanned document, and how often `serve` runs the due requests.
  requests: z
    .object({
      serviceLevelDays: z.number().int().nonnegative().default(5),
      holidays: z.array(z.string().regex(/^(\d{4}-)?\d{2}-\d{2}$/)).default(['01-01', '04-30', '05-01', '09-02']),
      credentialTtlHours: positiveInt(72),
      maxDocumentBytes: positiveInt(10 * 1024 * 1024),
      runIntervalMs: positiveInt(60_000),
    })
    .prefault({}),
  // GET /metrics (Prometheus text format, core/metrics.ts): an administrator's or auditor's bearer
  // token, or this scrape token for an outside Prometheus ('' = none; 32 characters at least).
  metrics: z
    .object({
      token: z
        .string()
        .refine((t) => t === '' || t.length >= 32, 'at least 32 characters')
        .default(''),
    })
    .prefault({}),
  // The capacity report (issue 11, requests/pdf/capacity-report.ts): unit prices in `currency` per
  // year, the disk needed per GB of mail (database, search text, backups, free space), and the window
  // the growth is measured over (mail received in the last `growthWindowDays`, scaled to a year).
  reports: z
    .object({
      currency: z.string().min(1).default('VND'),
      pricePerGb: z.number().nonnegative().default(50_000),
      pricePerMailbox: z.number().nonnegative().default(0),
      diskOverhead: z.number().min(1).default(2),
      growthWindowDays: positiveInt(90),
    })
    .prefault({}),
  log: z.object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') }).prefault({}),
});

export type Config = z.infer<typeof configSchema> & { dataDir: string };
export type ConfigInput = z.input<typeof configSchema>;
