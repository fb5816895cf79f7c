// Stage `auth`'s input: a message without DKIM or ARC signatures is verified from its header
// section alone, with the very results (Received-SPF and Authentication-Results, SPF, DMARC) the
// whole message gives; a signed one is read whole from the store, and its signature passes, also
// when the signature field's name is written as only mailauth still takes it for one.
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dkimSign } from 'mailauth';
import { ingested } from '../testing/ingested.ts';
import { lookupWithDeadline, verifyMessage } from '../../mailauth/verify.ts';
import { createResolver } from '../../net/resolver.ts';
import { startDnsServer, type TestDnsServer } from '../../../test/helpers/dns-server.ts';
import { verificationInput } from './authenticity.ts';

const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const pubB64 = (publicKey.export({ type: 'spki', format: 'der' }) as Buffer).toString('base64');

function message(extra = ''): Buffer {
  const body = 'Kính gửi anh chị,\r\n\r\nBáo cáo tháng 12 gửi kèm.\r\n'.repeat(40);
  return Buffer.from(
    `Received: from mx.gui.test (mx.gui.test [127.0.0.1]) by mail.kontum.gov.vn with ESMTP id ABC; Mon, 7 Dec 2026 04:00:00 +0700\r\n${extra}From: Người gửi <nguoi@gui.test>\r\nTo: an@kontum.gov.vn\r\nSubject: =?UTF-8?B?QsOhbyBjw6Fv?=\r\nDate: Mon, 7 Dec 2026 04:00:00 +0700\r\nMessage-ID: <m1@gui.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}`,
    'utf8',
  );
}

describe('stage auth: what mailauth reads', () => {
  let dns: TestDnsServer;
  let lookup: () => ReturnType<typeof lookupWithDeadline>;
  beforeAll(async () => {
    dns = await startDnsServer({
      'gui.test': { TXT: ['v=spf1 ip4:127.0.0.0/8 -all'] },
      '_dmarc.gui.test': { TXT: ['v=DMARC1; p=reject'] },
      'k1._domainkey.gui.test': { TXT: [`v=DKIM1; k=rsa; p=${pubB64}`] },
    });
    const resolver = createResolver({ dns: { servers: [dns.address] } });
    lookup = () => lookupWithDeadline(resolver, { perLookupMs: 2000, totalMs: 5000 });
  });
  afterAll(() => dns.stop());

  const opts = () => ({ ip: '127.0.0.1', helo: 'mx.gui.test', sender: 'nguoi@gui.test', hostname: 'mail.kontum.gov.vn', lookup: lookup() });

  it('verifies an unsigned message from its header section, with the same results as the whole message', async () => {
    const raw = message();
    const content = ingested(raw);
    let opened = 0;
    const input = verificationInput({ content, open: () => (opened++, Readable.from([raw])) });
    expect(Buffer.isBuffer(input)).toBe(true);
    expect(opened).toBe(0);
    expect((input as Buffer).length).toBe(content.index.headerSize);
    const fromHeader = await verifyMessage(input, opts());
    const fromWhole = await verifyMessage(raw, opts());
    expect(fromHeader).toEqual(fromWhole);
    expect(fromHeader).toMatchObject({ spf: 'pass', dkim: 'none', dmarc: 'pass', arc: 'none', fromDomain: 'gui.test' });
  });

  it('reads a signed message whole: its DKIM signature passes', async () => {
    const unsigned = message();
    const key = { signingDomain: 'gui.test', selector: 'k1', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, algorithm: 'rsa-sha256', canonicalization: 'relaxed/relaxed' };
    const signed = await dkimSign(unsigned, { ...key, signatureData: [key] });
    expect(signed.signatures).toMatch(/^DKIM-Signature:/);
    const raw = Buffer.concat([Buffer.from(signed.signatures.trim() + '\r\n'), unsigned]);
    let opened = 0;
    const input = verificationInput({ content: ingested(raw), open: () => (opened++, Readable.from([raw])) });
    expect(Buffer.isBuffer(input)).toBe(false);
    expect(opened).toBe(1);
    const outcome = await verifyMessage(input, opts());
    expect(outcome).toMatchObject({ spf: 'pass', dkim: 'pass', dmarc: 'pass' });
  });

  it('reads the whole message when a signature field is named as only mailauth still reads it', () => {
    // mailauth names a field by the text before its colon trimmed of any white space: each of
    // these is a signature to it, whose body hash must be computed over the real body.
    for (const field of ['DKIM-Signature\xa0: v=1; d=gui.test', ' ARC-Seal: i=1', 'ARC-Message-Signature\r\n : i=1', 'DKIM-Signature']) {
      const raw = Buffer.concat([Buffer.from(`${field}\r\n`, 'latin1'), message()]);
      expect(Buffer.isBuffer(verificationInput({ content: ingested(raw), open: () => Readable.from([raw]) })), field).toBe(false);
    }
  });

  it('reads the whole message when the ingest kept no header section', () => {
    const raw = message();
    const content = { ...ingested(raw), header: undefined };
    expect(Buffer.isBuffer(verificationInput({ content, open: () => Readable.from([raw]) }))).toBe(false);
  });
});
