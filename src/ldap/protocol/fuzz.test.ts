// Hostile input for the pure layer: mutated and random bytes through the framer and the request
// decoder fail only with BerError (which the session turns into a Notice of Disconnection),
// never with anything that could escape and take the process down.
import { describe, expect, it } from 'vitest';
import { rng } from '../../../test/helpers/rng.ts';
import { BerError } from './ber.ts';
import { encodeAbandonRequest, encodeBindRequest, encodeDelRequest, encodeExtendedRequest, encodeSearchRequest } from './client.ts';
import { Oid } from './constants.ts';
import { pagedResultsControl } from './controls.ts';
import { parseFilter } from './filter.ts';
import { LdapFramer } from './framer.ts';
import { decodeRequest } from './requests.ts';

const CORPUS = [
  encodeBindRequest(1, 'uid=annv,ou=people,dc=kontum,dc=gov,dc=vn', 'Matkhau#2026'),
  encodeSearchRequest(
    2,
    {
      baseObject: 'dc=kontum,dc=gov,dc=vn',
      scope: 2,
      sizeLimit: 100,
      filter: parseFilter('(&(objectClass=person)(|(cn=*Đặng*)(mail=dang*huong*)(!(sn>=x))(cn~=a)(cn:dn:1.2:=v)))'),
      attributes: ['cn', 'mail'],
    },
    [pagedResultsControl({ size: 10, cookie: Buffer.from('abcdef') }, true)],
  ),
  encodeExtendedRequest(3, Oid.startTls),
  encodeAbandonRequest(4, 2),
  encodeDelRequest(5, 'uid=x,dc=vn'),
];

function decodeAll(bytes: Buffer, chunk: number): void {
  const f = new LdapFramer(4096);
  for (let i = 0; i < bytes.length; i += chunk) for (const m of f.push(bytes.subarray(i, i + chunk))) decodeRequest(m);
}

function onlyBerErrors(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    expect(e, String(e)).toBeInstanceOf(BerError);
  }
}

describe('hostile bytes', () => {
  it('mutated valid messages (flipped, dropped and inserted bytes) fail only with BerError', () => {
    const r = rng(4511);
    for (let n = 0; n < 5000; n++) {
      const base = Buffer.from(CORPUS[Math.floor(r() * CORPUS.length)]);
      const bytes = [...base];
      const edits = 1 + Math.floor(r() * 4);
      for (let k = 0; k < edits; k++) {
        const at = Math.floor(r() * bytes.length);
        const kind = r();
        if (kind < 0.5) bytes[at] = Math.floor(r() * 256);
        else if (kind < 0.75) bytes.splice(at, 1);
        else bytes.splice(at, 0, Math.floor(r() * 256));
      }
      onlyBerErrors(() => decodeAll(Buffer.from(bytes), 1 + Math.floor(r() * 16)));
    }
  });

  it('random byte streams fail only with BerError', () => {
    const r = rng(2696);
    for (let n = 0; n < 2000; n++) {
      const len = Math.floor(r() * 200);
      const bytes = Buffer.from(Array.from({ length: len }, (_, i) => (i === 0 && r() < 0.7 ? 0x30 : Math.floor(r() * 256))));
      onlyBerErrors(() => decodeAll(bytes, 1 + Math.floor(r() * 32)));
    }
  });

  it('the corpus itself decodes', () => {
    decodeAll(Buffer.concat(CORPUS), 7);
  });
});
