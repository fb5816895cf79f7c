// Stage `auth`'s verdict memo (mailauth/verdict-memo.ts), with real mailauth and a real loopback
// DNS server: a second identical unsigned message is answered from the memo (the same fields,
// byte for byte, and no lookup at all), anything the outcome depends on keys differently, the
// entry lives as long as the earliest answer it used (the resolver's clock, injected), temperror
// and signed messages are never memoised, the least recently used entry goes first, 0 turns it off.
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dkimSign } from 'mailauth';
import type { App } from '../../app.ts';
import { configSchema } from '../../config/config.ts';
import { ingested } from '../testing/ingested.ts';
import { lookupWithDeadline, verifyMessage, type AuthOutcome } from '../../mailauth/verify.ts';
import { createResolver } from '../../net/resolver.ts';
import { startDnsServer, type TestDnsServer } from '../../../test/helpers/dns-server.ts';
import type { DataContext } from '../pipeline.ts';
import { AUTH_SHARED_KEY, authenticityStage } from './authenticity.ts';

const HOST = 'mail.kontum.gov.vn';
const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const pubB64 = (publicKey.export({ type: 'spki', format: 'der' }) as Buffer).toString('base64');

interface Msg {
  from?: string | null;
  extra?: string;
}

function message({ from = 'Người gửi <nguoi@gui.test>', extra = '' }: Msg = {}, n = 1): Buffer {
  const fromField = from === null ? '' : `From: ${from}\r\n`;
  return Buffer.from(
    `${extra}${fromField}To: an@kontum.gov.vn\r\nSubject: Báo cáo ${n}\r\nDate: Mon, 7 Dec 2026 04:00:00 +0700\r\nMessage-ID: <m${n}@gui.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${'Báo cáo tháng 12 gửi kèm.\r\n'.repeat(40)}`,
    'utf8',
  );
}

interface Env {
  ip?: string;
  helo?: string;
  sender?: string;
}

let dns: TestDnsServer;
beforeAll(async () => {
  dns = await startDnsServer({
    // relay's A answer comes with the server's TTL (60 s); TXT answers have none: dns.cacheTtlMs (5 min).
    'gui.test': { TXT: ['v=spf1 a:relay.gui.test -all'] },
    'relay.gui.test': { A: ['127.0.0.1'] },
    '_dmarc.gui.test': { TXT: ['v=DMARC1; p=reject'] },
    'k1._domainkey.gui.test': { TXT: [`v=DKIM1; k=rsa; p=${pubB64}`] },
    'khac.test': { TXT: ['v=spf1 -all'] },
    '_dmarc.khac.test': { TXT: ['v=DMARC1; p=quarantine'] },
  });
});
afterAll(() => dns.stop());

/** A stage of its own App (its own resolver, on a clock the test moves) and a way to run it. */
function setup(opts: { entries?: number; dns?: Record<string, unknown>; stageTimeoutMs?: number } = {}) {
  let t = 1_000_000;
  const config = configSchema.parse({
    hostname: HOST,
    dns: { servers: [dns.address], ...opts.dns },
    smtp: { ...(opts.entries === undefined ? {} : { authVerdictCacheEntries: opts.entries }), ...(opts.stageTimeoutMs ? { stageTimeoutMs: opts.stageTimeoutMs } : {}) },
  });
  const resolver = createResolver(config, { now: () => t }); // before the stage: it keeps this clock
  const stage = authenticityStage({ app: { config, log: pino({ level: 'silent' }) } as unknown as App });
  const lookups = () => Object.values(resolver.stats).reduce((a, b) => a + b, 0);
  async function run(raw: Buffer, env: Env = {}) {
    const added: string[] = [];
    const shared = new Map<string, unknown>();
    const ctx = {
      session: { id: 's', listener: 'inbound', remoteAddress: env.ip ?? '127.0.0.1', helo: env.helo ?? 'relay.gui.test', account: null },
      sender: env.sender ?? 'nguoi@gui.test',
      queueId: 'Q',
      content: ingested(raw),
      open: () => Readable.from([raw]),
      addHeader: (f: string) => void added.push(f),
      dropHeader: () => undefined,
      shared,
    } as unknown as DataContext;
    const before = lookups();
    const queries = dns.queries.length;
    await stage.data!(ctx);
    return { outcome: shared.get(AUTH_SHARED_KEY) as AuthOutcome, added, lookups: lookups() - before, queries: dns.queries.slice(queries) };
  }
  return { run, resolver, config, advance: (ms: number) => (t += ms) };
}

