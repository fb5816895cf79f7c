// The inbound (MX) listener over real sockets, with clients we did not write (Python's smtplib,
// swaks), against every storage backend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../test/helpers/harness.ts';
import { ALICE, BOB, CAROL, DOMAIN, PASSWORD, startFixture, type SmtpFixture } from './testing/fixture.ts';
import { inbox, message, smtplib, step, swaks, swaksReplies, tmpBlobFiles } from './testing/clients.ts';
import { missingTool } from '../../test/helpers/tools.ts';

const MAX = 64 * 1024;

describe.each(backends())('inbound MX (%s)', (backend) => {
  let f: SmtpFixture;
  beforeAll(async () => {
    // The MX core alone: the auth/dmarc stages (which add header fields) have their own tests.
    f = await startFixture(backend, { config: { smtp: { maxMessageSize: MAX, inboundStages: ['size', 'loop'] } } });
  });
  afterAll(async () => {
    await f?.close();
  });

  const send = (rcpts: string[], msg: Buffer, extra: { from?: string; mailOptions?: string[] } = {}) =>
    smtplib(f.ports.inbound, [
      { op: 'ehlo', name: 'mx.example.org' },
      { op: 'mail', from: extra.from ?? 'sender@example.org', options: extra.mailOptions },
      ...rcpts.map((to) => ({ op: 'rcpt' as const, to })),
      { op: 'data', message: msg },
      { op: 'quit' },
    ]);

  it('greets with the host name and offers SIZE, STARTTLS, ENHANCEDSTATUSCODES but not AUTH', async () => {
    const r = await smtplib(f.ports.inbound, [{ op: 'ehlo' }, { op: 'cmd', line: 'AUTH PLAIN AGFsaWNlAHg=' }, { op: 'quit' }]);
    expect(step(r, 'connect')).toMatchObject({ code: 220 });
    expect(step(r, 'connect').msg).toContain('mail.test.local ESMTP');
    const ehlo = step(r, 'ehlo');
    expect(ehlo.features).toEqual(expect.arrayContaining(['size', 'starttls', 'enhancedstatuscodes', '8bitmime']));
    expect(ehlo.features).not.toContain('auth');
    expect(ehlo.size).toBe(String(MAX));
    expect(step(r, 'cmd').code).toBeGreaterThanOrEqual(500);
  });

  it('delivers to the INBOX with a Received header and the body byte-exact after it', async () => {
    const before = (await inbox(f.t.app, ALICE)).length;
    const msg = message({ to: ALICE, subject: 'Báo cáo tháng 7' });
    const r = await send([ALICE], msg);
    expect(step(r, 'mail')).toMatchObject({ code: 250 });
    expect(step(r, 'rcpt')).toMatchObject({ code: 250 });
    const data = step(r, 'data');
    expect(data.code).toBe(250);
    expect(data.msg).toMatch(/^2\.0\.0 Đã nhận thư \/ Message accepted, id [0-9A-F]{12}$/);
    const queueId = data.msg!.split('id ')[1];

    const msgs = await inbox(f.t.app, ALICE);
    expect(msgs).toHaveLength(before + 1);
    const raw = await f.t.app.store.readMessage(msgs.at(-1)!);
    const text = raw.toString('latin1');
    const received = text.slice(0, text.length - msg.length);
    expect(raw.subarray(raw.length - msg.length).equals(msg)).toBe(true);
    expect(received).toMatch(
      new RegExp(
        `^Received: from mx\\.example\\.org \\(\\[127\\.0\\.0\\.1\\]\\)\\r\\n\\tby mail\\.test\\.local \\(thutin\\) with ESMTP id ${queueId}\\r\\n\\tfor <${ALICE.replace(/\./g, '\\.')}>;\\r\\n\\t\\w{3}, \\d\\d \\w{3} \\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4}\\r\\n$`,
      ),
    );
  });

  it.skipIf(missingTool('swaks', 'inbound MX: 250 after commit (swaks)'))('answers 250 only once the message is committed (swaks returns, the message is already there)', async () => {
    const before = (await inbox(f.t.app, BOB)).length;
    const r = await swaks(['--server', `127.0.0.1:${f.ports.inbound}`, '--from', 'x@example.org', '--to', BOB, '--helo', 'swaks.example.org'], {
      data: message({ to: BOB }).toString('utf8'),
    });
    expect(r.exit, r.out).toBe(0);
    expect(swaksReplies(r.out).some((l) => /^250 2\.0\.0 Đã nhận thư/.test(l))).toBe(true);
    // No waiting: the reply came after the commit.
    expect(await inbox(f.t.app, BOB)).toHaveLength(before + 1);
  });

  it('does not answer DATA while delivery has not committed, and answers 451 if it fails', async () => {
    const app = f.t.app;
    const original = app.store.commit.bind(app.store);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let committed!: () => void;
    const committedP = new Promise<void>((r) => (committed = r));
    app.store.commit = async (...args: Parameters<typeof original>) => {
      const out = await original(...args);
      committed();
      await gate; // hold the reply after the commit
      return out;
    };
    try {
      const before = (await inbox(app, CAROL)).length;
      let finished = false;
      const pending = send([CAROL], message({ to: CAROL })).then((r) => {
        finished = true;
        return r;
      });
      await committedP;
      await new Promise((r) => setTimeout(r, 300));
      expect(finished).toBe(false); // the client is still waiting for its 250
      expect(await inbox(app, CAROL)).toHaveLength(before + 1);
      release();
      expect(step(await pending, 'data').code).toBe(250);

      app.store.commit = async () => {
        throw new Error('disk on fire');
      };
      const failed = await send([CAROL], message({ to: CAROL }));
      expect(step(failed, 'data')).toMatchObject({ code: 451 });
      expect(step(failed, 'data').msg).toMatch(/^4\.3\.0 /);
      expect(await inbox(app, CAROL)).toHaveLength(before + 1);
    } finally {
      app.store.commit = original;
      release();
    }
  });

  it('refuses an unknown local recipient at RCPT with 550 5.1.1', async () => {
    const r = await smtplib(f.ports.inbound, [{ op: 'ehlo' }, { op: 'mail', from: 'a@example.org' }, { op: 'rcpt', to: `nobody@${DOMAIN}` }, { op: 'quit' }]);
    expect(step(r, 'rcpt')).toEqual(expect.objectContaining({ code: 550, msg: '5.1.1 Người nhận không tồn tại / No such recipient' }));
  });

  it.skipIf(missingTool('swaks', 'inbound MX: relaying refused (swaks)'))('refuses relaying with 554 5.7.1, from loopback too', async () => {
    const r = await swaks(['--server', `127.0.0.1:${f.ports.inbound}`, '--from', ALICE, '--to', 'someone@gmail.com', '--quit-after', 'RCPT']);
    expect(r.exit).not.toBe(0);
    expect(swaksReplies(r.out)).toContainEqual(expect.stringMatching(/^554 5\.7\.1 .*Relay access denied/));
    const r2 = await smtplib(f.ports.inbound, [{ op: 'ehlo' }, { op: 'mail', from: '' }, { op: 'rcpt', to: `someone@sub.${DOMAIN}` }, { op: 'rcpt', to: 'postmaster@[127.0.0.1]' }, { op: 'quit' }]);
    expect(step(r2, 'rcpt', 0).code).toBe(554);
    expect(step(r2, 'rcpt', 1).code).toBe(554);
  });

  it('refuses a message announced over the size limit at MAIL FROM with 552', async () => {
    const r = await smtplib(f.ports.inbound, [{ op: 'ehlo' }, { op: 'mail', from: 'a@example.org', options: [`SIZE=${MAX + 1}`] }, { op: 'quit' }]);
    expect(step(r, 'mail').code).toBe(552);
  });

  it('refuses a message over the limit at end of DATA with 552, stores nothing, and the session goes on', async () => {
    const before = (await inbox(f.t.app, ALICE)).length;
    const big = message({ to: ALICE, body: ('x'.repeat(998) + '\r\n').repeat(Math.ceil((MAX * 2) / 1000)) });
    const small = message({ to: ALICE, subject: 'after the big one' });
    const r = await smtplib(f.ports.inbound, [
      { op: 'ehlo' },
      { op: 'mail', from: 'a@example.org' },
      { op: 'rcpt', to: ALICE },
      { op: 'data', message: big },
      { op: 'mail', from: 'a@example.org' },
      { op: 'rcpt', to: ALICE },
      { op: 'data', message: small },
      { op: 'quit' },
    ]);
    expect(step(r, 'data', 0).code).toBe(552);
    expect(step(r, 'data', 0).msg).toMatch(/^5\.3\.4 .*size limit/);
    expect(step(r, 'data', 1).code).toBe(250);
    expect(await inbox(f.t.app, ALICE)).toHaveLength(before + 1);
    expect(tmpBlobFiles(f.t.app)).toEqual([]);
  });

  it('stores one message for three local recipients as one blob (one contents row, three messages rows)', async () => {
    const msg = message({ to: `${ALICE}, ${BOB}, ${CAROL}`, subject: 'Gửi ba người' });
    const r = await send([ALICE, BOB, CAROL], msg);
    expect(step(r, 'data').code).toBe(250);
    const sha = (await inbox(f.t.app, ALICE)).at(-1)!.sha256;
    for (const who of [BOB, CAROL]) expect((await inbox(f.t.app, who)).at(-1)!.sha256).toBe(sha);
    const db = f.t.app.db.kysely;
    expect(await db.selectFrom('contents').select('sha256').where('sha256', '=', sha).execute()).toHaveLength(1);
    expect(await db.selectFrom('messages').select('id').where('sha256', '=', sha).execute()).toHaveLength(3);
    const raw = (await f.t.app.store.readMessage((await inbox(f.t.app, ALICE)).at(-1)!)).toString('latin1');
    expect(raw.split('\r\n\r\n')[0]).not.toMatch(/\tfor </); // no single recipient to name
  });

  it('delivers once to an account reached by two of its addresses', async () => {
    const alice = (await f.t.app.accounts.byAddress(ALICE))!;
    await f.t.app.db.kysely
      .insertInto('addresses')
      .values({ address: `a.nguyen@${DOMAIN}`, account_id: alice.id, created_at: Date.now() })
      .execute();
    const before = (await inbox(f.t.app, ALICE)).length;
    const r = await send([ALICE, `A.Nguyen@${DOMAIN}`], message({ to: ALICE }));
    expect(step(r, 'data').code).toBe(250);
    expect(await inbox(f.t.app, ALICE)).toHaveLength(before + 1);
  });

  it('refuses a recipient whose mailbox is over quota with 452 4.2.2', async () => {
    const who = `full@${DOMAIN}`;
    const acct = await f.t.app.accounts.create(who, PASSWORD, 'test');
    await f.t.app.db.kysely.updateTable('accounts').set({ quota_bytes: 1000 }).where('id', '=', acct.id).execute();
    const announced = await smtplib(f.ports.inbound, [{ op: 'ehlo' }, { op: 'mail', from: 'a@example.org', options: ['SIZE=5000'] }, { op: 'rcpt', to: who }, { op: 'quit' }]);
    expect(step(announced, 'rcpt')).toMatchObject({ code: 452 });
    expect(step(announced, 'rcpt').msg).toMatch(/^4\.2\.2 /);
    await f.t.app.store.append(acct.id, 'INBOX', Buffer.from('Subject: x\r\n\r\n' + 'y'.repeat(2000)), []);
    const full = await smtplib(f.ports.inbound, [{ op: 'ehlo' }, { op: 'mail', from: 'a@example.org' }, { op: 'rcpt', to: who }, { op: 'quit' }]);
    expect(step(full, 'rcpt')).toMatchObject({ code: 452 });
  });

  it('accepts mail over STARTTLS and records ESMTPS', async () => {
    const r = await smtplib(f.ports.inbound, [
      { op: 'ehlo' },
      { op: 'starttls' },
      { op: 'ehlo', name: 'tls.example.org' },
      { op: 'mail', from: 'a@example.org' },
      { op: 'rcpt', to: BOB },
      { op: 'data', message: message({ to: BOB }) },
      { op: 'quit' },
    ]);
    expect(step(r, 'starttls'), JSON.stringify(r)).toMatchObject({ code: 220 });
    expect(step(r, 'ehlo', 1).features).not.toContain('auth');
    expect(step(r, 'data').code).toBe(250);
    const raw = (await f.t.app.store.readMessage((await inbox(f.t.app, BOB)).at(-1)!)).toString('latin1');
    expect(raw).toMatch(/^Received: from tls\.example\.org .*\r\n\tby mail\.test\.local \(thutin\) with ESMTPS id /);
  });

  it('refuses a looping message (more than 50 Received headers) with 554 5.4.6', async () => {
    const hops = Array.from({ length: 50 }, (_, i) => `Received: from hop${i}.example.org by hop${i + 1}.example.org; Tue, 07 Jul 2026 09:00:00 +0700`);
    const before = (await inbox(f.t.app, ALICE)).length;
    const r = await send([ALICE], message({ to: ALICE, extraHeaders: hops }));
    expect(step(r, 'data')).toMatchObject({ code: 554 });
    expect(step(r, 'data').msg).toMatch(/^5\.4\.6 /);
    expect(await inbox(f.t.app, ALICE)).toHaveLength(before);
    // 49 earlier hops plus ours is fine.
    const ok = await send([ALICE], message({ to: ALICE, extraHeaders: hops.slice(1) }));
    expect(step(ok, 'data').code).toBe(250);
  });
});
