// Inbound mail authentication end to end: real senders (nodemailer with its own DKIM signer,
// Python's smtplib with dkimpy's ARC sealer) deliver to the MX while the system resolves SPF,
// DKIM, DMARC and ARC records through a DNS server the test runs; the recipient reads the
// `Authentication-Results:` header over IMAP. p=reject is refused at end of DATA (nothing
// stored), p=quarantine lands in Junk, the dmarc stage can be removed, and DNS trouble gives
// temperror without refusing or stalling the message (answers cached before it still serve).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/harness.ts';
import { imapClient, startTestServers, type Running } from '../helpers/servers.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';
import { dkimTxtRecord } from '../../src/mailauth/keys.ts';
import { missingTool } from '../helpers/tools.ts';

const run = promisify(execFile);

function rsaKey(): string {
  return crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

const gialaiKey = rsaKey();
const fwdKey = rsaKey();

/** The sender side of the world: three domains with SPF/DKIM/DMARC, a forwarder that seals ARC. */
function senderZone() {
  const dk = dkimTxtRecord({ domain: 'gialai.test', selector: 's1', algorithm: 'rsa', privateKeyPem: gialaiKey });
  const arc = dkimTxtRecord({ domain: 'fwd.test', selector: 'arc', algorithm: 'rsa', privateKeyPem: fwdKey });
  return {
    'gialai.test': { TXT: ['v=spf1 ip4:127.0.0.1 -all'] },
    [dk.name]: { TXT: [dk.value] },
    '_dmarc.gialai.test': { TXT: ['v=DMARC1; p=reject; rua=mailto:dmarc@gialai.test'] },
    'nganhang.test': { TXT: ['v=spf1 ip4:192.0.2.1 -all'] },
    '_dmarc.nganhang.test': { TXT: ['v=DMARC1; p=reject'] },
    'canhbao.test': { TXT: ['v=spf1 ip4:192.0.2.1 -all'] },
    '_dmarc.canhbao.test': { TXT: ['v=DMARC1; p=quarantine'] },
    'fwd.test': { TXT: ['v=spf1 ip4:127.0.0.1 -all'] },
    [arc.name]: { TXT: [arc.value] },
  };
}

function transport(r: Running, dkim = true) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: r.servers.ports.smtp,
    secure: false,
    ignoreTLS: true,
    name: 'mx.gialai.test',
    ...(dkim ? { dkim: { domainName: 'gialai.test', keySelector: 's1', privateKey: gialaiKey } } : {}),
  });
}

async function fetchAll(r: Running, user: string, mailbox = 'INBOX'): Promise<string[]> {
  const c = imapClient(r, user);
  await c.connect();
  try {
    const box = await c.mailboxOpen(mailbox);
    if (!box.exists) return [];
    const out: string[] = [];
    for await (const m of c.fetch('1:*', { source: true })) out.push(m.source!.toString());
    return out;
  } finally {
    await c.logout();
  }
}

function authResults(source: string): string {
  const m = /^Authentication-Results: [\s\S]*?\r\n(?=\S)/m.exec(source);
  return m ? m[0].replace(/\r\n[ \t]+/g, ' ') : '';
}

function blobCount(dataDir: string): number {
  const root = path.join(dataDir, 'blobs');
  if (!fs.existsSync(root)) return 0;
  return fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && /^[0-9a-f]{64}$/.test(e.name)).length;
}

