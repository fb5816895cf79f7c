import { describe, expect, it } from 'vitest';
import { BerError } from './ber.ts';
import { encodeBindRequest, encodeSearchRequest } from './client.ts';
import { LdapFramer } from './framer.ts';
import { parseFilter } from './filter.ts';

const bind = encodeBindRequest(1, 'annv@kontum.gov.vn', 'Matkhau#2026');
const big = encodeSearchRequest(2, { baseObject: 'dc=kontum,dc=gov,dc=vn', scope: 2, filter: parseFilter(`(cn=${'x'.repeat(300)})`) });

describe('LdapFramer', () => {
  it('yields nothing until a message is complete, fed one byte at a time', () => {
    const f = new LdapFramer();
    const out: Buffer[] = [];
    for (const b of Buffer.concat([bind, big])) out.push(...f.push(Buffer.from([b])));
    expect(out.map((m) => m.toString('hex'))).toEqual([bind.toString('hex'), big.toString('hex')]);
    expect(f.buffered).toBe(0);
  });

  it('splits several messages arriving in one chunk and keeps the remainder', () => {
    const f = new LdapFramer();
    const all = Buffer.concat([bind, big, bind]);
    const first = f.push(all.subarray(0, all.length - 3));
    expect(first).toHaveLength(2);
    expect(f.buffered).toBe(bind.length - 3);
    expect(f.push(all.subarray(all.length - 3))).toEqual([bind]);
  });

  it('refuses a stream that does not start with a SEQUENCE', () => {
    expect(() => new LdapFramer().push(Buffer.from('GET / HTTP/1.1\r\n'))).toThrow(BerError);
  });

  it('refuses a message announced larger than the maximum before it arrives', () => {
    const f = new LdapFramer(1024);
    expect(() => f.push(Buffer.from([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff]))).toThrow(/larger than 1024/);
  });

  it('refuses indefinite lengths', () => {
    expect(() => new LdapFramer().push(Buffer.from([0x30, 0x80, 0x02, 0x01, 0x01]))).toThrow(BerError);
  });

  it('stays failed after an error', () => {
    const f = new LdapFramer();
    expect(() => f.push(Buffer.from([0x04]))).toThrow(BerError);
    expect(() => f.push(bind)).toThrow(BerError);
  });
});