describe('stage auth: the verdict memo', () => {
  it('answers a second identical unsigned message from the memo: the same fields, no lookup', async () => {
    const { run, resolver } = setup();
    const first = await run(message({}, 1));
    expect(first.lookups).toBeGreaterThan(0);
    expect(first.outcome).toMatchObject({ spf: 'pass', dkim: 'none', dmarc: 'pass', arc: 'none', dmarcPolicy: 'reject', fromDomain: 'gui.test' });
    // Another message (other Subject, Message-ID, body) with the same envelope and From:.
    const second = await run(message({}, 2));
    expect(second.lookups).toBe(0);
    expect(second.added).toEqual(first.added);
    expect(second.outcome).toEqual(first.outcome);
    // What verifying it again gives.
    const fresh = await verifyMessage(ingested(message({}, 2)).header!, {
      ip: '127.0.0.1',
      helo: 'relay.gui.test',
      sender: 'nguoi@gui.test',
      hostname: HOST,
      lookup: lookupWithDeadline(resolver, { perLookupMs: 2000, totalMs: 5000 }),
    });
    expect(second.outcome).toEqual(fresh);
    // A caller changing what it got changes nothing in the memo.
    second.outcome.headers.push('X-Changed: yes\r\n');
    second.outcome.spf = 'fail';
    const third = await run(message({}, 3));
    expect(third.lookups).toBe(0);
    expect(third.outcome).toEqual(fresh);
  });

  it('keys on the sender, the IP, the HELO, the From fields and ARC-Authentication-Results', async () => {
    const { run } = setup();
    const base = await run(message());
    expect((await run(message())).lookups).toBe(0);
    // Each gives other fields, but the From field's other bytes (the same address: the same
    // fields), which key differently all the same.
    const variants: Array<[string, Buffer, Env]> = [
      ['sender', message(), { sender: 'khac-nguoi@gui.test' }],
      ['ip', message(), { ip: '127.0.0.2' }],
      ['helo', message(), { helo: 'other.gui.test' }],
      ['from', message({ from: 'Người gửi <nguoi@khac.test>' }), {}],
      ['two from fields', message({ extra: 'From: nguoi@gui.test\r\n' }), {}],
      ['no from field', message({ from: null }), {}],
      ['arc-authentication-results', message({ extra: 'ARC-Authentication-Results: i=1; mx.gui.test; spf=pass\r\n' }), {}],
      ['from display name', message({ from: 'Người khác <nguoi@gui.test>' }), {}],
    ];
    for (const [what, raw, env] of variants) {
      const r = await run(raw, env);
      expect(r.lookups, what).toBeGreaterThan(0);
      if (what !== 'from display name') expect(r.added, what).not.toEqual(base.added);
      // …and is memoised under its own key.
      expect((await run(raw, env)).lookups, what).toBe(0);
    }
    const results = async (raw: Buffer, env: Env = {}) => (await run(raw, env)).outcome;
    expect(await results(message({ from: 'nguoi@khac.test' }))).toMatchObject({ dmarc: 'fail', dmarcPolicy: 'quarantine' });
    expect(await results(message({ extra: 'From: nguoi@gui.test\r\n' }))).toMatchObject({ spf: 'pass', dmarc: 'none' });
    expect(await results(message({ extra: 'ARC-Authentication-Results: i=1; mx.gui.test; spf=pass\r\n' }))).toMatchObject({ arc: 'fail' });
    expect(await results(message(), { ip: '127.0.0.2' })).toMatchObject({ spf: 'fail', dmarc: 'fail' });
  });

  it('expires with the earliest TTL of the answers it used (the A answer: 60 s, the TXT ones 5 min)', async () => {
    const { run, advance } = setup();
    const first = await run(message());
    expect(first.queries).toContain('A relay.gui.test');
    advance(59_999);
    expect((await run(message())).lookups).toBe(0);
    advance(1);
    const again = await run(message());
    expect(again.lookups).toBeGreaterThan(0);
    expect(again.queries).toEqual(['A relay.gui.test']); // the TXT answers are still cached
    expect(again.added).toEqual(first.added);
    expect((await run(message())).lookups).toBe(0);
  });

  it('expires with a negative answer too, when it goes first (no AAAA record, kept 10 s)', async () => {
    const { run, advance } = setup({ dns: { negativeTtlMs: 10_000 } });
    expect((await run(message())).queries).toContain('AAAA relay.gui.test');
    advance(9_999);
    expect((await run(message())).lookups).toBe(0);
    advance(1);
    const again = await run(message());
    expect(again.lookups).toBeGreaterThan(0);
    expect(again.queries).toEqual(['AAAA relay.gui.test']);
  });

  it('does not memoise temperror (a DNS server that never answers); it does once the server answers', async () => {
    const { run, advance } = setup({ dns: { timeoutMs: 100, tries: 1 }, stageTimeoutMs: 2000 });
    dns.setFailure('drop');
    try {
      const first = await run(message());
      expect(first.outcome).toMatchObject({ spf: 'temperror', dmarc: 'temperror' });
      const second = await run(message());
      expect(second.lookups).toBeGreaterThan(0); // asked again (the cached failures answer at once)
      expect(second.outcome).toMatchObject({ spf: 'temperror' });
    } finally {
      dns.setFailure(null);
    }
    advance(30_000); // the failures' cache time (dns.failureTtlMs)
    const third = await run(message());
    expect(third.outcome).toMatchObject({ spf: 'pass', dmarc: 'pass' });
    expect((await run(message())).lookups).toBe(0);
  });

  it('never memoises a DKIM-signed message; the same envelope and From unsigned is', async () => {
    const { run } = setup();
    const unsigned = message();
    const key = { signingDomain: 'gui.test', selector: 'k1', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, algorithm: 'rsa-sha256', canonicalization: 'relaxed/relaxed' };
    const signed = Buffer.concat([Buffer.from((await dkimSign(unsigned, { ...key, signatureData: [key] })).signatures.trim() + '\r\n'), unsigned]);
    for (let i = 0; i < 3; i++) {
      const r = await run(signed);
      expect(r.outcome).toMatchObject({ spf: 'pass', dkim: 'pass', dmarc: 'pass' });
      expect(r.lookups).toBeGreaterThan(0);
    }
    // A field mailauth takes for a signature although its name ends in a no-break space.
    const odd = Buffer.concat([Buffer.from('DKIM-Signature\xa0: v=1; a=rsa-sha256; d=gui.test; s=k1; bh=x; b=y\r\n', 'latin1'), unsigned]);
    expect((await run(odd)).lookups).toBeGreaterThan(0);
    expect((await run(odd)).lookups).toBeGreaterThan(0);
    await run(unsigned);
    expect((await run(unsigned)).lookups).toBe(0);
  });

  it('holds at most smtp.authVerdictCacheEntries outcomes, dropping the least recently used', async () => {
    const { run } = setup({ entries: 2 });
    const a = message({ from: 'a@gui.test' });
    const b = message({ from: 'b@gui.test' });
    const c = message({ from: 'c@gui.test' });
    await run(a);
    await run(b);
    expect((await run(a)).lookups).toBe(0); // b is now the least recently used
    await run(c);
    expect((await run(a)).lookups).toBe(0);
    expect((await run(c)).lookups).toBe(0);
    expect((await run(b)).lookups).toBeGreaterThan(0);
  });

  it('is on by default, and 0 turns it off', async () => {
    const on = setup();
    expect(on.config.smtp.authVerdictCacheEntries).toBe(10_000);
    await on.run(message());
    expect((await on.run(message())).lookups).toBe(0);
    const off = setup({ entries: 0 });
    const first = await off.run(message());
    const second = await off.run(message());
    expect(second.lookups).toBe(first.lookups);
    expect(second.added).toEqual(first.added);
  });
});
