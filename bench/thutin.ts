// thutin as the benchmark runs it: its own process (`node --import tsx src/cli/main.ts --data
// DIR serve`, i.e. what `npx thutin serve` runs, so its RSS is the server's alone), a data
// directory in the bench's temp folder, loopback ports from env.ts, the bench certificate, and
// accounts made with the CLI (`thutin account add … --password-stdin`).
import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { DOMAIN, PASSWORD, PORTS, log, run, sleep, startDaemon, waitForPort } from './env.ts';

export interface ThutinInstance {
  dataDir: string;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const MAIN = path.join(ROOT, 'src', 'cli', 'main.ts');

function cli(dataDir: string, args: string[], input?: string) {
  return run(process.execPath, ['--import', 'tsx', MAIN, '--data', dataDir, ...args], { cwd: ROOT, input });
}

export function writeThutinConfig(dataDir: string, tls: { cert: string; key: string }, opts: { inboundStages?: string[]; dnsServers?: string[] } = {}): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o750 });
  const p = PORTS.thutin;
  const cfg = {
    hostname: `mail.${DOMAIN}`,
    domains: { primary: DOMAIN },
    // bench/main.ts: the same work as the peer (Postfix here runs no SPF/DKIM/DMARC milter), so
    // only the accept-and-store stages; bench/smtp-ingest.ts passes the default stages and a resolver.
    smtp: { host: '127.0.0.1', inboundPort: p.smtp, submissionPort: p.submission, submissionTlsPort: p.submissionTls, inboundStages: opts.inboundStages ?? ['size', 'loop'] },
    ...(opts.dnsServers ? { dns: { servers: opts.dnsServers } } : {}),
    // The idle bench opens 1,000 connections from 127.0.0.1 (the default cap is 100 per address).
    imap: { host: '127.0.0.1', port: p.imap, tlsPort: p.imaps, maxConnectionsPerIp: 5000 },
    http: { host: '127.0.0.1', port: p.http, tlsPort: 0 },
    // Listeners no bench here measures, on free ports: two benches (BENCH_PORT_OFFSET) side by side.
    pop3: { host: '127.0.0.1', port: 0, tlsPort: 0 },
    sieve: { host: '127.0.0.1', port: 0 },
    ldap: { host: '127.0.0.1', port: 0, tlsPort: 0 },
    tls,
    log: { level: 'info' },
    // BENCH_INGEST_WORKERS: store.ingestWorkers (blob-writer threads); unset: the default.
    ...(process.env.BENCH_INGEST_WORKERS ? { store: { ingestWorkers: Number(process.env.BENCH_INGEST_WORKERS) } } : {}),
  };
  fs.writeFileSync(path.join(dataDir, 'thutin.json'), JSON.stringify(cfg, null, 2) + '\n');
}

export async function addThutinAccount(dataDir: string, address: string): Promise<void> {
  await cli(dataDir, ['account', 'add', address, '--password-stdin'], PASSWORD + '\n');
}

/**
 * The argon2id hash thutin stored for an account, so Dovecot can verify the same password with
 * the same cost. Falls back to a fresh hash with thutin's parameters if the table moved.
 */
export async function thutinPasswordHash(dataDir: string, address: string): Promise<string> {
  try {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(path.join(dataDir, 'thutin.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare('select password_hash as h from accounts where username = ?').get(address) as { h: string } | undefined;
      if (row?.h?.startsWith('$argon2id$')) return row.h;
    } finally {
      db.close();
    }
  } catch (e) {
    log(`could not read thutin's password hash (${(e as Error).message}); hashing with its parameters`);
  }
  const argon = await import('@node-rs/argon2');
  return argon.hash(PASSWORD, { algorithm: argon.Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
}

export async function startThutin(dataDir: string, work: string): Promise<ThutinInstance> {
  const logFile = path.join(work, 'thutin.log');
  const pidFile = path.join(work, 'thutin.pid');
  // BENCH_THUTIN_NODE_ARGS: extra node flags for the server only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  const extra = (process.env.BENCH_THUTIN_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = startDaemon(process.execPath, [...extra, '--import', 'tsx', MAIN, '--data', dataDir, 'serve'], { cwd: ROOT, env: process.env, logFile, pidFile });
  let exited = false;
  child.on('exit', () => (exited = true));
  try {
    await waitForPort(PORTS.thutin.imaps, 'thutin', 90_000, () => !exited);
    await waitForPort(PORTS.thutin.smtp, 'thutin', 30_000, () => !exited);
  } catch (e) {
    const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n') : '';
    child.kill('SIGKILL');
    throw new Error(`${(e as Error).message}\n--- ${logFile} ---\n${tail}`);
  }
  log(`thutin on 127.0.0.1: SMTP ${PORTS.thutin.smtp}, IMAPS ${PORTS.thutin.imaps} (pid ${child.pid})`);
  return {
    dataDir,
    pid: child.pid!,
    logFile,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      for (let i = 0; i < 100 && !exited; i++) await sleep(100);
      if (!exited) child.kill('SIGKILL');
    },
  };
}
