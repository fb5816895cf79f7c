// ManageSieve behind a trusted proxy and under the connection caps, as every listener: a connection
// from a proxy in proxyProtocol.trustedFrom sends a PROXY v1 header before the greeting, and the
// sign-in history records the client the header named, not the proxy; past
// sieve.maxConnectionsPerIp a connection from the same address is told BYE (TRYLATER) and closed,
// and a slot is free again once a connection ends.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { RawSieve } from '../helpers/raw-sieve.ts';

const PROXY_HOST = '127.0.0.2';

describe('ManageSieve behind a trusted proxy, and its connection caps', { timeout: 60_000 }, () => {
  let r: Running;
  let port: number;
  beforeAll(async () => {
    r = await startTestServers({ config: { proxyProtocol: { trustedFrom: [PROXY_HOST] }, sieve: { maxConnectionsPerIp: 2 } } });
    port = r.servers.ports.sieve;
  });
  afterAll(async () => r?.stop());

  it('records the client a PROXY v1 header names', async () => {
    const login = await r.user('quaproxy');
    const { c, greeting } = await RawSieve.connect(port, { localAddress: PROXY_HOST, header: `PROXY TCP4 203.0.113.7 192.0.2.1 40001 4190\r\n` });
    expect(greeting).toContain('"STARTTLS"');
    await c.starttls();
    expect(await c.login(login, TEST_PASSWORD)).toMatch(/^OK /);
    c.close();
    const account = (await r.app.accounts.byAddress(login))!;
    const history = await r.app.signIn.history(account.id, 10);
    expect(history[0]).toMatchObject({ protocol: 'managesieve', address: '203.0.113.7', success: true });
  });

  it('refuses a connection past the cap per address with BYE (TRYLATER)', async () => {
    const a = await RawSieve.connect(port);
    const b = await RawSieve.connect(port);
    expect(a.greeting).toMatch(/\r\nOK /);
    expect(b.greeting).toMatch(/\r\nOK /);
    const third = await RawSieve.connect(port);
    expect(third.greeting).toBe('BYE (TRYLATER) "Quá nhiều kết nối / too many connections"\r\n');
    a.c.close();
    await new Promise((res) => setTimeout(res, 200));
    const again = await RawSieve.connect(port);
    expect(again.greeting).toMatch(/\r\nOK /);
    b.c.close();
    again.c.close();
  });
});

describe('ManageSieve timeouts', { timeout: 60_000 }, () => {
  let r: Running;
  let port: number;
  beforeAll(async () => {
    r = await startTestServers({ config: { sieve: { preAuthTimeoutMs: 400, idleTimeoutMs: 1500, preAuthMaxMs: 2500 } } });
    port = r.servers.ports.sieve;
  });
  afterAll(async () => r?.stop());

  it('logs out an idle client before and after sign-in, and one that never signs in however busy', async () => {
    const idle = await RawSieve.connect(port);
    expect(await idle.c.response()).toBe('BYE (TRYLATER) "Hết thời gian chờ / idle for too long"\r\n');

    const login = await r.user('ngoi-yen');
    const { c } = await RawSieve.connect(port);
    await c.starttls();
    expect(await c.login(login, TEST_PASSWORD)).toMatch(/^OK /);
    await new Promise((res) => setTimeout(res, 500)); // past the pre-auth idle time: signed in, still open
    expect(await c.cmd('NOOP')).toMatch(/^OK /);
    expect(await c.response()).toBe('BYE (TRYLATER) "Hết thời gian chờ / idle for too long"\r\n');

    const busy = await RawSieve.connect(port);
    let last = '';
    for (let i = 0; i < 20 && !busy.c.closed; i++) {
      last = await busy.c.cmd('NOOP');
      if (last.startsWith('BYE')) break;
      await new Promise((res) => setTimeout(res, 250));
    }
    if (!last.startsWith('BYE')) last = await busy.c.response(); // it came between two NOOPs
    expect(last).toBe('BYE (TRYLATER) "Quá thời gian đăng nhập / too long without signing in"\r\n');
  });
});
