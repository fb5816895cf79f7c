// Owns: the proof that a trusted reverse proxy's PROXY header (v1 and v2) names the client on every
// listener, over real sockets: a "proxy" on 127.0.0.2 (proxyProtocol.trustedFrom) sends the header,
// then speaks the protocol — IMAP and IMAPS LOGIN, SMTP MX (the Received: field names the client),
// submission over implicit TLS (AUTH), LDAPS bind, HTTP (the plain-port guard sees a remote client)
// and HTTPS (sign-in) — and the sign-in records carry the address the header gave. Clients on
// 127.0.0.1, not trusted, are served as before and a "PROXY" line from them is only a bad command;
// a trusted peer that sends no header is cut.
import net from 'node:net';
import tls from 'node:tls';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { V2_SIGNATURE } from '../../src/net/proxy-protocol.ts';

const PROXY_HOST = '127.0.0.2';

function v1(client: string, port = 40001): Buffer {
  return Buffer.from(`PROXY TCP4 ${client} 192.0.2.1 ${port} 25\r\n`);
}

function v2(client: string, port = 40002): Buffer {
  const b = Buffer.alloc(16 + 12);
  V2_SIGNATURE.copy(b, 0);
  b[12] = 0x21; // version 2, PROXY
  b[13] = 0x11; // AF_INET, STREAM
  b.writeUInt16BE(12, 14);
  client.split('.').forEach((o, i) => (b[16 + i] = Number(o)));
  [192, 0, 2, 1].forEach((o, i) => (b[20 + i] = o));
  b.writeUInt16BE(port, 24);
  b.writeUInt16BE(993, 26);
  return b;
}

/** A connection from the proxy's address: the header first, then (optionally) TLS. */
async function viaProxy(port: number, header: Buffer | null, secure: boolean, from = PROXY_HOST): Promise<net.Socket> {
  const raw = net.connect({ host: '127.0.0.1', port, localAddress: from });
  await new Promise<void>((resolve, reject) => {
    raw.once('connect', resolve);
    raw.once('error', reject);
  });
  if (header) raw.write(header);
  if (!secure) return raw;
  const s = tls.connect({ socket: raw, rejectUnauthorized: false, servername: 'localhost' });
  await new Promise<void>((resolve, reject) => {
    s.once('secureConnect', resolve);
    s.once('error', reject);
  });
  return s;
}

/** Read until `done(text)` holds; resolves with everything read. */
function readUntil(s: net.Socket, done: (text: string) => boolean, timeoutMs = 10000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => finish(new Error(`timeout; got ${JSON.stringify(text)}`)), timeoutMs);
    const onData = (d: Buffer) => {
      text += d.toString('latin1');
      if (done(text)) finish(null);
    };
    const onClose = () => finish(done(text) ? null : new Error(`closed; got ${JSON.stringify(text)}`));
    function finish(e: Error | null) {
      clearTimeout(timer);
      s.off('data', onData);
      s.off('close', onClose);
      if (e) reject(e);
      else resolve(text);
    }
    s.on('data', onData);
    s.once('close', onClose);
  });
}

async function talk(s: net.Socket, line: string, until: RegExp): Promise<string> {
  s.write(line);
  return readUntil(s, (t) => until.test(t));
}

/** IMAP STARTTLS on a connection whose greeting was read. */
async function imapStartTls(s: net.Socket): Promise<tls.TLSSocket> {
  expect(await talk(s, 'st STARTTLS\r\n', /st (OK|NO|BAD)/)).toMatch(/st OK/);
  const secure = tls.connect({ socket: s, rejectUnauthorized: false, servername: 'localhost' });
  await new Promise<void>((resolve, reject) => {
    secure.once('secureConnect', resolve);
    secure.once('error', reject);
  });
  return secure;
}

