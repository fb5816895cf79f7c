// Owns: verification of received mail — SPF, DKIM, DMARC and ARC with mailauth's authenticate(),
// through the App's cached resolver (src/net/resolver.ts: answers cached for their TTL, failures
// for a short while, identical lookups shared, a circuit breaker that fails every lookup at once
// while the DNS servers are silent) with a deadline per message, so a DNS server that does not
// answer gives `temperror` results rather than a stalled SMTP session. Also the outcome the
// `auth` and `dmarc` SMTP stages act on and the `Authentication-Results:` text. A `LookupLedger`
// given to `lookupWithDeadline` notes what one verification's lookups consulted, for the auth
// stage's verdict memo (verdict-memo.ts).
import type { Readable } from 'node:stream';
import { authenticate } from 'mailauth';
import { splitHeaderFields } from '../core/mime/index.ts';
import type { ExpiryNote } from '../net/dns-cache.ts';

export type AuthResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror' | 'policy' | string;

export interface AuthOutcome {
  spf: AuthResult;
  /** The best DKIM result: pass if any signature passed, else the first one's, 'none' unsigned. */
  dkim: AuthResult;
  dmarc: AuthResult;
  arc: AuthResult;
  /** The policy DMARC asks for when it fails (p=, or sp= for a subdomain), or null. */
  dmarcPolicy: 'none' | 'quarantine' | 'reject' | null;
  /** pct= of the DMARC record (100 when absent). */
  dmarcPct: number;
  /** The RFC5322.From domain DMARC was evaluated for. */
  fromDomain: string | null;
  /** Header fields to add (`Received-SPF:`, `Authentication-Results:`), each CRLF-terminated. */
  headers: string[];
}

export type LookupFn = (name: string, rrtype: string) => Promise<unknown>;

class LookupTimeout extends Error {
  readonly code = 'ETIMEOUT';
  constructor(name: string, rrtype: string) {
    super(`DNS ${rrtype} ${name}: no answer in time`);
  }
}

/** Lookup failures that are answers: no such name, no such record (cached for the negative time). */
const NEGATIVE = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN']);

/** An SPF macro naming the current time (mailauth expands `%{t}` in domain-specs too). */
const TIME_MACRO = /%\{t/i;

/**
 * What the lookups of one verification consulted. `until` is the earliest expiry of the answers
 * (records, "no such name" and "no such record" alike) the resolver told, or null when the outcome
 * must not be reused: a lookup failed for now (timeout, SERVFAIL, refused, the breaker open, our
 * deadline), the resolver told no expiry for one (it does not cache), one is still out, or a TXT
 * answer holds `%{t}` (an SPF record naming the time: the next check may ask other names).
 */
export class LookupLedger {
  private earliest = Infinity;
  private pending = 0;
  private spoiled = false;

  get until(): number | null {
    return this.pending || this.spoiled ? null : this.earliest;
  }

  started(): void {
    this.pending++;
  }

  /** A lookup came back; `expires` as the resolver told it (undefined: not told). */
  settled(rrtype: string, expires: number | undefined, outcome: { value: unknown } | { error: unknown }): void {
    this.pending--;
    if (expires === undefined) this.spoiled = true;
    else this.earliest = Math.min(this.earliest, expires);
    if ('error' in outcome) {
      if (!NEGATIVE.has((outcome.error as { code?: string } | null)?.code ?? '')) this.spoiled = true;
    } else if (rrtype === 'TXT' && Array.isArray(outcome.value) && outcome.value.some((r) => TIME_MACRO.test(Array.isArray(r) ? r.join('') : String(r)))) {
      this.spoiled = true;
    }
  }

  /** A lookup given up on (our deadline): the outcome holds a temporary failure. */
  spoil(): void {
    this.spoiled = true;
  }
}

/** What lookupWithDeadline asks: the cached resolver's `resolve`, which can tell expiries. */
export interface ResolveFn {
  resolve(name: string, rrtype: string, expires?: ExpiryNote): Promise<unknown>;
}

/**
 * Lookups for one message over the configured DNS servers: each gives up after `perLookupMs`,
 * and once `totalMs` has passed since the first, every further lookup fails at once (ETIMEOUT,
 * so mailauth reports temperror) — a silent DNS server cannot hold the SMTP session. A lookup
 * given up on still completes in the resolver, which caches its outcome and counts its timeout
 * towards the breaker: the next message does not wait again. `ledger` notes what they consulted.
 */
export function lookupWithDeadline(resolver: ResolveFn, opts: { perLookupMs: number; totalMs: number; now?: () => number; ledger?: LookupLedger }): LookupFn {
  const now = opts.now ?? Date.now;
  const ledger = opts.ledger;
  let deadline = 0;
  return (name, rrtype) => {
    const t = now();
    if (!deadline) deadline = t + opts.totalMs;
    const ms = Math.min(opts.perLookupMs, deadline - t);
    if (ms <= 0) {
      ledger?.spoil();
      return Promise.reject(new LookupTimeout(name, rrtype));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        ledger?.spoil();
        reject(new LookupTimeout(name, rrtype));
      }, ms);
      let expires: number | undefined;
      ledger?.started();
      resolver.resolve(name, rrtype, ledger ? (e) => (expires = e) : undefined).then(
        (v) => {
          clearTimeout(timer);
          ledger?.settled(rrtype, expires, { value: v });
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
          ledger?.settled(rrtype, expires, { error: e });
          reject(e);
        },
      );
    });
  };
}

interface MailauthStatus {
  status?: { result?: string };
}

/** Split mailauth's header block into single (folded) header fields, each ending in CRLF. */
export function splitFields(block: string): string[] {
  const bytes = Buffer.from(block, 'utf8');
  return splitHeaderFields(bytes).fields.map((f) =>
    bytes
      .subarray(f.start, f.end)
      .toString('utf8')
      .replace(/\r?\n/g, '\r\n')
      .replace(/(?<!\r\n)$/, '\r\n'),
  );
}

export async function verifyMessage(message: Readable | Buffer, opts: { ip: string; helo: string; sender: string; hostname: string; lookup: LookupFn }): Promise<AuthOutcome> {
  const res = await authenticate(message, {
    ip: opts.ip,
    helo: opts.helo || undefined,
    sender: opts.sender || undefined,
    mta: opts.hostname,
    resolver: opts.lookup as never,
    disableBimi: true,
    trustReceived: false,
  });
  const dkimRows = ((res.dkim as { results?: MailauthStatus[] } | undefined)?.results ?? []).map((r) => r.status?.result ?? 'none');
  const dkim = dkimRows.length ? (dkimRows.includes('pass') ? 'pass' : dkimRows[0]) : 'none';
  const spf = (res.spf as MailauthStatus | false | undefined) ? ((res.spf as MailauthStatus).status?.result ?? 'none') : 'none';
  const d = res.dmarc as (MailauthStatus & { policy?: string; pct?: number; status?: { header?: { from?: string } } }) | false;
  const arc = (res.arc as MailauthStatus | false | undefined) ? ((res.arc as MailauthStatus).status?.result ?? 'none') : 'none';
  const policy = d && typeof d.policy === 'string' ? d.policy.toLowerCase() : null;
  return {
    spf,
    dkim,
    dmarc: d ? (d.status?.result ?? 'none') : 'none',
    arc,
    dmarcPolicy: policy === 'reject' || policy === 'quarantine' || policy === 'none' ? policy : null,
    dmarcPct: d && typeof d.pct === 'number' ? d.pct : 100,
    fromDomain: d ? (d.status?.header?.from ?? null) : null,
    headers: splitFields(res.headers),
  };
}
