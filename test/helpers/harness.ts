// Test harness: a whole thutin app in a temporary data directory, on SQLite or (when
// THUTIN_TEST_PG_URL is set) a fresh PostgreSQL database, with a self-signed certificate.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { loadConfig, type ConfigInput } from '../../src/config/config.ts';
import { ensureTls, loadTls, type TlsMaterial } from '../../src/config/tls.ts';
import { createApp, type App } from '../../src/app.ts';

export type Backend = 'sqlite' | 'postgres';

export const PG_URL = process.env.THUTIN_TEST_PG_URL;

/** The backends the store suites run against: SQLite always, PostgreSQL when configured. */
export function backends(): Backend[] {
  return PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];
}

export interface TestApp {
  app: App;
  tls: TlsMaterial;
  dataDir: string;
  cleanup(): Promise<void>;
}

/** A new, empty PostgreSQL database on THUTIN_TEST_PG_URL's server, named `<prefix>_<random>`, and how to drop it. */
export async function createPgDatabase(prefix = 'thutin_test'): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(PG_URL!);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function createTestApp(opts: { backend?: Backend; config?: ConfigInput } = {}): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-test-'));
  let dropPg: (() => Promise<void>) | null = null;
  const base: ConfigInput = {
    hostname: 'mail.test.local',
    log: { level: 'silent' },
    smtp: { host: '127.0.0.1', inboundPort: 0, submissionPort: 0, submissionTlsPort: 0 },
    imap: { host: '127.0.0.1', port: 0, tlsPort: 0 },
    pop3: { host: '127.0.0.1', port: 0, tlsPort: 0 },
    sieve: { host: '127.0.0.1', port: 0 },
    http: { host: '127.0.0.1', port: 0, tlsPort: 0 },
    ldap: { host: '127.0.0.1', port: 0, tlsPort: 0 },
    // Never the real DNS: a closed loopback port refuses at once (SPF/DKIM/DMARC give temperror);
    // tests that need answers start test/helpers/dns-server.ts and set dns.servers to it.
    dns: { servers: ['127.0.0.1:1'] },
    // No delivery worker unless a test asks for one (outbound tests): nothing leaves a test by DNS.
    outbound: { enabled: false },
    // Administrators need the second factor in real installations (the default); tests that
    // sign in as administrators without one turn it off here, the second-factor tests turn it on.
    security: { requireSecondFactorForAdmins: false },
    // No spam check unless a test asks for one (and starts its own rspamd): nothing on a test
    // machine's 127.0.0.1:11333, or a real rspamd there, must change what other tests deliver.
    // No virus scan either unless a test asks for one (and starts its own clamd): a clamd on this
    // machine's 127.0.0.1:3310 or Debian socket must not change what other tests deliver.
    hygiene: { spam: { enabled: false }, virus: { enabled: false } },
    // Messages are written on the event loop in test apps (no blob-writer threads to start for each
    // of hundreds of apps); the threads have their own tests (storage/blob-writers.test.ts), and
    // the tests that run `thutin serve` (store-crash, inbound-processes, newcomer) use the default.
    store: { ingestWorkers: 0 },
  };
  if (opts.backend === 'postgres') {
    const d = await createPgDatabase();
    dropPg = d.drop;
    base.database = { driver: 'postgres', url: d.url };
  }
  const cfg = loadConfig(dataDir, deepMerge(base, opts.config ?? {}), {});
  await ensureTls(cfg);
  const app = await createApp(cfg, { log: pino({ level: 'silent' }) });
  return {
    app,
    tls: loadTls(cfg),
    dataDir,
    cleanup: async () => {
      await app.close();
      if (dropPg) await dropPg();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function deepMerge<T extends Record<string, any>>(a: T, b: Record<string, any>): T {
  const out: Record<string, any> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && typeof out[k] === 'object' ? deepMerge(out[k], v) : v;
  }
  return out as T;
}

export const TEST_PASSWORD = 'Matkhau#2026';
