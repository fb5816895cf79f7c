// The DNS records a province must publish for each of its mail domains (local and alias), as
// zone-file text: MX, SPF, DKIM (every key on disk: retired keys stay published until removed),
// DMARC, MTA-STS (+ the policy file to serve over HTTPS), TLS-RPT, RFC 6186 SRV records and the
// autoconfig/autodiscover names and Outlook's Autodiscover SRV record. Pure: the CLI (`thutin dns`)
// prints what this returns.
import crypto from 'node:crypto';
import net from 'node:net';
import type { Config } from '../config/config.ts';
import { DomainMap } from '../core/domains.ts';
import { dkimTxtRecord, type DkimKey } from './keys.ts';

export type DmarcPolicy = 'none' | 'quarantine' | 'reject';

export interface DnsOptions {
  dmarcPolicy?: DmarcPolicy;
  /** MTA-STS mode: 'testing' first, 'enforce' once TLS reports are clean. */
  mtaStsMode?: 'testing' | 'enforce';
  ttl?: number;
}

const q = (s: string) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;

/** A TXT record in zone-file syntax, split into character-strings of at most 255 bytes. */
export function zoneTxt(name: string, value: string, ttl = 3600): string {
  const parts: string[] = [];
  for (let i = 0; i < value.length; i += 255) parts.push(value.slice(i, i + 255));
  if (parts.length <= 1) return `${name} ${ttl} IN TXT ${q(value)}`;
  return `${name} ${ttl} IN TXT ( ${parts.map(q).join('\n    ')} )`;
}

/** The SPF record: our MX hosts may send, plus the relay host when everything leaves through it. */
export function spfRecord(relayHost: string): string {
  const mech = ['v=spf1', 'mx'];
  const host = relayHost.replace(/^\[([^\]]+)\](:\d+)?$/, '$1').replace(/:\d+$/, '');
  if (relayHost) {
    if (net.isIPv4(host)) mech.push(`ip4:${host}`);
    else if (net.isIPv6(host)) mech.push(`ip6:${host}`);
    else mech.push(`a:${host}`);
  }
  mech.push('-all');
  return mech.join(' ');
}

/** The MTA-STS policy file to serve at https://mta-sts.<domain>/.well-known/mta-sts.txt. */
export function mtaStsPolicy(hostname: string, mode: 'testing' | 'enforce' = 'testing'): string {
  return `version: STSv1\r\nmode: ${mode}\r\nmx: ${hostname}\r\nmax_age: 604800\r\n`;
}

