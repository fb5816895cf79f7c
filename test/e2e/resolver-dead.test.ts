// Issue 8: a DNS server that never answers (an isolated government network) must not cost every
// inbound message the resolver's timeout. Twenty signed messages from one sender domain go to the
// MX over SMTP while the test DNS server is silent: the first ones' lookups time out upstream,
// the breaker opens, and from then on the DNS server receives no query at all — each message is
// verified at once, `temperror` in Authentication-Results, and accepted. When the DNS server
// answers again (and the breaker's time is over, on the resolver's injected clock) it is used
// again: pass results. Counted in queries the DNS server received, never in wall time.
import crypto from 'node:crypto';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_PASSWORD } from '../helpers/harness.ts';
import { imapClient, type Running } from '../helpers/servers.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';
import { startServers } from '../../src/server.ts';
import { createResolver, type CachingResolver } from '../../src/net/resolver.ts';
import { dkimTxtRecord } from '../../src/mailauth/keys.ts';

const key = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

function zone() {
  const dk = dkimTxtRecord({ domain: 'gialai.test', selector: 's1', algorithm: 'rsa', privateKeyPem: key });
  return {
    'gialai.test': { TXT: ['v=spf1 ip4:127.0.0.1 -all'] },
    [dk.name]: { TXT: [dk.value] },
    '_dmarc.gialai.test': { TXT: ['v=DMARC1; p=reject'] },
  };
}

function authResults(source: string): string {
  const m = /^Authentication-Results: [\s\S]*?\r\n(?=\S)/m.exec(source);
  return m ? m[0].replace(/\r\n[ \t]+/g, ' ') : '';
}

describe('inbound mail with a DNS server that never answers', () => {
  let dns: TestDnsServer;
  let r: Running;
  let resolver: CachingResolver;
  let an: string;
  let now = Date.UTC(2026, 11, 1, 8, 0);

  beforeAll(async () => {
    dns = await startDnsServer(zone());
    const t = await createTestApp({
      config: {
        // One short try per query: the silent server costs the first messages little real time.
        dns: { servers: [dns.address], timeoutMs: 150, tries: 1 },
        smtp: { inboundStages: ['size', 'loop', 'auth', 'dmarc'], stageTimeoutMs: 5000 },
      },
    });
    // The App's one resolver, made here first so that it runs on the test's clock.
    resolver = createResolver(t.app.config, { now: () => now });
    const servers = await startServers(t.app, t.tls);
    r = {
      ...t,
      servers,
      user: async (local) => (await t.app.accounts.create(`${local}@kontum.gov.vn`, TEST_PASSWORD, 'test')).username,
      stop: async () => {
        await servers.close();
        await t.cleanup();
      },
    };
    an = await r.user('annv');
  });
  afterAll(async () => {
    await r?.stop();
    await dns?.stop();
  });

  const send = (subject: string) =>
    nodemailer
      .createTransport({
        host: '127.0.0.1',
        port: r.servers.ports.smtp,
        secure: false,
        ignoreTLS: true,
        name: 'mx.gialai.test',
        dkim: { domainName: 'gialai.test', keySelector: 's1', privateKey: key },
      })
      .sendMail({ envelope: { from: 'vanthu@gialai.test', to: an }, from: 'Văn thư Gia Lai <vanthu@gialai.test>', to: an, subject, text: 'Kính gửi Sở Nội vụ.' });

  async function inbox(): Promise<Map<string, string>> {
    const c = imapClient(r, an);
    await c.connect();
    try {
      await c.mailboxOpen('INBOX');
      const out = new Map<string, string>();
      for await (const m of c.fetch('1:*', { source: true, envelope: true })) out.set(m.envelope!.subject!, m.source!.toString());
      return out;
    } finally {
      await c.logout();
    }
  }

  it('accepts 20 messages from one domain with temperror; once the breaker is open the DNS server gets no query', async () => {
    dns.setFailure('drop');
    const queriesAfter: number[] = [];
    let openedAt = -1;
    try {
      for (let i = 1; i <= 20; i++) {
        const info = await send(`Công văn số ${i}/UBND`);
        expect(info.accepted).toEqual([an]);
        queriesAfter.push(dns.queries.length);
        if (openedAt < 0 && resolver.state === 'open') openedAt = i;
      }
    } finally {
      dns.setFailure(null);
    }
    // The lookups of the first message time out together and open the breaker.
    expect(openedAt).toBeGreaterThan(0);
    expect(openedAt).toBeLessThanOrEqual(2);
    const sentBeforeOpen = queriesAfter[openedAt - 1];
    expect(sentBeforeOpen).toBeGreaterThanOrEqual(3);
    expect(sentBeforeOpen).toBeLessThanOrEqual(8);
    // Every later message: not one query (20 messages without the breaker: 20 × the first's).
    expect(queriesAfter.at(-1)).toBe(sentBeforeOpen);
    expect(resolver.stats.upstream).toBe(sentBeforeOpen);
    expect(resolver.stats.shortCircuited + resolver.stats.hits).toBeGreaterThanOrEqual((20 - openedAt) * 3);

    const box = await inbox();
    expect(box.size).toBe(20);
    for (const [subject, src] of box) {
      expect(authResults(src), subject).toMatch(/spf=temperror/);
      expect(authResults(src), subject).toMatch(/dmarc=temperror/);
    }
  });

  it('uses the DNS server again once it answers and the breaker has probed it: pass results', async () => {
    expect(resolver.state).toBe('open');
    const before = dns.queries.length;
    now += 30_000; // dns.breakerOpenMs (and dns.failureTtlMs: the cached timeouts are over too)
    expect(resolver.state).toBe('half-open');
    await send('Công văn sau khi DNS trả lời lại');
    expect(resolver.state).toBe('closed');
    expect(dns.queries.slice(before)).toEqual(expect.arrayContaining(['TXT gialai.test', 'TXT _dmarc.gialai.test', 'TXT s1._domainkey.gialai.test']));
    const src = (await inbox()).get('Công văn sau khi DNS trả lời lại')!;
    expect(authResults(src)).toMatch(/dkim=pass header\.i=@gialai\.test/);
    expect(authResults(src)).toMatch(/spf=pass /);
    expect(authResults(src)).toMatch(/dmarc=pass /);
    // And the answers are cached now: another message costs no query.
    const after = dns.queries.length;
    await send('Công văn tiếp theo');
    expect(dns.queries.length).toBe(after);
    expect(authResults((await inbox()).get('Công văn tiếp theo')!)).toMatch(/dmarc=pass /);
  });
});
