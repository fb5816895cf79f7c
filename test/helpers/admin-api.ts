// The admin API over a real socket for tests: a test app with its HTTP front end on a loopback
// port, a small province (two agencies with a sub-unit each), people holding every role, and a
// fetch-based client (the client a script or the web console would use).
import { createTestApp, TEST_PASSWORD, type Backend, type TestApp } from './harness.ts';
import { startHttp } from '../../src/http/server.ts';
import type { DeclaredRoute } from '../../src/http/auth.ts';
import type { ConfigInput } from '../../src/config/config.ts';
import type { Role } from '../../src/core/roles.ts';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export interface AdminApi {
  t: TestApp;
  base: string;
  routes: DeclaredRoute[];
  call(token: string | null, method: string, path: string, body?: unknown, opts?: { contentType?: string }): Promise<Reply>;
  login(username: string, password?: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startAdminApi(opts: { backend?: Backend; config?: ConfigInput } = {}): Promise<AdminApi> {
  const t = await createTestApp(opts);
  const http = await startHttp(t.app);
  const base = `http://127.0.0.1:${http.port}`;
  const call: AdminApi['call'] = async (token, method, path, body, o = {}) => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      headers['content-type'] = o.contentType ?? 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await fetch(base + path, { method, headers, body: payload });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, headers: res.headers, text, json };
  };
  return {
    t,
    base,
    routes: http.routes,
    call,
    async login(username, password = TEST_PASSWORD) {
      const r = await call(null, 'POST', '/api/v1/auth/login', { username, password });
      if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.text}`);
      return r.json.token as string;
    },
    async stop() {
      await http.close();
      await t.cleanup();
    },
  };
}

export type Actor = 'sysadmin' | 'directory-manager' | 'auditor' | 'head-snv' | 'clerk-snv' | 'user';

export interface Province {
  units: Record<'UBND' | 'SNV' | 'SNV-VP' | 'STP' | 'STP-VP', number>;
  /** address of the person acting as each role */
  actors: Record<Actor, string>;
  tokens: Record<Actor, string>;
}

/**
 * UBND (province) ─┬─ SNV (Sở Nội vụ, with a unit mailbox) ── SNV-VP
 *                  └─ STP (Sở Tư pháp) ── STP-VP
 * The SNV head is an agency head by heading the unit (not by assignment); the clerk is assigned.
 */
export async function seedProvince(api: AdminApi): Promise<Province> {
  const d = api.t.app.directory;
  const ctx = { actor: 'test', reason: 'QĐ 01/QĐ-UBND' };
  const units = {} as Province['units'];
  const mk = async (code: keyof Province['units'], name: string, kind: string, parentCode: string | null, withMailbox = false) => {
    units[code] = (await d.createUnit({ code, name, kind, parentCode, withMailbox, abbreviation: code.toLowerCase().replace('-', '') }, ctx)).unit.id;
  };
  await mk('UBND', 'Ủy ban nhân dân tỉnh Kon Tum', 'province', null);
  await mk('SNV', 'Sở Nội vụ', 'agency', 'UBND', true);
  await mk('SNV-VP', 'Văn phòng Sở Nội vụ', 'department', 'SNV');
  await mk('STP', 'Sở Tư pháp', 'agency', 'UBND');
  await mk('STP-VP', 'Văn phòng Sở Tư pháp', 'department', 'STP');
  const person = async (fullName: string, unitCode: string, localPart: string, title = 'Chuyên viên') => d.createPerson({ fullName, unitCode, localPart, title, password: TEST_PASSWORD }, ctx);
  const actors = {} as Province['actors'];
  actors.sysadmin = (await person('Nguyễn Văn Quản', 'UBND', 'quannv')).address;
  actors['directory-manager'] = (await person('Trần Thị Danh', 'UBND', 'danhtt')).address;
  actors.auditor = (await person('Lê Văn Kiểm', 'UBND', 'kiemlv')).address;
  const head = await person('Phạm Thị Hoa', 'SNV', 'hoapt', 'Giám đốc');
  actors['head-snv'] = head.address;
  actors['clerk-snv'] = (await person('Võ Văn Thư', 'SNV-VP', 'thuvv', 'Văn thư')).address;
  actors.user = (await person('Đặng Thị Dân', 'STP-VP', 'dandt')).address;
  await d.setUnitHead('SNV', head.person.id, ctx);
  await api.t.app.roles.grant(actors.sysadmin, 'sysadmin' as Role, null, ctx);
  await api.t.app.roles.grant(actors['directory-manager'], 'directory-manager', null, ctx);
  await api.t.app.roles.grant(actors.auditor, 'auditor', null, ctx);
  await api.t.app.roles.grant(actors['clerk-snv'], 'agency-clerk', 'SNV', ctx);
  const tokens = {} as Province['tokens'];
  for (const [k, a] of Object.entries(actors)) tokens[k as Actor] = await api.login(a);
  return { units, actors, tokens };
}

export { TEST_PASSWORD };
