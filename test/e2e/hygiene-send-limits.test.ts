// Sending rate limits end to end (issue 12): an account that bursts past hygiene.sendLimits over
// submission (Python's smtplib, several transactions in one session) has its first N messages
// queued as usual and the rest accepted but queued ON HOLD; it is flagged (the API's
// /send-limits), the administrators are told (a notice in postmaster@'s and the sysadmin's INBOX,
// read over IMAP with imapflow, and an audit entry); the recipients limit holds too; clearing the
// flag (the real CLI on SQLite, the API on each backend) releases the held messages and the count
// starts afresh. The queue is read with `thutin queue list --json` and GET /api/v1/queue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/harness.ts';
import { imapClient, startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { thutin } from '../helpers/cli.ts';
import { message, smtplib, type Step } from '../../src/smtp/testing/clients.ts';

const N = 3;

describe.each(backends())('sending rate limits hold a bursting account (%s)', { timeout: 120_000 }, (backend) => {
  let r: Running;
  let admin: string;
  let postmaster: string;
  let base: string;

  beforeAll(async () => {
    r = await startTestServers({ backend, config: { hygiene: { sendLimits: { account: { messagesPerHour: N, recipientsPerHour: 8 } } } } });
    base = `http://127.0.0.1:${r.servers.ports.http}`;
    admin = await r.user('quantri');
    postmaster = await r.user('postmaster');
    await r.app.roles.grant(admin, 'sysadmin', null, { actor: 'test', reason: 'QĐ 1' });
  });
  afterAll(async () => {
    await r?.stop();
  });

  async function api(user: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: user, password: TEST_PASSWORD }) });
    const token = ((await login.json()) as { token: string }).token;
    const res = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  }

  /** One submission session: `count` messages, each to `rcpts` remote recipients. */
  async function burst(user: string, count: number, rcpts = 1, tag = 'm'): Promise<number[]> {
    const steps: Step[] = [{ op: 'ehlo', name: 'laptop' }, { op: 'starttls' }, { op: 'ehlo', name: 'laptop' }, { op: 'auth', user, password: TEST_PASSWORD }];
    for (let i = 0; i < count; i++) {
      steps.push({ op: 'mail', from: user });
      for (let k = 0; k < rcpts; k++) steps.push({ op: 'rcpt', to: `khach${i}-${k}@example.net` });
      steps.push({ op: 'data', message: message({ from: user, to: `khach${i}-0@example.net`, subject: `${tag} ${i + 1}` }) });
    }
    steps.push({ op: 'quit' });
    const res = await smtplib(r.servers.ports.submission, steps);
    return res.filter((x) => x.op === 'data').map((x) => x.code ?? 0);
  }

  type Q = { id: number; accountId: number | null; state: string };
  const queueOf = async (accountId: number): Promise<Q[]> => ((await api(admin, 'GET', '/api/v1/queue')).json.queue as Q[]).filter((q) => q.accountId === accountId);

  async function subjects(user: string): Promise<string[]> {
    const c = imapClient(r, user);
    await c.connect();
    try {
      const box = await c.mailboxOpen('INBOX');
      if (!box.exists) return [];
      const out: string[] = [];
      for await (const m of c.fetch('1:*', { envelope: true })) out.push(m.envelope?.subject ?? '');
      return out;
    } finally {
      await c.logout();
    }
  }

  it('queues the first N messages, holds the rest, flags the account and tells the administrators', async () => {
    const user = await r.user('bituanhap');
    const acct = (await r.app.accounts.byAddress(user))!;
    expect(await burst(user, N + 3)).toEqual(Array(N + 3).fill(250)); // all accepted
    const q = await queueOf(acct.id);
    expect(q.map((x) => x.state)).toEqual([...Array(N).fill('active'), 'hold', 'hold', 'hold']);
    if (backend === 'sqlite') {
      const cli = await thutin(r.dataDir, ['queue', 'list', '--json']);
      expect(cli.code, cli.stderr).toBe(0);
      const list = (JSON.parse(cli.stdout) as Q[]).filter((x) => x.accountId === acct.id);
      expect(list.map((x) => x.state)).toEqual(q.map((x) => x.state));
      const show = await thutin(r.dataDir, ['account', 'send-limit', 'show', user]);
      expect(show.code, show.stderr).toBe(0);
      expect(show.stdout, show.stderr).toMatch(/TẠM GIỮ \/ HELD/);
      const accounts = await thutin(r.dataDir, ['account', 'list']);
      expect(accounts.stdout).toContain(`${user}\tactive\t${user}\tTẠM GIỮ THƯ GỬI / SEND-HELD`);
      expect(accounts.stdout).not.toContain(`${admin}\tactive\t${admin}\tTẠM GIỮ`);
    }

    const holds = await api(admin, 'GET', '/api/v1/send-limits');
    expect(holds.status).toBe(200);
    expect(holds.json.holds).toEqual([expect.objectContaining({ username: user, messages: N + 1, limitKind: 'account' })]);
    const one = await api(admin, 'GET', `/api/v1/send-limits/${user}`);
    expect(one.json).toMatchObject({ account: user, held: true, heldMessages: q.filter((x) => x.state === 'hold').map((x) => x.id) });
    expect((await api(user, 'GET', '/api/v1/send-limits')).status).toBe(403);
    // the account itself sees its flag
    expect((await api(user, 'GET', '/api/v1/me')).json.sendHold).toMatchObject({ username: user, messages: N + 1 });
    expect((await api(admin, 'GET', '/api/v1/me')).json.sendHold).toBeNull();

    const notice = 'Tài khoản bị tạm giữ thư gửi đi / Account held for sending';
    expect(await subjects(postmaster)).toEqual([notice]); // told once, not per held message
    expect(await subjects(admin)).toEqual([notice]);
    const audit = await r.app.audit.list(10, { action: 'send-limit.hold' });
    expect(audit.map((a) => a.target)).toEqual([user]);
  });

  it('holds on the recipients limit too', async () => {
    const user = await r.user('guihangloat');
    const acct = (await r.app.accounts.byAddress(user))!;
    expect(await burst(user, 2, 5, 'r')).toEqual([250, 250]); // 5 then 10 recipients: past 8
    expect((await queueOf(acct.id)).map((x) => x.state)).toEqual(['active', 'hold']);
  });

  it('clearing the flag releases the held messages and starts the count afresh', async () => {
    const user = 'bituanhap@kontum.gov.vn';
    const acct = (await r.app.accounts.byAddress(user))!;
    const held = (await queueOf(acct.id)).filter((x) => x.state === 'hold').map((x) => x.id);
    expect(held).toHaveLength(3);
    if (backend === 'sqlite') {
      const cli = await thutin(r.dataDir, ['account', 'send-limit', 'clear', user, '--reason', 'Phiếu 7/2026: đã đổi mật khẩu']);
      expect(cli.code, cli.stderr).toBe(0);
      expect(cli.stdout).toContain(held.map((i) => `#${i}`).join(' '));
    } else {
      const res = await api(admin, 'POST', `/api/v1/send-limits/${user}/clear`, { reason: 'Phiếu 7/2026: đã đổi mật khẩu' });
      expect(res.json).toEqual({ account: user, released: held });
    }
    expect((await queueOf(acct.id)).every((x) => x.state === 'active')).toBe(true);
    expect((await api(admin, 'GET', `/api/v1/send-limits/${user}`)).json).toMatchObject({ held: false });
    expect((await r.app.audit.list(10, { action: 'send-limit.clear' })).map((a) => [a.target, a.reason])).toEqual([[user, 'Phiếu 7/2026: đã đổi mật khẩu']]);
    expect((await api(admin, 'POST', `/api/v1/send-limits/${user}/clear`, {})).json).toMatchObject({ code: 'SEND_HOLD_NOT_FOUND' });
    // the count starts afresh: the next message is not held
    expect(await burst(user, 1)).toEqual([250]);
    expect((await queueOf(acct.id)).at(-1)!.state).toBe('active');
  });
});
