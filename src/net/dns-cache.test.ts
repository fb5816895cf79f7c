// The DNS cache in front of a fake upstream with an injected clock: answers kept for their TTL
// (or the default, capped), negative answers and failures for their own times, a bounded size,
// identical lookups in flight sharing one query, and the circuit breaker — open after repeated
// timeouts (every lookup fails at once as ETIMEOUT, nothing sent), half-open after its time (one
// probe; the others still fail at once, nobody waits for it), closed again when the DNS servers answer.
import { describe, expect, it } from 'vitest';
import { DnsCache, DnsError, type UpstreamAnswer } from './dns-cache.ts';

/** A fake upstream: the test decides what each query gets, and may hold queries open. */
class FakeUpstream {
  readonly asked: string[] = [];
  /** name → answer, or an error code to fail with. */
  answers = new Map<string, UpstreamAnswer | string>();
  /** Hold queries until `release()`. */
  hold = false;
  private held: Array<() => void> = [];

  fn = (name: string, rrtype: string): Promise<UpstreamAnswer> => {
    this.asked.push(`${rrtype} ${name}`);
    const settle = (): Promise<UpstreamAnswer> => {
      const a = this.answers.get(`${rrtype} ${name}`) ?? 'ENOTFOUND';
      return typeof a === 'string' ? Promise.reject(new DnsError(a, `query${rrtype}`, name)) : Promise.resolve(a);
    };
    if (!this.hold) return settle();
    return new Promise((resolve, reject) => this.held.push(() => settle().then(resolve, reject)));
  };

  release(): void {
    const h = this.held;
    this.held = [];
    for (const f of h) f();
  }

  get waiting(): number {
    return this.held.length;
  }
}

function setup(opts: Partial<ConstructorParameters<typeof DnsCache>[0]> = {}) {
  const up = new FakeUpstream();
  let t = 1_000_000;
  const clock = { advance: (ms: number) => (t += ms) };
  const cache = new DnsCache({ upstream: up.fn, now: () => t, breaker: { threshold: 3, windowMs: 60_000, openMs: 30_000 }, ...opts });
  return { up, clock, cache };
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code,
  );

