// The admin HTTP API as a client sees it, over a real socket with fetch: every route declares
// its authorisation and appears in the OpenAPI document; login, logout, rate limit; a reset
// password forces a change before anything else; errors are { code, message, messageEn } in
// Vietnamese and English; CSV export and dry-run import; queue administration with each
// recipient's last failure, every action audited.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startAdminApi, seedProvince, TEST_PASSWORD, type AdminApi, type Province } from '../helpers/admin-api.ts';
import { vietnameseMessage } from '../helpers/servers.ts';
import { backends } from '../helpers/harness.ts';

for (const backend of backends()) {
  describe(`admin API (${backend})`, { timeout: 120000 }, () => {
    let api: AdminApi;
    let p: Province;
    beforeAll(async () => {
      api = await startAdminApi({ backend, config: { security: { signIn: { accountMaxFailures: 3 } } } });
      p = await seedProvince(api);
    });
    afterAll(async () => api?.stop());

    it('every route declares public access or an action', () => {
      expect(api.routes.length).toBeGreaterThan(30);
      const undeclared = api.routes.filter((r) => !r.public && !r.action);
      expect(undeclared).toEqual([]);
      expect(
        api.routes
          .filter((r) => r.public)
          .map((r) => `${r.method} ${r.url}`)
          .sort(),
      ).toEqual([
        'GET /*', // the web app's pages (src/http/webapp.ts): static files, the sign-in happens inside
        'GET /.well-known/autoconfig/mail/config-v1.1.xml',
        'GET /.well-known/jmap',
        'GET /.well-known/mta-sts.txt',
        'GET /.well-known/thutin/profile.mobileconfig',
        'GET /Autodiscover/Autodiscover.xml',
        'GET /api/v1/openapi.json',
        'GET /auth/web/session', // the web session's own check: its cookie (src/http/web-session.ts)
        'GET /autodiscover/autodiscover.xml',
        'GET /health',
        'GET /jmap/download/:accountId/:blobId/:name',
        'GET /jmap/eventsource', // JMAP's own authentication, as /jmap/api
        'GET /jmap/session',
        'GET /mail/config-v1.1.xml',
        'GET /metrics', // its own check: an administrator's or auditor's token, or the scrape token (issue 11)
        'POST /Autodiscover/Autodiscover.xml',
        'POST /api/v1/auth/login',
        'POST /api/v1/requests/credential/:token', // the one-time code is the secret (issue 11)
        'POST /auth/web/login', // the sign-in itself, throttled as /api/v1/auth/login
        'POST /auth/web/logout', // ends the cookie's session (CSRF-checked)
        'POST /autodiscover/autodiscover.xml',
        'POST /jmap/api',
        'POST /jmap/upload/:accountId',
      ]);
    });

    it('serves an OpenAPI document naming every route, its schemas and the bearer scheme', async () => {
      const r = await api.call(null, 'GET', '/api/v1/openapi.json');
      expect(r.status).toBe(200);
      const doc = JSON.parse(r.text);
      expect(doc.openapi).toMatch(/^3\./);
      expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
      // the web app's pages (GET /*) are files, not API: hidden from the document
      for (const route of api.routes.filter((r) => r.url !== '/*')) {
        const path = route.url.replace(/:(\w+)/g, '{$1}');
        expect(doc.paths[path], path).toBeDefined();
        expect(doc.paths[path][route.method.toLowerCase()], `${route.method} ${path}`).toBeDefined();
      }
      const create = doc.paths['/api/v1/people'].post;
      expect(create.requestBody.content['application/json'].schema.required).toContain('fullName');
      expect(create.security).toEqual([{ bearer: [] }]);
    });

    it('answers 401 without a token or with a wrong one, in both languages', async () => {
      for (const auth of [null, 'x'.repeat(43)]) {
        const r = await api.call(auth, 'GET', '/api/v1/me');
        expect(r.status).toBe(401);
        expect(r.json).toEqual({ code: 'UNAUTHENTICATED', message: 'Cần đăng nhập', messageEn: 'Authentication required' });
      }
    });

    it('logs in, tells who I am with my roles, and logs out', async () => {
      const token = await api.login(p.actors['clerk-snv']);
      const me = await api.call(token, 'GET', '/api/v1/me');
      expect(me.status).toBe(200);
      expect(me.json.username).toBe(p.actors['clerk-snv']);
      expect(me.json.roles).toEqual([
        { role: 'agency-clerk', unitId: p.units.SNV },
        { role: 'user', unitId: null },
      ]);
      expect(me.json.person.fullName).toBe('Võ Văn Thư');
      expect((await api.call(token, 'POST', '/api/v1/auth/logout')).status).toBe(204);
      expect((await api.call(token, 'GET', '/api/v1/me')).status).toBe(401);
    });

    it('a unit head is an agency head of that unit without any assignment', async () => {
      const me = await api.call(p.tokens['head-snv'], 'GET', '/api/v1/me');
      expect(me.json.roles).toContainEqual({ role: 'agency-head', unitId: p.units.SNV });
      // … and is handed the unit mailbox (R8.3), which /me lists among the mailboxes shared with them.
      const snvMailbox = (await api.t.app.directory.getUnit('SNV'))!.mailbox;
      expect(me.json.shared.map((m: { owner: string }) => m.owner)).toContain(snvMailbox);
    });

    it('a reset password ends the sessions and must be changed before any other call', async () => {
      const target = (await api.t.app.directory.personByAddress(p.actors['clerk-snv']))!;
      const old = await api.login(p.actors['clerk-snv']);
      const reset = await api.call(p.tokens['head-snv'], 'POST', `/api/v1/people/${target.id}/password/reset`, { reason: 'Đơn đề nghị ngày 28/11' });
      expect(reset.status).toBe(200);
      expect(reset.json.address).toBe(p.actors['clerk-snv']);
      expect((await api.call(old, 'GET', '/api/v1/me')).status).toBe(401);

      const token = (await api.call(null, 'POST', '/api/v1/auth/login', { username: p.actors['clerk-snv'], password: reset.json.password })).json;
      expect(token.mustChangePassword).toBe(true);
      const blocked = await api.call(token.token, 'GET', '/api/v1/directory/search?q=hoa');
      expect(blocked.status).toBe(403);
      expect(blocked.json.code).toBe('PASSWORD_CHANGE_REQUIRED');
      const wrong = await api.call(token.token, 'POST', '/api/v1/me/password', { currentPassword: 'Sai#Matkhau1', newPassword: 'Moi#Matkhau27' });
      expect(wrong.status).toBe(400);
      expect(wrong.json.code).toBe('CURRENT_PASSWORD_WRONG');
      const weak = await api.call(token.token, 'POST', '/api/v1/me/password', { currentPassword: reset.json.password, newPassword: 'abc' });
      expect(weak.json.code).toBe('PASSWORD_WEAK');
      const other = (await api.call(null, 'POST', '/api/v1/auth/login', { username: p.actors['clerk-snv'], password: reset.json.password })).json.token;
      expect((await api.call(token.token, 'POST', '/api/v1/me/password', { currentPassword: reset.json.password, newPassword: 'Moi#Matkhau27' })).status).toBe(204);
      expect((await api.call(token.token, 'GET', '/api/v1/directory/search?q=hoa')).status).toBe(200);
      expect((await api.call(other, 'GET', '/api/v1/directory/search?q=hoa')).status).toBe(401); // the other session ended
      const audit = await api.t.app.audit.list(20);
      const entry = audit.find((e) => e.target === p.actors['clerk-snv'] && e.actor === `api:${p.actors['head-snv']}`);
      expect(entry).toBeDefined();
      expect(entry!.details).not.toContain(reset.json.password);
      p.tokens['clerk-snv'] = token.token;
    });

    it('refuses invalid bodies with 400 naming the fields, in Vietnamese and English', async () => {
      const r = await api.call(p.tokens.sysadmin, 'POST', '/api/v1/people', { title: 'Chuyên viên', unitCode: 'SNV', reason: 'QĐ 30' });
      expect(r.status).toBe(400);
      expect(r.json.code).toBe('VALIDATION_FAILED');
      expect(r.json.message).toBe('Dữ liệu gửi lên không hợp lệ: body.fullName');
      expect(r.json.messageEn).toBe('Invalid request data: body.fullName');
      const notJson = await api.call(p.tokens.sysadmin, 'POST', '/api/v1/people', '{"fullName": ', { contentType: 'application/json' });
      expect(notJson.status).toBe(400);
      expect(notJson.json.code).toBe('VALIDATION_FAILED');
      const missing = await api.call(p.tokens.sysadmin, 'GET', '/api/v1/people/999999');
      expect(missing.status).toBe(404);
      const noRoute = await api.call(p.tokens.sysadmin, 'GET', '/api/v1/nothing-here');
      expect(noRoute.status).toBe(404);
      expect(noRoute.json.code).toBe('NOT_FOUND');
    });

    it('a write records the API actor and the document reference', async () => {
      const r = await api.call(p.tokens['head-snv'], 'POST', '/api/v1/people', { fullName: 'Hồ Thị Mai', unitCode: 'SNV-VP', title: 'Chuyên viên', reason: 'QĐ 45/QĐ-SNV' });
      expect(r.status).toBe(201);
      expect(r.json.address).toBe('maiht@kontum.gov.vn');
      const entry = (await api.t.app.audit.list(10)).find((e) => e.action === 'person.create' && e.target === 'maiht@kontum.gov.vn')!;
      expect(entry).toMatchObject({ actor: `api:${p.actors['head-snv']}`, reason: 'QĐ 45/QĐ-SNV' });
      // … and the auditor reads it back through the API, filtered, with the chain intact.
      const seen = await api.call(p.tokens.auditor, 'GET', `/api/v1/audit?target=maiht@kontum.gov.vn&action=person.`);
      expect(seen.json.entries.map((e: { action: string; reason: string }) => [e.action, e.reason])).toEqual([['person.create', 'QĐ 45/QĐ-SNV']]);
      const chain = await api.call(p.tokens.auditor, 'GET', '/api/v1/audit/verify');
      expect(chain.json).toMatchObject({ ok: true });
      const history = await api.call(p.tokens.auditor, 'GET', `/api/v1/history/person/${r.json.person.id}`);
      expect(history.json.versions[0]).toMatchObject({ actor: `api:${p.actors['head-snv']}`, reason: 'QĐ 45/QĐ-SNV' });
    });

    it('searches the directory for every logged-in user', async () => {
      const r = await api.call(p.tokens.user, 'GET', `/api/v1/directory/search?q=${encodeURIComponent('hoa')}`);
      expect(r.status).toBe(200);
      expect(r.json.results[0]).toMatchObject({ kind: 'person', name: 'Phạm Thị Hoa', email: 'hoapt@kontum.gov.vn' });
      const units = await api.call(p.tokens.user, 'GET', `/api/v1/directory/search?q=${encodeURIComponent('sở tư pháp')}&kinds=unit`);
      expect(units.json.results.map((e: { name: string }) => e.name)).toContain('Sở Tư pháp');
    });

    it('exports CSV with a BOM as text/csv; a dry-run import reports refused rows and applies nothing', async () => {
      const r = await api.call(p.tokens['directory-manager'], 'GET', '/api/v1/csv/people');
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      const raw = new Uint8Array(await (await fetch(`${api.base}/api/v1/csv/people`, { headers: { authorization: `Bearer ${p.tokens['directory-manager']}` } })).arrayBuffer());
      expect([...raw.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(r.text).toContain('Phạm Thị Hoa');

      const before = (await api.t.app.directory.listPeople({ limit: 1000 })).length;
      const csv = '\uFEFFho_ten,chuc_vu,ma_don_vi\r\nLý Văn Minh,Chuyên viên,STP-VP\r\nX,Chuyên viên,KHONGCO\r\n';
      const dry = await api.call(p.tokens['directory-manager'], 'POST', '/api/v1/csv/people?dryRun=true&reason=QĐ%2076', csv, { contentType: 'text/csv; charset=utf-8' });
      expect(dry.status).toBe(200);
      expect(dry.json.applied).toBe(false);
      expect([...new Set(dry.json.errors.map((e: { line: number }) => e.line))]).toEqual([3]);
      expect(
        (await api.call(p.tokens['directory-manager'], 'POST', '/api/v1/csv/people?dryRun=true&reason=QĐ%2076', csv.split('\r\n').slice(0, 2).join('\r\n'), { contentType: 'text/csv' })).json,
      ).toMatchObject({
        applied: false,
        errors: [],
        created: 1,
      });
      expect((await api.t.app.directory.listPeople({ limit: 1000 })).length).toBe(before);

      const applied = await api.call(p.tokens['directory-manager'], 'POST', '/api/v1/csv/people?dryRun=false&reason=QĐ%2077', csv.split('\r\n').slice(0, 2).join('\r\n'), { contentType: 'text/csv' });
      expect(applied.json).toMatchObject({ applied: true, created: 1, errors: [] });
      const minh = (await api.t.app.directory.search('lý văn minh', { kinds: ['person'] }))[0];
      expect(minh).toMatchObject({ name: 'Lý Văn Minh', unitCode: 'STP-VP' });
    });

    it('administers the outbound queue: list, show with the last failure, hold, release, retry, delete — audited', async () => {
      const sender = p.actors.user;
      const content = await api.t.app.store.ingest([vietnameseMessage({ from: sender, to: 'an@remote.test' })]);
      let id = 0;
      id = (await api.t.app.store.commit(content, { copies: [{ remote: { sender: sender, recipients: ['an@remote.test', 'binh@remote.test'], accountId: null } }] })).queued[0];
      const rcpt = (await api.t.app.queue.get(id))!.recipients[0];
      await api.t.app.queue.record([
        { id: rcpt.id, state: 'deferred', error: '451 4.7.1 Greylisted, try again later', status: '4.7.1', remoteMta: 'mx.remote.test', nextAttemptAt: Date.now() + 600_000 },
      ]);

      const tok = p.tokens.sysadmin;
      const list = await api.call(tok, 'GET', '/api/v1/queue');
      expect(list.json.queue.map((q: { id: number }) => q.id)).toContain(id);
      const show = await api.call(tok, 'GET', `/api/v1/queue/${id}`);
      expect(show.status).toBe(200);
      expect(show.json.recipients[0]).toMatchObject({ recipient: 'an@remote.test', state: 'deferred', lastError: '451 4.7.1 Greylisted, try again later' });
      expect(show.json.headers).toContain('Subject:');
      expect((await api.call(tok, 'POST', `/api/v1/queue/${id}/hold`)).json.state).toBe('hold');
      expect((await api.call(tok, 'POST', `/api/v1/queue/${id}/release`)).json.state).toBe('active');
      const retried = await api.call(tok, 'POST', `/api/v1/queue/${id}/retry`);
      expect(retried.json.recipients[0].nextAttemptAt).toBeLessThanOrEqual(Date.now());
      expect((await api.call(tok, 'DELETE', `/api/v1/queue/${id}`)).status).toBe(204);
      expect((await api.call(tok, 'GET', `/api/v1/queue/${id}`)).status).toBe(404);
      const actions = (await api.t.app.audit.list(10)).filter((e) => e.target === `#${id}`).map((e) => [e.action, e.actor]);
      expect(actions.reverse()).toEqual(['queue.hold', 'queue.release', 'queue.retry', 'queue.delete'].map((a) => [a, `api:${p.actors.sysadmin}`]));
    });

    it('refuses a wrong password, then the account after too many from an address it never signed in from', async () => {
      const bad = await api.call(null, 'POST', '/api/v1/auth/login', { username: 'dandt', password: 'Sai#Matkhau1' });
      expect(bad.status).toBe(401);
      expect(bad.json.code).toBe('LOGIN_FAILED');
      await api.call(null, 'POST', '/api/v1/auth/login', { username: 'dandt', password: 'Sai#Matkhau2' });
      await api.call(null, 'POST', '/api/v1/auth/login', { username: 'dandt', password: 'Sai#Matkhau3' });
      const blocked = await api.call(null, 'POST', '/api/v1/auth/login', { username: 'dandt', password: TEST_PASSWORD });
      expect(blocked.status).toBe(429);
      expect(blocked.json).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', messageEn: 'Too many failed logins, try again later' });
    });
  });
}

describe('admin API behind a reverse proxy', { timeout: 120000 }, () => {
  let api: AdminApi;
  beforeAll(async () => {
    api = await startAdminApi({ config: { http: { trustProxy: true }, security: { signIn: { addressMaxFailures: 1 } } } });
  });
  afterAll(async () => api?.stop());

  it('counts failed logins per forwarded client address (the sign-in throttle)', async () => {
    const login = (ip: string) =>
      fetch(`${api.base}/api/v1/auth/login`, {
        method: 'POST',
        // TLS ends at the proxy: without X-Forwarded-Proto https a remote sign-in is refused (HTTPS_REQUIRED)
        headers: { 'content-type': 'application/json', 'x-forwarded-for': ip, 'x-forwarded-proto': 'https' },
        body: JSON.stringify({ username: 'ai', password: 'Sai#Matkhau1' }),
      }).then((r) => r.status);
    expect(await login('203.0.113.7')).toBe(401);
    expect(await login('203.0.113.7')).toBe(429);
    expect(await login('203.0.113.8')).toBe(401);
  });
});