describe.each(backends())('inbound SPF, DKIM, DMARC and ARC (%s)', (backend) => {
  let dns: TestDnsServer;
  let r: Running;
  let an: string;
  beforeAll(async () => {
    dns = await startDnsServer(senderZone());
    r = await startTestServers({ backend, config: { dns: { servers: [dns.address] }, smtp: { inboundStages: ['size', 'loop', 'auth', 'dmarc'] } } });
    an = await r.user('annv');
  });
  afterAll(async () => {
    await r?.stop();
    await dns?.stop();
  });

  it('records spf=pass dkim=pass dmarc=pass for a signed message from a permitted host, read over IMAP', async () => {
    await transport(r).sendMail({
      envelope: { from: 'vanthu@gialai.test', to: an },
      from: 'Văn thư Gia Lai <vanthu@gialai.test>',
      to: an,
      subject: 'Công văn số 12/UBND',
      text: 'Kính gửi Sở Nội vụ tỉnh Kon Tum.',
    });
    const [msg] = await fetchAll(r, an);
    // The fields the auth stage adds are at the top (RFC 8601 §5, RFC 7208 §9.1), then our Received.
    expect(msg).toMatch(/^(Received-SPF|Authentication-Results): /);
    expect(msg).toMatch(/\r\nReceived: from /);
    expect(msg.indexOf('Authentication-Results:')).toBeLessThan(msg.indexOf('\r\nReceived: from '));
    const ar = authResults(msg);
    expect(ar).toMatch(/^Authentication-Results: mail\.test\.local;/);
    expect(ar).toMatch(/dkim=pass header\.i=@gialai\.test header\.s=s1/);
    expect(ar).toMatch(/spf=pass .*smtp\.mailfrom=vanthu@gialai\.test/);
    expect(ar).toMatch(/dmarc=pass .*header\.from=gialai\.test/);
    expect(msg).toMatch(/^Received-SPF: pass/m);
  });

  it("removes Authentication-Results fields forged with our authserv-id, keeps other hosts' ones", async () => {
    await transport(r, false).sendMail({
      envelope: { from: 'vanthu@quangnam.test', to: an },
      from: 'vanthu@quangnam.test',
      to: an,
      subject: 'Forged results',
      text: 'x',
      headers: [
        { key: 'Authentication-Results', value: 'mail.test.local; spf=pass; dkim=pass header.d=kontum.gov.vn; dmarc=pass' },
        { key: 'Authentication-Results', value: 'relay.quangnam.test; spf=pass smtp.mailfrom=quangnam.test' },
      ],
    });
    const msg = (await fetchAll(r, an)).find((m) => m.includes('Subject: Forged results'))!;
    const header = msg.slice(0, msg.indexOf('\r\n\r\n'));
    const ours = header.match(/^Authentication-Results: mail\.test\.local;/gim) ?? [];
    expect(ours).toHaveLength(1);
    expect(authResults(msg)).toMatch(/dmarc=none/);
    expect(header).toMatch(/^Authentication-Results: relay\.quangnam\.test; spf=pass/m);
    expect(msg).toMatch(/\r\n\r\nx\r?\n?$/);
  });

  it('refuses a forged From of a p=reject domain with 550 5.7.1 at end of DATA and stores nothing', async () => {
    const before = blobCount(r.dataDir);
    const err = await transport(r, false)
      .sendMail({ envelope: { from: 'spoof@evil.test', to: an }, from: 'Ngân hàng <canhbao@nganhang.test>', to: an, subject: 'Xác minh tài khoản', text: 'Bấm vào đây.' })
      .then(
        () => null,
        (e: { responseCode?: number; response?: string }) => e,
      );
    expect(err?.responseCode).toBe(550);
    expect(err?.response).toMatch(/5\.7\.1 .*DMARC/);
    expect((await fetchAll(r, an)).some((m) => m.includes('nganhang.test'))).toBe(false);
    expect(blobCount(r.dataDir)).toBe(before);
  });

  it('delivers a DMARC failure of a p=quarantine domain to Junk', async () => {
    await transport(r, false).sendMail({ envelope: { from: 'x@evil.test', to: an }, from: 'tb@canhbao.test', to: an, subject: 'Cảnh báo', text: 'Nội dung.' });
    const junk = await fetchAll(r, an, 'Junk');
    expect(junk).toHaveLength(1);
    expect(authResults(junk[0])).toMatch(/dmarc=fail/);
  });

  it.skipIf(missingTool('dkim', 'ARC chain sealed by dkimpy') || missingTool('authres', 'ARC chain sealed by dkimpy'))('verifies an ARC chain sealed by a forwarder (dkimpy): arc=pass', async () => {
    // A mailing list at fwd.test changed the subject (so any DKIM signature of the author breaks)
    // and sealed what it had seen with ARC; dkimpy writes the seal, smtplib sends it.
    const py = `
import os, sys, smtplib, dkim
msg = ("Authentication-Results: fwd.test; spf=pass smtp.mailfrom=vanthu@quangnam.test\\r\\n"
       "From: Van thu Quang Nam <vanthu@quangnam.test>\\r\\n"
       "To: ${an}\\r\\n"
       "Subject: [ds-tinh] Thong bao hop\\r\\n"
       "Date: Sun, 29 Nov 2026 08:00:00 +0700\\r\\n"
       "Message-ID: <arc-1@quangnam.test>\\r\\n"
       "\\r\\n"
       "Noi dung thong bao.\\r\\n").encode()
seal = dkim.arc_sign(msg, b"arc", b"fwd.test", os.environ["ARC_KEY"].encode(), b"fwd.test")
sealed = b"".join(seal) + msg
s = smtplib.SMTP("127.0.0.1", ${r.servers.ports.smtp})
s.ehlo("mx.fwd.test")
s.sendmail("bounce@fwd.test", ["${an}"], sealed)
s.quit()
`;
    await run('/usr/bin/python3', ['-c', py], { env: { ...process.env, ARC_KEY: fwdKey }, timeout: 20000 });
    const msg = (await fetchAll(r, an)).find((m) => m.includes('arc-1@quangnam.test'))!;
    expect(msg).toBeDefined();
    expect(authResults(msg)).toMatch(/arc=pass/);
  });

  it('gives temperror and still delivers when the DNS server answers SERVFAIL; answers cached before still serve', async () => {
    // daklak.test was never asked for (SERVFAIL reaches it); gialai.test's records are cached.
    dns.setRecords({ 'daklak.test': { TXT: ['v=spf1 ip4:127.0.0.1 -all'] }, '_dmarc.daklak.test': { TXT: ['v=DMARC1; p=reject'] } });
    dns.setFailure('servfail');
    try {
      await transport(r, false).sendMail({ envelope: { from: 'vanthu@daklak.test', to: an }, from: 'vanthu@daklak.test', to: an, subject: 'SERVFAIL', text: 'x' });
      await transport(r).sendMail({ envelope: { from: 'vanthu@gialai.test', to: an }, from: 'vanthu@gialai.test', to: an, subject: 'SERVFAIL cached', text: 'x' });
    } finally {
      dns.setFailure(null);
    }
    const all = await fetchAll(r, an);
    const msg = all.find((m) => m.includes('Subject: SERVFAIL\r\n'))!;
    expect(authResults(msg)).toMatch(/spf=temperror/);
    expect(authResults(msg)).toMatch(/dmarc=temperror/);
    const cached = all.find((m) => m.includes('Subject: SERVFAIL cached'))!;
    expect(authResults(cached)).toMatch(/spf=pass .*dmarc=pass/);
  });
});

