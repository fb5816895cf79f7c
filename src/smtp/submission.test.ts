// The submission listeners (STARTTLS and implicit TLS) over real sockets, with Python's smtplib
// and swaks, against every storage backend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../test/helpers/harness.ts';
import { ALICE, BOB, DOMAIN, PASSWORD, startFixture, type SmtpFixture } from './testing/fixture.ts';
import { inbox, message, smtplib, step, swaks, swaksReplies, type Step } from './testing/clients.ts';
import { missingTool } from '../../test/helpers/tools.ts';

const plain = (user: string, pw: string) => Buffer.from(`\0${user}\0${pw}`).toString('base64');

describe.each(backends())('submission (%s)', (backend) => {
  let f: SmtpFixture;
  beforeAll(async () => {
    f = await startFixture(backend, { config: { security: { signIn: { freeFailures: 10 } } } }); // per-connection AUTH counting, without the throttle's delays
  });
  afterAll(async () => {
    await f?.close();
  });

  const tlsLogin = (user = ALICE, password = PASSWORD, mech: 'PLAIN' | 'LOGIN' = 'PLAIN'): Step[] => [
    { op: 'ehlo', name: 'laptop.example' },
    { op: 'starttls' },
    { op: 'ehlo', name: 'laptop.example' },
    { op: 'auth', user, password, mech },
  ];

  it('offers neither AUTH before STARTTLS nor accepts it, and answers MAIL and AUTH with 530 5.7.0', async () => {
    const r = await smtplib(f.ports.submission, [{ op: 'ehlo' }, { op: 'cmd', line: `AUTH PLAIN ${plain(ALICE, PASSWORD)}` }, { op: 'mail', from: ALICE }, { op: 'rcpt', to: BOB }, { op: 'quit' }]);
    const ehlo = step(r, 'ehlo');
    expect(ehlo.features).toContain('starttls');
    expect(ehlo.features).not.toContain('auth');
    expect(step(r, 'cmd')).toMatchObject({ code: 530, msg: '5.7.0 Phải dùng lệnh STARTTLS trước / Must issue a STARTTLS command first' });
    expect(step(r, 'mail')).toMatchObject({ code: 530, msg: '5.7.0 Phải dùng lệnh STARTTLS trước / Must issue a STARTTLS command first' });
    expect(step(r, 'rcpt').code).toBeGreaterThanOrEqual(500);
  });

  it('offers AUTH PLAIN LOGIN after STARTTLS and requires it before MAIL (530 5.7.0)', async () => {
    const r = await smtplib(f.ports.submission, [{ op: 'ehlo' }, { op: 'starttls' }, { op: 'ehlo' }, { op: 'mail', from: ALICE }, { op: 'quit' }]);
    const ehlo = step(r, 'ehlo', 1);
    expect(ehlo.features).toContain('auth');
    expect(ehlo.auth!.trim().split(/\s+/).sort()).toEqual(['LOGIN', 'PLAIN']);
    expect(ehlo.features).not.toContain('starttls');
    expect(step(r, 'mail')).toMatchObject({ code: 530 });
    expect(step(r, 'mail').msg).toMatch(/^5\.7\.0 .*Authentication required/);
  });

  it('refuses a wrong password with 535 5.7.8 (PLAIN and LOGIN) and an unknown user alike', async () => {
    for (const [user, mech] of [
      [ALICE, 'PLAIN'],
      [ALICE, 'LOGIN'],
      [`nobody@${DOMAIN}`, 'PLAIN'],
    ] as const) {
      const r = await smtplib(f.ports.submission, [...tlsLogin(user, 'Wrong#Passw0rd', mech), { op: 'mail', from: ALICE }, { op: 'quit' }]);
      expect(step(r, 'auth')).toMatchObject({ code: 535 });
      expect(step(r, 'auth').msg).toMatch(/^5\.7\.8 /);
      expect(step(r, 'mail').code).toBe(530);
    }
  });

  it('closes the connection (421 4.7.0) after three failed AUTH attempts', async () => {
    const bad = { op: 'auth' as const, user: ALICE, password: 'Wrong#Passw0rd' };
    const r = await smtplib(f.ports.submission, [{ op: 'ehlo' }, { op: 'starttls' }, { op: 'ehlo' }, bad, bad, bad, { op: 'ehlo' }]);
    expect([step(r, 'auth', 0).code, step(r, 'auth', 1).code, step(r, 'auth', 2).code]).toEqual([535, 535, 421]);
    expect(step(r, 'auth', 2).msg).toMatch(/^4\.7\.0 /);
    expect(step(r, 'ehlo', 2).error).toBe('disconnected');
  });

  it('refuses an envelope sender that is not one of the account addresses, and the null sender, with 553 5.7.1', async () => {
    const r = await smtplib(f.ports.submission, [
      ...tlsLogin(),
      { op: 'mail', from: BOB },
      { op: 'mail', from: '' },
      { op: 'mail', from: 'alice@example.org' },
      { op: 'mail', from: ALICE.toUpperCase() },
      { op: 'quit' },
    ]);
    expect(step(r, 'auth').code).toBe(235);
    for (const i of [0, 1, 2]) {
      expect(step(r, 'mail', i)).toMatchObject({ code: 553 });
      expect(step(r, 'mail', i).msg).toMatch(/^5\.7\.1 /);
    }
    expect(step(r, 'mail', 3).code).toBe(250);
  });

  it('delivers local recipients at once and queues remote ones, in the same transaction; no copy in Sent', async () => {
    const before = (await inbox(f.t.app, BOB)).length;
    const queued = (await f.t.app.queue.list()).length;
    const r = await smtplib(f.ports.submission, [
      ...tlsLogin(ALICE, PASSWORD, 'LOGIN'),
      { op: 'mail', from: ALICE },
      { op: 'rcpt', to: BOB },
      { op: 'rcpt', to: 'Partner@Example.COM' },
      { op: 'rcpt', to: 'other@example.net' },
      { op: 'data', message: message({ from: ALICE, to: `${BOB}, partner@example.com` }) },
      { op: 'quit' },
    ]);
    expect(step(r, 'auth').code).toBe(235);
    expect(step(r, 'data')).toMatchObject({ code: 250 });
    const msgs = await inbox(f.t.app, BOB);
    expect(msgs).toHaveLength(before + 1);
    const sha = msgs.at(-1)!.sha256;
    const q = await f.t.app.queue.list();
    expect(q).toHaveLength(queued + 1);
    const entry = q.at(-1)!;
    expect(entry).toMatchObject({ sender: ALICE, sha256: sha, state: 'active' });
    expect(entry.recipients.map((x) => [x.recipient, x.state])).toEqual([
      ['Partner@example.com', 'queued'],
      ['other@example.net', 'queued'],
    ]);
    const raw = (await f.t.app.store.readMessage(msgs.at(-1)!)).toString('latin1');
    expect(raw).toMatch(/^Received: from laptop\.example \(\[127\.0\.0\.1\]\)\r\n\tby mail\.test\.local \(thutin\) with ESMTPSA id /);
    const alice = (await f.t.app.accounts.byAddress(ALICE))!;
    const sent = (await f.t.app.store.listMailboxes(alice.id)).find((m) => m.specialUse === '\\Sent');
    if (sent) expect(await f.t.app.store.listMessages(sent.id)).toHaveLength(0);
  });

  it('refuses an unknown local recipient with 550 5.1.1 and takes the rest', async () => {
    const r = await smtplib(f.ports.submission, [...tlsLogin(), { op: 'mail', from: ALICE }, { op: 'rcpt', to: `ghost@${DOMAIN}` }, { op: 'rcpt', to: BOB }, { op: 'quit' }]);
    expect(step(r, 'rcpt', 0)).toMatchObject({ code: 550, msg: '5.1.1 Người nhận không tồn tại / No such recipient' });
    expect(step(r, 'rcpt', 1).code).toBe(250);
  });

  it('works on the implicit TLS port; remote-only mail is queued with its content saved', async () => {
    const queued = (await f.t.app.queue.list()).length;
    const r = await smtplib(
      f.ports.submissionTls,
      [
        { op: 'ehlo' },
        { op: 'auth', user: 'alice', password: PASSWORD, mech: 'LOGIN' }, // the local part alone names the primary domain
        { op: 'mail', from: ALICE },
        { op: 'rcpt', to: 'someone@example.org' },
        { op: 'data', message: message({ from: ALICE, to: 'someone@example.org' }) },
        { op: 'quit' },
      ],
      { implicitTls: true },
    );
    expect(step(r, 'ehlo').features).toContain('auth');
    expect(step(r, 'ehlo').features).not.toContain('starttls');
    expect(step(r, 'auth').code).toBe(235);
    expect(step(r, 'data').code).toBe(250);
    const q = await f.t.app.queue.list();
    expect(q).toHaveLength(queued + 1);
    const sha = q.at(-1)!.sha256;
    const row = await f.t.app.db.kysely.selectFrom('contents').select(['sha256', 'size']).where('sha256', '=', sha).executeTakeFirst();
    expect(row?.sha256).toBe(sha);
    expect(await f.t.app.blobs.exists(sha)).toBe(true);
  });

  it.skipIf(missingTool('swaks', 'submission: swaks with STARTTLS and AUTH LOGIN') || missingTool('Net::SSLeay', 'submission: swaks with STARTTLS and AUTH LOGIN'))(
    'serves swaks with STARTTLS and AUTH LOGIN end to end',
    async () => {
      const before = (await inbox(f.t.app, BOB)).length;
      const r = await swaks(['--server', `127.0.0.1:${f.ports.submission}`, '--tls', '--auth', 'LOGIN', '--auth-user', ALICE, '--auth-password', PASSWORD, '--from', ALICE, '--to', BOB], {
        data: message({ from: ALICE, to: BOB }).toString('utf8'),
      });
      expect(r.exit, r.out).toBe(0);
      expect(swaksReplies(r.out)).toContainEqual(expect.stringMatching(/^235 /));
      expect(await inbox(f.t.app, BOB)).toHaveLength(before + 1);
    },
  );
});
