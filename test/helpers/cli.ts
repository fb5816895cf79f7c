// Owns: running the real `thutin` command in tests — one command to completion (bin/thutin.js in a
// child process, like `npx thutin`), and `thutin serve` in the background on free loopback ports
// (THUTIN_* port variables set to 0), read from its ready lines.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const BIN = path.resolve(import.meta.dirname, '../../bin/thutin.js');
export const REPO = path.resolve(import.meta.dirname, '../..');

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Every listener on 127.0.0.1, each on any free port; no DNS unless the test gives servers. */
export function loopbackEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    THUTIN_SMTP_HOST: '127.0.0.1',
    THUTIN_IMAP_HOST: '127.0.0.1',
    THUTIN_HTTP_HOST: '127.0.0.1',
    THUTIN_SMTP_INBOUND_PORT: '0',
    THUTIN_SMTP_SUBMISSION_PORT: '0',
    THUTIN_SMTP_SUBMISSION_TLS_PORT: '0',
    THUTIN_IMAP_PORT: '0',
    THUTIN_IMAP_TLS_PORT: '0',
    THUTIN_POP3_HOST: '127.0.0.1',
    THUTIN_POP3_PORT: '0',
    THUTIN_POP3_TLS_PORT: '0',
    THUTIN_SIEVE_HOST: '127.0.0.1',
    THUTIN_SIEVE_PORT: '0',
    THUTIN_HTTP_PORT: '0',
    THUTIN_HTTP_TLS_PORT: '0',
    THUTIN_LDAP_PORT: '0',
    THUTIN_LDAP_TLS_PORT: '0',
    THUTIN_DNS_SERVERS: '127.0.0.1:1',
    THUTIN_LOG_LEVEL: 'warn',
    ...extra,
  };
}

/** Run `thutin --data dir …` to its end (stdin: `input`, or closed). */
export function thutin(dir: string | null, args: string[], opts: { env?: Record<string, string>; input?: string; cwd?: string } = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...(dir ? ['--data', dir] : []), ...args], { cwd: opts.cwd ?? REPO, env: { ...process.env, ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

export interface Serving {
  proc: ChildProcess;
  /** Resolves once the ready lines are printed: the ports and what was printed so far. */
  ready: Promise<{ ports: Record<string, number>; stdout: string }>;
  /** Resolves when the process ends (before or after ready). */
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Everything printed to stdout so far. */
  output(): string;
  stop(): Promise<void>;
}

/** `thutin serve` in the background. */
export function serve(dir: string, env: Record<string, string>, args: string[] = []): Serving {
  const proc = spawn(process.execPath, [BIN, '--data', dir, 'serve', ...args], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let onReady!: (r: { ports: Record<string, number>; stdout: string }) => void;
  let onFail!: (e: Error) => void;
  const ready = new Promise<{ ports: Record<string, number>; stdout: string }>((res, rej) => {
    onReady = res;
    onFail = rej;
  });
  ready.catch(() => {});
  proc.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    const m = /^thutin: SMTP (\d+), submission (\d+) \(STARTTLS\) (\d+) \(TLS\), IMAP (\d+) \(STARTTLS\) (\d+) \(TLS\), LDAP (\d+) \(STARTTLS\) (\d+) \(TLS\), HTTP (\d+)/m.exec(stdout);
    // The ready line is the last one (after the next steps, when there are no accounts).
    if (m && /^thutin: sẵn sàng \/ ready/m.test(stdout)) {
      const [smtp, submission, submissionTls, imap, imaps, ldap, ldaps, http] = m.slice(1).map(Number);
      onReady({ ports: { smtp, submission, submissionTls, imap, imaps, ldap, ldaps, http }, stdout });
    }
  });
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((res) =>
    proc.once('exit', (code) => {
      onFail(new Error(`thutin serve ended (${code}) before it was ready:\n${stdout}\n${stderr}`));
      res({ code, stdout, stderr });
    }),
  );
  return {
    proc,
    ready,
    exited,
    output: () => stdout,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      await exited;
    },
  };
}
