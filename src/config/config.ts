// Configuration: one JSON file in the data directory (thutin.json) plus THUTIN_* environment
// overrides, validated with zod. Owns the defaults (unprivileged ports, local domain) and the
// messages shown when a value is wrong.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';

const port = z.number().int().min(0).max(65535);
const domain = z
  .string()
  .min(1)
  .regex(/^[a-z0-9.-]+$/i, 'tên miền không hợp lệ / invalid domain name');
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
    })
    .prefault({}),
  smtp: z
    .object({
      host: z.string().default('0.0.0.0'),
      inboundPort: port.default(2525),
      submissionPort: port.default(2587),
      submissionTlsPort: port.default(2465),
      maxMessageSize: z
        .number()
        .int()
        .positive()
        .default(25 * 1024 * 1024),
      // A header section larger than this is refused with 552 5.3.4 (Exchange's default: 256 KB).
      maxHeaderBytes: z
        .number()
        .int()
        .positive()
        .default(256 * 1024),
      maxRecipients: z.number().int().positive().default(1000),
      maxConnectionsPerIp: z.number().int().positive().default(50), // on each listener, from one address (IPv6 /64)
      stageTimeoutMs: z.number().int().positive().default(15000),
      // auth: SPF/DKIM/DMARC/ARC → Authentication-Results; dmarc: p=reject refused, quarantine → Junk.
      inboundStages: z.array(z.string()).default(['size', 'loop', 'auth', 'dmarc']),
      submissionStages: z.array(z.string()).default(['size', 'loop']),
      socketTimeoutMs: z
        .number()
        .int()
        .positive()
        .default(5 * 60 * 1000),
    })
    .prefault({}),
  imap: z
    .object({
      host: z.string().default('0.0.0.0'),
      port: port.default(2143),
      tlsPort: port.default(2993),
      idleTimeoutMs: z
        .number()
        .int()
        .positive()
        .default(30 * 60 * 1000),
      preAuthTimeoutMs: z
        .number()
        .int()
        .positive()
        .default(60 * 1000),
      maxLineLength: z
        .number()
        .int()
        .positive()
        .default(64 * 1024),
      maxLiteralSize: z
        .number()
        .int()
        .positive()
        .default(50 * 1024 * 1024),
      // Before login a literal may hold a user name or password, nothing more (issue 9).
      preAuthLiteralMax: z.number().int().positive().default(8192),
      preAuthMaxMs: z.number().int().positive().default(120_000), // to log in at all, however busy the client keeps the connection
      maxConnections: z.number().int().positive().default(5000), // in total …
      maxConnectionsPerIp: z.number().int().positive().default(100), // … and from one address (a NAT office counts once)
      maxBadCommands: z.number().int().positive().default(10), // BAD answers on one connection, then BYE
    })
    .prefault({}),
  // POP3 (issue 13, src/pop3/): 2110 with STLS, 2995 implicit TLS; USER/PASS and AUTH PLAIN only over TLS.
  pop3: z
    .object({
      host: z.string().default('0.0.0.0'),
      port: port.default(2110),
      tlsPort: port.default(2995),
      // RFC 1939 §3: the autologout timer is at least 10 minutes once signed in; before sign-in, 60 s.
      idleTimeoutMs: z
        .number()
        .int()
        .positive()
        .default(10 * 60 * 1000),
      preAuthTimeoutMs: z
        .number()
        .int()
        .positive()
        .default(60 * 1000),
      // Time to sign in at all, whatever the connection sends (CAPA every few seconds does not keep it open).
      preAuthMaxMs: z
        .number()
        .int()
        .positive()
        .default(2 * 60 * 1000),
      // RFC 2449: a command line is 255 octets; a SASL response (AUTH PLAIN) may be longer.
      maxLineLength: z.number().int().min(255).default(1024),
      maxConnections: z.number().int().positive().default(5000), // in total …
      maxConnectionsPerIp: z.number().int().positive().default(100), // … and from one address
      maxBadCommands: z.number().int().positive().default(10), // -ERR for unknown or malformed commands, then the connection ends
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
      maxConnections: z.number().int().positive().default(2000), // on each of the plain and HTTPS listeners
      tokenTtlMs: z
        .number()
        .int()
        .positive()
        .default(8 * 3600 * 1000), // life of an admin API token
      // Unused since issue 9 (the one sign-in throttle: security.signIn.*); kept so existing files still load.
      loginMaxFailures: z.number().int().positive().default(10),
      loginWindowMs: z
        .number()
        .int()
        .positive()
        .default(15 * 60 * 1000),
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
      timeoutMs: z.number().int().positive().default(2000), // first try; each retry waits twice as long
      tries: z.number().int().min(1).max(5).default(2),
      cacheMaxEntries: z.number().int().min(0).default(10000), // answers kept (least recently used go first)
      cacheTtlMs: z.number().int().min(0).default(300_000), // for answers without a TTL (MX, TXT, PTR …)
      maxTtlMs: z.number().int().min(0).default(3_600_000), // no answer is kept longer, whatever its TTL
      negativeTtlMs: z.number().int().min(0).default(300_000), // NXDOMAIN / no such record
      failureTtlMs: z.number().int().min(0).default(30_000), // SERVFAIL, timeouts, refused
      breakerThreshold: z.number().int().min(1).default(3), // consecutive timeouts that stop the asking …
      breakerWindowMs: z.number().int().positive().default(60_000), // … within this window …
      breakerOpenMs: z.number().int().positive().default(30_000), // … for this long, then one probe
    })
    .prefault({}),
  outbound: z
    .object({
      enabled: z.boolean().default(true), // run the delivery worker in `serve`
      relayHost: z.string().default(''), // 'host[:port]': send everything through it (government network)
      remotePort: port.default(25), // port of remote MX hosts (tests point it at a loopback peer)
      lifetimeMs: z
        .number()
        .int()
        .positive()
        .default(5 * 24 * 3600 * 1000),
      delayWarningMs: z
        .number()
        .int()
        .positive()
        .default(4 * 3600 * 1000),
      retryMinMs: z
        .number()
        .int()
        .positive()
        .default(5 * 60 * 1000),
      retryMaxMs: z
        .number()
        .int()
        .positive()
        .default(4 * 3600 * 1000),
      concurrency: z.number().int().positive().default(20),
      connectTimeoutMs: z
        .number()
        .int()
        .positive()
        .default(30 * 1000),
      commandTimeoutMs: z
        .number()
        .int()
        .positive()
        .default(5 * 60 * 1000),
      maxHops: z.number().int().positive().default(30),
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
      idleTimeoutMs: z
        .number()
        .int()
        .positive()
        .default(10 * 60 * 1000),
      maxConnectionsPerIp: z.number().int().positive().default(50),
      maxConnections: z.number().int().positive().default(2000), // in total
      maxResults: z.number().int().positive().default(500), // entries per search (and per paged search)
      // Unused since issue 9 (the one sign-in throttle: security.signIn.*); kept so existing files still load.
      bindMaxFailures: z.number().int().positive().default(10),
      bindWindowMs: z
        .number()
        .int()
        .positive()
        .default(15 * 60 * 1000), // … within this window
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
      maintenanceIntervalMs: z
        .number()
        .int()
        .positive()
        .default(3600 * 1000),
      changesRetentionMs: z
        .number()
        .int()
        .nonnegative()
        .default(30 * 24 * 3600 * 1000),
    })
    .prefault({}),
  // Issue 9: one sign-in throttle for every door (core/throttle.ts, core/sign-in.ts), the forced
  // change's deadline and how often a process looks for sessions ended by another (core/sessions.ts).
  security: z
    .object({
      signIn: z
        .object({
          accountMaxFailures: z.number().int().positive().default(10), // failures per account …
          accountWindowMs: z
            .number()
            .int()
            .positive()
            .default(15 * 60_000), // … within this window, then a lockout of …
          accountLockoutMs: z
            .number()
            .int()
            .positive()
            .default(15 * 60_000),
          addressMaxFailures: z.number().int().positive().default(100), // failures per client address (IPv6 /64) …
          addressWindowMs: z.number().int().positive().default(3600_000), // … within this window, then a lockout of …
          addressLockoutMs: z.number().int().positive().default(3600_000),
          freeFailures: z.number().int().nonnegative().default(3), // failures in a row on an account before delays
          baseDelayMs: z.number().int().nonnegative().default(1000), // first delay, doubled each failure …
          maxDelayMs: z.number().int().nonnegative().default(60_000), // … up to this
          knownAddressTtlMs: z
            .number()
            .int()
            .positive()
            .default(30 * 86400_000), // a usual address is forgotten after this
          historyRetentionMs: z
            .number()
            .int()
            .positive()
            .default(90 * 86400_000), // sign-ins kept for the user to see
        })
        .prefault({}),
      firstPasswordDeadlineHours: z.number().nonnegative().default(6), // 0 = no deadline
      sessionPollMs: z.number().int().positive().default(2000),
      // Administrators (any role but user) must turn the second factor on: until then their API session may only enrol.
      requireSecondFactorForAdmins: z.boolean().default(true),
    })
    .prefault({}),
  log: z.object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') }).prefault({}),
});

