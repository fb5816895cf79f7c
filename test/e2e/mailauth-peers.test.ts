// Signing and verification meet: one thutin (kontum.gov.vn) signs its outgoing mail with the key
// `thutin init` would make and publishes SPF, DKIM and DMARC p=reject in a DNS server the test
// runs; another thutin (quangngai.gov.vn) receives it and records spf=pass dkim=pass dmarc=pass.
// A forger sending "From: kontum.gov.vn" from another host to quangngai's MX gets 550 5.7.1.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDkimKeys, dkimTxtRecord } from '../../src/mailauth/keys.ts';
import { AN, HUONG, inbox, startPeers, submit, waitFor, type Instance, type Peers } from '../helpers/peers.ts';
import { vietnameseMessage } from '../helpers/servers.ts';

async function inboxText(i: Instance, address: string): Promise<string[]> {
  return (await inbox(i, address)).map((m) => m.toString('utf8'));
}

describe('DKIM-signed mail between two thutin instances, verified on arrival', () => {
  let peers: Peers;

  beforeAll(async () => {
    peers = await startPeers({
      'kontum.gov.vn': { TXT: ['v=spf1 mx -all'] },
      '_dmarc.kontum.gov.vn': { TXT: ['v=DMARC1; p=reject; rua=mailto:postmaster@kontum.gov.vn'] },
    });
    // What `thutin init` does for kontum, and what its administrator then publishes (`thutin dns`).
    const [key] = ensureDkimKeys(peers.kontum.t.app.config);
    const rec = dkimTxtRecord(key);
    peers.dns.setRecords({ [rec.name]: { TXT: [rec.value] } });
  }, 60_000);
  afterAll(async () => {
    await peers?.stop();
  });

  it('records spf=pass dkim=pass dmarc=pass at the receiving thutin', async () => {
    await submit(peers.kontum, AN, HUONG, 'Công văn có chữ ký DKIM');
    const got = await waitFor('the message at quangngai', async () => (await inboxText(peers.quangngai, HUONG))[0]);
    const header = got.split('\r\n\r\n')[0].replace(/\r\n[ \t]+/g, ' ');
    expect(header).toMatch(/^DKIM-Signature: .*d=kontum\.gov\.vn; .*s=thutin/m);
    const ar = /^Authentication-Results: mx\.quangngai\.gov\.vn; .*$/m.exec(header)?.[0] ?? '';
    expect(ar).toMatch(/dkim=pass header\.i=@kontum\.gov\.vn header\.s=thutin/);
    expect(ar).toMatch(/spf=pass .*smtp\.mailfrom=annv@kontum\.gov\.vn/);
    expect(ar).toMatch(/dmarc=pass .*header\.from=kontum\.gov\.vn/);
  });

  it('refuses mail forging kontum.gov.vn from another host with 550 5.7.1', async () => {
    const forger = nodemailer.createTransport({ host: '127.0.0.2', port: peers.port, secure: false, ignoreTLS: true, localAddress: '127.0.0.3', name: 'mx.evil.test' });
    const err = await forger.sendMail({ envelope: { from: AN, to: [HUONG] }, raw: vietnameseMessage({ from: AN, to: HUONG, subject: 'Giả mạo Kon Tum' }) }).then(
      () => null,
      (e: { responseCode?: number; response?: string }) => e,
    );
    expect(err?.responseCode).toBe(550);
    expect(err?.response).toMatch(/5\.7\.1 .*DMARC.*kontum\.gov\.vn/);
    expect((await inboxText(peers.quangngai, HUONG)).some((m) => m.includes('Giả mạo'))).toBe(false);
  });
});
