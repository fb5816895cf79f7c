// IMAP limits before and around login (issue 9): a literal before login may hold a user name or a
// password (a few KB: a password sent as a literal still works, a bigger literal is refused without
// "+" and ends the connection); ten BAD answers end a connection; connections are capped per client
// address and in all, and a refused one is told so.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { RawImap } from '../helpers/raw-imap.ts';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';

describe('IMAP limits', { timeout: 120_000 }, () => {
  let r: Running;
  let an: string;
  beforeAll(async () => {
    r = await startTestServers({ config: { imap: { maxConnectionsPerIp: 4, maxConnections: 6, preAuthLiteralMax: 4096, preAuthMaxMs: 1500 } } });
    an = await r.user('annv');
  });
  afterAll(async () => r?.stop());

  it('takes a password as a literal before login, refuses a bigger literal without "+" and hangs up', async () => {
    const c = await RawImap.connect(r.servers.ports.imaps);
    c.write(`a1 LOGIN ${an} {${Buffer.byteLength(TEST_PASSWORD)}}\r\n`);
    await c.readUntil(/^\+ .*\r\n/m);
    c.write(`${TEST_PASSWORD}\r\n`);
    expect(await c.readUntil(/^a1 (OK|NO|BAD).*\r\n/m)).toMatch(/^a1 OK/m);
    c.close();
    const d = await RawImap.connect(r.servers.ports.imaps);
    d.write('b1 LOGIN {5000}\r\n');
    const out = await d.readUntil(/^\* BYE .*\r\n/m);
    expect(out).toMatch(/^b1 BAD \[TOOBIG\]/m);
    expect(out).not.toMatch(/^\+/m);
    await new Promise((res) => setTimeout(res, 100));
    expect(d.closed).toBe(true);
  });

  it('after login the large literal limit applies again', async () => {
    const c = await RawImap.connect(r.servers.ports.imaps);
    expect(await c.cmd('a', `LOGIN ${an} "${TEST_PASSWORD}"`)).toMatch(/^a OK/m);
    c.write('b APPEND INBOX {20000}\r\n');
    expect(await c.readUntil(/^\+ .*\r\n/m)).toMatch(/^\+/m);
    const msg = Buffer.alloc(20000, 0x61);
    msg.write('Subject: x\r\n\r\n');
    c.write(Buffer.concat([msg, Buffer.from('\r\n')]));
    expect(await c.readUntil(/^b (OK|NO|BAD).*\r\n/m)).toMatch(/^b OK/m);
    c.close();
  });

  it('gives a connection a fixed time to log in, however busy it keeps itself', async () => {
    const c = await RawImap.connect(r.servers.ports.imaps);
    const started = Date.now();
    let bye = '';
    for (let i = 0; i < 20 && !bye; i++) {
      const out = await c.cmd(`n${i}`, 'NOOP').catch((e: Error) => e.message);
      if (/BYE/.test(out)) bye = out;
      else await new Promise((res) => setTimeout(res, 250));
    }
    expect(bye).toMatch(/too long without logging in/);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('ends a connection after ten BAD answers', async () => {
    const c = await RawImap.connect(r.servers.ports.imaps);
    for (let i = 0; i < 9; i++) expect(await c.cmd(`g${i}`, 'FROBNICATE')).toMatch(new RegExp(`^g${i} BAD`, 'm'));
    c.write('g9 FROBNICATE\r\n');
    expect(await c.readUntil(/^\* BYE .*\r\n/m)).toMatch(/too many bad commands/);
    await new Promise((res) => setTimeout(res, 100));
    expect(c.closed).toBe(true);
  });

  it('caps connections per client address', async () => {
    const open = await Promise.all(Array.from({ length: 4 }, () => RawImap.connect(r.servers.ports.imap, false)));
    await expect(RawImap.connect(r.servers.ports.imap, false)).rejects.toThrow(/too many connections/);
    for (const c of open) c.close();
    await new Promise((res) => setTimeout(res, 200));
    const again = await RawImap.connect(r.servers.ports.imap, false); // freed when they closed
    again.close();
  });
});
