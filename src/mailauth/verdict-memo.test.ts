// The verdict memo's parts, with real mailauth over the real DNS cache in front of a fake upstream
// (a clock of the test's): header fields named as mailauth names them (a signature however its
// name is written makes no key), the lookup ledger keeping out outcomes in which a lookup failed
// for now even when mailauth ignored the failure, outcomes of an SPF record naming the time and of
// a resolver that keeps nothing, and the memo refusing temperror and handing out copies.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { DnsCache, DnsError, type UpstreamAnswer } from '../net/dns-cache.ts';
import { CachingResolver } from '../net/resolver.ts';
import { fieldsAsMailauthReads, VerdictMemo } from './verdict-memo.ts';
import { LookupLedger, lookupWithDeadline, verifyMessage, type AuthOutcome } from './verify.ts';

const { parseHeaders } = createRequire(import.meta.url)('mailauth/lib/tools.js') as {
  parseHeaders(buf: Buffer): { parsed: Array<{ key: string | null; line: Buffer }> };
};

const env = { ip: '127.0.0.1', helo: 'relay.gui.test', sender: 'nguoi@gui.test', hostname: 'mail.kontum.gov.vn' };
const header = (fields: string) => Buffer.from(`${fields}To: an@kontum.gov.vn\r\nSubject: x\r\n\r\n`, 'latin1');

/** The real cache over a fake upstream: `answers` by "TYPE name", an error code, or ENOTFOUND. */
function resolverWith(answers: (q: string) => UpstreamAnswer | string | undefined, opts: { maxEntries?: number; negativeTtlMs?: number } = {}) {
  const t = 5_000_000;
  const cache = new DnsCache({
    now: () => t,
    maxEntries: opts.maxEntries,
    negativeTtlMs: opts.negativeTtlMs,
    upstream: (name, rrtype) => {
      const a = answers(`${rrtype} ${name}`) ?? 'ENOTFOUND';
      return typeof a === 'string' ? Promise.reject(new DnsError(a, `query${rrtype}`, name)) : Promise.resolve(a);
    },
  });
  return { resolver: new CachingResolver(cache), now: () => t };
}

async function verify(answers: Parameters<typeof resolverWith>[0], opts: Parameters<typeof resolverWith>[1] = {}) {
  const { resolver, now } = resolverWith(answers, opts);
  const ledger = new LookupLedger();
  const outcome = await verifyMessage(header('From: nguoi@gui.test\r\n'), { ...env, lookup: lookupWithDeadline(resolver, { perLookupMs: 2000, totalMs: 5000, ledger }) });
  const memo = new VerdictMemo({ maxEntries: 10, now });
  memo.remember('k', outcome, ledger.until);
  return { outcome, until: ledger.until, now, memoised: memo.get('k') !== undefined };
}

const zone: Record<string, UpstreamAnswer> = {
  'TXT gui.test': { value: [['v=spf1 a:relay.gui.test -all']] },
  'A relay.gui.test': { value: ['127.0.0.1'], ttlMs: 60_000 },
  'TXT _dmarc.gui.test': { value: [['v=DMARC1; p=reject']], ttlMs: 120_000 },
};

