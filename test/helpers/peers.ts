// Fixture for tests where thutin meets other mail servers over loopback: a running thutin
// instance (app + listeners), mail submission and INBOX reading, waiting, and `startPeers` —
// two thutin instances that find each other through the test DNS server (dns-server.ts):
// kontum.gov.vn (MX mx.kontum.gov.vn → 127.0.0.1) and quangngai.gov.vn (MX mx.quangngai.gov.vn
// → 127.0.0.2), the same SMTP port on both addresses, as MX hosts on port 25 in the world.
import nodemailer from 'nodemailer';
import { startServers, type RunningServers } from '../../src/server.ts';
import type { ConfigInput } from '../../src/config/config.ts';
import { createTestApp, TEST_PASSWORD, type TestApp } from './harness.ts';
import { startDnsServer, type TestDnsServer, type Zone } from './dns-server.ts';
import { freePort } from './postfix.ts';
import { vietnameseMessage } from './servers.ts';

export interface Instance {
  t: TestApp;
  servers: RunningServers;
  stop(): Promise<void>;
}

export async function startInstance(config: ConfigInput): Promise<Instance> {
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

/** Outbound settings that retry and time out quickly (delivery enabled). */
export const FAST_OUTBOUND: ConfigInput['outbound'] = { enabled: true, retryMinMs: 200, retryMaxMs: 500, connectTimeoutMs: 3000, commandTimeoutMs: 5000 };

/** Submit a message as a mail client would (port 587, STARTTLS, AUTH as `from`). */
export async function submit(i: Instance, from: string, to: string, subject: string): Promise<void> {
  const tr = nodemailer.createTransport({
    host: i.t.app.config.smtp.host,
    port: i.servers.ports.submission,
    secure: false,
    requireTLS: true,
    tls: { rejectUnauthorized: false },
    auth: { user: from, pass: TEST_PASSWORD },
  });
  try {
    await tr.sendMail({ envelope: { from, to: [to] }, raw: vietnameseMessage({ from, to, subject }) });
  } finally {
    tr.close();
  }
}

export async function waitFor<T>(what: string, f: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The messages in an account's INBOX, as stored. */
export async function inbox(i: Instance, address: string): Promise<Buffer[]> {
  const acct = await i.t.app.accounts.byAddress(address);
  const mb = await i.t.app.store.getMailbox(acct!.id, 'INBOX');
  const msgs = await i.t.app.store.listMessages(mb!.id);
  return Promise.all(msgs.map((m) => i.t.app.store.readMessage(m)));
}

export const AN = 'annv@kontum.gov.vn';
export const HUONG = 'huongttt@quangngai.gov.vn';

export interface Peers {
  dns: TestDnsServer;
  /** The SMTP port both instances listen on (inbound) and deliver to (outbound). */
  port: number;
  /** kontum.gov.vn on 127.0.0.1, with the account AN. */
  kontum: Instance;
  /** quangngai.gov.vn on 127.0.0.2, with the account HUONG. */
  quangngai: Instance;
  stop(): Promise<void>;
}

/** Start the DNS server and the two instances. `records` adds to the names' records (e.g. a TXT
 *  record at kontum.gov.vn beside its MX) or adds names. */
export async function startPeers(records: Zone = {}): Promise<Peers> {
  const port = await freePort('127.0.0.1');
  const zone: Zone = {
    'kontum.gov.vn': { MX: [{ exchange: 'mx.kontum.gov.vn', priority: 10 }] },
    'mx.kontum.gov.vn': { A: ['127.0.0.1'] },
    'quangngai.gov.vn': { MX: [{ exchange: 'mx.quangngai.gov.vn', priority: 10 }] },
    'mx.quangngai.gov.vn': { A: ['127.0.0.2'] },
  };
  for (const [name, recs] of Object.entries(records)) zone[name] = recs && { ...zone[name], ...recs };
  const dns = await startDnsServer(zone);
  const common = (host: string, domain: string, hostname: string): ConfigInput => ({
    hostname,
    domains: { primary: domain },
    dns: { servers: [dns.address] },
    smtp: { host, inboundPort: port },
    outbound: { ...FAST_OUTBOUND, remotePort: port },
  });
  let kontum: Instance | undefined;
  let quangngai: Instance | undefined;
  const stop = async () => {
    await kontum?.stop();
    await quangngai?.stop();
    await dns.stop();
  };
  try {
    kontum = await startInstance(common('127.0.0.1', 'kontum.gov.vn', 'mx.kontum.gov.vn'));
    quangngai = await startInstance(common('127.0.0.2', 'quangngai.gov.vn', 'mx.quangngai.gov.vn'));
    await kontum.t.app.accounts.create(AN, TEST_PASSWORD, 'test');
    await quangngai.t.app.accounts.create(HUONG, TEST_PASSWORD, 'test');
  } catch (e) {
    await stop();
    throw e;
  }
  return { dns, port, kontum, quangngai, stop };
}
