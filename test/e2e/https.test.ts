// Owns: the proof of HTTPS and the plain-port rule (issue 9 finding 3), over real sockets
// (node:https with the self-signed certificate, node:http): sign-in and tokens work over HTTPS
// with HSTS; on the plain port a client that is not on loopback — here one a trusted reverse
// proxy (http.trustedProxies) speaks for with X-Forwarded-For — has its sign-in and bearer
// refused with 403 HTTPS_REQUIRED in both languages, its GETs redirected (308) to the HTTPS port,
// health and autoconfiguration still served; X-Forwarded-For from a proxy not listed is not
// believed; X-Forwarded-Proto: https from a trusted proxy counts as HTTPS.
import http from 'node:http';
import https from 'node:https';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: any;
}

function request(secure: boolean, port: number, method: string, path: string, opts: { headers?: Record<string, string>; body?: unknown } = {}): Promise<Answer> {
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: Record<string, string> = { ...(opts.headers ?? {}), ...(payload ? { 'content-type': 'application/json' } : {}) };
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request({ host: '127.0.0.1', port, method, path, headers, rejectUnauthorized: false, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: unknown = null;
        try {
          json = body ? JSON.parse(body) : null;
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const REMOTE = { 'x-forwarded-for': '203.0.113.7' };

describe('HTTPS and the plain HTTP port', { timeout: 120000 }, () => {
  let r: Running;
  let user: string;
  let plain: number;
  let tls: number;
  beforeAll(async () => {
    // loopback is our trusted reverse proxy: what it forwards comes from 203.0.113.7
    r = await startTestServers({ config: { http: { trustedProxies: ['127.0.0.0/8', '::1'] } } });
    user = await r.user('hoapt');
    plain = r.servers.ports.http;
    tls = r.servers.ports.https;
  });
  afterAll(async () => r?.stop());

  it('signs in and uses the token over HTTPS, every answer with HSTS', async () => {
    expect(tls).toBeGreaterThan(0);
    expect(tls).not.toBe(plain);
    const login = await request(true, tls, 'POST', '/api/v1/auth/login', { headers: REMOTE, body: { username: user, password: TEST_PASSWORD } });
    expect(login.status, login.body).toBe(200);
    expect(login.headers['strict-transport-security']).toBe('max-age=31536000');
    const me = await request(true, tls, 'GET', '/api/v1/me', { headers: { ...REMOTE, authorization: `Bearer ${login.json.token}` } });
    expect(me.status).toBe(200);
    expect(me.json.username).toBe(user);
    expect(me.headers['strict-transport-security']).toBe('max-age=31536000');
    // (an unknown path outside the API is the webmail's route: its index.html; src/http/webapp.ts)
    const missing = await request(true, tls, 'GET', '/api/v1/nothing-here', { headers: REMOTE });
    expect(missing.status).toBe(404);
    expect(missing.headers['strict-transport-security']).toBe('max-age=31536000');
  });

  it('refuses a password sign-in on the plain port from a remote client, before checking it', async () => {
    const login = await request(false, plain, 'POST', '/api/v1/auth/login', { headers: REMOTE, body: { username: user, password: TEST_PASSWORD } });
    expect(login.status).toBe(403);
    expect(login.json).toEqual({
      code: 'HTTPS_REQUIRED',
      message: 'Cần kết nối HTTPS: không gửi mật khẩu hay mã phiên qua HTTP thường',
      messageEn: 'HTTPS required: passwords and session tokens are not accepted over plain HTTP',
    });
    expect(login.json).not.toHaveProperty('token');
    expect(login.headers['strict-transport-security']).toBeUndefined();
  });

  it('refuses a bearer token or a cookie on the plain port from a remote client', async () => {
    const token = (await request(true, tls, 'POST', '/api/v1/auth/login', { body: { username: user, password: TEST_PASSWORD } })).json.token as string;
    const me = await request(false, plain, 'GET', '/api/v1/me', { headers: { ...REMOTE, authorization: `Bearer ${token}` } });
    expect(me.status).toBe(403);
    expect(me.json.code).toBe('HTTPS_REQUIRED');
    const cookie = await request(false, plain, 'GET', '/api/v1/me', { headers: { ...REMOTE, cookie: `session=${token}` } });
    expect(cookie.status).toBe(403);
    const post = await request(false, plain, 'POST', '/api/v1/auth/logout', { headers: REMOTE, body: {} });
    expect(post.status).toBe(403);
  });

  it('redirects plain GETs from a remote client to the HTTPS port (308), path and query kept', async () => {
    const get = await request(false, plain, 'GET', '/api/v1/openapi.json?x=1', { headers: REMOTE });
    expect(get.status).toBe(308);
    expect(get.headers.location).toBe(`https://127.0.0.1:${tls}/api/v1/openapi.json?x=1`);
    const named = await request(false, plain, 'GET', '/api/v1/me', { headers: { ...REMOTE, host: 'mail.kontum.gov.vn:8080' } });
    expect(named.status).toBe(308);
    expect(named.headers.location).toBe(`https://mail.kontum.gov.vn:${tls}/api/v1/me`);
    // a Host that is not a host name is not echoed into Location
    const odd = await request(false, plain, 'GET', '/api/v1/me', { headers: { ...REMOTE, host: 'evil.example/@x' } });
    expect(odd.headers.location).toBe(`https://mail.test.local:${tls}/api/v1/me`);
  });

  it('keeps health and mail autoconfiguration reachable over plain HTTP', async () => {
    for (const path of ['/health', '/.well-known/mta-sts.txt', '/.well-known/autoconfig/mail/config-v1.1.xml', '/mail/config-v1.1.xml?emailaddress=a%40kontum.gov.vn']) {
      const a = await request(false, plain, 'GET', path, { headers: REMOTE });
      expect(a.status, path).toBe(200);
      expect(a.headers['strict-transport-security'], path).toBeUndefined();
    }
  });

  it('lets loopback clients (scripts on the server) sign in over plain HTTP', async () => {
    const login = await request(false, plain, 'POST', '/api/v1/auth/login', { body: { username: user, password: TEST_PASSWORD } });
    expect(login.status).toBe(200);
    const me = await request(false, plain, 'GET', '/api/v1/me', { headers: { authorization: `Bearer ${login.json.token}` } });
    expect(me.status).toBe(200);
  });

  it('believes X-Forwarded-Proto: https from the trusted proxy (TLS ended at the proxy)', async () => {
    const login = await request(false, plain, 'POST', '/api/v1/auth/login', { headers: { ...REMOTE, 'x-forwarded-proto': 'https' }, body: { username: user, password: TEST_PASSWORD } });
    expect(login.status).toBe(200);
    expect(login.headers['strict-transport-security']).toBe('max-age=31536000');
  });
});

describe('X-Forwarded-For from a proxy that is not trusted', { timeout: 60000 }, () => {
  let r: Running;
  let user: string;
  beforeAll(async () => {
    r = await startTestServers({ config: { http: { trustedProxies: ['192.0.2.10'] } } });
    user = await r.user('annv');
  });
  afterAll(async () => r?.stop());

  it('is ignored: the client is who the socket says (loopback here), and X-Forwarded-Proto too', async () => {
    const p = r.servers.ports.http;
    const login = await request(false, p, 'POST', '/api/v1/auth/login', { headers: { ...REMOTE, 'x-forwarded-proto': 'https' }, body: { username: user, password: TEST_PASSWORD } });
    expect(login.status).toBe(200);
    expect(login.headers['strict-transport-security']).toBeUndefined();
  });
});
