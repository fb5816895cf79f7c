// Owns: verification of received mail — SPF, DKIM, DMARC and ARC with mailauth's authenticate(),
// through the App's cached resolver (src/net/resolver.ts: answers cached for their TTL, failures
// for a short while, identical lookups shared, a circuit breaker that fails every lookup at once
// while the DNS servers are silent) with a deadline per message, so a DNS server that does not
// answer gives `temperror` results rather than a stalled SMTP session. Also the outcome the
// `auth` and `dmarc` SMTP stages act on and the `Authentication-Results:` text.
import type { Readable } from 'node:stream';
import { authenticate } from 'mailauth';
import { splitHeaderFields } from '../core/mime/index.ts';
import type { Resolver } from '../net/resolver.ts';

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

/**
 * Lookups for one message over the configured DNS servers: each gives up after `perLookupMs`,
 * and once `totalMs` has passed since the first, every further lookup fails at once (ETIMEOUT,
 * so mailauth reports temperror) — a silent DNS server cannot hold the SMTP session. A lookup
 * given up on still completes in the resolver, which caches its outcome and counts its timeout
 * towards the breaker: the next message does not wait again.
 */
export function lookupWithDeadline(resolver: Pick<Resolver, 'resolve'>, opts: { perLookupMs: number; totalMs: number; now?: () => number }): LookupFn {
  const now = opts.now ?? Date.now;
  let deadline = 0;
  return (name, rrtype) => {
    const t = now();
    if (!deadline) deadline = t + opts.totalMs;
    const ms = Math.min(opts.perLookupMs, deadline - t);
    if (ms <= 0) return Promise.reject(new LookupTimeout(name, rrtype));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new LookupTimeout(name, rrtype)), ms);
      resolver.resolve(name, rrtype).then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
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