describe('PROXY protocol from a trusted proxy, on every listener', { timeout: 120000 }, () => {
  let r: Running;
  let alice: string;
  let aliceId: number;
  beforeAll(async () => {
    r = await startTestServers({ config: { proxyProtocol: { trustedFrom: [PROXY_HOST] } } });
    alice = await r.user('alice');
    aliceId = (await r.app.accounts.byAddress(alice))!.id;
  });
  afterAll(async () => r?.stop());

  const lastSignIn = async (protocol: string) => (await r.app.signIn.history(aliceId, 50)).find((x) => x.protocol === protocol && x.success);

  it('IMAP with STARTTLS (v1) and IMAPS (v2): the sign-in is recorded from the address the proxy gave', async () => {
    const raw = await viaProxy(r.servers.ports.imap, v1('203.0.113.21'), false);
    await readUntil(raw, (t) => t.includes('* OK'));
    const plain = await imapStartTls(raw);
    expect(await talk(plain, `a LOGIN ${alice} ${TEST_PASSWORD}\r\n`, /a (OK|NO|BAD)/)).toMatch(/a OK/);
    plain.destroy();
    expect((await lastSignIn('imap'))?.address).toBe('203.0.113.21');

    const secure = await viaProxy(r.servers.ports.imaps, v2('203.0.113.22'), true);
    await readUntil(secure, (t) => t.includes('* OK'));
    expect(await talk(secure, `a LOGIN ${alice} ${TEST_PASSWORD}\r\n`, /a (OK|NO|BAD)/)).toMatch(/a OK/);
    secure.destroy();
    expect((await lastSignIn('imap'))?.address).toBe('203.0.113.22');
  });

  it('SMTP MX (v1): the Received: field names the client the proxy gave', async () => {
    const s = await viaProxy(r.servers.ports.smtp, v1('203.0.113.23'), false);
    await readUntil(s, (t) => /^220 /m.test(t));
    await talk(s, 'EHLO relay.example.org\r\n', /^250 /m);
    await talk(s, 'MAIL FROM:<sender@example.org>\r\n', /^250 /m);
    await talk(s, `RCPT TO:<${alice}>\r\n`, /^250 /m);
    await talk(s, 'DATA\r\n', /^354 /m);
    expect(await talk(s, 'From: <sender@example.org>\r\nTo: <alice@kontum.gov.vn>\r\nSubject: qua proxy\r\n\r\nXin chào.\r\n.\r\n', /^[245]\d\d /m)).toMatch(/^250 /m);
    s.end('QUIT\r\n');
    const c = (await import('../helpers/servers.ts')).imapClient(r, alice);
    await c.connect();
    await c.mailboxOpen('INBOX');
    const found = (await c.search({ subject: 'qua proxy' })) as number[];
    expect(found).toHaveLength(1);
    const msg = await c.fetchOne(String(found[0]), { source: true });
    await c.logout();
    if (!msg || !msg.source) throw new Error('message not found');
    const received = /^Received: [^\r]*(?:\r\n[ \t][^\r]*)*/m.exec(msg.source.toString())![0];
    expect(received).toContain('203.0.113.23');
    expect(received).not.toContain('127.0.0.2');
  });

  it('submission over implicit TLS (v2): AUTH is recorded from the address the proxy gave', async () => {
    const s = await viaProxy(r.servers.ports.submissionTls, v2('203.0.113.24'), true);
    await readUntil(s, (t) => /^220 /m.test(t));
    await talk(s, 'EHLO pc.example.org\r\n', /^250 /m);
    const plain = Buffer.from(`\0${alice}\0${TEST_PASSWORD}`).toString('base64');
    expect(await talk(s, `AUTH PLAIN ${plain}\r\n`, /^\d{3} /m)).toMatch(/^235 /m);
    s.end('QUIT\r\n');
    expect((await lastSignIn('smtp'))?.address).toBe('203.0.113.24');
  });

  it('LDAPS (v2): the bind is recorded from the address the proxy gave', async () => {
    const s = await viaProxy(r.servers.ports.ldaps, v2('203.0.113.25'), true);
    const name = Buffer.from(alice);
    const pw = Buffer.from(TEST_PASSWORD);
    const bind = Buffer.concat([Buffer.from([0x02, 0x01, 0x03, 0x04, name.length]), name, Buffer.from([0x80, pw.length]), pw]);
    const op = Buffer.concat([Buffer.from([0x60, bind.length]), bind]);
    const msg = Buffer.concat([Buffer.from([0x30, op.length + 3, 0x02, 0x01, 0x01]), op]);
    s.write(msg);
    const answer = await readUntil(s, (t) => t.includes('\x61'), 10000);
    const at = answer.indexOf('\x61');
    expect(answer.slice(at).includes('\x0a\x01\x00')).toBe(true); // resultCode success
    s.destroy();
    expect((await lastSignIn('ldap'))?.address).toBe('203.0.113.25');
  });

  it('HTTP (v1): the plain-port guard sees a remote client; HTTPS (v2): the sign-in is recorded from it', async () => {
    const body = JSON.stringify({ username: alice, password: TEST_PASSWORD });
    const request = `POST /api/v1/auth/login HTTP/1.1\r\nHost: mail.kontum.gov.vn\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
    const plain = await viaProxy(r.servers.ports.http, v1('203.0.113.26'), false);
    const refused = await talk(plain, request, /\r\n\r\n[\s\S]*\}/);
    expect(refused).toMatch(/^HTTP\/1\.1 403/);
    expect(refused).toContain('HTTPS_REQUIRED');
    plain.destroy();

    const secure = await viaProxy(r.servers.ports.https, v2('203.0.113.27'), true);
    const ok = await talk(secure, request, /\r\n\r\n[\s\S]*\}/);
    expect(ok).toMatch(/^HTTP\/1\.1 200/);
    expect(ok).toMatch(/strict-transport-security: max-age=31536000/i);
    secure.destroy();
    expect((await lastSignIn('http'))?.address).toBe('203.0.113.27');
  });

  it('cuts a trusted peer that sends no valid header, and serves untrusted clients as before', async () => {
    const bare = await viaProxy(r.servers.ports.imap, null, false);
    bare.write('a CAPABILITY\r\n');
    await expect(readUntil(bare, (t) => t.includes('a OK'), 8000)).rejects.toThrow(/closed/);

    // 127.0.0.1 is not trusted: its PROXY line is an IMAP command like any other, and the client stays 127.0.0.1
    const rawDirect = await viaProxy(r.servers.ports.imap, null, false, '127.0.0.1');
    await readUntil(rawDirect, (t) => t.includes('* OK'));
    expect(await talk(rawDirect, 'PROXY TCP4 203.0.113.99 192.0.2.1 1 2\r\n', /\r\n$/)).toMatch(/BAD/);
    const direct = await imapStartTls(rawDirect);
    expect(await talk(direct, `b LOGIN ${alice} ${TEST_PASSWORD}\r\n`, /b (OK|NO|BAD)/)).toMatch(/b OK/);
    direct.destroy();
    expect((await lastSignIn('imap'))?.address).toBe('127.0.0.1');
  });
});
