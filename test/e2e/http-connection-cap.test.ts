// The HTTP listener holds at most `http.maxConnections` connections: past it a new connection is
// closed at once, and a freed slot serves again; so does `http.maxConnectionsPerIp` per client
// address (issue 9: connection caps on every listener).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import net from 'node:net';
import { startAdminApi, type AdminApi } from '../helpers/admin-api.ts';

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.on('error', reject);
  });
}

const closedSoon = (s: net.Socket) => new Promise<boolean>((resolve) => (s.once('close', () => resolve(true)), setTimeout(() => resolve(false), 1000)));

describe('HTTP connection cap', { timeout: 60_000 }, () => {
  let api: AdminApi;
  beforeAll(async () => {
    api = await startAdminApi({ config: { http: { maxConnections: 2 } } });
  });
  afterAll(async () => api?.stop());

  it('closes connections past the cap at once and serves again once one is freed', async () => {
    const port = Number(new URL(api.base).port);
    const [a, b] = [await connect(port), await connect(port)];
    const c = await connect(port);
    expect(await closedSoon(c)).toBe(true);
    expect(await closedSoon(a)).toBe(false);
    a.destroy();
    b.destroy();
    await new Promise((r) => setTimeout(r, 200));
    expect((await fetch(`${api.base}/health`)).status).toBeLessThan(500);
  });
});

describe('HTTP connection cap per client address', { timeout: 60_000 }, () => {
  let api: AdminApi;
  beforeAll(async () => {
    api = await startAdminApi({ config: { http: { maxConnections: 100, maxConnectionsPerIp: 2 } } });
  });
  afterAll(async () => api?.stop());

  it('closes a third connection from one address while the total has room, and serves it again once one is freed', async () => {
    const port = Number(new URL(api.base).port);
    const [a, b] = [await connect(port), await connect(port)];
    const c = await connect(port);
    expect(await closedSoon(c)).toBe(true);
    expect(await closedSoon(a)).toBe(false);
    a.destroy();
    b.destroy();
    for (
      let i = 0;
      i < 50 &&
      (await fetch(`${api.base}/health`)
        .then((r) => r.status)
        .catch(() => 0)) === 0;
      i++
    )
      await new Promise((r) => setImmediate(r));
    expect((await fetch(`${api.base}/health`)).status).toBeLessThan(500);
  });
});
