// The caller's own Sieve scripts over the HTTP API (/api/v1/me/sieve…), on SQLite and PostgreSQL:
// a script stored as text/plain and as JSON {script}, listed with the active one marked, read back
// byte for byte, checked without storing (an invalid one is 400 SIEVE_INVALID naming its line, in
// Vietnamese and English), activated and deactivated, the active one not deletable (409
// SIEVE_ACTIVE), quotas (409 SIEVE_QUOTA_MAXSCRIPTS, 413 SIEVE_QUOTA_MAXSIZE), an unknown one 404;
// the owner's own changes are not audited; another account never sees them.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startAdminApi, TEST_PASSWORD, type AdminApi } from '../helpers/admin-api.ts';
import { backends } from '../helpers/harness.ts';

const SCRIPT = 'require ["fileinto"];\r\nif header :contains "subject" "Công văn" {\r\n  fileinto "Công văn";\r\n}\r\n';

for (const backend of backends()) {
  describe(`Sieve scripts over the HTTP API (${backend})`, { timeout: 60_000 }, () => {
    let api: AdminApi;
    let token: string;
    let other: string;

    beforeAll(async () => {
      api = await startAdminApi({ backend, config: { sieve: { maxScripts: 2, maxScriptBytes: 200 } } });
      await api.t.app.accounts.create('locthu@kontum.gov.vn', TEST_PASSWORD, 'test');
      await api.t.app.accounts.create('khac@kontum.gov.vn', TEST_PASSWORD, 'test');
      token = await api.login('locthu@kontum.gov.vn');
      other = await api.login('khac@kontum.gov.vn');
    });
    afterAll(async () => {
      await api?.stop();
    });

    it('stores, lists, reads, checks, activates and deletes the caller’s own scripts', async () => {
      const put = await api.call(token, 'PUT', `/api/v1/me/sieve/${encodeURIComponent('lọc')}`, SCRIPT, { contentType: 'text/plain; charset=utf-8' });
      expect(put.status, put.text).toBe(200);
      expect(put.json).toEqual({ name: 'lọc', size: Buffer.byteLength(SCRIPT) });
      const json = await api.call(token, 'PUT', '/api/v1/me/sieve/giu', { script: 'keep;\n' });
      expect(json.status, json.text).toBe(200);

      const list = await api.call(token, 'GET', '/api/v1/me/sieve');
      expect(list.json.scripts.map((s: { name: string; active: boolean }) => [s.name, s.active])).toEqual([
        ['giu', false],
        ['lọc', false],
      ]);
      expect(list.json.limits).toEqual({ maxScripts: 2, maxScriptBytes: 200 });
      const one = await api.call(token, 'GET', `/api/v1/me/sieve/${encodeURIComponent('lọc')}`);
      expect(one.json).toEqual({ name: 'lọc', active: false, script: SCRIPT });

      const invalid = await api.call(token, 'POST', '/api/v1/me/sieve/check', 'require "fileinto";\nfileinto;\n', { contentType: 'text/plain' });
      expect(invalid.status).toBe(400);
      expect(invalid.json).toMatchObject({
        code: 'SIEVE_INVALID',
        message: expect.stringMatching(/^Kịch bản Sieve có lỗi: line 2: /),
        messageEn: expect.stringMatching(/^The Sieve script has an error: line 2: /),
      });
      expect((await api.call(token, 'POST', '/api/v1/me/sieve/check', { script: SCRIPT })).json).toEqual({ valid: true });
      const refused = await api.call(token, 'PUT', '/api/v1/me/sieve/giu', { script: 'frob;' });
      expect(refused.status).toBe(400);
      expect((await api.call(token, 'GET', '/api/v1/me/sieve/giu')).json.script).toBe('keep;\n');

      const act = await api.call(token, 'POST', `/api/v1/me/sieve/${encodeURIComponent('lọc')}/activate`);
      expect(act.status, act.text).toBe(204);
      const acct = (await api.t.app.accounts.byAddress('locthu@kontum.gov.vn'))!;
      expect((await api.t.app.sieveScripts.active(acct.id))?.name).toBe('lọc');
      const activeDelete = await api.call(token, 'DELETE', `/api/v1/me/sieve/${encodeURIComponent('lọc')}`);
      expect(activeDelete.status).toBe(409);
      expect(activeDelete.json.code).toBe('SIEVE_ACTIVE');

      const third = await api.call(token, 'PUT', '/api/v1/me/sieve/ba', { script: 'keep;' });
      expect([third.status, third.json.code]).toEqual([409, 'SIEVE_QUOTA_MAXSCRIPTS']);
      const big = await api.call(token, 'PUT', '/api/v1/me/sieve/giu', { script: `# ${'x'.repeat(300)}\nkeep;` });
      expect([big.status, big.json.code]).toEqual([413, 'SIEVE_QUOTA_MAXSIZE']);
      expect((await api.call(token, 'GET', '/api/v1/me/sieve/khong-co')).status).toBe(404);

      // another account sees none of them
      expect((await api.call(other, 'GET', '/api/v1/me/sieve')).json.scripts).toEqual([]);
      expect((await api.call(other, 'GET', '/api/v1/me/sieve/giu')).status).toBe(404);

      expect((await api.call(token, 'POST', '/api/v1/me/sieve/deactivate')).status).toBe(204);
      expect(await api.t.app.sieveScripts.active(acct.id)).toBeNull();
      for (const name of ['lọc', 'giu']) expect((await api.call(token, 'DELETE', `/api/v1/me/sieve/${encodeURIComponent(name)}`)).status).toBe(204);
      expect((await api.call(token, 'GET', '/api/v1/me/sieve')).json.scripts).toEqual([]);

      const audit = await api.t.app.audit.list(500);
      expect(audit.filter((e) => e.action.startsWith('sieve.'))).toEqual([]);
    });

    it('refuses a request without a token', async () => {
      expect((await api.call(null, 'GET', '/api/v1/me/sieve')).status).toBe(401);
    });
  });
}
