// Idle and slow IMAP clients are disconnected with BYE after their timeout, and a client that
// floods the server with pipelined commands or an endless line cannot grow its memory.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { RawImap } from '../helpers/raw-imap.ts';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';

describe('IMAP timeouts and limits', () => {
  let r: Running;
  let an: string;
  beforeAll(async () => {
    r = await startTestServers({ config: { imap: { preAuthTimeoutMs: 500, idleTimeoutMs: 1500, maxLineLength: 8192 } } });
    an = await r.user('annv');
  });
  afterAll(async () => {
    await r?.stop();
  });

  it('says BYE to a client that never logs in', async () => {
    const c = await RawImap.connect(r.servers.ports.imaps);
    expect(await c.readUntil(/^\* BYE.*\r\n/m, 3000)).toMatch(/autologout/);
    await new Promise((res) => setTimeout(res, 100));
    expect(c.closed).toBe(true);
  });

  it('gives a logged-in client the longer idle timeout, then BYE', async () => {
    const c = await RawImap.connect(r.servers.ports.imaps);
    expect(await c.cmd('a', `LOGIN ${an} "${TEST_PASSWORD}"`)).toMatch(/^a OK/m);
    await new Promise((res) => setTimeout(res, 800));
    expect(await c.cmd('b', 'NOOP')).toMatch(/^b OK/m); // still there after the pre-auth timeout
    expect(await c.readUntil(/^\* BYE.*\r\n/m, 4000)).toMatch(/autologout/);
  });

  it('refuses a line longer than the limit and keeps the connection usable', async () => {
    const c = await RawImap.connect(r.servers.ports.imaps);
    c.write('x1 LOGIN ' + 'a'.repeat(20000) + '\r\n');
    expect(await c.readUntil(/^(x1|\*) BAD.*\r\n/m)).toMatch(/BAD/);
    expect(await c.cmd('x2', `LOGIN ${an} "${TEST_PASSWORD}"`)).toMatch(/^x2 OK/m);
    c.close();
  });

  it('reads a client that pipelines thousands of commands at its own pace instead of disconnecting it (mbsync sends a folder of APPENDs at once)', async () => {
    const c = await RawImap.connect(r.servers.ports.imaps);
    expect(await c.cmd('l', `LOGIN ${an} "${TEST_PASSWORD}"`)).toMatch(/^l OK/m);
    const n = 3000;
    let burst = '';
    for (let i = 0; i < n; i++) burst += `p${i} NOOP\r\n`;
    c.write(burst);
    const out = await c.readUntil(new RegExp(`^p${n - 1} OK.*\\r\\n`, 'm'), 20_000);
    expect(out).not.toMatch(/^\* BYE/m);
    expect(out.match(/^p\d+ OK/gm)?.length).toBe(n);
    expect(await c.cmd('z', 'NOOP')).toMatch(/^z OK/m);
    c.close();
  });
});