describe('inbound authentication without the dmarc stage, and with a silent DNS server', () => {
  let dns: TestDnsServer;
  let r: Running;
  let an: string;
  beforeAll(async () => {
    dns = await startDnsServer(senderZone());
    r = await startTestServers({ config: { dns: { servers: [dns.address] }, smtp: { inboundStages: ['size', 'loop', 'auth'], stageTimeoutMs: 3000 } } });
    an = await r.user('annv');
  });
  afterAll(async () => {
    await r?.stop();
    await dns?.stop();
  });

  it('accepts a DMARC failure of a p=reject domain, recorded as dmarc=fail', async () => {
    await transport(r, false).sendMail({ envelope: { from: 'spoof@evil.test', to: an }, from: 'canhbao@nganhang.test', to: an, subject: 'Giả mạo', text: 'x' });
    const [msg] = await fetchAll(r, an);
    expect(authResults(msg)).toMatch(/dmarc=fail/);
    expect(authResults(msg)).toMatch(/spf=(none|fail|softfail)/);
  });

  it('does not wait for a DNS server that never answers: temperror within the stage time, message accepted', async () => {
    dns.setFailure('drop');
    try {
      await transport(r).sendMail({ envelope: { from: 'vanthu@gialai.test', to: an }, from: 'vanthu@gialai.test', to: an, subject: 'DROP', text: 'x' });
    } finally {
      dns.setFailure(null);
    }
    const msg = (await fetchAll(r, an)).find((m) => m.includes('Subject: DROP'))!;
    expect(authResults(msg)).toMatch(/temperror/);
  });

  it('gives temperror and delivers when the DNS server is down (its port closed)', async () => {
    await dns.stop();
    await transport(r).sendMail({ envelope: { from: 'vanthu@gialai.test', to: an }, from: 'vanthu@gialai.test', to: an, subject: 'DOWN', text: 'x' });
    const msg = (await fetchAll(r, an)).find((m) => m.includes('Subject: DOWN'))!;
    expect(authResults(msg)).toMatch(/spf=temperror/);
    expect(authResults(msg)).toMatch(/dmarc=temperror/);
  });
});
