// Shared by the benchmark drivers: the fixed loopback ports, the bench accounts, process and
// port helpers, and reading a process tree's memory from /proc. Nothing here talks IMAP/SMTP.
import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export const DOMAIN = 'kontum.gov.vn';
/** Receives the smtp-source traffic (both servers). */
export const SMTP_USER = `user@${DOMAIN}`;
/** Owns the 20,000-message INBOX used by the IMAP operations and the idle-connection test. */
export const IMAP_USER = `hopthu@${DOMAIN}`;
/** An account with an empty INBOX: idle connections whose selected folder holds nothing. */
export const EMPTY_USER = `nhanvien@${DOMAIN}`;
export const PASSWORD = 'Matkhau#2026';
export const SENDER = 'sender@bench.test';

/**
 * Non-standard loopback ports, away from thutin's defaults and from a system Dovecot/Postfix.
 * BENCH_PORT_OFFSET moves them all (two benches side by side on one machine).
 */
const OFFSET = Number(process.env.BENCH_PORT_OFFSET || 0);
export const PORTS = {
  thutin: { smtp: 12525 + OFFSET, submission: 12587 + OFFSET, submissionTls: 12465 + OFFSET, imap: 12143 + OFFSET, imaps: 12993 + OFFSET, http: 18080 + OFFSET },
  dovecot: { imaps: 10993 + OFFSET },
  postfix: { smtp: 10025 + OFFSET },
} as const;

/** A positive integer knob from the environment (BENCH_*), or its default. */
export function envInt(name: string, def: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name}="${v}": expected a positive integer`);
  return n;
}

export function log(msg: string): void {
  const t = new Date().toISOString().slice(11, 19);
  process.stderr.write(`[bench ${t}] ${msg}\n`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Run a command to completion; reject with its output when it fails. */
export function run(cmd: string, args: string[], opts: SpawnOptions & { input?: string; allowFail?: boolean; daemonizes?: boolean } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const { input, allowFail, daemonizes, ...spawnOpts } = opts;
    const p = spawn(cmd, args, { ...spawnOpts, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    // A command that starts a daemon may leave it holding our pipes: wait for exit, not close.
    p.on(daemonizes ? 'exit' : 'close', (code) => {
      const c = code ?? 1;
      if (c !== 0 && !allowFail) reject(new Error(`${cmd} ${args.join(' ')} exited ${c}\n${stdout}\n${stderr}`));
      else resolve({ code: c, stdout, stderr });
    });
    if (input !== undefined) p.stdin!.end(input);
    else p.stdin!.end();
  });
}

/** Start a long-running process with output to a log file; its pid is written to `pidFile`. */
export function startDaemon(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; logFile: string; pidFile: string }): ChildProcess {
  const out = fs.openSync(opts.logFile, 'a');
  const p = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', out, out], detached: false });
  fs.closeSync(out);
  if (p.pid) fs.writeFileSync(opts.pidFile, String(p.pid));
  return p;
}

export function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export async function waitForPort(port: number, what: string, timeoutMs = 60_000, alive?: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await canConnect(port)) return;
    if (alive && !alive()) throw new Error(`${what} exited before listening on ${port}`);
    await sleep(200);
  }
  throw new Error(`${what} did not listen on 127.0.0.1:${port} within ${timeoutMs / 1000}s`);
}

export async function assertPortFree(port: number, what: string): Promise<void> {
  if (await canConnect(port)) throw new Error(`port ${port} (${what}) is already in use; stop whatever listens there`);
}

export interface Mem {
  rssKb: number;
  pssKb: number;
  processes: number;
}

function procKb(file: string, key: string): number {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // the process went away
  }
}

/** RSS (VmRSS) and PSS (proportional share of shared pages) of the given processes, summed. */
export function memoryOf(pids: number[]): Mem {
  let rssKb = 0;
  let pssKb = 0;
  let processes = 0;
  for (const pid of pids) {
    const rss = procKb(`/proc/${pid}/status`, 'VmRSS');
    if (!rss) continue;
    processes++;
    rssKb += rss;
    pssKb += procKb(`/proc/${pid}/smaps_rollup`, 'Pss');
  }
  return { rssKb, pssKb, processes };
}

/** A process and all its descendants (from /proc/PID/stat parent links). */
export function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(e));
      children.set(ppid, list);
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  const stack = [rootPid];
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

/** A self-signed certificate and key for localhost in `dir` (the same TLS work for thutin and its peer). */
export async function benchCertificate(dir: string): Promise<{ cert: string; key: string }> {
  fs.mkdirSync(dir, { recursive: true });
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-sha256',
    '-days',
    '30',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  return { cert, key };
}
