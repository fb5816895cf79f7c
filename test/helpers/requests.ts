// The whole server (every front end, HTTP API included) with the admin API's small province
// (test/helpers/admin-api.ts: UBND ─ SNV (unit mailbox) ─ SNV-VP, STP ─ STP-VP; a sysadmin, a
// directory manager, an auditor, the SNV head, an SNV clerk, a user), for the request tests: an API
// client, Python's imaplib for one login, and the mail a notice left in an INBOX.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { seedProvince, type AdminApi, type Province, type Reply } from './admin-api.ts';
import { startTestServers, TEST_PASSWORD, type Running } from './servers.ts';
import type { Backend } from './harness.ts';
import type { ConfigInput } from '../../src/config/config.ts';

const run = promisify(execFile);

export interface RequestWorld {
  r: Running;
  api: AdminApi;
  p: Province;
  call(token: string | null, method: string, path: string, body?: unknown): Promise<Reply>;
  stop(): Promise<void>;
}

export async function startRequestWorld(backend: Backend, config?: ConfigInput): Promise<RequestWorld> {
  const r = await startTestServers({ backend, config });
  const base = `http://127.0.0.1:${r.servers.ports.http}`;
  const call: AdminApi['call'] = async (token, method, path, body) => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, headers: res.headers, text, json };
  };
  const api: AdminApi = {
    t: r,
    base,
    routes: [],
    call,
    async login(username, password = TEST_PASSWORD) {
      const x = await call(null, 'POST', '/api/v1/auth/login', { username, password });
      if (x.status !== 200) throw new Error(`login ${username}: ${x.status} ${x.text}`);
      return (x.json as { token: string }).token;
    },
    stop: async () => r.stop(),
  };
  const p = await seedProvince(api);
  return { r, api, p, call, stop: () => r.stop() };
}

/** Python's imaplib over implicit TLS: 'OK', or 'NO <the server's text>'. */
export async function imaplibLogin(r: Running, user: string, password: string): Promise<string> {
  const script = [
    'import imaplib, ssl, sys',
    'ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE',
    'm = imaplib.IMAP4_SSL(sys.argv[1], int(sys.argv[2]), ssl_context=ctx)',
    'try:',
    '    typ, data = m.login(sys.argv[3], sys.argv[4]); print(typ); m.logout()',
    'except imaplib.IMAP4.error as e:',
    '    print("NO " + str(e))',
  ].join('\n');
  const { stdout } = await run('python3', ['-c', script, '127.0.0.1', String(r.servers.ports.imaps), user, password], { timeout: 20000 });
  return stdout.trim();
}

/** The subjects (decoded) of the messages in an account's INBOX. */
export async function inboxSubjects(r: Running, address: string): Promise<string[]> {
  const acct = await r.app.accounts.byAddress(address);
  if (!acct) return [];
  const box = await r.app.store.getMailbox(acct.id, 'INBOX');
  if (!box) return [];
  const out: string[] = [];
  for (const m of await r.app.store.listMessages(box.id)) {
    const raw = (await r.app.store.readMessage(m)).toString('utf8');
    const enc = /^Subject: =\?UTF-8\?B\?([^?]+)\?=/m.exec(raw);
    out.push(enc ? Buffer.from(enc[1], 'base64').toString('utf8') : (/^Subject: (.*)$/m.exec(raw)?.[1] ?? ''));
  }
  return out;
}

export { TEST_PASSWORD };
