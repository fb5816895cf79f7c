// Sieve at delivery (RFC 5228 and its extensions), end to end: mail sent from outside through the
// MX and from officials through submission with nodemailer, each recipient's active script
// applied, and the result read over IMAP with imapflow — folders and flags, :create, discard,
// redirect (local; refused to free-mail), reject's notice, vacation's one reply, a script that
// fails at run time keeping the message. On each store backend.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import nodemailer from 'nodemailer';
import { backends } from '../helpers/harness.ts';
import { startTestServers, imapClient, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { eventually, inbox } from '../../src/smtp/testing/clients.ts';

describe.each(backends())('Sieve at delivery (%s)', (backend) => {
  let r: Running;
  let an: string;
  let binh: string;
  let chi: string;
  let anId: number;
  beforeAll(async () => {
    r = await startTestServers({ backend });
    an = await r.user('annv');
    binh = await r.user('binhlt');
    chi = await r.user('chitt');
    anId = (await r.app.accounts.byAddress(an))!.id;
  });
  afterAll(async () => r?.stop());

  const fromOutside = (opts: { from?: string; subject: string; text: string; headers?: Record<string, string>; to?: string }) =>
    nodemailer.createTransport({ host: '127.0.0.1', port: r.servers.ports.smtp, secure: false, ignoreTLS: true }).sendMail({
      envelope: { from: opts.from ?? 'vanthu@moha.gov.vn', to: opts.to ?? an },
      from: opts.from ?? 'Bộ Nội vụ <vanthu@moha.gov.vn>',
      to: opts.to ?? an,
      subject: opts.subject,
      text: opts.text,
      headers: opts.headers,
    });
  const submitted = (from: string, opts: { subject: string; text: string; to?: string }) =>
    nodemailer
      .createTransport({ host: '127.0.0.1', port: r.servers.ports.submission, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user: from, pass: TEST_PASSWORD } })
      .sendMail({ from, to: opts.to ?? an, subject: opts.subject, text: opts.text });
  const script = async (text: string) => {
    const self = { actor: an, owner: an, self: true };
    await r.app.sieveScripts.put(anId, 'main', text, self);
    await r.app.sieveScripts.activate(anId, 'main', self);
  };
  /** Subjects (with flags) of every message in a folder of An's, read over IMAP. */
  const folder = async (name: string, user = an): Promise<Array<{ subject: string; flags: string[] }>> => {
    const c = imapClient(r, user);
    await c.connect();
    try {
      const lock = await c.getMailboxLock(name);
      try {
        const out: Array<{ subject: string; flags: string[] }> = [];
        for await (const m of c.fetch('1:*', { envelope: true, flags: true })) out.push({ subject: m.envelope?.subject ?? '', flags: [...(m.flags ?? [])].filter((x) => x !== '\\Recent').sort() });
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

  it('files into folders with flags, creates a folder with :create, reads the body, discards', async () => {
    await script(`require ["fileinto", "imap4flags", "mailbox", "body"];
if header :contains "subject" "Công văn" { addflag "\\\\Flagged"; fileinto "Công văn"; stop; }
if body :contains "thư rác" { discard; stop; }
if address :domain "from" "moha.gov.vn" { fileinto :create :flags ["$Bo", "$Bộ"] "Bộ Nội vụ"; }`); // "$Bộ" is no IMAP keyword: dropped
    await r.app.store.createMailbox(anId, 'Công văn');
    await fromOutside({ subject: 'Công văn số 12', text: 'Nội dung.' });
    await fromOutside({ subject: 'Mời họp', text: 'Mời đồng chí dự họp.' });
    await fromOutside({ subject: 'Quảng cáo', text: 'Đây là thư rác.' });
    expect(await folder('Công văn')).toEqual([{ subject: 'Công văn số 12', flags: ['\\Flagged'] }]);
    expect(await folder('Bộ Nội vụ')).toEqual([{ subject: 'Mời họp', flags: ['$Bo'] }]);
    expect((await folder('INBOX')).map((m) => m.subject)).not.toContain('Quảng cáo');
  });

  it('redirects to another official, and keeps a redirect to free-mail (Article 9)', async () => {
    await script('require "copy"; if header :contains "subject" "Chuyển" { redirect "' + binh + '"; redirect :copy "someone@gmail.com"; }');
    await fromOutside({ subject: 'Chuyển giúp', text: 'x' });
    await eventually(async () => (await folder('INBOX', binh)).some((m) => m.subject === 'Chuyển giúp'), 10_000, 'the redirect');
    // The free-mail redirect is refused (its copy is kept for An instead of leaving the province).
    expect((await folder('INBOX')).map((m) => m.subject)).toContain('Chuyển giúp');
    expect((await r.app.queue.list()).some((q) => q.recipients.some((x) => x.recipient === 'someone@gmail.com'))).toBe(false);
  });

  it('rejects with a notice to the sender', async () => {
    await script('require "reject"; if header :contains "subject" "Không nhận" { reject "Tôi không nhận thư này."; }');
    await submitted(chi, { subject: 'Không nhận được', text: 'x' });
    await eventually(async () => (await folder('INBOX', chi)).some((m) => /Thư bị từ chối/.test(m.subject)), 10_000, 'the rejection notice');
    expect((await folder('INBOX')).map((m) => m.subject)).not.toContain('Không nhận được');
  });

  it('answers once per sender with vacation, never a list or an automatic message', async () => {
    await script('require "vacation"; vacation :days 1 :subject "Đang nghỉ phép" "Tôi nghỉ phép đến ngày 15/12. Việc gấp xin liên hệ chanhvp@kontum.gov.vn.";');
    const before = (await inbox(r.app, binh)).length;
    await submitted(binh, { subject: 'Hỏi việc 1', text: 'x' });
    await submitted(binh, { subject: 'Hỏi việc 2', text: 'x' });
    await eventually(async () => (await inbox(r.app, binh)).length === before + 1, 10_000, 'one vacation reply');
    const replies = (await folder('INBOX', binh)).filter((m) => m.subject === 'Đang nghỉ phép');
    expect(replies).toHaveLength(1);
    const c = imapClient(r, binh);
    await c.connect();
    await c.mailboxOpen('INBOX');
    const last = await c.fetchOne('*', { source: true });
    await c.logout();
    const src = last ? last.source!.toString() : '';
    expect(src).toMatch(/^Auto-Submitted: auto-replied/m);
    expect(src).toContain('Tôi nghỉ phép đến ngày 15/12.');
    // A message from a list, or an automatic one, gets no reply.
    const chiBefore = (await inbox(r.app, chi)).length;
    await fromOutside({ from: chi, subject: 'Bản tin', text: 'x', headers: { 'List-Id': '<bantin.kontum.gov.vn>' } });
    await fromOutside({ from: chi, subject: 'Thông báo tự động', text: 'x', headers: { 'Auto-Submitted': 'auto-generated' } });
    await new Promise((res) => setTimeout(res, 300));
    expect((await inbox(r.app, chi)).length).toBe(chiBefore);
  });

  it('keeps the message when the script fails at run time, and without an active script', async () => {
    await script('redirect "a@b.vn"; redirect "c@d.vn"; redirect "e@f.vn"; redirect "g@h.vn"; redirect "i@j.vn"; redirect "k@l.vn";'); // past sieve.maxRedirects
    await fromOutside({ subject: 'Quá nhiều chuyển tiếp', text: 'x' });
    expect((await folder('INBOX')).map((m) => m.subject)).toContain('Quá nhiều chuyển tiếp');
    await r.app.sieveScripts.activate(anId, null, { actor: an, owner: an, self: true });
    await fromOutside({ subject: 'Không có kịch bản', text: 'x' });
    expect((await folder('INBOX')).map((m) => m.subject)).toContain('Không có kịch bản');
  });
});
