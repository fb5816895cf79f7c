// Test support for the SMTP suites: drives clients we did not write over real sockets — Python's
// smtplib (smtp_client.py) and swaks — and small helpers to look into the store afterwards.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { App } from '../../app.ts';
import type { MessageMeta } from '../../core/mailstore.ts';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'smtp_client.py');

export type Step =
  | { op: 'ehlo'; name?: string }
  | { op: 'helo'; name?: string }
  | { op: 'starttls' }
  | { op: 'auth'; user: string; password: string; mech?: 'PLAIN' | 'LOGIN'; initial?: boolean }
  | { op: 'mail'; from: string; options?: string[] }
  | { op: 'rcpt'; to: string; options?: string[] }
  | { op: 'data'; message: Buffer | string }
  | { op: 'cmd'; line: string }
  | { op: 'raw'; bytes: Buffer }
  | { op: 'data_partial'; bytes: Buffer }
  | { op: 'drop' }
  | { op: 'rset' }
  | { op: 'quit' };

export interface StepResult {
  op: string;
  code?: number;
  msg?: string;
  error?: string;
  features?: string[];
  auth?: string;
  size?: string;
}

function run(cmd: string, args: string[], input: string | null, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} timed out after ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (input !== null) child.stdin.end(input);
    else child.stdin.end();
  });
}

/** Run a scripted smtplib session; one result per step (plus the greeting first, op 'connect'). */
export async function smtplib(port: number, steps: Step[], opts: { implicitTls?: boolean; timeoutS?: number } = {}): Promise<StepResult[]> {
  const wire = steps.map((s) => {
    if (s.op === 'data') return { op: 'data', b64: Buffer.from(s.message).toString('base64') };
    if (s.op === 'raw' || s.op === 'data_partial') return { op: s.op, b64: s.bytes.toString('base64') };
    return s;
  });
  const job = { host: '127.0.0.1', port, implicit_tls: !!opts.implicitTls, timeout: opts.timeoutS ?? 20, steps: wire };
  const r = await run('python3', [SCRIPT], JSON.stringify(job), ((opts.timeoutS ?? 20) + 10) * 1000);
  try {
    return JSON.parse(r.stdout) as StepResult[];
  } catch {
    throw new Error(`smtp_client.py failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}

/** The result of the first step with this op (after the greeting). */
export function step(results: StepResult[], op: string, nth = 0): StepResult {
  const found = results.filter((r) => r.op === op)[nth];
  if (!found) throw new Error(`no result for ${op}#${nth}: ${JSON.stringify(results)}`);
  return found;
}

/** Run swaks; returns its exit code and transcript. */
export async function swaks(args: string[], opts: { data?: string | Buffer } = {}): Promise<{ exit: number | null; out: string }> {
  let tmp: string | null = null;
  const full = ['--suppress-data', '--timeout', '20', ...args];
  if (opts.data !== undefined) {
    tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'swaks-')), 'msg.eml');
    fs.writeFileSync(tmp, opts.data);
    full.push('--data', tmp);
  }
  try {
    const r = await run('swaks', full, null, 40_000);
    return { exit: r.code, out: r.stdout + r.stderr };
  } finally {
    if (tmp) fs.rmSync(path.dirname(tmp), { recursive: true, force: true });
  }
}

/** The server's reply lines in a swaks transcript (`<-`, `<**`, and over TLS `<~`, `<~*`). */
export function swaksReplies(out: string): string[] {
  return out
    .split('\n')
    .filter((l) => /^\s*<(-|\*\*|~\*|~)\s/.test(l))
    .map((l) => l.replace(/^\s*<(-|\*\*|~\*|~)\s*/, '').trim());
}

export async function inbox(app: App, address: string): Promise<MessageMeta[]> {
  const acct = await app.accounts.byAddress(address);
  if (!acct) throw new Error(`no account ${address}`);
  const mb = await app.store.getMailbox(acct.id, 'INBOX');
  return app.store.listMessages(mb!.id);
}

/** A plain CRLF message; `extraHeaders` go first. */
export function message(opts: { from?: string; to?: string; subject?: string; body?: string; extraHeaders?: string[] } = {}): Buffer {
  const lines = [
    ...(opts.extraHeaders ?? []),
    `From: ${opts.from ?? 'sender@example.org'}`,
    `To: ${opts.to ?? 'rcpt@kontum.gov.vn'}`,
    `Subject: ${opts.subject ?? 'Kiểm tra / test'}`,
    'Message-ID: <' + Math.random().toString(36).slice(2) + '@example.org>',
    'Date: Tue, 07 Jul 2026 09:00:00 +0700',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    opts.body ?? 'Xin chào, đây là thư thử nghiệm.\r\nHello, this is a test message.',
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

export function tmpBlobFiles(app: App): string[] {
  const dir = path.join(app.config.dataDir, 'blobs', 'tmp');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

/** Wait until `check` holds (polling), failing after `timeoutMs`. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
