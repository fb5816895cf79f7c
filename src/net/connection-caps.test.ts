// The connection counter over real sockets on loopback: the per-address cap and the total cap,
// slots freed on close, and a trusted PROXY-protocol peer counted in the total only (it carries
// many clients; the sign-in throttle counts them by the address its header names).
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectionCaps, type ConnectionCaps } from './connection-caps.ts';
import { trustList } from './proxy-protocol.ts';

const servers: net.Server[] = [];
const clients: net.Socket[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function capped(caps: Omit<ConnectionCaps, 'refuse'>): Promise<{ port: number; admitted: () => number; open: () => number; refused: string[] }> {
  const refused: string[] = [];
  let admitted = 0;
  const counter = connectionCaps({ ...caps, refuse: (_raw, why) => refused.push(why) });
  const server = net.createServer((s) => {
    if (counter.admit(s)) admitted++;
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, admitted: () => admitted, open: () => counter.open(), refused };
}

async function open(port: number, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const c = net.connect(port, '127.0.0.1');
    c.on('error', () => {});
    clients.push(c);
    await new Promise((r) => c.once('connect', r));
  }
  await new Promise((r) => setImmediate(r));
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !cond(); i++) await new Promise((r) => setImmediate(r));
}

describe('connection caps', () => {
  it('refuses an address past maxPerAddress and admits it again once a slot closes', async () => {
    const t = await capped({ maxTotal: 100, maxPerAddress: 3 });
    await open(t.port, 5);
    await until(() => t.admitted() + t.refused.length === 5);
    expect(t.admitted()).toBe(3);
    expect(t.refused).toEqual(['address', 'address']);
    clients[0].destroy();
    await until(() => t.open() === 2);
    expect(t.open()).toBe(2);
    await open(t.port, 1);
    await until(() => t.admitted() === 4);
    expect(t.admitted()).toBe(4);
  });

  it('counts a trusted proxy in the total only', async () => {
    const t = await capped({ maxTotal: 6, maxPerAddress: 3, proxies: trustList(['127.0.0.0/8']) });
    await open(t.port, 8);
    await until(() => t.admitted() + t.refused.length === 8);
    expect(t.admitted()).toBe(6);
    expect(t.refused).toEqual(['total', 'total']);
  });
});
