// Owns: the unit proof of the PROXY protocol parser and trust list: v1 and v2 (IPv4, IPv6, LOCAL,
// UNKNOWN, AF_UNIX, TLVs) read as the spec says; every prefix of a valid header is "incomplete",
// never a wrong answer; malformed headers are refused with a reason; random and mutated input
// never throws and never yields an address that is not an IP; CIDR trust for IPv4, IPv6 and
// IPv4-mapped peers.
import net from 'node:net';
import { describe, it, expect } from 'vitest';
import { parseProxyHeader, trustList, isTrusted, V2_SIGNATURE } from './proxy-protocol.ts';
import { rng } from '../../test/helpers/rng.ts';

function v2(command: number, famTransport: number, body: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head[0] = 0x20 | command;
  head[1] = famTransport;
  head.writeUInt16BE(body.length, 2);
  return Buffer.concat([V2_SIGNATURE, head, body]);
}

function v2Inet4(src: number[], sport: number, tlv = Buffer.alloc(0)): Buffer {
  const b = Buffer.alloc(12);
  Buffer.from(src).copy(b, 0);
  Buffer.from([192, 0, 2, 1]).copy(b, 4);
  b.writeUInt16BE(sport, 8);
  b.writeUInt16BE(993, 10);
  return v2(1, 0x11, Buffer.concat([b, tlv]));
}

function v2Inet6(src: string, sport: number): Buffer {
  const b = Buffer.alloc(36);
  const groups = src.split(':');
  // expand '::' for the test's simple inputs
  const full = groups.includes('') ? [...groups.slice(0, groups.indexOf('')), ...Array(8 - groups.filter(Boolean).length).fill('0'), ...groups.slice(groups.lastIndexOf('') + 1)] : groups;
  full.forEach((g, i) => b.writeUInt16BE(parseInt(g || '0', 16), i * 2));
  b.writeUInt16BE(sport, 32);
  b.writeUInt16BE(443, 34);
  return v2(1, 0x21, b);
}

