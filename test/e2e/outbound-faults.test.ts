// A remote that misbehaves never crashes delivery nor loses the message: a stalled greeting or
// data answer times out, a connection dropped in the middle of DATA, a garbage greeting and a
// broken TLS handshake each leave the recipient deferred with a reason that says what happened,
// and the message goes out once the remote behaves.
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../helpers/harness.ts';
import { startScriptedRemote, type RemoteScript, type ScriptedRemote } from '../helpers/remote-smtp.ts';
import { vietnameseMessage } from '../helpers/servers.ts';
import { OutboundWorker } from '../../src/outbound/worker.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';

const SENDER = 'annv@kontum.gov.vn';

describe('outbound delivery: faults of the remote', () => {
  let remote: ScriptedRemote;
  let t: TestApp;
  let worker: OutboundWorker;
  let offset = 0; // the worker's clock runs this far ahead of the real one (tests move it instead of sleeping)

  beforeAll(async () => {
    remote = await startScriptedRemote();
    t = await createTestApp({
      config: {
        // The relay host points every message at the scripted remote.
        outbound: { enabled: false, relayHost: `[127.0.0.1]:${remote.port}`, retryMinMs: 1, retryMaxMs: 1, connectTimeoutMs: 1000, commandTimeoutMs: 700 },
      },
    });
    await t.app.accounts.create(SENDER, TEST_PASSWORD, 'test');
    // No session kept between attempts: each attempt meets the remote's current greeting.
    worker = new OutboundWorker(t.app, { pollMs: 60_000, sessionIdleMs: 0, now: () => Date.now() + offset });
  });
  afterAll(async () => {
    await worker?.stop();
    await t?.cleanup();
    await remote?.stop();
  });
  afterEach(() => {
    remote.setScript({});
    remote.messages.length = 0;
  });

  async function queue(to: string): Promise<number> {
    const content = await t.app.store.ingest([vietnameseMessage({ from: SENDER, to })]);
    let id = 0;
    id = (await t.app.store.commit(content, { copies: [{ remote: { sender: SENDER, recipients: [to], accountId: null } }] })).queued[0];
    return id;
  }

  async function attemptUnder(script: RemoteScript, to: string): Promise<{ id: number; error: string }> {
    remote.setScript(script);
    const id = await queue(to);
    await worker.runOnce();
    const e = await t.app.queue.get(id);
    expect(e!.recipients[0].state).toBe('deferred');
    expect(remote.messages).toHaveLength(0);
    // The remote behaves again: the same message is delivered, once.
    remote.setScript({});
    offset += 5; // the retry is due
    await worker.runOnce();
    const after = await t.app.queue.get(id);
    expect(after!.recipients[0].state).toBe('delivered');
    expect(remote.messages.filter((m) => m.to.includes(to))).toHaveLength(1);
    return { id, error: e!.recipients[0].lastError ?? '' };
  }

  it('a remote that never greets: timeout, deferred with the reason', async () => {
    const { error } = await attemptUnder({ greeting: 'stall' }, 'stall@remote.test');
    expect(error).toMatch(/did not answer in time/);
    expect(error).toContain('127.0.0.1');
  });

  it('a remote that never answers the data: timeout, deferred', async () => {
    const { error } = await attemptUnder({ data: 'stall' }, 'slow@remote.test');
    expect(error).toMatch(/did not answer in time/);
  });

  it('a connection dropped in the middle of DATA: deferred', async () => {
    const { error } = await attemptUnder({ data: 'drop' }, 'drop@remote.test');
    expect(error).toMatch(/connection .* failed or dropped|Connection closed unexpectedly/);
  });

  it('a garbage greeting: deferred as an invalid reply', async () => {
    const { error } = await attemptUnder({ greeting: 'garbage' }, 'garbage@remote.test');
    expect(error).toMatch(/invalid reply/);
    expect(error).toContain('HTTP/1.1 400');
  });

  it('a broken TLS handshake after STARTTLS: deferred as a TLS failure, the next attempt goes without TLS', async () => {
    remote.setScript({ starttls: 'broken' });
    const id = await queue('tls@remote.test');
    await worker.runOnce();
    const e = await t.app.queue.get(id);
    expect(e!.recipients[0].state).toBe('deferred');
    expect(e!.recipients[0].lastError).toMatch(/TLS failure/);
    // The remote still offers its broken STARTTLS: opportunistic TLS falls back to plain text.
    offset += 5; // the retry is due
    await worker.runOnce();
    expect((await t.app.queue.get(id))!.recipients[0].state).toBe('delivered');
    expect(remote.messages).toHaveLength(1);
    expect(remote.messages[0].tls).toBe(false);
  });

  it('a 421 greeting (service not available): deferred, not bounced', async () => {
    const { error } = await attemptUnder({ greeting: '421 4.3.2 Service shutting down' }, 'busy@remote.test');
    expect(error).toContain('421 4.3.2 Service shutting down');
  });

  it('a 451 answer to the data: deferred; a 554 one: bounced', async () => {
    const { error } = await attemptUnder({ data: '451 4.3.0 Error: queue file write error' }, 'q@remote.test');
    expect(error).toContain('451 4.3.0 Error: queue file write error');
    remote.setScript({ data: '554 5.7.1 Message rejected as spam' });
    const id = await queue('spam@remote.test');
    await worker.runOnce();
    const e = await t.app.queue.get(id);
    expect(e!.recipients[0].state).toBe('bounced');
    expect(e!.recipients[0].status).toBe('5.7.1');
  });
});