describe('DnsCache', () => {
  it('keeps an answer for its TTL, then asks again', async () => {
    const { up, clock, cache } = setup();
    up.answers.set('A gialai.test', { value: ['192.0.2.1'], ttlMs: 60_000 });
    expect(await cache.lookup('gialai.test', 'A')).toEqual(['192.0.2.1']);
    expect(await cache.lookup('GiaLai.Test.', 'A')).toEqual(['192.0.2.1']);
    clock.advance(59_999);
    expect(await cache.lookup('gialai.test', 'A')).toEqual(['192.0.2.1']);
    expect(up.asked).toEqual(['A gialai.test']);
    clock.advance(1);
    up.answers.set('A gialai.test', { value: ['192.0.2.2'], ttlMs: 60_000 });
    expect(await cache.lookup('gialai.test', 'A')).toEqual(['192.0.2.2']);
    expect(up.asked).toHaveLength(2);
    expect(cache.stats).toMatchObject({ upstream: 2, hits: 2 });
  });

  it('keeps answers without a TTL for the default time, and none longer than the maximum', async () => {
    const { up, clock, cache } = setup({ defaultTtlMs: 300_000, maxTtlMs: 120_000 });
    up.answers.set('TXT gialai.test', { value: [['v=spf1 -all']] });
    up.answers.set('A mx.gialai.test', { value: ['192.0.2.1'], ttlMs: 86_400_000 });
    await cache.lookup('gialai.test', 'TXT');
    await cache.lookup('mx.gialai.test', 'A');
    clock.advance(119_999);
    await cache.lookup('gialai.test', 'TXT');
    await cache.lookup('mx.gialai.test', 'A');
    expect(up.asked).toHaveLength(2);
    clock.advance(1);
    await cache.lookup('gialai.test', 'TXT');
    await cache.lookup('mx.gialai.test', 'A');
    expect(up.asked).toHaveLength(4);
  });

  it('gives each caller its own copy of a cached answer', async () => {
    const { up, cache } = setup();
    up.answers.set('MX gialai.test', { value: [{ exchange: 'mx.gialai.test', priority: 10 }] });
    const a = (await cache.lookup('gialai.test', 'MX')) as Array<{ exchange: string }>;
    a[0].exchange = 'changed';
    a.push({ exchange: 'extra' });
    expect(await cache.lookup('gialai.test', 'MX')).toEqual([{ exchange: 'mx.gialai.test', priority: 10 }]);
  });

  it('keeps NXDOMAIN and no-data answers for the negative time, SERVFAIL for the failure time', async () => {
    const { up, clock, cache } = setup({ negativeTtlMs: 300_000, failureTtlMs: 30_000 });
    up.answers.set('TXT _dmarc.gialai.test', 'ENODATA');
    up.answers.set('TXT broken.test', 'ESERVFAIL');
    expect(await codeOf(cache.lookup('khong-co.test', 'MX'))).toBe('ENOTFOUND');
    expect(await codeOf(cache.lookup('_dmarc.gialai.test', 'TXT'))).toBe('ENODATA');
    expect(await codeOf(cache.lookup('broken.test', 'TXT'))).toBe('ESERVFAIL');
    clock.advance(29_999);
    const again = await Promise.all([codeOf(cache.lookup('khong-co.test', 'MX')), codeOf(cache.lookup('_dmarc.gialai.test', 'TXT')), codeOf(cache.lookup('broken.test', 'TXT'))]);
    expect(again).toEqual(['ENOTFOUND', 'ENODATA', 'ESERVFAIL']);
    expect(up.asked).toHaveLength(3);
    clock.advance(1);
    up.answers.set('TXT broken.test', { value: [['ok']] });
    expect(await cache.lookup('broken.test', 'TXT')).toEqual([['ok']]);
    expect(await codeOf(cache.lookup('khong-co.test', 'MX'))).toBe('ENOTFOUND');
    expect(up.asked).toHaveLength(4);
    clock.advance(270_000);
    await codeOf(cache.lookup('khong-co.test', 'MX'));
    expect(up.asked).toHaveLength(5);
  });

  it('holds at most maxEntries answers, dropping the least recently used', async () => {
    const { up, cache } = setup({ maxEntries: 2 });
    for (const n of ['a.test', 'b.test', 'c.test']) up.answers.set(`A ${n}`, { value: [n], ttlMs: 60_000 });
    await cache.lookup('a.test', 'A');
    await cache.lookup('b.test', 'A');
    await cache.lookup('a.test', 'A'); // a is now the most recently used
    await cache.lookup('c.test', 'A'); // b goes
    expect(cache.size).toBe(2);
    await cache.lookup('a.test', 'A');
    await cache.lookup('c.test', 'A');
    expect(up.asked).toEqual(['A a.test', 'A b.test', 'A c.test']);
    await cache.lookup('b.test', 'A');
    expect(up.asked).toHaveLength(4);
  });

  it('sends one query for identical lookups in flight, and separate ones for other names or types', async () => {
    const { up, cache } = setup();
    up.hold = true;
    up.answers.set('TXT gialai.test', { value: [['v=spf1 -all']] });
    const same = Array.from({ length: 50 }, () => cache.lookup('gialai.test', 'TXT'));
    const other = cache.lookup('gialai.test', 'MX');
    expect(up.waiting).toBe(2);
    up.release();
    for (const r of await Promise.all(same)) expect(r).toEqual([['v=spf1 -all']]);
    expect(await codeOf(other)).toBe('ENOTFOUND');
    expect(up.asked).toEqual(['TXT gialai.test', 'MX gialai.test']);
    expect(cache.stats.coalesced).toBe(49);
  });

  it('shares a failure in flight too', async () => {
    const { up, cache } = setup();
    up.hold = true;
    up.answers.set('TXT gialai.test', 'ETIMEOUT');
    const all = Array.from({ length: 10 }, () => codeOf(cache.lookup('gialai.test', 'TXT')));
    up.release();
    expect(await Promise.all(all)).toEqual(Array(10).fill('ETIMEOUT'));
    expect(up.asked).toHaveLength(1);
  });

  it('tells each lookup until when its answer stays cached: records, negative answers, failures, shared queries', async () => {
    const { up, clock, cache } = setup({ defaultTtlMs: 300_000, negativeTtlMs: 20_000, failureTtlMs: 5_000 });
    const t0 = clock.advance(0);
    up.answers.set('A gialai.test', { value: ['192.0.2.1'], ttlMs: 60_000 });
    up.answers.set('TXT gialai.test', { value: [['v=spf1 -all']] });
    up.answers.set('TXT hong.test', 'ESERVFAIL');
    const told: Array<[string, number]> = [];
    const note = (what: string) => (e: number) => void told.push([what, e]);
    up.hold = true;
    const shared = [cache.lookup('gialai.test', 'A', note('A')), cache.lookup('gialai.test', 'A', note('A shared'))];
    up.hold = false;
    up.release();
    await Promise.all(shared);
    await cache.lookup('gialai.test', 'TXT', note('TXT'));
    await codeOf(cache.lookup('khong-co.test', 'TXT', note('NXDOMAIN')));
    await codeOf(cache.lookup('hong.test', 'TXT', note('SERVFAIL')));
    clock.advance(1000);
    await cache.lookup('GiaLai.test', 'A', note('A cached'));
    await codeOf(cache.lookup('khong-co.test', 'TXT', note('NXDOMAIN cached')));
    expect(told).toEqual([
      ['A', t0 + 60_000],
      ['A shared', t0 + 60_000],
      ['TXT', t0 + 300_000],
      ['NXDOMAIN', t0 + 20_000],
      ['SERVFAIL', t0 + 5_000],
      ['A cached', t0 + 60_000],
      ['NXDOMAIN cached', t0 + 20_000],
    ]);
  });

  it('tells "now" when it kept nothing: no room, or the breaker refused the lookup', async () => {
    const kept0 = setup({ maxEntries: 0 });
    kept0.up.answers.set('A gialai.test', { value: ['192.0.2.1'], ttlMs: 60_000 });
    let told = -1;
    expect(await kept0.cache.lookup('gialai.test', 'A', (e) => (told = e))).toEqual(['192.0.2.1']);
    expect(told).toBe(kept0.clock.advance(0));
    const { up, clock, cache } = setup();
    for (const n of ['a.test', 'b.test', 'c.test']) {
      up.answers.set(`TXT ${n}`, 'ETIMEOUT');
      await codeOf(cache.lookup(n, 'TXT'));
    }
    expect(cache.breaker.state).toBe('open');
    expect(await codeOf(cache.lookup('d.test', 'TXT', (e) => (told = e)))).toBe('ETIMEOUT');
    expect(told).toBe(clock.advance(0));
  });
});

