// JMAP EmailSubmission (RFC 8621 §7) and Identity (§6) end to end, over a real socket: a draft
// imported by jmap-jam (a client we did not write) is sent with EmailSubmission/set; it arrives in
// the recipient's INBOX, seen over IMAP with imapflow, without its Bcc: field; the implicit Email/set
// of onSuccessUpdateEmail moves the draft to Sent without $draft; a remote recipient is queued for
// the outbound worker; a From: the user may not use is forbiddenFrom; a unit mailbox delegated
// with send-on-behalf is an identity and its mail carries `Sender: <user>`; EmailSubmission/get
// and /changes report what was sent; Identity/set keeps a signature per identity.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import JamClient from 'jmap-jam';
import { backends } from '../helpers/harness.ts';
import { startTestServers, imapClient, TEST_PASSWORD, type Running } from '../helpers/servers.ts';

const UNIT = 'stttt@kontum.gov.vn';
const USING = ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail', 'urn:ietf:params:jmap:submission'];

function draft(opts: { from: string; to: string; subject: string; bcc?: string; sender?: string }): Buffer {
  return Buffer.from(
    [
      `From: =?UTF-8?B?${Buffer.from('Nguyễn Văn An').toString('base64')}?= <${opts.from}>`,
      ...(opts.sender ? [`Sender: <${opts.sender}>`] : []),
      `To: <${opts.to}>`,
      ...(opts.bcc ? [`Bcc: <${opts.bcc}>`] : []),
      `Subject: =?UTF-8?B?${Buffer.from(opts.subject).toString('base64')}?=`,
      'Date: Mon, 07 Dec 2026 09:00:00 +0700',
      `Message-ID: <${Math.random().toString(36).slice(2)}@kontum.gov.vn>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      'Kính gửi đồng chí, đề nghị gửi báo cáo đúng hạn.',
      '',
    ].join('\r\n'),
  );
}

describe.each(backends())('JMAP submission (%s)', (backend) => {
  let r: Running;
  let an: string;
  let binh: string;
  let chi: string;
  let jam: JamClient;
  let token: string;
  let accountId: string;
  let drafts: string;
  let sent: string;

  /** A raw request (jmap-jam keeps one response per call id; implicit responses share it). */
  async function call(methodCalls: unknown[]): Promise<Array<[string, Record<string, unknown>, string]>> {
    const res = await fetch(`http://127.0.0.1:${r.servers.ports.http}/jmap/api`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ using: USING, methodCalls }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { methodResponses: Array<[string, Record<string, unknown>, string]> }).methodResponses;
  }

  async function importDraft(raw: Buffer): Promise<string> {
    const up = await jam.uploadBlob(accountId, new Blob([new Uint8Array(raw)], { type: 'message/rfc822' }));
    const [imp] = await jam.api.Email.import({
      accountId,
      emails: { d: { blobId: up.blobId, mailboxIds: { [drafts]: true }, keywords: { $draft: true, $seen: true }, receivedAt: new Date().toISOString() } },
    });
    return (imp.created as Record<string, { id: string }>).d.id;
  }

  async function inboxSubjects(user: string): Promise<Array<{ subject: string; header: string }>> {
    const c = imapClient(r, user);
    await c.connect();
    const lock = await c.getMailboxLock('INBOX');
    const out: Array<{ subject: string; header: string }> = [];
    try {
      for await (const m of c.fetch('1:*', { envelope: true, headers: true })) out.push({ subject: m.envelope?.subject ?? '', header: m.headers?.toString('utf8') ?? '' });
    } finally {
      lock.release();
      await c.logout();
    }
    return out;
  }

  beforeAll(async () => {
    r = await startTestServers({ backend });
    an = await r.user('annv');
    binh = await r.user('binhlt');
    chi = await r.user('chitt');
    await r.user('stttt');
    await r.app.delegations.grant(UNIT, an, ['read', 'send-on-behalf'], { actor: 'test', reason: 'QĐ 15/QĐ-STTTT' });
    token = (await r.app.tokens.login(an, TEST_PASSWORD, '127.0.0.1')).token;
    jam = new JamClient({ sessionUrl: `http://127.0.0.1:${r.servers.ports.http}/.well-known/jmap`, bearerToken: token });
    accountId = await jam.getPrimaryAccount();
    const [boxes] = await jam.api.Mailbox.get({ accountId });
    drafts = boxes.list.find((m) => m.role === 'drafts')!.id;
    sent = boxes.list.find((m) => m.role === 'sent')!.id;
  });
  afterAll(async () => {
    await r?.stop();
  });

  it('lists the own address and the delegated unit mailbox as identities, and keeps a signature per identity', async () => {
    const [ids] = await jam.api.Identity.get({ accountId });
    expect(ids.list.map((i) => i.email).sort()).toEqual([an, UNIT].sort());
    const mine = ids.list.find((i) => i.email === an)!;
    const [set] = await jam.api.Identity.set({
      accountId,
      update: { [mine.id]: { name: 'Nguyễn Văn An', textSignature: '-- \nNguyễn Văn An\nSở TT&TT Kon Tum', replyTo: [{ name: null, email: an }] } },
    });
    expect(set.updated).toHaveProperty(mine.id);
    const [bad] = await jam.api.Identity.set({ accountId, update: { [mine.id]: { email: binh } } });
    expect((bad.notUpdated as Record<string, { type: string }>)[mine.id].type).toBe('invalidProperties');
    const [other] = await jam.api.Identity.set({ accountId, create: { x: { email: binh, name: 'Bình' } } });
    expect((other.notCreated as Record<string, { type: string }>).x.type).toBe('forbiddenFrom');
    const [again] = await jam.api.Identity.get({ accountId, ids: [mine.id] });
    expect(again.list[0]).toMatchObject({ name: 'Nguyễn Văn An', textSignature: '-- \nNguyễn Văn An\nSở TT&TT Kon Tum', replyTo: [{ name: null, email: an }], mayDelete: false });
    expect(again.state).not.toBe(ids.state);
  });

  it('sends a draft: it arrives in the INBOX over IMAP without Bcc, the draft moves to Sent without $draft, a remote recipient is queued', async () => {
    const [ids] = await jam.api.Identity.get({ accountId });
    const identityId = ids.list.find((i) => i.email === an)!.id;
    const emailId = await importDraft(draft({ from: an, to: binh, bcc: 'nguoi.ngoai@example.org', subject: 'Báo cáo quý IV gửi qua JMAP' }));
    const [sub] = await jam.api.EmailSubmission.get({ accountId, ids: [] });
    const responses = await call([
      [
        'EmailSubmission/set',
        { accountId, create: { s1: { identityId, emailId } }, onSuccessUpdateEmail: { '#s1': { [`mailboxIds/${drafts}`]: null, [`mailboxIds/${sent}`]: true, 'keywords/$draft': null } } },
        'c1',
      ],
    ]);
    expect(responses.map((x) => x[0])).toEqual(['EmailSubmission/set', 'Email/set']);
    const created = (responses[0][1].created as Record<string, { id: string; undoStatus: string }>).s1;
    expect(created.undoStatus).toBe('final');
    expect(responses[1][1].updated).toHaveProperty(emailId);
    const got = await inboxSubjects(binh);
    const m = got.find((x) => x.subject === 'Báo cáo quý IV gửi qua JMAP');
    expect(m).toBeTruthy();
    expect(m!.header).not.toMatch(/^bcc:/im);
    expect(m!.header).toMatch(/^Received: from \[[^\]]+\] by .* with HTTPA \(JMAP\)/m);
    // the draft is in Sent now, without $draft
    const [q] = await jam.api.Email.query({ accountId, filter: { inMailbox: sent } });
    const [e] = await jam.api.Email.get({ accountId, ids: q.ids, properties: ['subject', 'keywords'] });
    expect(e.list.find((x) => x.subject === 'Báo cáo quý IV gửi qua JMAP')?.keywords).toEqual({ $seen: true });
    // the Bcc recipient, outside the province, is queued
    const queued = (await r.app.queue.list()).flatMap((x) => x.recipients.map((y) => y.recipient));
    expect(queued).toContain('nguoi.ngoai@example.org');
    // EmailSubmission/get and /changes
    const [g] = await jam.api.EmailSubmission.get({ accountId, ids: [created.id] });
    expect(g.list[0]).toMatchObject({ id: created.id, identityId, emailId, undoStatus: 'final' });
    expect((g.list[0].deliveryStatus as Record<string, { delivered: string }>)[binh].delivered).toBe('yes');
    expect((g.list[0].deliveryStatus as Record<string, { delivered: string }>)['nguoi.ngoai@example.org'].delivered).toBe('queued');
    const [ch] = await jam.api.EmailSubmission.changes({ accountId, sinceState: sub.state });
    expect(ch.created).toEqual([created.id]);
  });

  it('refuses a From: the user may not use (forbiddenFrom) and an unknown local recipient (invalidRecipients)', async () => {
    const [ids] = await jam.api.Identity.get({ accountId });
    const identityId = ids.list.find((i) => i.email === an)!.id;
    const spoof = await importDraft(draft({ from: chi, to: binh, subject: 'Giả mạo' }));
    const [s1] = await jam.api.EmailSubmission.set({ accountId, create: { x: { identityId, emailId: spoof } } });
    expect((s1.notCreated as Record<string, { type: string }>).x.type).toBe('forbiddenFrom');
    const nobody = await importDraft(draft({ from: an, to: 'khongco@kontum.gov.vn', subject: 'Không ai nhận' }));
    const [s2] = await jam.api.EmailSubmission.set({ accountId, create: { x: { identityId, emailId: nobody } } });
    expect(s2.notCreated).toMatchObject({ x: { type: 'invalidRecipients', invalidRecipients: ['khongco@kontum.gov.vn'] } });
    expect((await inboxSubjects(binh)).map((x) => x.subject)).not.toContain('Giả mạo');
  });

  it("names a directory person's identity by their full name until they set one", async () => {
    const ctx = { actor: 'test', reason: 'QĐ 1' };
    const unit = await r.app.directory.createUnit({ code: 'VP', name: 'Văn phòng', abbreviation: 'vanphong', kind: 'department', parentCode: null, withMailbox: false }, ctx);
    const p = await r.app.directory.createPerson({ fullName: 'Đặng Thị Hương', unitCode: unit.unit.code, localPart: 'huongdt', confirmDuplicate: true }, ctx);
    await r.app.accounts.setPassword(p.address, TEST_PASSWORD, p.address); // the first password changed
    const login = await r.app.tokens.login(p.address, TEST_PASSWORD, '127.0.0.1');
    const res = await fetch(`http://127.0.0.1:${r.servers.ports.http}/jmap/api`, {
      method: 'POST',
      headers: { authorization: `Bearer ${login.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ using: USING, methodCalls: [['Identity/get', { accountId: `A${p.person.accountId}` }, 'i']] }),
    });
    const body = (await res.json()) as { methodResponses: Array<[string, { list: Array<{ email: string; name: string }> }, string]> };
    expect(body.methodResponses[0][1].list).toEqual([expect.objectContaining({ email: p.address, name: 'Đặng Thị Hương' })]);
  });

  it('sends on behalf of a unit mailbox: Sender: names the user', async () => {
    const [ids] = await jam.api.Identity.get({ accountId });
    const identityId = ids.list.find((i) => i.email === UNIT)!.id;
    const emailId = await importDraft(draft({ from: UNIT, to: chi, subject: 'Công văn của Sở' }));
    const [s] = await jam.api.EmailSubmission.set({ accountId, create: { u: { identityId, emailId } } });
    expect(s.created).toHaveProperty('u');
    const m = (await inboxSubjects(chi)).find((x) => x.subject === 'Công văn của Sở');
    expect(m?.header).toMatch(new RegExp(`^Sender: <${an}>`, 'm'));
    expect(m?.header).toMatch(new RegExp(`^From: .*<${UNIT}>`, 'm'));
  });
});
