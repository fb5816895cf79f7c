// The SMTP front end under faults and bad input, over real sockets: a stage that throws or hangs
// (451, never an accept), a client dropping mid-DATA, malformed and hostile commands, too many
// recipients, a bad stage configuration — and the server keeps serving.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, createTestApp } from '../../test/helpers/harness.ts';
import { CONTINUE, type Stage, type Verdict } from './pipeline.ts';
import { defaultStageRegistry } from './stages/index.ts';
import { startSmtp } from './server.ts';
import { ALICE, BOB, CAROL, PASSWORD, startFixture, type SmtpFixture } from './testing/fixture.ts';
import { eventually, inbox, message, smtplib, step, swaks, tmpBlobFiles } from './testing/clients.ts';
import { missingTool } from '../../test/helpers/tools.ts';

type Mode = 'off' | 'throw-rcpt' | 'hang-rcpt' | 'throw-data' | 'hang-data' | 'throw-mail';
let mode: Mode = 'off';
const hang = () => new Promise<Verdict>(() => {});
const boom = (): never => {
  throw new Error('stage exploded');
};
const trap = (): Stage => ({
  name: 'trap',
  mailFrom: () => (mode === 'throw-mail' ? boom() : CONTINUE),
  rcptTo: () => (mode === 'throw-rcpt' ? boom() : mode === 'hang-rcpt' ? hang() : CONTINUE),
  data: () => (mode === 'throw-data' ? boom() : mode === 'hang-data' ? hang() : CONTINUE),
});

const TIMEOUT_MS = 400;

