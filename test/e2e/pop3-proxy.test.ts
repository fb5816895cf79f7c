// POP3 behind a trusted proxy (PROXY protocol, as every listener): a connection from a proxy in
// proxyProtocol.trustedFrom sends the header (v2 before TLS on the TLS port, v1 before STLS on the
// plain port), and the sign-in history records the client the header named, not the proxy; a
// trusted peer that sends no header is cut before any greeting.
import net from 'node:net';
import tls from 'node:tls';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { V2_SIGNATURE } from '../../src/net/proxy-protocol.ts';

const PROXY_HOST = '127.0.0.2';

function v2(client: string): Buffer {
  const b = Buffer.alloc(16 + 12);
  V2_SIGNATURE.copy(b, 0);
  b[12] = 0x21; // version 2, PROXY
  b[13] = 0x11; // AF_INET, STREAM
  b.writeUInt16BE(12, 14);
  client.split('.').forEach((o, i) => (b[16 + i] = Number(o)));
  [192, 0, 2, 1].forEach((o, i) => (b[20 + i] = o));
  b.writeUInt16BE(40002, 24);
  b.writeUInt16BE(995, 26);
  return b;
}

/** Read from a socket until `re` matches what was read (or the socket closes). */
function until(s: net.Socket, re: RegExp, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const done = () => {
      clearTimeout(timer);
      s.off('data', onData);
      s.off('close', done);
      resolve(text);
    };
    const onData = (d: Buffer) => {
      text += d.toString('utf8');
      if (re.test(text)) done();
    };
    const timer = setTimeout(done, timeoutMs);
    s.on('data', onData);
    s.once('close', done);
  });
}

async function connectFrom(port: number, header: Buffer | null): Promise<net.Socket> {
  const raw = net.connect({ host: '127.0.0.1', port, localAddress: PROXY_HOST });
  await new Promise<void>((res, rej) => {
    raw.once('connect', () => res());
    raw.once('error', rej);
  });
  if (header) raw.write(header);
  return raw;
}

function secure(raw: net.Socket): Promise<tls.TLSSocket> {
  const s = tls.connect({ socket: raw, rejectUnauthorized: false, servername: 'localhost' });
  return new Promise((res, rej) => {
    s.once('secureConnect', () => res(s));
    s.once('error', rej);
  });
}

async function signIn(s: net.Socket, login: string): Promise<string> {
  s.write(`USER ${login}\r\n`);
  await until(s, /\r\n/);
  s.write(`PASS ${TEST_PASSWORD}\r\n`);
  const answer = await until(s, /\r\n/);
  s.write('QUIT\r\n');
  await until(s, /goodbye\r\n/);
  return answer;
}

describe('POP3 behind a trusted proxy (PROXY protocol)', { timeout: 60_000 }, () => {
  let r: Running;
  beforeAll(async () => {
    r = await startTestServers({ config: { proxyProtocol: { trustedFrom: [PROXY_HOST] } } });
  });
  afterAll(async () => r?.stop());

  const addressesOf = async (login: string) => (await r.app.db.kysely.selectFrom('sign_ins').select('address').where('login', '=', login).execute()).map((x) => x.address);

  it('TLS port with a v2 header: the sign-in is recorded from the client the header names', async () => {
    const login = await r.user('proxytls');
    const s = await secure(await connectFrom(r.servers.ports.pop3s, v2('203.0.113.7')));
    expect(await until(s, /\r\n/)).toMatch(/^\+OK thutin POP3/);
    expect(await signIn(s, login)).toMatch(/^\+OK/);
    expect(await addressesOf(login)).toEqual(['203.0.113.7']);
  });

  it('plain port with a v1 header, then STLS: the client stays the one the header named', async () => {
    const login = await r.user('proxystls');
    const raw = await connectFrom(r.servers.ports.pop3, Buffer.from('PROXY TCP4 198.51.100.9 192.0.2.1 40001 110\r\n'));
    expect(await until(raw, /\r\n/)).toMatch(/^\+OK thutin POP3/);
    raw.write('STLS\r\n');
    expect(await until(raw, /\r\n/)).toMatch(/^\+OK/);
    const s = await secure(raw);
    expect(await signIn(s, login)).toMatch(/^\+OK/);
    expect(await addressesOf(login)).toEqual(['198.51.100.9']);
  });

  it('a trusted peer that sends no header is cut without a greeting', async () => {
    const raw = await connectFrom(r.servers.ports.pop3, null);
    raw.write('CAPA\r\n');
    const got = await until(raw, /\+OK/, 5000);
    expect(got).not.toMatch(/^\+OK/);
    expect(raw.destroyed || raw.readableEnded).toBe(true);
  });
});
