// The webmail's cookie session over a real socket (issue 10), no browser: POST /auth/web/login
// through the throttled sign-in sets `thutin_session` (HttpOnly, Secure, SameSite=Strict, Path=/)
// and the readable `thutin_csrf`; the cookie opens /api/v1/me and JMAP; a state-changing request
// carried by the cookie without the session's X-CSRF-Token (or with another session's) is refused
// 403, on the API and on JMAP; logout ends the session; "sign out everywhere" ends every session;
// the app is served at / with its CSP, app routes fall back to index.html, the server's own
// prefixes never do.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

describe('webmail session (cookie + CSRF) and serving', () => {
  let r: Running;
  let base: string;
  let an: string;

  async function req(method: string, path: string, opts: { cookie?: string; csrf?: string; body?: unknown; raw?: string; type?: string } = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.csrf) headers['x-csrf-token'] = opts.csrf;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.raw !== undefined) headers['content-type'] = opts.type ?? 'application/json';
    const res = await fetch(`${base}${path}`, { method, headers, body: opts.body !== undefined ? JSON.stringify(opts.body) : opts.raw, redirect: 'manual' });
    const text = await res.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, headers: res.headers, body };
  }

  async function login(user = an): Promise<{ cookie: string; csrf: string; setCookie: string[] }> {
    const res = await fetch(`${base}/auth/web/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: user, password: TEST_PASSWORD }) });
    expect(res.status).toBe(200);
    const setCookie = res.headers.getSetCookie();
    const jar = Object.fromEntries(setCookie.map((c) => c.split(';')[0].split('=') as [string, string]));
    return { cookie: `thutin_session=${jar.thutin_session}; thutin_csrf=${jar.thutin_csrf}`, csrf: jar.thutin_csrf, setCookie };
  }

  const jmapBody = (accountId: string) => JSON.stringify({ using: ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'], methodCalls: [['Mailbox/get', { accountId, ids: null }, '0']] });

  beforeAll(async () => {
    r = await startTestServers();
    // loopback over plain HTTP is allowed to carry credentials (transport-guard.ts); the cookies' Secure flag is the browser's business
    base = `http://127.0.0.1:${r.servers.ports.http}`;
    an = await r.user('an');
  });

  afterAll(async () => {
    await r?.stop();
  });

  it('signs in with a cookie session: HttpOnly Secure SameSite=Strict, plus the readable CSRF cookie', async () => {
    const bad = await req('POST', '/auth/web/login', { body: { username: an, password: 'sai mật khẩu' } });
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('LOGIN_FAILED');
    const s = await login();
    const session = s.setCookie.find((c) => c.startsWith('thutin_session='))!;
    const csrf = s.setCookie.find((c) => c.startsWith('thutin_csrf='))!;
    expect(session).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Strict; Max-Age=\d+$/);
    expect(csrf).toMatch(/; Path=\/; Secure; SameSite=Strict; Max-Age=\d+$/);
    expect(csrf).not.toMatch(/HttpOnly/);
    const me = await req('GET', '/api/v1/me', { cookie: s.cookie });
    expect(me.status).toBe(200);
    expect(me.body.username).toBe(an);
    const session2 = await req('GET', '/jmap/session', { cookie: s.cookie });
    expect(session2.status).toBe(200);
    expect(session2.body.username).toBe(an);
  });

  it('refuses a state-changing request carried by the cookie without the CSRF token, on the API and on JMAP', async () => {
    const s = await login();
    const other = await login();
    const accountId = (await req('GET', '/jmap/session', { cookie: s.cookie })).body.primaryAccounts['urn:ietf:params:jmap:mail'];
    const end = await req('POST', '/api/v1/me/password', { cookie: s.cookie, body: { currentPassword: TEST_PASSWORD, newPassword: 'Mới#2026-abc' } });
    expect(end.status).toBe(403);
    expect(end.body.code).toBe('CSRF_INVALID');
    expect(end.body.message).toMatch(/chống giả mạo/);
    // Another session's token does not do either (it is derived from the session).
    const wrong = await req('POST', '/api/v1/me/password', { cookie: s.cookie, csrf: other.csrf, body: { currentPassword: TEST_PASSWORD, newPassword: 'Mới#2026-abc' } });
    expect(wrong.body.code).toBe('CSRF_INVALID');
    // The header alone, with the cookie missing, neither.
    const noCookie = await req('POST', '/jmap/api', { cookie: s.cookie.replace(/; thutin_csrf=.*/, ''), csrf: s.csrf, raw: jmapBody(accountId) });
    expect(noCookie.status).toBe(403);
    const jmapNo = await req('POST', '/jmap/api', { cookie: s.cookie, raw: jmapBody(accountId) });
    expect(jmapNo.status).toBe(403);
    const jmapYes = await req('POST', '/jmap/api', { cookie: s.cookie, csrf: s.csrf, raw: jmapBody(accountId) });
    expect(jmapYes.status).toBe(200);
    expect(jmapYes.body.methodResponses[0][0]).toBe('Mailbox/get');
    const upload = await req('POST', `/jmap/upload/${accountId}`, { cookie: s.cookie, raw: 'x', type: 'text/plain' });
    expect(upload.status).toBe(403);
  });

  it('logs out one session; "sign out everywhere" ends them all', async () => {
    const a = await login();
    const b = await login();
    const out = await req('POST', '/auth/web/logout', { cookie: a.cookie, csrf: a.csrf });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().some((c) => /^thutin_session=; .*Max-Age=0/.test(c))).toBe(true);
    expect((await req('GET', '/api/v1/me', { cookie: a.cookie })).status).toBe(401);
    expect((await req('GET', '/auth/web/session', { cookie: a.cookie })).status).toBe(401);
    expect((await req('GET', '/auth/web/session', { cookie: b.cookie })).status).toBe(200);
    expect((await req('GET', '/api/v1/me', { cookie: b.cookie })).status).toBe(200);
    const c = await login();
    const everywhere = await req('POST', '/api/v1/me/sessions/end', { cookie: c.cookie, csrf: c.csrf });
    expect(everywhere.status).toBe(204);
    expect((await req('GET', '/api/v1/me', { cookie: b.cookie })).status).toBe(401);
    expect((await req('GET', '/jmap/session', { cookie: c.cookie })).status).toBe(401);
  });

  it('serves the app at / with its CSP; app routes fall back to index.html, server prefixes do not', async () => {
    const root = await req('GET', '/');
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toMatch(/text\/html/);
    expect(root.body).toContain('<div id="root">');
    const csp = root.headers.get('content-security-policy')!;
    for (const d of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "frame-src 'self' blob:"]) expect(csp).toContain(d);
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    const app = await req('GET', '/mail/A1/M2/E2_7?q=dang');
    expect(app.status).toBe(200);
    expect(app.body).toContain('<div id="root">');
    expect(app.headers.get('cache-control')).toBe('no-cache');
    const js = /src="(\/assets\/[^"]+\.js)"/.exec(root.body)![1];
    const asset = await req('GET', js);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    for (const p of ['/api/v1/nope', '/jmap/nope', '/auth/nope', '/.well-known/nope', '/autodiscover/nope', '/assets/gone-123.js']) {
      const a = await req('GET', p);
      expect(a.status, p).toBe(404);
      expect(a.body.code, p).toBe('NOT_FOUND');
    }
    expect((await req('GET', '/health')).status).toBe(200);
  });

  it('is throttled like every sign-in (the same service as /api/v1/auth/login)', async () => {
    const victim = await r.user('bithu');
    const statuses: number[] = [];
    for (let i = 0; i < 12 && !statuses.includes(429); i++) statuses.push((await req('POST', '/auth/web/login', { body: { username: victim, password: `sai-${i}` } })).status);
    expect(statuses).toContain(429);
    const last = await req('POST', '/auth/web/login', { body: { username: victim, password: 'sai' } });
    expect(last.status).toBe(429);
    expect(last.body.code).toBe('TOO_MANY_ATTEMPTS');
    expect(last.headers.getSetCookie()).toEqual([]);
  });
});
