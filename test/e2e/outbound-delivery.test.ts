// Outbound delivery against a scripted remote on loopback, found through a real DNS server on a
// loopback port: per-recipient results and retries, bounces (RFC 3464, Vietnamese and English)
// to the sender's INBOX, no bounce for the null sender, expiry, the one delay warning, mail
// loops, MX → A fallback, null MX, the relay host and STARTTLS — on each store backend.
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { simpleParser } from 'mailparser';
import { backends, createTestApp, TEST_PASSWORD, type Backend, type TestApp } from '../helpers/harness.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';
import { startScriptedRemote, type ScriptedRemote } from '../helpers/remote-smtp.ts';
import { vietnameseMessage } from '../helpers/servers.ts';
import { OutboundWorker } from '../../src/outbound/worker.ts';
import type { ConfigInput } from '../../src/config/config.ts';
import { dkimVerify } from 'mailauth';
import { promises as dnsPromises } from 'node:dns';
import { dkimTxtRecord } from '../../src/mailauth/keys.ts';

const SENDER = 'huongttt@kontum.gov.vn';

interface Fixture {
  t: TestApp;
  worker: OutboundWorker;
  accountId: number;
  /** Move the worker's clock forward (due times, lifetimes, delay warnings) instead of sleeping. */
  advance(ms: number): void;
}

async function setup(backend: Backend, dns: TestDnsServer, remote: ScriptedRemote, outbound: ConfigInput['outbound'] = {}): Promise<Fixture> {
  const t = await createTestApp({
    backend,
    config: {
      dns: { servers: [dns.address] },
      outbound: { enabled: false, remotePort: remote.port, retryMinMs: 1, retryMaxMs: 1, connectTimeoutMs: 2000, commandTimeoutMs: 2000, ...outbound },
    },
  });
  const acct = await t.app.accounts.create(SENDER, TEST_PASSWORD, 'test');
  let offset = 0;
  const worker = new OutboundWorker(t.app, { pollMs: 60_000, now: () => Date.now() + offset });
  return { t, worker, accountId: acct.id, advance: (ms) => void (offset += ms) };
}

/** Queue a message the way submission does: content and queue rows in one transaction. */
async function queueMessage(f: Fixture, to: string[], opts: { sender?: string; raw?: Buffer } = {}): Promise<number> {
  const raw = opts.raw ?? vietnameseMessage({ from: SENDER, to: to[0] });
  const content = await f.t.app.store.ingest([raw]);
  let id = 0;
  id = (await f.t.app.store.commit(content, { copies: [{ remote: { sender: opts.sender ?? SENDER, recipients: to, accountId: f.accountId } }] })).queued[0];
  return id;
}

async function inbox(f: Fixture): Promise<Buffer[]> {
  const mb = await f.t.app.store.getMailbox(f.accountId, 'INBOX');
  const msgs = await f.t.app.store.listMessages(mb!.id);
  return Promise.all(msgs.map((m) => f.t.app.store.readMessage(m)));
}

/** The parts of a multipart/report: content type and body of each. */
function reportParts(raw: Buffer): Array<{ type: string; body: string }> {
  const text = raw.toString('utf8');
  const boundary = /boundary="([^"]+)"/.exec(text)![1];
  const chunks = text.split(`--${boundary}`).slice(1, -1);
  return chunks.map((c) => {
    const [head, ...rest] = c.replace(/^\r\n/, '').split('\r\n\r\n');
    return { type: /^Content-Type: ([^;\r\n]+)/im.exec(head)![1], body: rest.join('\r\n\r\n') };
  });
}

function deliveryStatus(raw: Buffer): string {
  return reportParts(raw).find((p) => p.type === 'message/delivery-status')!.body;
}

function states(e: { recipients: Array<{ recipient: string; state: string }> } | null): Record<string, string> {
  return Object.fromEntries((e?.recipients ?? []).map((r) => [r.recipient, r.state]));
}

