// One client address may hold only `smtp.maxConnectionsPerIp` connections on each listener: the
// next is told 421 4.7.0 and closed, and a freed slot can be taken again (issue 9: one address
// holding every MX slot kept everyone else out).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { startFixture, type SmtpFixture } from './testing/fixture.ts';

function greet(port: number): Promise<{ socket: net.Socket; line: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let got = '';
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('data', (d: string) => {
      got += d;
      if (got.includes('\r\n')) resolve({ socket, line: got.split('\r\n')[0] });
    });
  });
}

describe('SMTP connections per client address', { timeout: 60_000 }, () => {
  let f: SmtpFixture;
  beforeAll(async () => {
    f = await startFixture('sqlite', { config: { smtp: { maxConnectionsPerIp: 2 } } });
  });
  afterAll(async () => f?.close());

  it('refuses the third connection from one address with 421 4.7.0 and takes one again once freed', async () => {
    const a = await greet(f.ports.inbound);
    const b = await greet(f.ports.inbound);
    expect(a.line).toMatch(/^220 /);
    expect(b.line).toMatch(/^220 /);
    const c = await greet(f.ports.inbound);
    expect(c.line).toMatch(/^421 4\.7\.0 .*Too many connections from your address/);
    // Another listener counts on its own.
    const s = await greet(f.ports.submission);
    expect(s.line).toMatch(/^220 /);
    for (const x of [a, b, c, s]) x.socket.destroy();
    await new Promise((r) => setTimeout(r, 200));
    const d = await greet(f.ports.inbound);
    expect(d.line).toMatch(/^220 /);
    d.socket.destroy();
  });
});