export function dnsZone(cfg: Config, keys: DkimKey[], opts: DnsOptions = {}): string {
  const domains = DomainMap.fromConfig(cfg);
  const ttl = opts.ttl ?? 3600;
  const host = `${cfg.hostname.replace(/\.$/, '')}.`;
  const policy = mtaStsPolicy(cfg.hostname.replace(/\.$/, ''), opts.mtaStsMode);
  const stsId = crypto.createHash('sha256').update(policy).digest('hex').slice(0, 20);
  const out: string[] = [
    `; Bản ghi DNS cho thư điện tử — thutin dns / DNS records for mail (generated ${new Date().toISOString()})`,
    `; Máy chủ thư / mail host: ${host} — cần bản ghi A/AAAA trỏ tới IP công khai của máy chủ / needs A/AAAA records for the server's public IP`,
    `; Cổng công bố là cổng chuẩn; nếu máy chủ nghe cổng khác (smtp ${cfg.smtp.inboundPort}, submission ${cfg.smtp.submissionPort}/${cfg.smtp.submissionTlsPort}, imap ${cfg.imap.port}/${cfg.imap.tlsPort}, pop3 ${cfg.pop3.port}/${cfg.pop3.tlsPort}, managesieve ${cfg.sieve.port}) thì chuyển tiếp cổng / published ports are the standard ones; forward them to the listeners' ports`,
    '',
  ];
  for (const d of domains.all()) {
    const alias = domains.isAlias(d);
    const n = `${d}.`;
    out.push(
      `; ===== ${d}${alias ? ` (miền bí danh của / alias domain of ${domains.target(d)})` : ''} =====`,
      '; Nhận thư / receiving mail',
      `${n} ${ttl} IN MX 10 ${host}`,
      '; SPF: máy chủ được phép gửi thư của miền / hosts allowed to send for the domain',
      zoneTxt(n, spfRecord(cfg.outbound.relayHost), ttl),
    );
    const dk = keys.filter((k) => k.domain === d);
    if (dk.length) {
      out.push('; DKIM: khoá công khai (giữ cả khoá cũ tới khi xoá) / public keys (retired ones stay until removed)');
      for (const k of dk) {
        const r = dkimTxtRecord(k);
        out.push(`; ${k.selector}: ${k.algorithm}-${k.bits}, ${k.active ? 'đang ký / signing' : 'cũ / retired'}`, zoneTxt(`${r.name}.`, r.value, ttl));
      }
    } else {
      out.push(`; DKIM: chưa có khoá, tạo bằng / no key yet, make one with: thutin dkim rotate --domain ${d}`);
    }
    out.push(
      '; DMARC: chính sách cho thư giả mạo miền này / policy for mail forging this domain',
      zoneTxt(`_dmarc.${n}`, `v=DMARC1; p=${opts.dmarcPolicy ?? 'quarantine'}; rua=mailto:postmaster@${domains.target(d)}; adkim=r; aspf=r`, ttl),
      '; MTA-STS (RFC 8461) và báo cáo TLS (RFC 8460) / and TLS reporting',
      zoneTxt(`_mta-sts.${n}`, `v=STSv1; id=${stsId}`, ttl),
      `mta-sts.${n} ${ttl} IN CNAME ${host}`,
      zoneTxt(`_smtp._tls.${n}`, `v=TLSRPTv1; rua=mailto:postmaster@${domains.target(d)}`, ttl),
      '; Tự cấu hình ứng dụng thư (RFC 6186, autoconfig) / mail client auto-configuration',
      `_submission._tcp.${n} ${ttl} IN SRV 0 1 587 ${host}`,
      `_submissions._tcp.${n} ${ttl} IN SRV 0 1 465 ${host}`,
      `_imap._tcp.${n} ${ttl} IN SRV 0 1 143 ${host}`,
      `_imaps._tcp.${n} ${ttl} IN SRV 0 1 993 ${host}`,
      `_pop3._tcp.${n} ${ttl} IN SRV 0 1 110 ${host}`,
      `_pop3s._tcp.${n} ${ttl} IN SRV 0 1 995 ${host}`,
      '; ManageSieve (RFC 5804 §1.8): bộ lọc thư Sieve / Sieve mail filters',
      `_sieve._tcp.${n} ${ttl} IN SRV 0 1 4190 ${host}`,
      `autoconfig.${n} ${ttl} IN CNAME ${host}`,
      `autodiscover.${n} ${ttl} IN CNAME ${host}`,
      `; Outlook Autodiscover: cổng HTTPS của thutin (http.tlsPort ${cfg.http.tlsPort}); khi chạy thật đặt proxy ngược trên cổng 443 và đổi thành 443 / thutin's HTTPS port; in production a reverse proxy on 443 is expected: publish 443 then`,
      `_autodiscover._tcp.${n} ${ttl} IN SRV 0 0 ${cfg.http.tlsPort} ${host}`,
      '',
    );
  }
  out.push(
    '; ===== MTA-STS =====',
    `; Tệp chính sách phục vụ qua HTTPS tại https://mta-sts.<miền>/.well-known/mta-sts.txt (chứng chỉ hợp lệ cho mta-sts.<miền>);`,
    `; cổng HTTP của thutin phục vụ tệp này ở đường dẫn đó, đặt sau proxy TLS / policy file to serve over HTTPS at https://mta-sts.<domain>/.well-known/mta-sts.txt`,
    "; (valid certificate for mta-sts.<domain>); thutin's HTTP listener serves it at that path for a TLS reverse proxy:",
    ...policy
      .trimEnd()
      .split('\r\n')
      .map((l) => `;   ${l}`),
    '',
  );
  return out.join('\n');
}
