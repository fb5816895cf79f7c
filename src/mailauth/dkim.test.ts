// DKIM signing with our keys, verified by an independent implementation (Debian's python3-dkim,
// dkimpy) against the very TXT record `thutin dns` tells the province to publish, and by
// mailauth's verifier through the test DNS server (RSA and ed25519).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dkimVerify } from 'mailauth';
import { DkimKeyStore, dkimTxtRecord } from './keys.ts';
import { DkimSigner } from './dkim.ts';
import { vietnameseMessage } from '../../test/helpers/servers.ts';
import { startDnsServer, type TestDnsServer } from '../../test/helpers/dns-server.ts';
import { createResolver } from '../net/resolver.ts';

const PY = '/usr/bin/python3';
const DKIMPY = `
import sys, os, dkim
txt = os.environ['DKIM_TXT'].encode()
name = os.environ['DKIM_NAME'].encode()
def dnsfunc(n, timeout=5):
    return txt if n.rstrip(b'.') == name else None
msg = sys.stdin.buffer.read()
print('pass' if dkim.verify(msg, dnsfunc=dnsfunc) else 'fail')
`;
import { missingTool } from '../../test/helpers/tools.ts';

function dkimpyVerify(message: Buffer, record: { name: string; value: string }): string {
  return execFileSync(PY, ['-c', DKIMPY], { input: message, env: { ...process.env, DKIM_TXT: record.value, DKIM_NAME: record.name } })
    .toString()
    .trim();
}

describe('DKIM signer', () => {
  let dir: string;
  let store: DkimKeyStore;
  let signer: DkimSigner;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-dkim-'));
    store = new DkimKeyStore({ dataDir: dir, dkim: { selector: 'thutin', keyDir: 'dkim' } });
    signer = new DkimSigner(store);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const message = () => vietnameseMessage({ from: 'an.nguyen@kontum.gov.vn', to: 'huong.dang@gialai.gov.vn' });

  it('signs nothing for a domain without a key', async () => {
    expect(await signer.sign('kontum.gov.vn', message())).toBe('');
    expect(await signer.sign('kontum.gov.vn', Readable.from([message()]))).toBe('');
  });

  it('signs with a 2048-bit key kept 0600, naming the domain and selector of the published record', async () => {
    const key = store.create('kontum.gov.vn', { selector: 'thutin' });
    expect(fs.statSync(key.file).mode & 0o777).toBe(0o600);
    expect(key.bits).toBe(2048);
    const sig = await signer.sign('KonTum.gov.vn', Readable.from([message()]));
    expect(sig).toMatch(/^DKIM-Signature: .*d=kontum\.gov\.vn/s);
    expect(sig).toMatch(/s=thutin/);
    expect(dkimTxtRecord(key).name).toBe('thutin._domainkey.kontum.gov.vn');
  });

  it.skipIf(missingTool('dkim', 'DKIM signer: dkimpy verifies'))('makes a signature that dkimpy verifies against the published TXT record, and not after tampering', async () => {
    const key = store.list('kontum.gov.vn').find((k) => k.selector === 'thutin')!;
    const msg = message();
    const sig = await signer.sign('KonTum.gov.vn', Readable.from([msg]));
    const record = dkimTxtRecord(key);
    expect(dkimpyVerify(Buffer.concat([Buffer.from(sig), msg]), record)).toBe('pass');
    const tampered = Buffer.from(
      Buffer.concat([Buffer.from(sig), msg])
        .toString('utf8')
        .replace('30/11', '31/12'),
    );
    expect(dkimpyVerify(tampered, record)).toBe('fail');
  });

  it('signs with the new key after a rotation, and also with ed25519 when such a key exists', async () => {
    const newer = store.create('kontum.gov.vn', { now: new Date('2026-11-29T00:00:00Z') });
    expect(newer.selector).toBe('t202611');
    const ed = store.create('kontum.gov.vn', { algorithm: 'ed25519', now: new Date('2026-11-29T00:00:00Z') });
    expect(ed.selector).toBe('t202611e');
    expect(store.list('kontum.gov.vn').map((k) => [k.selector, k.active])).toEqual([
      ['thutin', false],
      ['t202611', true],
      ['t202611e', true],
    ]);
    const msg = message();
    const sig = await signer.sign('kontum.gov.vn', msg);
    expect(sig.match(/^DKIM-Signature:/gm)).toHaveLength(2);

    // Both signatures verify through DNS with mailauth's verifier and the configured resolver.
    const dns: TestDnsServer = await startDnsServer({
      [dkimTxtRecord(newer).name]: { TXT: [dkimTxtRecord(newer).value] },
      [dkimTxtRecord(ed).name]: { TXT: [dkimTxtRecord(ed).value] },
    });
    try {
      const r = createResolver({ dns: { servers: [dns.address] } });
      const res = await dkimVerify(Buffer.concat([Buffer.from(sig), msg]), { resolver: (name: string, type: string) => r.resolve(name, type) as never });
      expect(res.results.map((x: { status: { result: string } }) => x.status.result)).toEqual(['pass', 'pass']);
    } finally {
      await dns.stop();
    }
  });

  it.skipIf(missingTool('dkim', 'DKIM signer: rotated key verified by dkimpy'))('the rotated key signs what dkimpy verifies against its published record', async () => {
    const newer = store.list('kontum.gov.vn').find((k) => k.selector === 't202611')!;
    const msg = message();
    const sig = await signer.sign('kontum.gov.vn', msg);
    expect(dkimpyVerify(Buffer.concat([Buffer.from(sig), msg]), dkimTxtRecord(newer))).toBe('pass');
  });

  it('keeps the old key until it is removed, and refuses to remove the signing key', () => {
    expect(() => store.remove('kontum.gov.vn', 't202611')).toThrow(/DKIM/);
    store.remove('kontum.gov.vn', 'thutin');
    expect(store.list('kontum.gov.vn').map((k) => k.selector)).toEqual(['t202611', 't202611e']);
    expect(() => store.create('kontum.gov.vn', { selector: 'bad.selector' })).toThrow(/selector/i);
  });
});
