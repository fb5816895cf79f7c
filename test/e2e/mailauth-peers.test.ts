// Signing and verification meet: one thutin (kontum.gov.vn) signs its outgoing mail with the key
// `thutin init` would make and publishes SPF, DKIM and DMARC p=reject in a DNS server the test
// runs; another thutin (quangngai.gov.vn) receives it and records spf=pass dkim=pass dmarc=pass.
// A forger sending "From: kontum.gov.vn" from another host to quangngai's MX gets 550 5.7.1.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServers, type RunningServers } from '../../src/server.ts';
import type { ConfigInput } from '../../src/config/config.ts';
import { ensureDkimKeys, dkimTxtRecord } from '../../src/mailauth/keys.ts';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../helpers/harness.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';
import { freePort } from '../helpers/postfix.ts';
import { vietnameseMessage } from '../helpers/servers.ts';

interface Instance {
  t: TestApp;
  servers: RunningServers;
  stop(): Promise<void>;
}

async function startInstance(config: ConfigInput): Promise<Instance> {
  const t = await createTestApp({ config });
  const servers = await startServers(t.app, t.tls);
  return {
    t,
    servers,
    async stop() {
      await servers.close();
      await t.cleanup();
    },
  };
}

async function inbox(i: Instance, address: string): Promise<string[]> {
  const acct = await i.t.app.accounts.byAddress(address);
  const mb = await i.t.app.store.getMailbox(acct!.id, 'INBOX');
  const msgs = await i.t.app.store.listMessages(mb!.id);
  return Promise.all(msgs.map(async (m) => (await i.t.app.store.readBlob(m.sha256)).toString('utf8')));
}

async function waitFor<T>(what: string, f: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('DKIM-signed mail between two thutin instances, verified on arrival', () => {
  let dns: TestDnsServer;
  let kontum: Instance;
  let quangngai: Instance;
  let port: number;
  const AN = 'annv@kontum.gov.vn';
  const HUONG = 'huongttt@quangngai.gov.vn';

  beforeAll(async () => {
    port = await freePort('127.0.0.1');
    dns = await startDnsServer({
      'kontum.gov.vn': { MX: [{ exchange: 'mx.kontum.gov.vn', priority: 10 }], TXT: ['v=spf1 mx -all'] },
      'mx.kontum.gov.vn': { A: ['127.0.0.1'] },
      '_dmarc.kontum.gov.vn': { TXT: ['v=DMARC1; p=reject; rua=mailto:postmaster@kontum.gov.vn'] },
      'quangngai.gov.vn': { MX: [{ exchange: 'mx.quangngai.gov.vn', priority: 10 }] },
      'mx.quangngai.gov.vn': { A: ['127.0.0.2'] },
    });
    const common = (host: string, domain: string, hostname: string): ConfigInput => ({
      hostname,
      domains: { primary: domain },
      dns: { servers: [dns.address] },
      smtp: { host, inboundPort: port },
      outbound: { enabled: true, retryMinMs: 200, retryMaxMs: 500, connectTimeoutMs: 3000, commandTimeoutMs: 5000, remotePort: port },
    });
    kontum = await startInstance(common('127.0.0.1', 'kontum.gov.vn', 'mx.kontum.gov.vn'));
    quangngai = await startInstance(common('127.0.0.2', 'quangngai.gov.vn', 'mx.quangngai.gov.vn'));
    // What `thutin init` does for kontum, and what its administrator then publishes (`thutin dns`).
    const [key] = ensureDkimKeys(kontum.t.app.config);
    const rec = dkimTxtRecord(key);
    dns.setRecords({ [rec.name]: { TXT: [rec.value] } });
    await kontum.t.app.accounts.create(AN, TEST_PASSWORD, 'test');
    await quangngai.t.app.accounts.create(HUONG, TEST_PASSWORD, 'test');
  }, 60_000);
  afterAll(async () => {
    await kontum?.stop();
    await quangngai?.stop();
    await dns?.stop();
  });

  it('records spf=pass dkim=pass dmarc=pass at the receiving thutin', async () => {
    const tr = nodemailer.createTransport({
      host: '127.0.0.1',
      port: kontum.servers.ports.submission,
      secure: false,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
      auth: { user: AN, pass: TEST_PASSWORD },
    });
    try {
      await tr.sendMail({ envelope: { from: AN, to: [HUONG] }, raw: vietnameseMessage({ from: AN, to: HUONG, subject: 'Công văn có chữ ký DKIM' }) });
    } finally {
      tr.close();
    }
    const got = await waitFor('the message at quangngai', async () => (await inbox(quangngai, HUONG))[0]);
    const header = got.split('\r\n\r\n')[0].replace(/\r\n[ \t]+/g, ' ');
    expect(header).toMatch(/^DKIM-Signature: .*d=kontum\.gov\.vn; .*s=thutin/m);
    const ar = /^Authentication-Results: mx\.quangngai\.gov\.vn; .*$/m.exec(header)?.[0] ?? '';
    expect(ar).toMatch(/dkim=pass header\.i=@kontum\.gov\.vn header\.s=thutin/);
    expect(ar).toMatch(/spf=pass .*smtp\.mailfrom=annv@kontum\.gov\.vn/);
    expect(ar).toMatch(/dmarc=pass .*header\.from=kontum\.gov\.vn/);
  });

  it('refuses mail forging kontum.gov.vn from another host with 550 5.7.1', async () => {
    const forger = nodemailer.createTransport({ host: '127.0.0.2', port, secure: false, ignoreTLS: true, localAddress: '127.0.0.3', name: 'mx.evil.test' });
    const err = await forger
      .sendMail({ envelope: { from: AN, to: [HUONG] }, raw: vietnameseMessage({ from: AN, to: HUONG, subject: 'Giả mạo Kon Tum' }) })
      .then(
        () => null,
        (e: { responseCode?: number; response?: string }) => e,
      );
    expect(err?.responseCode).toBe(550);
    expect(err?.response).toMatch(/5\.7\.1 .*DMARC.*kontum\.gov\.vn/);
    expect((await inbox(quangngai, HUONG)).some((m) => m.includes('Giả mạo'))).toBe(false);
  });
});
