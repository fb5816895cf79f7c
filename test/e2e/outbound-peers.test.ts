// Outbound delivery with peers we did not write: two thutin instances with different domains
// exchange mail over loopback, finding each other through a DNS server the test runs (MX →
// A); and Postfix from Debian's package on loopback takes mail from thutin and relays mail to
// thutin. Mail is submitted with nodemailer as a mail client would, and each side's worker
// runs as in `thutin serve`.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import nodemailer from 'nodemailer';
import { simpleParser } from 'mailparser';
import { TEST_PASSWORD } from '../helpers/harness.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';
import { freePort, postfixAvailable, startPostfix, type PostfixInstance } from '../helpers/postfix.ts';
import { AN, FAST_OUTBOUND, HUONG, inbox, startInstance, startPeers, submit, waitFor, type Instance, type Peers } from '../helpers/peers.ts';
import { vietnameseMessage } from '../helpers/servers.ts';
import { missingTool } from '../helpers/tools.ts';

describe('two thutin instances exchange mail through DNS', () => {
  let peers: Peers;
  let kontum: Instance;
  let quangngai: Instance;

  beforeAll(async () => {
    peers = await startPeers();
    ({ kontum, quangngai } = peers);
  }, 60_000);
  afterAll(async () => {
    await peers?.stop();
  });

  it('delivers from one to the other and back, each hop recorded', async () => {
    await submit(kontum, AN, HUONG, 'Công văn gửi Quảng Ngãi');
    const got = await waitFor('the message at quangngai', async () => (await inbox(quangngai, HUONG))[0]);
    const parsed = await simpleParser(got);
    expect(parsed.subject).toBe('Công văn gửi Quảng Ngãi');
    expect(parsed.text).toContain('Kính gửi đồng chí Nguyễn Văn An');
    const header = got.toString('utf8').split('\r\n\r\n')[0];
    // quangngai's inbound MX took it from kontum's worker, which took it from the submission
    expect(header).toMatch(/^Received: from mx\.kontum\.gov\.vn \(\[127\.0\.0\.1\]\)\r\n\tby mx\.quangngai\.gov\.vn \(thutin\)/m);
    expect(header).toMatch(/\tby mx\.kontum\.gov\.vn \(thutin\) with ESMTPSA/);
    await waitFor('the queue entry to finish', async () => (await kontum.t.app.queue.list()).length === 0);

    await submit(quangngai, HUONG, AN, 'Trả lời: đã nhận công văn');
    const back = await waitFor('the reply at kontum', async () => (await inbox(kontum, AN))[0]);
    expect((await simpleParser(back)).subject).toBe('Trả lời: đã nhận công văn');
  });

  it('bounces to the sender when the other side refuses an unknown user', async () => {
    await submit(kontum, AN, 'khongco@quangngai.gov.vn', 'Gửi nhầm địa chỉ');
    const bounce = await waitFor('the bounce', async () => (await inbox(kontum, AN)).find((m) => m.toString().includes('report-type=delivery-status')));
    const raw = bounce.toString('utf8');
    expect(raw).toContain('Final-Recipient: rfc822; khongco@quangngai.gov.vn');
    expect(raw).toMatch(/Status: 5\.1\.1/);
    expect(raw).toContain('Remote-MTA: dns; mx.quangngai.gov.vn');
  });
});

describe.skipIf(missingTool('/usr/sbin/postfix', 'thutin and Postfix deliver to each other'))('thutin and Postfix deliver to each other', () => {
  let dns: TestDnsServer;
  let postfix: PostfixInstance;
  let thutin: Instance;

  beforeAll(async () => {
    // A missing peer fails the suite rather than skipping it: .ci/run installs Postfix and runs as root.
    if (!postfixAvailable()) throw new Error('Postfix (Debian package) and root are needed for this test; .ci/run installs it');
    const inbound = await freePort();
    postfix = await startPostfix({ domain: 'postfix.test', relay: { 'kontum.gov.vn': `127.0.0.1:${inbound}` } });
    dns = await startDnsServer({
      'postfix.test': { MX: [{ exchange: 'mx.postfix.test', priority: 10 }] },
      'mx.postfix.test': { A: ['127.0.0.1'] },
    });
    thutin = await startInstance({
      hostname: 'mx.kontum.gov.vn',
      dns: { servers: [dns.address] },
      smtp: { inboundPort: inbound },
      outbound: { ...FAST_OUTBOUND, remotePort: postfix.port },
    });
    await thutin.t.app.accounts.create(AN, TEST_PASSWORD, 'test');
  }, 60_000);
  afterAll(async () => {
    await thutin?.stop();
    await postfix?.stop();
    await dns?.stop();
  });

  it('thutin delivers to Postfix (MX through the DNS), Postfix stores it', async () => {
    await submit(thutin, AN, 'vanthu@postfix.test', 'Gửi tới Postfix');
    const msg = await waitFor('Postfix to store the message', async () => postfix.maildir()[0]);
    const parsed = await simpleParser(msg);
    expect(parsed.subject).toBe('Gửi tới Postfix');
    expect(msg.toString('utf8')).toMatch(/^Return-Path: <annv@kontum\.gov\.vn>/m);
    expect(msg.toString('utf8')).toMatch(/^Received: from mx\.kontum\.gov\.vn \(\S+ \[127\.0\.0\.1\]\)\s+by mx\.postfix\.test \(Postfix\)/m);
    await waitFor('the queue entry to finish', async () => (await thutin.t.app.queue.list()).length === 0);
  });

  it('Postfix relays to thutin, which files it in the INBOX', async () => {
    const tr = nodemailer.createTransport({ host: '127.0.0.1', port: postfix.port, secure: false, ignoreTLS: true });
    await tr.sendMail({ envelope: { from: 'vanthu@postfix.test', to: [AN] }, raw: vietnameseMessage({ from: 'vanthu@postfix.test', to: AN, subject: 'Postfix gửi thutin' }) });
    tr.close();
    const msg = await waitFor('thutin to store the message', async () => (await inbox(thutin, AN)).find((m) => m.toString().includes('Postfix')));
    expect((await simpleParser(msg)).subject).toBe('Postfix gửi thutin');
    expect(msg.toString('utf8')).toMatch(/by mx\.postfix\.test \(Postfix\)/);
  });
});