describe('circuit breaker', () => {
  /** Names that time out upstream. */
  function silent(up: FakeUpstream, ...names: string[]) {
    for (const n of names) up.answers.set(`TXT ${n}`, 'ETIMEOUT');
  }

  it('opens after three timeouts in a row: lookups fail at once with ETIMEOUT and nothing is sent', async () => {
    const { up, cache } = setup();
    silent(up, 'a.test', 'b.test', 'c.test', 'd.test');
    expect(await codeOf(cache.lookup('a.test', 'TXT'))).toBe('ETIMEOUT');
    expect(await codeOf(cache.lookup('b.test', 'TXT'))).toBe('ETIMEOUT');
    expect(cache.breaker.state).toBe('closed');
    expect(await codeOf(cache.lookup('c.test', 'TXT'))).toBe('ETIMEOUT');
    expect(cache.breaker.state).toBe('open');
    const err = await cache.lookup('d.test', 'TXT').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DnsError);
    expect(err).toMatchObject({ code: 'ETIMEOUT' });
    expect((err as Error).message).toMatch(/không trả lời.*not answering/);
    // Even names with answers are not asked while it is open.
    up.answers.set('A mx.test', { value: ['192.0.2.1'] });
    expect(await codeOf(cache.lookup('mx.test', 'A'))).toBe('ETIMEOUT');
    expect(up.asked).toEqual(['TXT a.test', 'TXT b.test', 'TXT c.test']);
    expect(cache.stats.shortCircuited).toBe(2);
  });

  it('does not open when an answer comes between the timeouts, or when they are spread beyond the window', async () => {
    const { up, clock, cache } = setup();
    silent(up, 'a.test', 'b.test', 'c.test', 'd.test', 'e.test');
    up.answers.set('TXT ok.test', { value: [['x']] });
    await codeOf(cache.lookup('a.test', 'TXT'));
    await codeOf(cache.lookup('b.test', 'TXT'));
    await cache.lookup('ok.test', 'TXT');
    await codeOf(cache.lookup('c.test', 'TXT'));
    expect(cache.breaker.state).toBe('closed');
    clock.advance(60_000);
    await codeOf(cache.lookup('d.test', 'TXT'));
    expect(cache.breaker.state).toBe('closed'); // c was long ago: two in the window
    await codeOf(cache.lookup('e.test', 'TXT'));
    await codeOf(cache.lookup('f.test', 'TXT')); // NXDOMAIN is an answer
    expect(cache.breaker.state).toBe('closed');
  });

  it('NXDOMAIN, no data and SERVFAIL count as answers; refused connections count for nothing', async () => {
    const { up, cache } = setup();
    silent(up, 'a.test', 'b.test', 'c.test');
    up.answers.set('TXT refused.test', 'ECONNREFUSED');
    await codeOf(cache.lookup('a.test', 'TXT'));
    await codeOf(cache.lookup('b.test', 'TXT'));
    expect(await codeOf(cache.lookup('refused.test', 'TXT'))).toBe('ECONNREFUSED');
    await codeOf(cache.lookup('c.test', 'TXT'));
    expect(cache.breaker.state).toBe('open');
  });

  it('half-opens after its time: one probe goes out, the others fail at once meanwhile; an answer closes it', async () => {
    const { up, clock, cache } = setup();
    silent(up, 'a.test', 'b.test', 'c.test');
    for (const n of ['a.test', 'b.test', 'c.test']) await codeOf(cache.lookup(n, 'TXT'));
    expect(cache.breaker.state).toBe('open');
    clock.advance(29_999);
    expect(cache.breaker.state).toBe('open');
    clock.advance(1);
    expect(cache.breaker.state).toBe('half-open');
    // The DNS server is back.
    up.answers.set('TXT a.test', { value: [['a']] });
    up.answers.set('TXT b.test', { value: [['b']] });
    up.hold = true;
    const first = cache.lookup('a.test', 'TXT');
    // While the probe is out, another lookup does not wait for it: it fails at once, unsent.
    expect(await codeOf(cache.lookup('b.test', 'TXT'))).toBe('ETIMEOUT');
    expect(up.waiting).toBe(1); // only the probe
    up.hold = false;
    up.release();
    expect(await first).toEqual([['a']]);
    expect(cache.breaker.state).toBe('closed');
    // Closed again: the DNS server is used again.
    expect(await cache.lookup('b.test', 'TXT')).toEqual([['b']]);
    expect(up.asked.slice(3)).toEqual(['TXT a.test', 'TXT b.test']);
  });

  it('opens again when the probe is not answered; lookups meanwhile and after fail at once', async () => {
    const { up, clock, cache } = setup();
    silent(up, 'a.test', 'b.test', 'c.test', 'd.test');
    for (const n of ['a.test', 'b.test', 'c.test']) await codeOf(cache.lookup(n, 'TXT'));
    clock.advance(30_000);
    up.hold = true;
    const probe = codeOf(cache.lookup('d.test', 'TXT'));
    expect(await codeOf(cache.lookup('e.test', 'TXT'))).toBe('ETIMEOUT'); // not sent, not held
    up.release();
    expect(await probe).toBe('ETIMEOUT');
    expect(cache.breaker.state).toBe('open');
    expect(await codeOf(cache.lookup('e.test', 'TXT'))).toBe('ETIMEOUT');
    expect(up.asked).toHaveLength(4); // e.test was never sent
    clock.advance(30_000);
    up.hold = false;
    up.answers.set('TXT e.test', { value: [['e']] });
    expect(await cache.lookup('e.test', 'TXT')).toEqual([['e']]);
    expect(cache.breaker.state).toBe('closed');
  });

  it('a dead resolver costs threshold queries, then none, for many identical lookups', async () => {
    const { up, clock, cache } = setup();
    silent(up, 'gialai.test', '_dmarc.gialai.test', 's1._domainkey.gialai.test');
    let sent = 0;
    for (let msg = 0; msg < 5000; msg++) {
      const r = await Promise.all(['gialai.test', '_dmarc.gialai.test', 's1._domainkey.gialai.test'].map((n) => codeOf(cache.lookup(n, 'TXT'))));
      expect(r).toEqual(['ETIMEOUT', 'ETIMEOUT', 'ETIMEOUT']);
      if (msg === 0) sent = up.asked.length;
      clock.advance(10); // 100 messages a second
    }
    // The first message's three lookups open the breaker; 50 s later it probes once per 30 s.
    expect(sent).toBe(3);
    expect(up.asked.length).toBeLessThanOrEqual(5);
  });
});
