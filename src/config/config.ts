// Configuration: one JSON file in the data directory (thutin.json) plus THUTIN_* environment
// overrides, validated with zod. Owns: loading, the overrides and what is said of them; the keys
// and defaults are schema.ts's, the messages for wrong keys and values validation.ts's.
import fs from 'node:fs';
import path from 'node:path';
import { configSchema, type Config, type ConfigInput } from './schema.ts';
import { bilingual, unknownKeys } from './validation.ts';

export { configSchema, type Config, type ConfigInput };

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
  ['THUTIN_SMTP_INBOUND_PROCESSES', ['smtp', 'inboundProcesses'], 'number'],
  ['THUTIN_IMAP_HOST', ['imap', 'host'], 'string'],
  ['THUTIN_IMAP_PORT', ['imap', 'port'], 'number'],
  ['THUTIN_IMAP_TLS_PORT', ['imap', 'tlsPort'], 'number'],
  ['THUTIN_POP3_HOST', ['pop3', 'host'], 'string'],
  ['THUTIN_POP3_PORT', ['pop3', 'port'], 'number'],
  ['THUTIN_POP3_TLS_PORT', ['pop3', 'tlsPort'], 'number'],
  ['THUTIN_SIEVE_HOST', ['sieve', 'host'], 'string'],
  ['THUTIN_SIEVE_PORT', ['sieve', 'port'], 'number'],
  ['THUTIN_HTTP_HOST', ['http', 'host'], 'string'],
  ['THUTIN_HTTP_PORT', ['http', 'port'], 'number'],
  ['THUTIN_HTTP_TLS_PORT', ['http', 'tlsPort'], 'number'],
  ['THUTIN_LDAP_PORT', ['ldap', 'port'], 'number'],
  ['THUTIN_LDAP_TLS_PORT', ['ldap', 'tlsPort'], 'number'],
  ['THUTIN_DNS_SERVERS', ['dns', 'servers'], 'list'],
  ['THUTIN_RELAY_HOST', ['outbound', 'relayHost'], 'string'],
  // clamd (issue 12): the unix socket ('' = none) is tried first, then host:port.
  ['THUTIN_CLAMD_SOCKET', ['hygiene', 'virus', 'socket'], 'string'],
  ['THUTIN_CLAMD_HOST', ['hygiene', 'virus', 'host'], 'string'],
  ['THUTIN_CLAMD_PORT', ['hygiene', 'virus', 'port'], 'number'],
  // rspamd (issue 12): the normal worker (/checkv2), the controller (learning, /stat), and what an unreachable one means.
  ['THUTIN_RSPAMD_URL', ['hygiene', 'spam', 'url'], 'string'],
  ['THUTIN_RSPAMD_CONTROLLER_URL', ['hygiene', 'spam', 'controllerUrl'], 'string'],
  ['THUTIN_RSPAMD_UNREACHABLE', ['hygiene', 'spam', 'unreachable'], 'string'],
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
