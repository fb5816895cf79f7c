// Spam allow / block lists over the admin API (fetch): a user keeps their own (add, change, list,
// remove; a bad entry is 400 SPAM_ENTRY_INVALID, an unknown one 404), a system administrator edits
// a user's with a document and the change is audited with both; the routes are in the OpenAPI
// document. Who may call which route is the authorisation matrix's (admin-api-matrix.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdminApi, seedProvince, type AdminApi, type Province } from '../helpers/admin-api.ts';
import { backends } from '../helpers/harness.ts';

describe.each(backends())('spam lists over the API (%s)', (backend) => {
  let api: AdminApi;
  let p: Province;
  beforeAll(async () => {
    api = await startAdminApi({ backend });
    p = await seedProvince(api);
  });
  afterAll(async () => api?.stop());

  it('lets a user keep their own lists', async () => {
    const tok = p.tokens.user;
    expect((await api.call(tok, 'POST', '/api/v1/me/spam-lists', { kind: 'allow', entry: '@GiaLai.Example' })).json).toMatchObject({
      kind: 'allow',
      entry: 'gialai.example',
      createdBy: `api:${p.actors.user}`,
    });
    expect((await api.call(tok, 'POST', '/api/v1/me/spam-lists', { kind: 'block', entry: 'rac@quangcao.example' })).status).toBe(200);
    expect((await api.call(tok, 'POST', '/api/v1/me/spam-lists', { kind: 'block', entry: 'gialai.example' })).json).toMatchObject({ kind: 'block' });
    const list = await api.call(tok, 'GET', '/api/v1/me/spam-lists');
    expect((list.json as { entries: Array<{ kind: string; entry: string }> }).entries.map((e) => `${e.kind} ${e.entry}`)).toEqual(['block gialai.example', 'block rac@quangcao.example']);
    const bad = await api.call(tok, 'POST', '/api/v1/me/spam-lists', { kind: 'allow', entry: 'khong phai dia chi' });
    expect([bad.status, bad.json?.code]).toEqual([400, 'SPAM_ENTRY_INVALID']);
    expect((await api.call(tok, 'DELETE', '/api/v1/me/spam-lists/rac%40quangcao.example')).status).toBe(204);
    const gone = await api.call(tok, 'DELETE', '/api/v1/me/spam-lists/rac%40quangcao.example');
    expect([gone.status, gone.json?.code]).toEqual([404, 'SPAM_ENTRY_NOT_FOUND']);
  });

  it("lets a system administrator edit a user's lists with a document, audited", async () => {
    const path = `/api/v1/mailboxes/${p.actors.user}/spam-lists`;
    const noReason = await api.call(p.tokens.sysadmin, 'POST', path, { kind: 'allow', entry: 'doitac.example' });
    expect(noReason.status).toBe(400);
    expect((await api.call(p.tokens.sysadmin, 'POST', path, { kind: 'allow', entry: 'doitac.example', reason: 'Phiếu yêu cầu 12' })).status).toBe(200);
    const seen = await api.call(p.tokens.user, 'GET', '/api/v1/me/spam-lists');
    expect((seen.json as { entries: Array<{ entry: string; createdBy: string }> }).entries).toContainEqual(expect.objectContaining({ entry: 'doitac.example', createdBy: `api:${p.actors.sysadmin}` }));
    const [entry] = await api.t.app.audit.list(1, { action: 'spam.list.set', target: p.actors.user });
    expect(entry).toMatchObject({ actor: `api:${p.actors.sysadmin}`, reason: 'Phiếu yêu cầu 12' });
    expect((await api.call(p.tokens.sysadmin, 'DELETE', `${path}/doitac.example?reason=Phi%E1%BA%BFu%2013`)).status).toBe(204);
  });

  it('documents the routes in OpenAPI', async () => {
    const doc = (await api.call(null, 'GET', '/api/v1/openapi.json')).json as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/me/spam-lists', '/api/v1/me/spam-lists/{entry}', '/api/v1/mailboxes/{address}/spam-lists', '/api/v1/mailboxes/{address}/spam-lists/{entry}']),
    );
  });
});