export type Config = z.infer<typeof configSchema> & { dataDir: string };
export type ConfigInput = z.input<typeof configSchema>;

export const CONFIG_FILE = 'thutin.json';

/** Environment overrides: THUTIN_<PATH> with the path in upper snake case. */
const ENV_OVERRIDES: Array<[string, string[], 'string' | 'number' | 'list']> = [
  ['THUTIN_HOSTNAME', ['hostname'], 'string'],
  ['THUTIN_DOMAIN', ['domains', 'primary'], 'string'],
  ['THUTIN_LOCAL_DOMAINS', ['domains', 'local'], 'list'],
  ['THUTIN_DATABASE_DRIVER', ['database', 'driver'], 'string'],
  ['THUTIN_DATABASE_URL', ['database', 'url'], 'string'],
  ['THUTIN_SMTP_HOST', ['smtp', 'host'], 'string'],
  ['THUTIN_SMTP_INBOUND_PORT', ['smtp', 'inboundPort'], 'number'],
  ['THUTIN_SMTP_SUBMISSION_PORT', ['smtp', 'submissionPort'], 'number'],
  ['THUTIN_SMTP_SUBMISSION_TLS_PORT', ['smtp', 'submissionTlsPort'], 'number'],
  ['THUTIN_SMTP_MAX_MESSAGE_SIZE', ['smtp', 'maxMessageSize'], 'number'],
  ['THUTIN_IMAP_HOST', ['imap', 'host'], 'string'],
  ['THUTIN_IMAP_PORT', ['imap', 'port'], 'number'],
  ['THUTIN_IMAP_TLS_PORT', ['imap', 'tlsPort'], 'number'],
  ['THUTIN_POP3_HOST', ['pop3', 'host'], 'string'],
  ['THUTIN_POP3_PORT', ['pop3', 'port'], 'number'],
  ['THUTIN_POP3_TLS_PORT', ['pop3', 'tlsPort'], 'number'],
  ['THUTIN_HTTP_HOST', ['http', 'host'], 'string'],
  ['THUTIN_HTTP_PORT', ['http', 'port'], 'number'],
  ['THUTIN_HTTP_TLS_PORT', ['http', 'tlsPort'], 'number'],
  ['THUTIN_LDAP_PORT', ['ldap', 'port'], 'number'],
  ['THUTIN_LDAP_TLS_PORT', ['ldap', 'tlsPort'], 'number'],
  ['THUTIN_DNS_SERVERS', ['dns', 'servers'], 'list'],
  ['THUTIN_RELAY_HOST', ['outbound', 'relayHost'], 'string'],
  ['THUTIN_LOG_LEVEL', ['log', 'level'], 'string'],
];

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function setPath(obj: Record<string, unknown>, p: string[], value: unknown): void {
  let cur = obj;
  for (const key of p.slice(0, -1)) {
    if (typeof cur[key] !== 'object' || cur[key] === null) cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[p[p.length - 1]] = value;
}

export function readConfigFile(dataDir: string): Record<string, unknown> {
  const file = path.join(dataDir, CONFIG_FILE);
  if (!fs.existsSync(file)) return {};
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`Tệp cấu hình ${file} không đọc được / cannot read config file: ${(e as Error).message}`);
  }
}

