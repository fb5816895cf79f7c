// Owns: a whole migration run (`thutin migrate imap`) — the old server's address, the mapped
// mailboxes migrated in parallel within a limit (each by src/migrate/mailbox.ts), progress, the
// audit entry of each mailbox migrated (who ran it, from where, the counts), and the report.
import type { App } from '../app.ts';
import { migrateMailbox, type MailboxReport, type SourceServer } from './mailbox.ts';
import { silentMigrationProgress, type MigrationProgress } from './progress.ts';
import type { MailboxMapping } from './users-csv.ts';

export interface MigrationOptions {
  server: SourceServer;
  mappings: MailboxMapping[];
  /** Mailboxes migrated at the same time (default 4). */
  parallel?: number;
  stateDir: string;
  progress?: MigrationProgress;
  signal?: AbortSignal;
  actor: string;
  reason?: string;
}

/** imaps://host[:port] (implicit TLS, 993) or imap://host[:port] (STARTTLS, 143). */
export function parseSourceUrl(url: string, o: { insecure?: boolean; admin?: { user: string; password: string } } = {}): SourceServer {
  const m = /^(imaps?):\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/i.exec(url.trim());
  if (!m) throw new Error(`--from ${url}: cần / needs imaps://máy-chủ[:cổng] / imaps://host[:port]`);
  const secure = m[1].toLowerCase() === 'imaps';
  const port = m[3] ? Number(m[3]) : secure ? 993 : 143;
  if (!(port > 0 && port < 65536)) throw new Error(`--from ${url}: cổng sai / bad port`);
  return { host: m[2].replace(/^\[|\]$/g, ''), port, secure, insecure: Boolean(o.insecure), admin: o.admin };
}

export async function runMigration(app: Pick<App, 'store' | 'accounts' | 'audit'>, o: MigrationOptions): Promise<MailboxReport[]> {
  const progress = o.progress ?? silentMigrationProgress;
  const reports: MailboxReport[] = new Array(o.mappings.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      if (o.signal?.aborted) return;
      const i = next++;
      if (i >= o.mappings.length) return;
      const m = o.mappings[i];
      const label = `${m.source} → ${m.target}`;
      const acct = await app.accounts.byAddress(m.target);
      if (!acct) {
        reports[i] = {
          source: m.source,
          target: m.target,
          folders: 0,
          found: 0,
          copied: 0,
          skipped: 0,
          failed: 0,
          earlier: 0,
          errors: [],
          durationMs: 0,
          error: 'Không tìm thấy tài khoản thutin / thutin account not found',
        };
        progress.start(label, 0);
        progress.end(label, reportLine(reports[i]));
        continue;
      }
      let started = false;
      const r = await migrateMailbox(app.store, acct.id, o.server, m, o.stateDir, {
        signal: o.signal,
        start: (total) => {
          started = true;
          progress.start(label, total);
        },
        advance: (n) => progress.advance(label, n),
      });
      if (!started) progress.start(label, 0);
      reports[i] = r;
      progress.end(label, reportLine(r));
      await app.audit.record({
        actor: o.actor,
        action: 'mailbox.migrate',
        target: m.target,
        details: {
          from: `${o.server.secure ? 'imaps' : 'imap'}://${o.server.host}:${o.server.port}`,
          source: m.source,
          proxyAuth: Boolean(o.server.admin),
          found: r.found,
          copied: r.copied,
          skipped: r.skipped,
          failed: r.failed,
          error: r.error ?? null,
          interrupted: Boolean(r.interrupted),
        },
        reason: o.reason ?? '',
      });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.parallel ?? 4, o.mappings.length)) }, worker));
  progress.close();
  return reports.filter(Boolean);
}

export function reportLine(r: MailboxReport): string {
  const mark = r.error ? '✗' : r.failed || r.interrupted ? '!' : '✓';
  const counts = `tìm thấy / found ${r.found}, đã chép / copied ${r.copied}, bỏ qua (trùng) / skipped ${r.skipped}, lỗi / failed ${r.failed}${r.earlier ? `, các lần trước / earlier runs ${r.earlier}` : ''}`;
  return `${mark} ${r.source} → ${r.target}: ${counts}${r.interrupted ? ' — bị ngắt, chạy lại để tiếp tục / interrupted, run again to resume' : ''}${r.error ? ` — ${r.error}` : ''}`;
}

/** The report as a table (text), one line per mailbox and a total. */
export function reportTable(rs: MailboxReport[]): string {
  const head = ['hộp thư cũ / source', 'thutin', 'thư mục / folders', 'tìm thấy / found', 'đã chép / copied', 'bỏ qua / skipped', 'lỗi / failed', 'trước / earlier', 'giây / s'];
  const rows = rs.map((r) => [r.source, r.target, String(r.folders), String(r.found), String(r.copied), String(r.skipped), String(r.failed), String(r.earlier), (r.durationMs / 1000).toFixed(1)]);
  const sum = (k: 'found' | 'copied' | 'skipped' | 'failed' | 'earlier') => String(rs.reduce((a, r) => a + r[k], 0));
  rows.push(['Tổng / total', '', '', sum('found'), sum('copied'), sum('skipped'), sum('failed'), sum('earlier'), '']);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  return [fmt(head), ...rows.map(fmt)].join('\n') + '\n' + rs.flatMap((r) => [...(r.error ? [`✗ ${r.source}: ${r.error}`] : []), ...r.errors.map((e) => `  ${r.source}: ${e}`)]).join('\n');
}