describe('outbound delivery: a stalled destination does not hold back the others', () => {
  let slow: ScriptedRemote;
  let fast: ScriptedRemote;
  let dns: TestDnsServer;
  let t: TestApp;
  let worker: OutboundWorker;

  beforeAll(async () => {
    // Two MX hosts on the same port of two loopback addresses.
    fast = await startScriptedRemote({}, '127.0.0.1');
    slow = await startScriptedRemote({ greeting: 'stall' }, '127.0.0.2', fast.port);
    dns = await startDnsServer({ 'slow.test': { A: ['127.0.0.2'] }, 'fast.test': { A: ['127.0.0.1'] } });
    t = await createTestApp({
      config: { dns: { servers: [dns.address] }, outbound: { enabled: false, remotePort: fast.port, connectTimeoutMs: 1000, commandTimeoutMs: 8000 } },
    });
    await t.app.accounts.create(SENDER, TEST_PASSWORD, 'test');
    worker = new OutboundWorker(t.app, { pollMs: 100 });
  });
  afterAll(async () => {
    await worker?.stop();
    await t?.cleanup();
    await slow?.stop();
    await fast?.stop();
    await dns?.stop();
  });

  async function queue(to: string): Promise<number> {
    const content = await t.app.store.ingest([vietnameseMessage({ from: SENDER, to })]);
    let id = 0;
    id = (await t.app.store.commit(content, { copies: [{ remote: { sender: SENDER, recipients: [to], accountId: null } }] })).queued[0];
    return id;
  }

  it('delivers to a healthy domain while a session to a silent one waits for its timeout', async () => {
    worker.start();
    const stalled = await queue('an@slow.test');
    await new Promise((r) => setTimeout(r, 500)); // its session is open, waiting for a greeting
    expect(slow.stats.sessions).toBe(1);
    const started = Date.now();
    const ok = await queue('binh@fast.test');
    await fast.waitForMessages(1, 6000);
    expect(Date.now() - started).toBeLessThan(6000); // well before the 8 s greeting timeout
    for (let i = 0; i < 50 && (await t.app.queue.get(ok))!.recipients[0].state !== 'delivered'; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await t.app.queue.get(ok))!.recipients[0].state).toBe('delivered');
    expect((await t.app.queue.get(stalled))!.recipients[0].state).toBe('queued'); // still in its first attempt
  });
});