/** Load and validate the configuration for a data directory. `overrides` win over env, env over file. */
export function loadConfig(dataDir: string, overrides: ConfigInput = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const raw = readConfigFile(dataDir);
  for (const [name, p, kind] of ENV_OVERRIDES) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    if (kind === 'number') {
      const n = Number(v);
      if (!Number.isFinite(n)) throw new ConfigError(`${name}="${v}": cần một số / must be a number`);
      setPath(raw, p, n);
    } else if (kind === 'list') {
      setPath(
        raw,
        p,
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
    } else setPath(raw, p, v);
  }
  const merged = deepMerge(raw, overrides as Record<string, unknown>);
  // A key the schema does not know is a typo (imap.prot): refused, naming the nearest valid key.
  const unknown = unknownKeys(merged, configSchema);
  const parsed = configSchema.safeParse(merged, { reportInput: true });
  if (unknown.length > 0 || !parsed.success) {
    const lines = [...unknown, ...(parsed.success ? [] : parsed.error.issues.map((i) => `  ${i.path.join('.') || '(gốc/root)'}: ${bilingual(i)}`))];
    throw new ConfigError(`Cấu hình không hợp lệ / invalid configuration (${path.join(dataDir, CONFIG_FILE)}):\n${lines.join('\n')}`);
  }
  const cfg = { ...parsed.data, dataDir: path.resolve(dataDir) };
  if (cfg.database.driver === 'postgres' && !cfg.database.url) {
    throw new ConfigError('database.url là bắt buộc với postgres / database.url is required for postgres');
  }
  cfg.domains.primary = cfg.domains.primary.toLowerCase();
  cfg.domains.local = cfg.domains.local.map((d) => d.toLowerCase());
  cfg.domains.aliases = Object.fromEntries(Object.entries(cfg.domains.aliases).map(([a, t]) => [a.toLowerCase(), t.toLowerCase()]));
  if (!cfg.hostname) cfg.hostname = defaultHostname(cfg.domains.primary);
  return cfg;
}

