// Owns: the proof that thutin reads the PROXY protocol as HAProxy — the reference implementation —
// writes it: a real HAProxy (Debian's) in TCP mode on loopback, connecting to thutin from
// 127.0.0.2 (proxyProtocol.trustedFrom) with `send-proxy-v2` in front of IMAPS and HTTPS and
// `send-proxy` (v1) in front of the SMTP MX; a client on 127.0.0.3 speaks through it, and the
// sign-in records and the Received: field name 127.0.0.3, not the proxy.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServers, imapClient, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { missingTool } from '../helpers/tools.ts';

const CLIENT = '127.0.0.3';

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function connect(port: number, secure: boolean): Promise<net.Socket> {
  const raw = net.connect({ host: '127.0.0.1', port, localAddress: CLIENT });
  await new Promise<void>((resolve, reject) => {
    raw.once('connect', resolve);
    raw.once('error', reject);
  });
  if (!secure) return raw;
  const s = tls.connect({ socket: raw, rejectUnauthorized: false, servername: 'localhost' });
  await new Promise<void>((resolve, reject) => {
    s.once('secureConnect', resolve);
    s.once('error', reject);
  });
  return s;
}

function readUntil(s: net.Socket, re: RegExp, timeoutMs = 10000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => done(new Error(`timeout; got ${JSON.stringify(text)}`)), timeoutMs);
    const onData = (d: Buffer) => {
      text += d.toString('utf8');
      if (re.test(text)) done(null);
    };
    const onClose = () => done(new Error(`closed; got ${JSON.stringify(text)}`));
    function done(e: Error | null) {
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

async function talk(s: net.Socket, line: string, re: RegExp): Promise<string> {
  s.write(line);
  return readUntil(s, re);
}

describe.skipIf(missingTool('haproxy', 'PROXY protocol behind HAProxy'))('PROXY protocol behind a real HAProxy', { timeout: 120000 }, () => {
  let r: Running;
  let haproxy: ChildProcess;
  let alice: string;
  let aliceId: number;
  const front = { imaps: 0, smtp: 0, https: 0 };

  beforeAll(async () => {
    r = await startTestServers({ config: { proxyProtocol: { trustedFrom: ['127.0.0.2'] } } });
    alice = await r.user('alice');
    aliceId = (await r.app.accounts.byAddress(alice))!.id;
    front.imaps = await freePort();
    front.smtp = await freePort();
    front.https = await freePort();
    const p = r.servers.ports;
    const cfg = [
      'global',
      '  maxconn 100',
      'defaults',
      '  mode tcp',
      '  timeout connect 5s',
      '  timeout client 30s',
      '  timeout server 30s',
      ...(
        [
          ['imaps', front.imaps, p.imaps, 'send-proxy-v2'],
          ['smtp', front.smtp, p.smtp, 'send-proxy'],
          ['https', front.https, p.https, 'send-proxy-v2'],
        ] as const
      ).flatMap(([name, listen, port, how]) => [`listen ${name}`, `  bind 127.0.0.1:${listen}`, `  server thutin 127.0.0.1:${port} ${how} source 127.0.0.2`]),
      '',
    ].join('\n');
    const file = path.join(r.dataDir, 'haproxy.cfg');
    fs.writeFileSync(file, cfg);
    haproxy = spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    haproxy.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    // ready when its first frontend accepts connections
    for (let i = 0; ; i++) {
      const up = await new Promise<boolean>((resolve) => {
        const c = net.connect({ host: '127.0.0.1', port: front.https }, () => {
          c.destroy();
          resolve(true);
        });
        c.on('error', () => resolve(false));
      });
      if (up) break;
      if (i > 100 || haproxy.exitCode !== null) throw new Error(`haproxy did not start: ${stderr}`);
      await new Promise((res) => setTimeout(res, 50));
    }
  });

  afterAll(async () => {
    if (haproxy && haproxy.exitCode === null) {
      const gone = new Promise((res) => haproxy.once('exit', res));
      haproxy.kill('SIGTERM');
      await gone;
    }
    await r?.stop();
  });

  const lastSignIn = async (protocol: string) => (await r.app.signIn.history(aliceId, 50)).find((x) => x.protocol === protocol && x.success);

  it('IMAPS through HAProxy (v2): the sign-in is recorded from the client, not the proxy', async () => {
    const s = await connect(front.imaps, true);
    await readUntil(s, /\* OK/);
    expect(await talk(s, `a LOGIN ${alice} ${TEST_PASSWORD}\r\n`, /a (OK|NO|BAD)/)).toMatch(/a OK/);
    s.destroy();
    expect((await lastSignIn('imap'))?.address).toBe(CLIENT);
  });

  it('HTTPS through HAProxy (v2): the API sign-in is recorded from the client', async () => {
    const s = await connect(front.https, true);
    const body = JSON.stringify({ username: alice, password: TEST_PASSWORD });
    const answer = await talk(
      s,
      `POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      /\r\n\r\n[\s\S]*\}/,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    s.destroy();
    expect((await lastSignIn('http'))?.address).toBe(CLIENT);
  });

  it('SMTP MX through HAProxy (v1): Received: names the client', async () => {
    const s = await connect(front.smtp, false);
    await readUntil(s, /^220 /m);
    await talk(s, 'EHLO relay.example.org\r\n', /^250 /m);
    await talk(s, 'MAIL FROM:<sender@example.org>\r\n', /^250 /m);
    await talk(s, `RCPT TO:<${alice}>\r\n`, /^250 /m);
    await talk(s, 'DATA\r\n', /^354 /m);
    expect(await talk(s, `From: <sender@example.org>\r\nTo: <${alice}>\r\nSubject: qua HAProxy\r\n\r\nXin chào.\r\n.\r\n`, /^[245]\d\d /m)).toMatch(/^250 /m);
    s.end('QUIT\r\n');
    const c = imapClient(r, alice);
    await c.connect();
    await c.mailboxOpen('INBOX');
    const found = (await c.search({ subject: 'qua HAProxy' })) as number[];
    expect(found).toHaveLength(1);
    const msg = await c.fetchOne(String(found[0]), { source: true });
    await c.logout();
    if (!msg || !msg.source) throw new Error('message not found');
    const received = /^Received: [^\r]*(?:\r\n[ \t][^\r]*)*/m.exec(msg.source.toString())![0];
    expect(received).toContain(CLIENT);
    expect(received).not.toContain('127.0.0.2');
  });
});