describe.each(backends())('outbound delivery (%s)', (backend) => {
  let dns: TestDnsServer;
  let remote: ScriptedRemote;
  let f: Fixture | null = null;

  beforeAll(async () => {
    remote = await startScriptedRemote();
    dns = await startDnsServer({
      'remote.test': { MX: [{ exchange: 'mx.remote.test', priority: 10 }] },
      'mx.remote.test': { A: ['127.0.0.1'] },
      'bare.test': { A: ['127.0.0.1'] }, // no MX: implicit MX
      'nomail.test': { MX: [{ exchange: '.', priority: 0 }] }, // RFC 7505 null MX
    });
  });
  afterAll(async () => {
    await remote?.stop();
    await dns?.stop();
  });
  afterEach(async () => {
    await f?.worker.stop();
    await f?.t.cleanup();
    f = null;
    remote.setScript({});
    remote.messages.length = 0;
    remote.stats.rcpts.clear();
    remote.stats.sessions = 0;
  });

  it('delivers each recipient on its own: one 250 and one 450, only the 450 one is tried again', async () => {
    f = await setup(backend, dns, remote);
    remote.setScript({ rcpt: (a) => (a.startsWith('binh') ? '450 4.2.1 Mailbox busy, try later' : '250 2.1.5 Ok') });
    const id = await queueMessage(f, ['an@remote.test', 'binh@remote.test']);
    expect(await f.worker.runOnce()).toBe(2);
    let e = await f.t.app.queue.get(id);
    expect(states(e)).toEqual({ 'an@remote.test': 'delivered', 'binh@remote.test': 'deferred' });
    const binh = e!.recipients.find((r) => r.recipient === 'binh@remote.test')!;
    expect(binh.lastError).toContain('450 4.2.1 Mailbox busy');
    expect(binh.status).toBe('4.2.1');
    expect(remote.messages).toHaveLength(1);
    expect(remote.messages[0].to).toEqual(['an@remote.test']);
    expect(remote.messages[0].from).toBe(SENDER);
    expect(remote.messages[0].data.toString('utf8')).toContain('Kính gửi đồng chí Nguyễn Văn An');

    remote.setScript({});
    f.advance(5);
    expect(await f.worker.runOnce()).toBe(1);
    e = await f.t.app.queue.get(id);
    expect(states(e)).toEqual({ 'an@remote.test': 'delivered', 'binh@remote.test': 'delivered' });
    expect(e!.state).toBe('done');
    expect(remote.stats.rcpts.get('an@remote.test')).toBe(1);
    expect(remote.stats.rcpts.get('binh@remote.test')).toBe(2);
    expect(remote.messages[1].to).toEqual(['binh@remote.test']);
    expect(await inbox(f)).toHaveLength(0); // nothing to tell the sender
  });

  it('bounces a 5xx recipient with an RFC 3464 report in Vietnamese and English in the sender INBOX', async () => {
    f = await setup(backend, dns, remote);
    remote.setScript({ rcpt: (a) => (a.startsWith('nobody') ? '550 5.1.1 <nobody@remote.test>: Recipient address rejected: User unknown' : '250 2.1.5 Ok') });
    const id = await queueMessage(f, ['an@remote.test', 'nobody@remote.test']);
    await f.worker.runOnce();
    const e = await f.t.app.queue.get(id);
    expect(states(e)).toEqual({ 'an@remote.test': 'delivered', 'nobody@remote.test': 'bounced' });
    expect(e!.state).toBe('done');
    const box = await inbox(f);
    expect(box).toHaveLength(1);
    const raw = box[0].toString('utf8');
    expect(raw).toMatch(/^Content-Type: multipart\/report; report-type=delivery-status; boundary=/m);
    expect(raw).toMatch(/^Auto-Submitted: auto-replied/m);
    const parsed = await simpleParser(box[0]);
    expect(parsed.subject).toBe('Thư không gửi được / Undelivered Mail Returned to Sender');
    expect(parsed.from?.value[0].address).toBe('MAILER-DAEMON@mail.test.local');
    expect(parsed.text).toContain('Rất tiếc, thư của quý vị không gửi được');
    expect(parsed.text).toContain('Your message could not be delivered');
    expect(parsed.text).toContain('nobody@remote.test');
    const parts = reportParts(box[0]);
    expect(parts.map((p) => p.type)).toEqual(['text/plain', 'message/delivery-status', 'text/rfc822-headers']);
    const status = parts[1].body;
    expect(status).toContain('Reporting-MTA: dns; mail.test.local');
    expect(status).toMatch(
      /Final-Recipient: rfc822; nobody@remote\.test\r\nAction: failed\r\nStatus: 5\.1\.1\r\nRemote-MTA: dns; mx\.remote\.test\r\nDiagnostic-Code: smtp; 550 5\.1\.1 <nobody@remote\.test>: Recipient address rejected: User unknown/,
    );
    expect(status).not.toContain('an@remote.test');
    const headers = parts[2].body;
    expect(headers).toMatch(/^From: =\?UTF-8\?B\?/m);
    expect(headers).toContain('To: <an@remote.test>');
    expect(headers).not.toContain('Kính gửi'); // headers only, not the body
  });

  it('queues the bounce for a remote sender from the null sender, and delivers it', async () => {
    f = await setup(backend, dns, remote);
    remote.setScript({ rcpt: (a) => (a.startsWith('nobody') ? '550 5.1.1 User unknown' : '250 2.1.5 Ok') });
    const id = await queueMessage(f, ['nobody@remote.test'], { sender: 'list-owner@remote.test' });
    await f.worker.runOnce();
    expect(states(await f.t.app.queue.get(id))).toEqual({ 'nobody@remote.test': 'bounced' });
    const queued = await f.t.app.queue.list();
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ sender: '', recipients: [expect.objectContaining({ recipient: 'list-owner@remote.test', state: 'queued' })] });
    await f.worker.runOnce();
    expect(remote.messages).toHaveLength(1);
    expect(remote.messages[0].from).toBe(''); // MAIL FROM:<>
    expect(remote.messages[0].to).toEqual(['list-owner@remote.test']);
    expect(deliveryStatus(remote.messages[0].data)).toContain('Final-Recipient: rfc822; nobody@remote.test');
    expect(await f.t.app.queue.list()).toEqual([]);
  });

  it('sends no bounce for a message from the null sender', async () => {
    f = await setup(backend, dns, remote);
    remote.setScript({ rcpt: () => '550 5.1.1 User unknown' });
    const id = await queueMessage(f, ['nobody@remote.test'], { sender: '' });
    await f.worker.runOnce();
    const e = await f.t.app.queue.get(id);
    expect(states(e)).toEqual({ 'nobody@remote.test': 'bounced' });
    expect(e!.state).toBe('done');
    expect(await inbox(f)).toHaveLength(0);
    expect((await f.t.app.queue.list()).length).toBe(0); // and nothing queued back to anyone
  });

  it('bounces a recipient still failing when the lifetime ends, with the last reason', async () => {
    f = await setup(backend, dns, remote, { lifetimeMs: 1 });
    remote.setScript({ rcpt: () => '451 4.3.0 Temporary lookup failure' });
    const id = await queueMessage(f, ['an@remote.test']);
    f.advance(5);
    await f.worker.runOnce();
    const e = await f.t.app.queue.get(id);
    expect(states(e)).toEqual({ 'an@remote.test': 'bounced' });
    expect(e!.recipients[0].lastError).toMatch(/expired.*451 4\.3\.0 Temporary lookup failure/);
    expect(e!.recipients[0].status).toBe('5.3.0');
    expect(deliveryStatus((await inbox(f))[0])).toMatch(/Action: failed\r\nStatus: 5\.3\.0/);
  });

  it('warns the sender once when a message is delayed, then keeps trying', async () => {
    f = await setup(backend, dns, remote, { delayWarningMs: 1 });
    remote.setScript({ rcpt: () => '450 4.2.0 Greylisted, try again later' });
    const id = await queueMessage(f, ['an@remote.test']);
    f.advance(5);
    await f.worker.runOnce();
    f.advance(5);
    await f.worker.runOnce();
    f.advance(5);
    await f.worker.runOnce();
    const e = await f.t.app.queue.get(id);
    expect(states(e)).toEqual({ 'an@remote.test': 'deferred' });
    expect(e!.recipients[0].attempts).toBe(3);
    expect(e!.warnedAt).not.toBeNull();
    const box = await inbox(f);
    expect(box).toHaveLength(1);
    const parsed = await simpleParser(box[0]);
    expect(parsed.subject).toBe('Thư chưa gửi được, đang thử lại / Delayed Mail (still being retried)');
    expect(parsed.text).toContain('KHÔNG cần gửi lại');
    expect(deliveryStatus(box[0])).toMatch(/Action: delayed\r\nStatus: 4\.2\.0\r\n/);
    expect(deliveryStatus(box[0])).toMatch(/Will-Retry-Until: /);
    remote.setScript({});
    f.advance(5);
    await f.worker.runOnce();
    expect(states(await f.t.app.queue.get(id))).toEqual({ 'an@remote.test': 'delivered' });
    expect(await inbox(f)).toHaveLength(1);
  });

  it('bounces a looping message (more Received: headers than outbound.maxHops) without sending it', async () => {
    f = await setup(backend, dns, remote, { maxHops: 5 });
    const hops = Array.from({ length: 6 }, (_, i) => `Received: from hop${i}.test by hop${i + 1}.test; Sat, 28 Nov 2026 09:15:0${i} +0700\r\n`).join('');
    const raw = Buffer.concat([Buffer.from(hops), vietnameseMessage({ from: SENDER, to: 'an@remote.test' })]);
    const id = await queueMessage(f, ['an@remote.test'], { raw });
    await f.worker.runOnce();
    const e = await f.t.app.queue.get(id);
    expect(states(e)).toEqual({ 'an@remote.test': 'bounced' });
    expect(e!.recipients[0].status).toBe('5.4.6');
    expect(e!.recipients[0].lastError).toMatch(/too many hops \(6 Received: headers, limit 5\)/);
    expect(remote.stats.sessions).toBe(0);
    expect(await inbox(f)).toHaveLength(1);
  });

  it('falls back to the A record of a domain without MX', async () => {
    f = await setup(backend, dns, remote);
    const id = await queueMessage(f, ['an@bare.test']);
    await f.worker.runOnce();
    expect(states(await f.t.app.queue.get(id))).toEqual({ 'an@bare.test': 'delivered' });
    expect(remote.messages[0].to).toEqual(['an@bare.test']);
  });

  it('delivers over IPv6 to an MX host that has only an AAAA record', async () => {
    f = await setup(backend, dns, remote);
    const v6 = await startScriptedRemote({}, '::1', remote.port);
    try {
      dns.setRecords({ 'v6.test': { MX: [{ exchange: 'mx6.v6.test', priority: 5 }] }, 'mx6.v6.test': { AAAA: ['::1'] } });
      const id = await queueMessage(f, ['an@v6.test']);
      await f.worker.runOnce();
      expect(states(await f.t.app.queue.get(id))).toEqual({ 'an@v6.test': 'delivered' });
      expect(v6.messages.map((m) => m.to)).toEqual([['an@v6.test']]);
      expect((await f.t.app.queue.get(id))!.recipients[0].remoteMta).toBe(`mx6.v6.test [::1]:${remote.port}`);
    } finally {
      await v6.stop();
    }
  });

  it('bounces mail to a domain with a null MX (RFC 7505) and to a domain that does not exist', async () => {
    f = await setup(backend, dns, remote);
    const id = await queueMessage(f, ['an@nomail.test', 'an@nonexistent.test']);
    await f.worker.runOnce();
    const e = await f.t.app.queue.get(id);
    expect(states(e)).toEqual({ 'an@nomail.test': 'bounced', 'an@nonexistent.test': 'bounced' });
    const byRcpt = Object.fromEntries(e!.recipients.map((r) => [r.recipient, r]));
    expect(byRcpt['an@nomail.test'].status).toBe('5.1.10');
    expect(byRcpt['an@nomail.test'].lastError).toContain('null MX');
    expect(byRcpt['an@nonexistent.test'].status).toBe('5.1.2');
    expect(remote.stats.sessions).toBe(0);
    const box = await inbox(f);
    expect(box).toHaveLength(1); // one bounce for both recipients
    const status = deliveryStatus(box[0]);
    expect(status).toContain('Final-Recipient: rfc822; an@nomail.test');
    expect(status).toContain('Final-Recipient: rfc822; an@nonexistent.test');
  });

  it('defers, not bounces, when the DNS server fails', async () => {
    f = await setup(backend, dns, remote);
    dns.setFailure('servfail');
    try {
      const id = await queueMessage(f, ['an@remote.test']);
      await f.worker.runOnce();
      const e = await f.t.app.queue.get(id);
      expect(states(e)).toEqual({ 'an@remote.test': 'deferred' });
      expect(e!.recipients[0].lastError).toMatch(/DNS lookup failed.*ESERVFAIL/);
    } finally {
      dns.setFailure(null);
    }
  });

  it('sends everything through the relay host when one is configured, without looking up MX', async () => {
    f = await setup(backend, dns, remote, { relayHost: `[127.0.0.1]:${remote.port}`, remotePort: 1 });
    const before = dns.queries.length;
    const id = await queueMessage(f, ['vp@chinhphu.example', 'an@remote.test']);
    await f.worker.runOnce();
    expect(states(await f.t.app.queue.get(id))).toEqual({ 'vp@chinhphu.example': 'delivered', 'an@remote.test': 'delivered' });
    expect(remote.messages).toHaveLength(1); // one transaction for both: one destination
    expect(remote.messages[0].to.sort()).toEqual(['an@remote.test', 'vp@chinhphu.example']);
    expect(dns.queries.length).toBe(before);
  });

  it('uses STARTTLS when the remote offers it (accepting a self-signed certificate)', async () => {
    f = await setup(backend, dns, remote);
    remote.setScript({ starttls: 'ok' });
    const id = await queueMessage(f, ['an@remote.test']);
    await f.worker.runOnce();
    expect(states(await f.t.app.queue.get(id))).toEqual({ 'an@remote.test': 'delivered' });
    expect(remote.messages[0].tls).toBe(true);
    expect(remote.messages[0].helo).toBe('mail.test.local');
  });

  it("signs outgoing mail with the sender domain's DKIM key, and the signature verifies at the remote", async () => {
    f = await setup(backend, dns, remote);
    const key = f.t.app.dkim.keys.create('kontum.gov.vn', { algorithm: 'rsa' });
    const rec = dkimTxtRecord(key);
    dns.setRecords({ [rec.name]: { TXT: [rec.value] } });
    await queueMessage(f, ['an@remote.test']);
    await f.worker.runOnce();
    const got = remote.messages[0].data;
    const sigHeader = got.toString('utf8').split(/\r\n(?![ \t])/)[0];
    expect(sigHeader).toMatch(/^DKIM-Signature: /);
    expect(sigHeader).toMatch(/\bd=kontum\.gov\.vn;/);
    const r = new dnsPromises.Resolver();
    r.setServers([dns.address]);
    const res = await dkimVerify(got, { resolver: (name: string, type: string) => r.resolve(name, type) as never });
    expect(res.results.map((x: { status: { result: string } }) => x.status.result)).toEqual(['pass']);
  });

  it('reuses one session for several messages to the same destination', async () => {
    f = await setup(backend, dns, remote, { concurrency: 1 });
    for (let i = 0; i < 5; i++) await queueMessage(f, [`user${i}@remote.test`]);
    await f.worker.runOnce();
    expect(remote.messages).toHaveLength(5);
    expect(remote.stats.sessions).toBe(1);
  });
});