/** The host name used when the configuration names none: mail.<primary domain>. */
export function defaultHostname(primaryDomain: string): string {
  return `mail.${primaryDomain.toLowerCase()}`;
}

/**
 * The THUTIN_* variables set in `env`, one line each (Vietnamese / English), saying which value of
 * the configuration file each one replaces. `serve`, `init` and `doctor` print them.
 */
export function envOverrideNotes(dataDir: string, env: NodeJS.ProcessEnv = process.env): string[] {
  let file: Record<string, unknown> = {};
  try {
    file = readConfigFile(dataDir);
  } catch {
    /* loadConfig reports an unreadable file */
  }
  const notes: string[] = [];
  for (const [name, p] of ENV_OVERRIDES) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    const key = p.join('.');
    const shown = name === 'THUTIN_DATABASE_URL' ? '…' : v;
    let inFile: unknown = file;
    for (const k of p) inFile = inFile && typeof inFile === 'object' ? (inFile as Record<string, unknown>)[k] : undefined;
    notes.push(
      inFile === undefined ? `${name}=${shown} đặt ${key} / sets ${key}` : `${name}=${shown} ghi đè ${key} trong ${CONFIG_FILE} (${JSON.stringify(inFile)}) / overrides ${key} from ${CONFIG_FILE}`,
    );
  }
  return notes;
}

// ---- Validation messages: unknown keys with the nearest valid one, zod's details in both languages.

const VI = z.locales.vi().localeError;
const EN = z.locales.en().localeError;

/** A zod issue in Vietnamese / English; a message the schema wrote itself (already bilingual) is kept. */
function bilingual(issue: z.core.$ZodIssue): string {
  const en = messageOf(EN, issue);
  if (en !== undefined && en !== issue.message) return issue.message;
  const vi = messageOf(VI, issue);
  return vi && vi !== en ? `${vi} / ${en}` : issue.message;
}

function messageOf(map: z.core.$ZodErrorMap, issue: z.core.$ZodIssue): string | undefined {
  const r = map(issue as never);
  return typeof r === 'string' ? r : r?.message;
}

type Schema = z.core.$ZodType;

/** The object schema under defaults, prefaults and optionals, or null when it is not an object. */
function objectShape(schema: Schema): Record<string, Schema> | null {
  let s = schema as { _zod: { def: { type: string; innerType?: Schema; shape?: Record<string, Schema> } } };
  for (let i = 0; i < 10; i++) {
    const def = s._zod.def;
    if (def.type === 'object') return def.shape ?? null;
    if (!def.innerType) return null;
    s = def.innerType as typeof s;
  }
  return null;
}

/** One line per key of `value` that `schema` does not have, at every level of objects. */
export function unknownKeys(value: unknown, schema: Schema, prefix: string[] = []): string[] {
  const shape = objectShape(schema);
  if (!shape || !value || typeof value !== 'object' || Array.isArray(value)) return [];
  const out: string[] = [];
  const valid = Object.keys(shape);
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const at = [...prefix, k].join('.');
    if (k in shape) {
      out.push(...unknownKeys(v, shape[k], [...prefix, k]));
      continue;
    }
    const near = nearest(k, valid);
    const where = prefix.length ? prefix.join('.') : '(gốc/root)';
    out.push(
      near
        ? `  ${at}: khoá không có, có phải ý bạn là ${[...prefix, near].join('.')}? / unknown key, did you mean ${[...prefix, near].join('.')}?`
        : `  ${at}: khoá không có; các khoá của ${where} / unknown key; the keys of ${where}: ${valid.join(', ')}`,
    );
  }
  return out;
}

/** The valid key closest to `key` by edit distance (case-insensitive), if it is close enough to be a typo. */
export function nearest(key: string, valid: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const v of valid) {
    const d = editDistance(key.toLowerCase(), v.toLowerCase());
    if (d < bestD) [best, bestD] = [v, d];
  }
  return bestD <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && typeof out[k] === 'object' && out[k] !== null && !Array.isArray(out[k])) {
      out[k] = deepMerge(out[k] as Record<string, unknown>, v as Record<string, unknown>);
    } else if (v !== undefined) out[k] = v;
  }
  return out;
}

export function localDomains(cfg: Config): string[] {
  return [cfg.domains.primary, ...cfg.domains.local];
}

export function resolveDataPath(cfg: Config, p: string): string {
  return path.isAbsolute(p) ? p : path.join(cfg.dataDir, p);
}
