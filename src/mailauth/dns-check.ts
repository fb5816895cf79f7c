// `thutin dns --check`: asks the configured resolver whether the records `thutin dns` prints are
// published — MX, SPF, the signing DKIM keys, DMARC, MTA-STS, TLS-RPT and the submission/IMAP
// SRV records of every local and alias domain — and says, per record, ok / missing / different.
import type { Config } from '../config/config.ts';
import { DomainMap } from '../core/domains.ts';
import type { Resolver } from '../net/resolver.ts';
import { dkimTxtRecord, type DkimKey } from './keys.ts';
import { spfRecord } from './records.ts';

export type CheckState = 'ok' | 'missing' | 'different' | 'error';

export interface RecordCheck {
  name: string;
  type: 'MX' | 'TXT' | 'SRV';
  what: string;
  /** A missing required record makes the check fail (MX, SPF, signing DKIM keys, DMARC). */
  required: boolean;
  state: CheckState;
  expected: string;
  found: string[];
}

const norm = (s: string) => s.replace(/\s+/g, ' ').replace(/;\s*$/, '').trim().toLowerCase();

async function txt(r: Resolver, name: string): Promise<string[]> {
  return (await r.resolveTxt(name)).map((chunks) => chunks.join(''));
}

function notFound(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === 'ENOTFOUND' || code === 'ENODATA';
}

export async function checkPublished(cfg: Config, keys: DkimKey[], resolver: Resolver): Promise<RecordCheck[]> {
  const domains = DomainMap.fromConfig(cfg);
  const host = cfg.hostname.replace(/\.$/, '').toLowerCase();
  const out: RecordCheck[] = [];
  const check = async (c: Omit<RecordCheck, 'state' | 'found'>, lookup: () => Promise<string[]>, matches: (found: string) => boolean, present?: (found: string) => boolean) => {
    try {
      const found = await lookup();
      const relevant = present ? found.filter(present) : found;
      const state: CheckState = !relevant.length ? 'missing' : relevant.some(matches) ? 'ok' : 'different';
      out.push({ ...c, state, found: relevant });
    } catch (e) {
      out.push({ ...c, state: notFound(e) ? 'missing' : 'error', found: notFound(e) ? [] : [(e as Error).message] });
    }
  };
  for (const d of domains.all()) {
    await check(
      { name: d, type: 'MX', what: 'MX', required: true, expected: host },
      async () => (await resolver.resolveMx(d)).map((m) => m.exchange.toLowerCase().replace(/\.$/, '')),
      (f) => f === host,
    );
    await check(
      { name: d, type: 'TXT', what: 'SPF', required: true, expected: spfRecord(cfg.outbound.relayHost) },
      () => txt(resolver, d),
      (f) => norm(f) === norm(spfRecord(cfg.outbound.relayHost)),
      (f) => /^v=spf1\b/i.test(f),
    );
    for (const k of keys.filter((x) => x.domain === d)) {
      const r = dkimTxtRecord(k);
      const p = /p=([^;\s]+)/.exec(r.value)![1];
      await check(
        { name: r.name, type: 'TXT', what: `DKIM ${k.selector}${k.active ? '' : ' (cũ / retired)'}`, required: k.active, expected: r.value },
        () => txt(resolver, r.name),
        (f) => f.replace(/\s+/g, '').includes(`p=${p}`),
      );
    }
    await check(
      { name: `_dmarc.${d}`, type: 'TXT', what: 'DMARC', required: true, expected: 'v=DMARC1; p=…' },
      () => txt(resolver, `_dmarc.${d}`),
      (f) => /^v=DMARC1;\s*p=(none|quarantine|reject)\b/i.test(f),
      (f) => /^v=DMARC1\b/i.test(f),
    );
    await check(
      { name: `_mta-sts.${d}`, type: 'TXT', what: 'MTA-STS', required: false, expected: 'v=STSv1; id=…' },
      () => txt(resolver, `_mta-sts.${d}`),
      (f) => /^v=STSv1;\s*id=[A-Za-z0-9]{1,32}/.test(f),
    );
    await check(
      { name: `_smtp._tls.${d}`, type: 'TXT', what: 'TLS-RPT', required: false, expected: 'v=TLSRPTv1; rua=…' },
      () => txt(resolver, `_smtp._tls.${d}`),
      (f) => /^v=TLSRPTv1;\s*rua=/i.test(f),
    );
    for (const [srv, port] of [
      ['_submission', 587],
      ['_submissions', 465],
      ['_imaps', 993],
    ] as const) {
      await check(
        { name: `${srv}._tcp.${d}`, type: 'SRV', what: `SRV ${srv}`, required: false, expected: `0 1 ${port} ${host}` },
        async () => (await resolver.resolveSrv(`${srv}._tcp.${d}`)).map((s) => `${s.priority} ${s.weight} ${s.port} ${s.name.toLowerCase().replace(/\.$/, '')}`),
        (f) => f.endsWith(` ${port} ${host}`),
      );
    }
  }
  return out;
}

/** Human lines for the checks, and whether every required record is right. */
export function renderChecks(checks: RecordCheck[]): { text: string; ok: boolean } {
  const label: Record<CheckState, string> = { ok: 'đúng / ok', missing: 'chưa có / missing', different: 'khác / different', error: 'lỗi tra cứu / lookup error' };
  const lines = checks.map((c) => {
    const mark = c.state === 'ok' ? '✓' : c.required ? '✗' : '!';
    const found = c.state === 'ok' || !c.found.length ? '' : `\n    có / found: ${c.found.join(' | ')}\n    cần / expected: ${c.expected}`;
    return `${mark} ${c.what}\t${c.name}\t${label[c.state]}${found}`;
  });
  const ok = checks.every((c) => c.state === 'ok' || !c.required);
  return { text: lines.join('\n') + '\n', ok };
}
