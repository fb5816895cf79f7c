// JMAP VacationResponse (RFC 8621 §8) is the account's Sieve vacation — one way mail is answered
// automatically: set over JMAP (jmap-jam), a message from outside through the MX gets one reply and
// the user's own filters (uploaded over /api/v1/me/sieve) keep running beside it; turned off, the
// filters are the active script again; a vacation script uploaded over the API is what
// VacationResponse/get shows; dates outside fromDate/toDate answer nothing.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import JamClient from 'jmap-jam';
import nodemailer from 'nodemailer';
import { backends } from '../helpers/harness.ts';
import { startTestServers, imapClient, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { eventually } from '../../src/smtp/testing/clients.ts';

const FILTER = 'require ["fileinto", "mailbox"];\nif header :contains "subject" "Công văn" { fileinto :create "Công văn"; }\n';

describe.each(backends())('JMAP VacationResponse (%s)', (backend) => {
  let r: Running;
  let an: string;
  let token: string;
  let jam: JamClient;
  let accountId: string;

  const api = async (method: string, path: string, body?: string) => {
    const res = await fetch(`http://127.0.0.1:${r.servers.ports.http}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'text/plain; charset=utf-8' } : {}) },
      body,
    });
    const text = await res.text();
    expect(res.status, text).toBeLessThan(300);
    return text ? JSON.parse(text) : null;
  };
  const fromOutside = (from: string, subject: string) =>
    nodemailer
      .createTransport({ host: '127.0.0.1', port: r.servers.ports.smtp, secure: false, ignoreTLS: true })
      .sendMail({ envelope: { from, to: an }, from, to: an, subject, text: 'Kính gửi đồng chí.' });
  /** Queue entries addressed to `who` (vacation replies to outside senders are queued). */
  const repliesTo = async (who: string) => (await r.app.queue.list()).filter((q) => q.recipients.some((x) => x.recipient === who));
  const folder = async (name: string): Promise<string[]> => {
    const c = imapClient(r, an);
    await c.connect();
    try {
      const lock = await c.getMailboxLock(name);
      try {
        const out: string[] = [];
        for await (const m of c.fetch('1:*', { envelope: true })) out.push(m.envelope?.subject ?? '');
        return out;
      } finally {
        lock.release();
      }
    } catch {
      return [];
    } finally {
      await c.logout();
    }
  };

  beforeAll(async () => {
    r = await startTestServers({ backend });
    an = await r.user('annv');
    token = (await r.app.tokens.login(an, TEST_PASSWORD, '127.0.0.1')).token;
    jam = new JamClient({ sessionUrl: `http://127.0.0.1:${r.servers.ports.http}/.well-known/jmap`, bearerToken: token });
    accountId = await jam.getPrimaryAccount();
    await api('PUT', `/api/v1/me/sieve/${encodeURIComponent('lọc')}`, FILTER);
    await api('POST', `/api/v1/me/sieve/${encodeURIComponent('lọc')}/activate`);
  });
  afterAll(async () => {
    await r?.stop();
  });

  it('announces the capability for the own account', async () => {
    const s = await jam.session;
    expect(s.capabilities).toHaveProperty('urn:ietf:params:jmap:vacationresponse');
    expect(s.accounts[accountId].accountCapabilities).toHaveProperty('urn:ietf:params:jmap:vacationresponse');
  });

  it('is off while the active script has no vacation', async () => {
    const [g] = await jam.api.VacationResponse.get({ accountId });
    expect(g.list).toEqual([{ id: 'singleton', isEnabled: false, fromDate: null, toDate: null, subject: null, textBody: null, htmlBody: null }]);
  });

  it('set over JMAP, answers a sender from outside once, and the filters keep running', async () => {
    const from = new Date(Date.now() - 86400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const to = new Date(Date.now() + 7 * 86400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const [set] = await jam.api.VacationResponse.set({
      accountId,
      update: { singleton: { isEnabled: true, fromDate: from, toDate: to, subject: 'Đang nghỉ phép', textBody: 'Tôi nghỉ phép đến hết tuần. Việc gấp xin liên hệ chanhvp@kontum.gov.vn.' } },
    });
    expect(set.updated).toHaveProperty('singleton');
    const [g] = await jam.api.VacationResponse.get({ accountId });
    expect(g.list[0]).toMatchObject({ isEnabled: true, fromDate: from, toDate: to, subject: 'Đang nghỉ phép', textBody: expect.stringContaining('chanhvp@kontum.gov.vn') });
    const scripts = (await api('GET', '/api/v1/me/sieve')) as { scripts: Array<{ name: string; active: boolean }> };
    expect(scripts.scripts.find((s) => s.active)?.name).toBe('vang-mat');
    await fromOutside('vanthu@moha.gov.vn', 'Mời họp giao ban');
    await fromOutside('vanthu@moha.gov.vn', 'Công văn số 15');
    await eventually(async () => (await repliesTo('vanthu@moha.gov.vn')).length === 1, 10_000, 'one vacation reply');
    const [reply] = await repliesTo('vanthu@moha.gov.vn');
    expect(await r.app.queue.headerOf(reply)).toMatch(/Auto-Submitted: auto-replied/i);
    expect(await folder('Công văn')).toEqual(['Công văn số 15']);
    expect((await repliesTo('vanthu@moha.gov.vn')).length).toBe(1);
  });

  it('turned off, the filters are the active script again and nothing is answered', async () => {
    const [set] = await jam.api.VacationResponse.set({ accountId, update: { singleton: { isEnabled: false } } });
    expect(set.updated).toHaveProperty('singleton');
    const scripts = (await api('GET', '/api/v1/me/sieve')) as { scripts: Array<{ name: string; active: boolean }> };
    expect(scripts.scripts.find((s) => s.active)?.name).toBe('lọc');
    const [g] = await jam.api.VacationResponse.get({ accountId });
    expect(g.list[0]).toMatchObject({ isEnabled: false, subject: 'Đang nghỉ phép' });
    await fromOutside('phong@mof.gov.vn', 'Hỏi việc');
    await eventually(async () => (await folder('INBOX')).includes('Hỏi việc'), 10_000, 'delivered');
    expect(await repliesTo('phong@mof.gov.vn')).toEqual([]);
  });

  it('shows a vacation uploaded over the Sieve API, and answers nothing outside its dates', async () => {
    await api('PUT', '/api/v1/me/sieve/tay', 'require "vacation";\nvacation :days 3 :subject "Đi công tác" "Tôi đi công tác Hà Nội.";\n');
    await api('POST', '/api/v1/me/sieve/tay/activate');
    const [g] = await jam.api.VacationResponse.get({ accountId });
    expect(g.list[0]).toMatchObject({ isEnabled: true, subject: 'Đi công tác', textBody: 'Tôi đi công tác Hà Nội.', fromDate: null, toDate: null });
    const [set] = await jam.api.VacationResponse.set({ accountId, update: { singleton: { toDate: '2026-01-01T00:00:00Z', htmlBody: '<p>Tôi <b>đi công tác</b>.</p>' } } });
    expect(set.updated).toHaveProperty('singleton');
    const [g2] = await jam.api.VacationResponse.get({ accountId });
    expect(g2.list[0]).toMatchObject({ isEnabled: true, subject: 'Đi công tác', toDate: '2026-01-01T00:00:00Z', htmlBody: '<p>Tôi <b>đi công tác</b>.</p>', textBody: 'Tôi đi công tác Hà Nội.' });
    await fromOutside('ketoan@kontum-partner.vn', 'Quyết toán');
    await eventually(async () => (await folder('INBOX')).includes('Quyết toán'), 10_000, 'delivered');
    expect(await repliesTo('ketoan@kontum-partner.vn')).toEqual([]);
    const [bad] = await jam.api.VacationResponse.set({ accountId, update: { singleton: { fromDate: 'mai' } }, destroy: ['singleton'] });
    expect(bad.notUpdated).toMatchObject({ singleton: { type: 'invalidProperties' } });
    expect(bad.notDestroyed).toMatchObject({ singleton: { type: 'singleton' } });
  });
});