describe('verdict memo', () => {
  it('names header fields exactly as mailauth does, and makes no key when one is a signature', () => {
    const tricky = [
      'From : Người gửi <nguoi@gui.test>\r\n',
      'DKIM-Signature\xa0: v=1; d=gui.test\r\n',
      ' arc-seal: i=1\r\n', // a first line starting with white space is a field
      'Arc-Message-Signature\r\n\t: i=1\r\n', // the name's white space runs onto the next line
      'DKIM-Signature\r\n', // no colon at all
      'X-A: a\rb\nX-B: c\r\n\tFrom: d\r\n', // bare CR and LF; a folded line is no field
      ':no name\r\n',
    ];
    for (const h of tricky) {
      const buf = header(h);
      const ours = fieldsAsMailauthReads(buf);
      const theirs = parseHeaders(buf).parsed;
      expect(ours.map((f) => f.name)).toEqual(theirs.map((r) => r.key ?? ''));
      expect(ours.map((f) => f.raw.replace(/\r?\n/g, '\r\n').replace(/\r\n$/, ''))).toEqual(theirs.map((r) => r.line.toString('latin1')));
    }
    const memo = new VerdictMemo({ maxEntries: 10, now: () => 0 });
    expect(memo.key(header(tricky[0]), env)).toMatch(/^[\w+/]{43}=$/);
    for (const h of tricky.slice(1, 5)) expect(memo.key(header(h), env), h).toBeNull();
    // The From field's bytes count: another From, or none, keys differently.
    expect(memo.key(header('From: nguoi@gui.test\r\n'), env)).not.toBe(memo.key(header('From:  nguoi@gui.test\r\n'), env));
    expect(memo.key(header(''), env)).not.toBe(memo.key(header('From: nguoi@gui.test\r\n'), env));
    expect(memo.key(header('X-Other: 1\r\nFrom: nguoi@gui.test\r\n'), env)).toBe(memo.key(header('From: nguoi@gui.test\r\nX-Other: 2\r\n'), env));
    expect(new VerdictMemo({ maxEntries: 0, now: () => 0 }).key(header(''), env)).toBeNull();
  });

  it('keeps an outcome until the earliest expiry of the answers its lookups consulted, negative ones too', async () => {
    const noAaaa = (q: string) => zone[q] ?? (q === 'AAAA relay.gui.test' ? 'ENODATA' : undefined);
    const r = await verify(noAaaa);
    expect(r.outcome).toMatchObject({ spf: 'pass', dmarc: 'pass' });
    expect(r.until).toBe(r.now() + 60_000); // relay's A; the TXT answers 120 s and 5 min, no AAAA 5 min
    expect(r.memoised).toBe(true);
    const negative = await verify(noAaaa, { negativeTtlMs: 30_000 });
    expect(negative.until).toBe(negative.now() + 30_000);
    expect(negative.memoised).toBe(true);
  });

  it('keeps out an outcome in which a lookup failed for now, even one mailauth ignored (AAAA SERVFAIL, IPv4 client)', async () => {
    const r = await verify((q) => zone[q] ?? (q === 'AAAA relay.gui.test' ? 'ESERVFAIL' : undefined));
    expect(r.outcome).toMatchObject({ spf: 'pass', dmarc: 'pass' });
    expect(r.until).toBeNull();
    expect(r.memoised).toBe(false);
  });

  it('keeps out an outcome of an SPF record naming the time (%{t})', async () => {
    const timed = (q: string) => (q === 'TXT gui.test' ? { value: [['v=spf1 exists:%{t}.t.gui.test -all']] } : /^A \d+\.t\.gui\.test$/.test(q) ? { value: ['127.0.0.2'] } : zone[q]);
    const r = await verify(timed);
    expect(r.outcome).toMatchObject({ spf: 'pass', dmarc: 'pass' });
    expect(r.until).toBeNull();
    expect(r.memoised).toBe(false);
  });

  it('keeps out an outcome when the resolver keeps no answers (dns.cacheMaxEntries 0)', async () => {
    const r = await verify((q) => zone[q], { maxEntries: 0 });
    expect(r.outcome).toMatchObject({ spf: 'pass', dmarc: 'pass' });
    expect(r.until).toBe(r.now());
    expect(r.memoised).toBe(false);
  });

  it('refuses a temperror outcome, and hands out copies the caller cannot change it through', () => {
    const now = () => 0;
    const memo = new VerdictMemo({ maxEntries: 10, now });
    const outcome: AuthOutcome = { spf: 'pass', dkim: 'none', dmarc: 'pass', arc: 'none', dmarcPolicy: 'reject', dmarcPct: 100, fromDomain: 'gui.test', headers: ['Received-SPF: pass\r\n'] };
    memo.remember('t', { ...outcome, dmarc: 'temperror' }, 1000);
    expect(memo.get('t')).toBeUndefined();
    memo.remember('k', outcome, 1000);
    outcome.headers.push('X-Later: 1\r\n');
    const got = memo.get('k')!;
    got.headers.length = 0;
    got.spf = 'fail';
    expect(memo.get('k')).toEqual({ ...outcome, headers: ['Received-SPF: pass\r\n'] });
  });
});