describe('PROXY protocol parser', () => {
  it('reads v1 TCP4, TCP6 and UNKNOWN, leaving the bytes after the line', () => {
    const line = 'PROXY TCP4 203.0.113.7 192.0.2.1 51234 25\r\n';
    expect(parseProxyHeader(Buffer.from(line + 'EHLO x\r\n'))).toEqual({ kind: 'ok', length: line.length, version: 1, source: { address: '203.0.113.7', port: 51234 } });
    expect(parseProxyHeader(Buffer.from('PROXY TCP6 2001:db8::7 2001:db8::1 4000 993\r\n'))).toMatchObject({ kind: 'ok', source: { address: '2001:db8::7', port: 4000 } });
    expect(parseProxyHeader(Buffer.from('PROXY UNKNOWN\r\n'))).toEqual({ kind: 'ok', length: 15, version: 1, source: null });
    expect(parseProxyHeader(Buffer.from('PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n'))).toMatchObject({ kind: 'ok', source: null });
  });

  it('reads v2 PROXY over IPv4 (with TLVs) and IPv6, and LOCAL, UNSPEC and AF_UNIX as the proxy itself', () => {
    const tlv = Buffer.from([0x05, 0x00, 0x03, 0x61, 0x62, 0x63]); // PP2_TYPE_UNIQUE_ID "abc"
    const h = v2Inet4([203, 0, 113, 9], 40000, tlv);
    expect(parseProxyHeader(Buffer.concat([h, Buffer.from('rest')]))).toEqual({ kind: 'ok', length: h.length, version: 2, source: { address: '203.0.113.9', port: 40000 } });
    expect(parseProxyHeader(v2Inet6('2001:db8::9', 5555))).toMatchObject({ kind: 'ok', source: { address: '2001:db8::9', port: 5555 } });
    expect(parseProxyHeader(v2(0, 0x00, Buffer.alloc(0)))).toMatchObject({ kind: 'ok', source: null, length: 16 });
    expect(parseProxyHeader(v2(1, 0x00, Buffer.alloc(0)))).toMatchObject({ kind: 'ok', source: null });
    expect(parseProxyHeader(v2(1, 0x31, Buffer.alloc(216)))).toMatchObject({ kind: 'ok', source: null });
  });

  it('answers incomplete for every proper prefix of a valid header, and never anything else', () => {
    for (const h of [Buffer.from('PROXY TCP4 203.0.113.7 192.0.2.1 51234 25\r\n'), v2Inet4([198, 51, 100, 1], 1), v2Inet6('2001:db8::1', 2)]) {
      for (let i = 0; i < h.length; i++) expect(parseProxyHeader(h.subarray(0, i)).kind, `${i} bytes`).toBe('incomplete');
      expect(parseProxyHeader(h).kind).toBe('ok');
    }
  });

  it.each([
    ['no header at all', 'EHLO client.example\r\n'],
    ['v1 with a bad family', 'PROXY TCP5 1.2.3.4 1.2.3.4 1 2\r\n'],
    ['v1 with an IPv6 address under TCP4', 'PROXY TCP4 2001:db8::1 192.0.2.1 1 2\r\n'],
    ['v1 with a host name', 'PROXY TCP4 evil.example 192.0.2.1 1 2\r\n'],
    ['v1 with a port out of range', 'PROXY TCP4 1.2.3.4 1.2.3.4 65536 2\r\n'],
    ['v1 with a leading-zero port', 'PROXY TCP4 1.2.3.4 1.2.3.4 0080 2\r\n'],
    ['v1 with fields missing', 'PROXY TCP4 1.2.3.4\r\n'],
    ['v1 with injected CR/LF text', 'PROXY TCP4 1.2.3.4 5.6.7.8 1 2 x\r\n'],
    ['v1 line without end', `PROXY TCP4 ${'1'.repeat(120)}`],
  ])('refuses %s', (_name, text) => {
    expect(parseProxyHeader(Buffer.from(text)).kind).toBe('invalid');
  });

  it('refuses v2 with a wrong version, command or family, short address blocks and oversized headers', () => {
    const bad = [
      Buffer.concat([V2_SIGNATURE, Buffer.from([0x11, 0x11, 0, 12]), Buffer.alloc(12)]),
      v2(2, 0x11, Buffer.alloc(12)),
      v2(1, 0x41, Buffer.alloc(12)),
      v2(1, 0x11, Buffer.alloc(8)),
      v2(1, 0x21, Buffer.alloc(20)),
    ];
    const big = Buffer.concat([V2_SIGNATURE, Buffer.from([0x21, 0x11, 0x10, 0x00])]);
    for (const b of [...bad, big]) expect(parseProxyHeader(b).kind).toBe('invalid');
  });

  it('fuzz: random bytes and mutated headers never throw and give only real IP addresses and ports', () => {
    const rand = rng(20261206);
    const seeds = [
      Buffer.from('PROXY TCP4 203.0.113.7 192.0.2.1 51234 25\r\n'),
      Buffer.from('PROXY TCP6 2001:db8::7 2001:db8::1 4000 993\r\n'),
      v2Inet4([203, 0, 113, 9], 40000),
      v2Inet6('2001:db8::9', 5555),
    ];
    let ok = 0;
    for (let i = 0; i < 20000; i++) {
      let b: Buffer;
      if (i % 2 === 0) {
        b = Buffer.from(seeds[i % seeds.length]);
        const flips = 1 + Math.floor(rand() * 3);
        for (let f = 0; f < flips; f++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
        if (rand() < 0.3) b = b.subarray(0, Math.floor(rand() * b.length));
      } else {
        b = Buffer.from(Array.from({ length: Math.floor(rand() * 64) }, () => Math.floor(rand() * 256)));
        if (rand() < 0.5) b = Buffer.concat([V2_SIGNATURE, b]);
      }
      const r = parseProxyHeader(b);
      expect(['ok', 'incomplete', 'invalid']).toContain(r.kind);
      if (r.kind === 'ok') {
        ok++;
        expect(r.length).toBeLessThanOrEqual(b.length);
        if (r.source) {
          expect(net.isIP(r.source.address), r.source.address).not.toBe(0);
          expect(r.source.port).toBeGreaterThanOrEqual(0);
          expect(r.source.port).toBeLessThanOrEqual(65535);
        }
      }
    }
    expect(ok).toBeGreaterThan(100); // mutations that keep a header valid are still read
  });

  it('trusts only the listed addresses and networks (IPv4, IPv6, IPv4-mapped)', () => {
    const t = trustList(['127.0.0.1', '10.20.0.0/16', '2001:db8:5::/48']);
    expect(isTrusted(t, '127.0.0.1')).toBe(true);
    expect(isTrusted(t, '::ffff:127.0.0.1')).toBe(true);
    expect(isTrusted(t, '127.0.0.2')).toBe(false);
    expect(isTrusted(t, '10.20.3.4')).toBe(true);
    expect(isTrusted(t, '10.21.0.1')).toBe(false);
    expect(isTrusted(t, '2001:db8:5:1::1')).toBe(true);
    expect(isTrusted(t, '2001:db8:6::1')).toBe(false);
    expect(isTrusted(trustList([]), '127.0.0.1')).toBe(false);
    expect(() => trustList(['proxy.example'])).toThrow(/CIDR/);
  });
});
