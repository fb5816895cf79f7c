// Owns: a private rspamd (Debian's package) for the tests and the benchmark: Debian's own
// /etc/rspamd/rspamd.conf with LOCAL_CONFDIR, DBDIR, RUNDIR and LOGDIR pointed at a temp folder,
// whose local.d/ puts the normal worker and the controller on free loopback ports (no proxy, no
// fuzzy), the DNS at a closed loopback port (lookups fail at once: no network), greylisting off,
// rspamd's test patterns on (GTUBE's add-header variant, for a spammy message that is not
// refused) and the Bayes classifier on a private redis-server (rspamd 3.x learns only into Redis;
// Debian's 3.4 has no sqlite3 backend) started here too on its own port and folder. Hyperscan's
// compiled cache is kept between runs in one folder under the temp directory (the first start
// compiles for ~10 s, later ones take about a second). `stop()` ends rspamd by its pid and waits
// until the port refuses; `start()` brings it back on the same ports.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';

export const RSPAMD = '/usr/bin/rspamd';
export const REDIS = '/usr/bin/redis-server';

/** GTUBE (rspamd: reject), built so that this source file is not itself a hit. */
export const GTUBE = ['XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD', '-ANTI-UBE-TEST-EMAIL*C.34X'].join('');
/** rspamd's add-header test pattern (with enable_test_patterns): spammy, delivered, not refused. */
export const GTUBE_ADD_HEADER = ['YJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD', '-ANTI-UBE-TEST-EMAIL*C.34X'].join('');

export interface Rspamd {
  url: string;
  /** The milter proxy's port (Postfix's smtpd_milters), when started with `milter: true`. */
  milterPort: number | null;
  controllerUrl: string;
  port: number;
  controllerPort: number;
  dir: string;
  /** The pids of rspamd's main process and of its Redis, while they run (the benchmarks read their CPU time). */
  pids(): number[];
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stop rspamd and redis and remove the folder. */
  close(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function pings(port: number): Promise<boolean> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/ping`, { signal: AbortSignal.timeout(1000) });
    return (await r.text()).startsWith('pong');
  } catch {
    return false;
  }
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

async function ended(p: ChildProcess | null): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  const gone = new Promise<void>((res) => p.once('exit', () => res()));
  p.kill('SIGTERM');
  await Promise.race([gone, new Promise((r) => setTimeout(r, 10_000))]);
  if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
}

/**
 * `extraLocal`: more local.d files (name → content), e.g. actions.conf or a multimap. `milter`: run
 * the proxy worker as a milter (self-scanning) for a Postfix to ask (the benchmark's peer).
 * `workers`: processes of the normal worker and of the milter proxy each (default 1).
 */
export async function startRspamd(opts: { extraLocal?: Record<string, string>; milter?: boolean; workers?: number } = {}): Promise<Rspamd> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-rspamd-'));
  const local = path.join(dir, 'local.d');
  const db = path.join(dir, 'db');
  const run = path.join(dir, 'run');
  const hsCache = path.join(os.tmpdir(), 'thutin-rspamd-hs-cache');
  for (const d of [local, db, run, path.join(dir, 'redis')]) fs.mkdirSync(d, { recursive: true });
  fs.mkdirSync(hsCache, { recursive: true });
  // rspamd's workers run as _rspamd when we are root: they write the db, run and cache folders.
  for (const d of [dir, db, run, hsCache]) fs.chmodSync(d, 0o777);

  const [port, controllerPort, proxyPort, redisPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const files: Record<string, string> = {
    'worker-normal.inc': `bind_socket = "127.0.0.1:${port}";\ncount = ${opts.workers ?? 1};\n`,
    'worker-controller.inc': `bind_socket = "127.0.0.1:${controllerPort}";\n`,
    'worker-proxy.inc': opts.milter
      ? `bind_socket = "127.0.0.1:${proxyPort}";\ncount = ${opts.workers ?? 1};\nmilter = yes;\ntimeout = 120s;\nupstream "local" {\n  default = yes;\n  self_scan = yes;\n}\n`
      : `bind_socket = "127.0.0.1:${proxyPort}";\ncount = 0;\n`,
    'logging.inc': `type = "file";\nfilename = "${path.join(dir, 'rspamd.log')}";\nlevel = "info";\n`,
    'options.inc': `dns { nameserver = ["127.0.0.1:1"]; timeout = 0.1s; retransmits = 1; }\nenable_test_patterns = true;\nhs_cache_dir = "${hsCache}/";\n`,
    'redis.conf': `servers = "127.0.0.1:${redisPort}";\n`,
    'greylist.conf': 'enabled = false;\n',
    ...opts.extraLocal,
  };
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(local, name), text);

  const redis = spawn(REDIS, ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', path.join(dir, 'redis'), '--daemonize', 'no'], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 100 && !(await connects(redisPort)); i++) await new Promise((r) => setTimeout(r, 50));

  let proc: ChildProcess | null = null;
  const asRoot = process.getuid?.() === 0;
  const start = async () => {
    const args = ['-f', '-c', '/etc/rspamd/rspamd.conf', '--var', `LOCAL_CONFDIR=${dir}`, '--var', `DBDIR=${db}`, '--var', `RUNDIR=${run}`, '--var', `LOGDIR=${dir}`];
    if (asRoot) args.push('-u', '_rspamd', '-g', '_rspamd');
    proc = spawn(RSPAMD, args, { stdio: 'ignore' });
    const p = proc;
    // A loaded machine may take a minute to compile Hyperscan's cache the first time.
    for (let i = 0; i < 1800; i++) {
      if ((await pings(port)) && (await connects(controllerPort)) && (!opts.milter || (await connects(proxyPort)))) return;
      if (p.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const log = path.join(dir, 'rspamd.log');
    throw new Error(`rspamd did not start: ${fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-2000) : 'no log'}`);
  };
  const failed = async (e: unknown): Promise<never> => {
    await stop();
    await ended(redis);
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  };
  const stop = async () => {
    const p = proc;
    proc = null;
    await ended(p);
    for (let i = 0; i < 100 && (await connects(port)); i++) await new Promise((r) => setTimeout(r, 50));
  };
  await start().catch(failed);
  return {
    url: `http://127.0.0.1:${port}`,
    milterPort: opts.milter ? proxyPort : null,
    controllerUrl: `http://127.0.0.1:${controllerPort}`,
    port,
    controllerPort,
    dir,
    pids: () => [proc?.pid, redis.pid].filter((p): p is number => typeof p === 'number'),
    start,
    stop,
    async close() {
      await stop();
      await ended(redis);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
