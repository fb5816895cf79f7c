// Owns: `thutin security lockouts [--lift <login|ip> --reason …] [--json]`: the sign-in lockouts in
// force (accounts, client addresses, an account from one of its usual addresses) and lifting one —
// a login clears its account's counts, an IP address (IPv6: its /64) its address counts; audited
// with the operating-system user as actor and the reason; and `thutin security sign-ins [--login]
// [--failed] [--verify] [--json]`: the sign-in history of every door and its hash chain. The rules
// are core/sign-in.ts's and core/sign-in-history.ts's.
import { withApp, cliActor } from './common.ts';
import type { Config } from '../../config/config.ts';

const min = (ms: number) => (ms % 3600_000 === 0 ? `${ms / 3600_000} h` : `${Math.round(ms / 60_000)} min`);

/**
 * The sign-in throttle and the connection limits in force, one line each (printed by `thutin doctor`
 * beside the listeners: docs/SECURITY.md explains them).
 */
export function describeLimits(cfg: Config): string[] {
  const si = cfg.security.signIn;
  const { imap, smtp, ldap, http } = cfg;
  return [
    `đăng nhập / sign-in: ${si.accountMaxFailures} lần sai mỗi tài khoản trong / failures per account in ${min(si.accountWindowMs)} (khoá / lock ${min(si.accountLockoutMs)}), ${si.addressMaxFailures} mỗi địa chỉ trong / per address in ${min(si.addressWindowMs)}; đổi mật khẩu đầu tiên trong / first password changed within ${cfg.security.firstPasswordDeadlineHours} h`,
    `IMAP: ${imap.maxConnections} kết nối / connections, ${imap.maxConnectionsPerIp} mỗi địa chỉ / per address; trước đăng nhập / before login: literal ${Math.round(imap.preAuthLiteralMax / 1024)} KB, ${Math.round(imap.preAuthTimeoutMs / 1000)} s chờ / idle, ${Math.round(imap.preAuthMaxMs / 1000)} s tổng / in all; ${imap.maxBadCommands} BAD`,
    `SMTP: ${smtp.maxConnectionsPerIp} kết nối mỗi địa chỉ trên mỗi cổng / connections per address on each listener`,
    `LDAP: ${ldap.maxConnections} kết nối / connections, ${ldap.maxConnectionsPerIp} mỗi địa chỉ / per address`,
    `HTTP: ${http.maxConnections} kết nối mỗi cổng / connections per listener, ${http.maxConnectionsPerIp} mỗi địa chỉ / per address`,
  ];
}

const KIND: Record<string, string> = { account: 'tài khoản / account', address: 'địa chỉ / address', 'account-address': 'tài khoản tại địa chỉ / account at address' };

export async function runSecurityLockouts(dataDir: string, o: { lift?: string; reason?: string; json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    if (o.lift !== undefined) {
      if (!o.reason || !o.reason.trim()) {
        throw new Error('Thiếu số/ký hiệu văn bản (--reason) / the reference of the authorising document (--reason) is required');
      }
      const n = await app.signIn.lift(o.lift, cliActor(), o.reason.trim());
      if (o.json) process.stdout.write(JSON.stringify({ lifted: o.lift, cleared: n }) + '\n');
      else process.stdout.write(n > 0 ? `Đã gỡ khoá / lifted: ${o.lift} (${n})\n` : `Không có khoá nào / nothing locked: ${o.lift}\n`);
      return;
    }
    const list = await app.signIn.lockouts();
    if (o.json) {
      process.stdout.write(JSON.stringify(list, null, 2) + '\n');
      return;
    }
    for (const l of list) {
      process.stdout.write(`${KIND[l.kind] ?? l.kind}\t${l.subject}\t${new Date(l.lockedUntil).toISOString()}\t${l.failures}\n`);
    }
    process.stdout.write(`(${list.length} khoá đăng nhập đang có hiệu lực / sign-in lockouts in force)\n`);
  });
}

export async function runSecuritySignIns(dataDir: string, o: { login?: string; failed?: boolean; limit: string; verify?: boolean; json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    if (o.verify) {
      const v = await app.signInHistory.verify();
      if (o.json) process.stdout.write(JSON.stringify(v) + '\n');
      else if (v.ok) process.stdout.write(`✓ chuỗi băm nguyên vẹn / hash chain intact: ${v.checked} lần đăng nhập / sign-ins${v.firstId ? ` (từ / from #${v.firstId})` : ''}\n`);
      else process.stdout.write(`✗ ${v.broken!.message}\n`);
      if (!v.ok) process.exitCode = 1;
      return;
    }
    const limit = Number(o.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw new Error('--limit: 1 … 100000');
    const rows = await app.signInHistory.list(limit, { login: o.login?.toLowerCase(), success: o.failed ? false : undefined });
    if (o.json) {
      process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      return;
    }
    for (const r of rows) process.stdout.write(`${new Date(r.at).toISOString()}\t${r.protocol}\t${r.login}\t${r.address}\t${r.outcome}\t${r.client}\n`);
    process.stdout.write(`(${rows.length} lần đăng nhập / sign-ins)\n`);
  });
}