describe.each(backends())('SMTP robustness (%s)', (backend) => {
  let f: SmtpFixture;
  beforeAll(async () => {
    f = await startFixture(backend, {
      stages: defaultStageRegistry().register('trap', trap),
      config: { smtp: { stageTimeoutMs: TIMEOUT_MS, maxRecipients: 3, inboundStages: ['size', 'loop', 'trap'], submissionStages: ['size', 'loop', 'trap'] } },
    });
  });
  afterAll(async () => {
    mode = 'off';
    await f?.close();
  });

  const inboundSession = (rcpt = ALICE) =>
    smtplib(f.ports.inbound, [{ op: 'ehlo' }, { op: 'mail', from: 'a@example.org' }, { op: 'rcpt', to: rcpt }, { op: 'data', message: message({ to: rcpt }) }, { op: 'quit' }]);

  it('answers 451 4.3.0 when a stage throws, at RCPT and at end of DATA, and stores nothing', async () => {
    const before = (await inbox(f.t.app, ALICE)).length;
    try {
      mode = 'throw-rcpt';
      const r = await inboundSession();
      expect(step(r, 'rcpt')).toMatchObject({ code: 451 });
      expect(step(r, 'rcpt').msg).toMatch(/^4\.3\.0 /);
      mode = 'throw-data';
      const d = await inboundSession();
      expect(step(d, 'rcpt').code).toBe(250);
      expect(step(d, 'data')).toMatchObject({ code: 451 });
      expect(step(d, 'data').msg).toMatch(/^4\.3\.0 /);
    } finally {
      mode = 'off';
    }
    expect(await inbox(f.t.app, ALICE)).toHaveLength(before);
    const ok = await inboundSession();
    expect(step(ok, 'data').code).toBe(250);
  });

  it('answers 451 4.3.0 after the timeout when a stage hangs (RCPT, DATA, and on submission)', async () => {
    const before = (await inbox(f.t.app, ALICE)).length;
    try {
      mode = 'hang-rcpt';
      expect(step(await inboundSession(), 'rcpt')).toMatchObject({ code: 451 });
      mode = 'hang-data';
      const d = await inboundSession();
      expect(step(d, 'data')).toMatchObject({ code: 451 });
      expect(step(d, 'data').msg).toMatch(/^4\.3\.0 /);
      mode = 'throw-mail';
      const s = await smtplib(f.ports.submissionTls, [{ op: 'ehlo' }, { op: 'auth', user: ALICE, password: PASSWORD }, { op: 'mail', from: ALICE }, { op: 'quit' }], { implicitTls: true });
      expect(step(s, 'auth').code).toBe(235);
      expect(step(s, 'mail')).toMatchObject({ code: 451 });
    } finally {
      mode = 'off';
    }
    expect(await inbox(f.t.app, ALICE)).toHaveLength(before);
  });

  it('keeps nothing when the client drops mid-DATA, and serves the next connection', async () => {
    const before = (await inbox(f.t.app, BOB)).length;
    const partial = Buffer.concat([message({ to: BOB }).subarray(0, 200), Buffer.from('x'.repeat(100_000))]);
    const r = await smtplib(f.ports.inbound, [{ op: 'ehlo' }, { op: 'mail', from: 'a@example.org' }, { op: 'rcpt', to: BOB }, { op: 'data_partial', bytes: partial }]);
    expect(step(r, 'data_partial').code).toBe(354);
    await eventually(() => tmpBlobFiles(f.t.app).length === 0, 5000, 'the temporary blob to be removed');
    expect(await inbox(f.t.app, BOB)).toHaveLength(before);
    const next = await inboundSession(BOB);
    expect(step(next, 'data').code).toBe(250);
    expect(await inbox(f.t.app, BOB)).toHaveLength(before + 1);
  });

  it('answers malformed commands with 5xx and survives junk, 8-bit bytes and over-long lines', async () => {
    const r = await smtplib(f.ports.inbound, [
      { op: 'cmd', line: 'MAIL FROM:<a@example.org>' }, // before EHLO
      { op: 'cmd', line: 'HELO' },
      { op: 'ehlo' },
      { op: 'cmd', line: 'MAIL FROM:<a@example.org' }, // unbalanced <
      { op: 'cmd', line: 'MAIL FROM:a@example.org>' },
      { op: 'cmd', line: 'RCPT TO:<bob@kontum.gov.vn>' }, // before MAIL
      { op: 'cmd', line: 'DATA' }, // before RCPT
      { op: 'cmd', line: 'MAIL FROM:<a@example.org> FROBNICATE=yes' }, // unknown parameter: 555
      { op: 'mail', from: 'a@example.org' },
      { op: 'cmd', line: 'RCPT TO:<<bob@kontum.gov.vn>>' },
      { op: 'cmd', line: 'RCPT TO:<>' },
      { op: 'cmd', line: 'RCPT TO:<bob@kontum.gov.vn> BOGUS=1' },
      { op: 'cmd', line: 'XYZZY' },
      { op: 'raw', bytes: Buffer.from([0xff, 0xfe, 0x80, 0x41, 0x0d, 0x0a]) },
      { op: 'raw', bytes: Buffer.from('MAIL FROM:<\u00e9\u00ff\u0000@x>\r\n', 'latin1') },
      { op: 'rset' },
      { op: 'quit' },
    ]);
    const codes = r.filter((x) => x.op === 'cmd' || x.op === 'raw').map((x) => x.code);
    expect(
      codes.every((c) => c !== undefined && c >= 500 && c < 600),
      JSON.stringify(r),
    ).toBe(true);
    expect(r.find((x) => x.msg?.startsWith('5.5.4 '))?.code).toBe(555);
    expect(step(r, 'mail').code).toBe(250);
    expect(step(r, 'rset').code).toBe(250);

    const long = await smtplib(f.ports.inbound, [{ op: 'ehlo' }, { op: 'raw', bytes: Buffer.from(`MAIL FROM:<${'a'.repeat(100_000)}@example.org>\r\n`) }, { op: 'quit' }]);
    const reply = step(long, 'raw');
    expect(reply.error ?? '', JSON.stringify(long)).toBe('');
    expect(reply.code === 421 || (reply.code! >= 500 && reply.code! < 600)).toBe(true);

    const ok = await inboundSession();
    expect(step(ok, 'data').code).toBe(250);
  });

  it('refuses recipients beyond the limit with 452 4.5.3 and delivers to those accepted', async () => {
    const dave = 'dave@kontum.gov.vn';
    if (!(await f.t.app.accounts.byAddress(dave))) await f.t.app.accounts.create(dave, PASSWORD, 'test');
    const r = await smtplib(f.ports.inbound, [
      { op: 'ehlo' },
      { op: 'mail', from: 'a@example.org' },
      { op: 'rcpt', to: ALICE },
      { op: 'rcpt', to: BOB },
      { op: 'rcpt', to: CAROL },
      { op: 'rcpt', to: dave },
      { op: 'data', message: message() },
      { op: 'quit' },
    ]);
    expect(step(r, 'rcpt', 3)).toMatchObject({ code: 452 });
    expect(step(r, 'rcpt', 3).msg).toMatch(/^4\.5\.3 /);
    expect(step(r, 'data').code).toBe(250);
    expect(await inbox(f.t.app, dave)).toHaveLength(0);
  });

  it.skipIf(missingTool('swaks', 'SMTP robustness: leading dots through swaks'))('stores a body with leading dots exactly as written (the client stuffs, the server unstuffs)', async () => {
    const msg = message({ to: CAROL, body: 'first\r\n.leading dot\r\n..two dots' });
    const r = await swaks(['--server', `127.0.0.1:${f.ports.inbound}`, '--from', 'x@example.org', '--to', CAROL], { data: msg.toString('utf8') });
    expect(r.exit, r.out).toBe(0);
    const raw = (await f.t.app.store.readMessage((await inbox(f.t.app, CAROL)).at(-1)!)).toString('utf8');
    expect(raw).toContain('\r\n\r\nfirst\r\n.leading dot\r\n..two dots');
  });
});

describe('SMTP configuration', () => {
  it('refuses to start with an unknown stage name, naming it and the setting', async () => {
    const t = await createTestApp({ config: { smtp: { inboundStages: ['size', 'spamassassin'] } } });
    try {
      await expect(startSmtp(t.app, t.tls)).rejects.toThrow(/smtp\.inboundStages.*"spamassassin"/);
    } finally {
      await t.cleanup();
    }
  });

  it('fails to start, and frees its other ports, when a port is taken', async () => {
    const a = await createTestApp();
    const first = await startSmtp(a.app, a.tls);
    const b = await createTestApp({ config: { smtp: { inboundPort: first.inbound.port } } });
    try {
      await expect(startSmtp(b.app, b.tls)).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
      await a.cleanup();
      await b.cleanup();
    }
  });
});
