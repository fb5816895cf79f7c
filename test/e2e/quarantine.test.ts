// The quarantine for administrators, with a real clamd (test/helpers/clamd.ts) refusing EICAR at
// the MX (swaks): the kept message's blob survives the sweep; over the HTTP API sysadmins list,
// show (header section), release to the original recipient (delivered into INBOX, marked) and
// delete (the blob goes); auditors read but may not release or delete; directory managers and
// users get nothing. The same over `thutin quarantine list|show|release|delete`, which need
// --reason. Every action is in the audit log with its actor and reason.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/harness.ts';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { missingTool } from '../helpers/tools.ts';
import { thutin } from '../helpers/cli.ts';
import { startClamd, removeClamdDir, mailWithAttachment, zipOf, EICAR, EICAR_NAME, type Clamd } from '../helpers/clamd.ts';

const skip = missingTool('/usr/sbin/clamd', 'quarantine (clamd)') || missingTool('swaks', 'quarantine (swaks)');

describe.skipIf(skip).each(backends())('quarantine (%s)', { timeout: 120_000 }, (backend) => {
  let clamd: Clamd;
  let r: Running;
  let tmp: string;
  let an: string;
  const tokens: Record<'sysadmin' | 'auditor' | 'manager' | 'user', string> = { sysadmin: '', auditor: '', manager: '', user: '' };

  beforeAll(async () => {
    clamd = await startClamd();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-quarantine-'));
    r = await startTestServers({ backend, config: { hygiene: { virus: { enabled: true, socket: '', host: '127.0.0.1', port: clamd.port, quarantine: true } } } });
    an = await r.user('annv');
    const ctx = { actor: 'test', reason: 'QĐ 12' };
    for (const [who, local, role] of [
      ['sysadmin', 'quantri', 'sysadmin'],
      ['auditor', 'kiemtoan', 'auditor'],
      ['manager', 'danhba', 'directory-manager'],
      ['user', 'dandt', null],
    ] as const) {
      const addr = await r.user(local);
      if (role) await r.app.roles.grant(addr, role, null, ctx);
      const res = await fetch(`http://127.0.0.1:${r.servers.ports.http}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: addr, password: TEST_PASSWORD }),
      });
      expect(res.status).toBe(200);
      tokens[who] = ((await res.json()) as { token: string }).token;
    }
  });
  afterAll(async () => {
    await r?.stop();
    await clamd?.stop();
    if (clamd) removeClamdDir(clamd);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function api(who: keyof typeof tokens | null, method: string, p: string, body?: unknown): Promise<{ status: number; json: any }> {
    const headers: Record<string, string> = {};
    if (who) headers.authorization = `Bearer ${tokens[who]}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`http://127.0.0.1:${r.servers.ports.http}/api/v1${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  }

  /** Send EICAR in a zip through the MX: refused, and kept. Returns the quarantine id. */
  async function infected(subject: string): Promise<number> {
    const file = path.join(tmp, `${subject.replace(/\W/g, '')}.eml`);
    fs.writeFileSync(file, mailWithAttachment({ from: 'vanthu@gialai.example', to: an, subject, filename: 'baocao.zip', type: 'application/zip', data: zipOf('baocao.com', EICAR) }));
    const out = await new Promise<string>((res) =>
      execFile('swaks', ['--server', `127.0.0.1:${r.servers.ports.smtp}`, '--from', 'vanthu@gialai.example', '--to', an, '--data', `@${file}`], { timeout: 30_000 }, (_e, so, se) => res(so + se)),
    );
    expect(out).toMatch(/<\*\* 554 5\.7\.1 /);
    const [q] = await r.app.quarantine.list({ limit: 1 });
    expect(q.subject).toBe(subject);
    return q.id;
  }

  async function inbox(): Promise<string[]> {
    const acct = await r.app.accounts.resolveRecipient(an);
    const mb = await r.app.store.getMailbox(acct!.id, 'INBOX');
    const out: string[] = [];
    for (const m of await r.app.store.listMessages(mb!.id)) out.push((await r.app.store.readMessage(m)).toString('utf8'));
    return out;
  }

  const cliEnv = (): Record<string, string> =>
    backend === 'postgres' ? { THUTIN_DATABASE_DRIVER: 'postgres', THUTIN_DATABASE_URL: r.app.config.database.url!, THUTIN_LOG_LEVEL: 'warn' } : { THUTIN_LOG_LEVEL: 'warn' };

  it('keeps the blob of a quarantined message through the sweep, until it is deleted', async () => {
    const id = await infected('Giu lai qua don dep');
    const { sha256 } = await r.app.quarantine.get(id);
    await r.app.reclaimer.sweep({ graceMs: 0 });
    expect(await r.app.blobs.exists(sha256)).toBe(true);
    await r.app.quarantine.delete(id, { actor: 'test', reason: 'dọn' });
    expect(await r.app.blobs.exists(sha256)).toBe(false);
  });

  it('over the API: sysadmin and auditor list and show, others are refused; the body is never shown', async () => {
    const id = await infected('Xem qua API');
    expect((await api(null, 'GET', '/quarantine')).status).toBe(401);
    for (const who of ['manager', 'user'] as const) {
      expect((await api(who, 'GET', '/quarantine')).status).toBe(403);
      expect((await api(who, 'GET', `/quarantine/${id}`)).status).toBe(403);
    }
    for (const who of ['sysadmin', 'auditor'] as const) {
      const list = await api(who, 'GET', '/quarantine');
      expect(list.status).toBe(200);
      expect(list.json.quarantine[0]).toMatchObject({ id, virus: `${EICAR_NAME}.UNOFFICIAL`, sender: 'vanthu@gialai.example', recipients: [an], listener: 'inbound' });
      const one = await api(who, 'GET', `/quarantine/${id}`);
      expect(one.status).toBe(200);
      expect(one.json.headers).toMatch(/^Received: from .*\r\n/);
      expect(one.json.headers).toContain('Subject: Xem qua API\r\n');
      expect(one.json.headers).not.toContain('Kính gửi');
    }
    expect((await api('sysadmin', 'GET', '/quarantine/999999')).status).toBe(404);
  });

  it('over the API: only sysadmin releases (into INBOX, marked) and deletes (blob gone), each audited with its reason', async () => {
    const keep = await infected('Tha qua API');
    const drop = await infected('Xoa qua API');
    const dropSha = (await r.app.quarantine.get(drop)).sha256;
    for (const who of ['auditor', 'manager', 'user'] as const) {
      expect((await api(who, 'POST', `/quarantine/${keep}/release`, { reason: 'QĐ 5' })).status).toBe(403);
      expect((await api(who, 'DELETE', `/quarantine/${drop}?reason=QĐ%205`)).status).toBe(403);
    }
    expect((await api('sysadmin', 'POST', `/quarantine/${keep}/release`, {})).status).toBe(400);
    expect((await api('sysadmin', 'DELETE', `/quarantine/${drop}`)).status).toBe(400);

    const rel = await api('sysadmin', 'POST', `/quarantine/${keep}/release`, { reason: 'QĐ 5/QĐ-UBND' });
    expect(rel.status).toBe(200);
    expect(rel.json).toEqual({ id: keep, delivered: [an], queued: [], skipped: [] });
    const got = (await inbox()).find((m) => m.includes('Subject: Tha qua API'));
    expect(got).toMatch(new RegExp(`^X-Virus-Scan: infected \\(${EICAR_NAME}\\.UNOFFICIAL\\); released from quarantine #${keep} by api:quantri@kontum\\.gov\\.vn; `));
    expect((await api('sysadmin', 'GET', `/quarantine/${keep}`)).status).toBe(404);

    expect((await api('sysadmin', 'DELETE', `/quarantine/${drop}?reason=QĐ%206`)).status).toBe(204);
    expect(await r.app.blobs.exists(dropSha)).toBe(false);
    expect((await api('sysadmin', 'DELETE', `/quarantine/${drop}?reason=QĐ%206`)).status).toBe(404);

    const audit = await r.app.audit.list(50);
    expect(audit.find((e) => e.action === 'quarantine.release' && e.target === `#${keep}`)).toMatchObject({ actor: 'api:quantri@kontum.gov.vn', reason: 'QĐ 5/QĐ-UBND' });
    expect(audit.find((e) => e.action === 'quarantine.delete' && e.target === `#${drop}`)).toMatchObject({ actor: 'api:quantri@kontum.gov.vn', reason: 'QĐ 6' });
    expect(audit.find((e) => e.action === 'quarantine.keep' && e.target === `#${keep}`)).toMatchObject({ actor: 'smtp:inbound' });
    expect((await r.app.audit.verify()).ok).toBe(true);
  });

  it('releases a submitted message: local recipients into INBOX, remote ones queued from the original sender and account', async () => {
    const binh = await r.user('binhlt');
    const file = path.join(tmp, 'submitted.eml');
    fs.writeFileSync(file, mailWithAttachment({ from: binh, to: 'doitac@remote.example', subject: 'Gui di co virus', filename: 'a.zip', type: 'application/zip', data: zipOf('a.com', EICAR) }));
    const out = await new Promise<string>((res) =>
      execFile(
        'swaks',
        [
          '--server',
          `127.0.0.1:${r.servers.ports.submission}`,
          '--tls',
          '--auth',
          'PLAIN',
          '--auth-user',
          binh,
          '--auth-password',
          TEST_PASSWORD,
          '--from',
          binh,
          '--to',
          `doitac@remote.example,${an}`,
          '--data',
          `@${file}`,
        ],
        { timeout: 30_000 },
        (_e, so, se) => res(so + se),
      ),
    );
    expect(out).toMatch(new RegExp(`<~\\* 554 5\\.7\\.1 .*${EICAR_NAME}`)); // <~*: an error answer over TLS
    expect(await r.app.queue.list()).toEqual([]);
    const [q] = await r.app.quarantine.list({ limit: 1 });
    expect(q).toMatchObject({ listener: 'submission', sender: binh, recipients: ['doitac@remote.example', an] });
    const rel = await api('sysadmin', 'POST', `/quarantine/${q.id}/release`, { reason: 'QĐ 9' });
    expect(rel.json).toEqual({ id: q.id, delivered: [an], queued: ['doitac@remote.example'], skipped: [] });
    const queued = await r.app.queue.list();
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ sender: binh, accountId: (await r.app.accounts.resolveRecipient(binh))!.id, sha256: q.sha256 });
    expect(queued[0].recipients.map((x) => x.recipient)).toEqual(['doitac@remote.example']);
    expect((await r.app.queue.show(queued[0].id)).headers).toMatch(/^X-Virus-Scan: infected .*released from quarantine/);
    expect((await inbox()).some((m) => m.includes('Subject: Gui di co virus'))).toBe(true);
  });

  it('over the CLI: list, show, release and delete (with --reason), audited as the operating-system user', async () => {
    const keep = await infected('Tha qua CLI');
    const drop = await infected('Xoa qua CLI');
    const env = cliEnv();
    const list = await thutin(r.dataDir, ['quarantine', 'list'], { env });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^#${drop}\\t.*\\t${EICAR_NAME}\\.UNOFFICIAL\\tinbound\\t.*<vanthu@gialai\\.example>.*Xoa qua CLI$`, 'm'));
    const show = await thutin(r.dataDir, ['quarantine', 'show', String(keep)], { env });
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('Subject: Tha qua CLI\n');
    const noReason = await thutin(r.dataDir, ['quarantine', 'release', String(keep)], { env });
    expect(noReason.code).not.toBe(0);
    expect(noReason.stderr).toMatch(/--reason/);
    const rel = await thutin(r.dataDir, ['quarantine', 'release', String(keep), '--reason', 'QĐ 7'], { env });
    expect(rel.code).toBe(0);
    expect(rel.stdout).toContain(`#${keep}: đã trả thư / released — giao / delivered: ${an}`);
    expect((await inbox()).some((m) => m.includes('Subject: Tha qua CLI') && /^X-Virus-Scan: infected .* by cli:/.test(m))).toBe(true);
    const del = await thutin(r.dataDir, ['quarantine', 'delete', `#${drop}`, '--reason', 'QĐ 8'], { env });
    expect(del.code).toBe(0);
    expect((await r.app.quarantine.list()).map((q) => q.id)).not.toContain(drop);
    expect((await r.app.quarantine.list()).map((q) => q.id)).not.toContain(keep);
    const audit = await r.app.audit.list(50);
    expect(audit.find((e) => e.action === 'quarantine.release' && e.target === `#${keep}`)).toMatchObject({ actor: expect.stringMatching(/^cli:/), reason: 'QĐ 7' });
    expect(audit.find((e) => e.action === 'quarantine.delete' && e.target === `#${drop}`)).toMatchObject({ actor: expect.stringMatching(/^cli:/), reason: 'QĐ 8' });
  });
});
