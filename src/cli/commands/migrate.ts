// `thutin migrate imap`: mail from the province's old IMAP server into thutin (src/migrate/),
// imapsync-like: users.csv maps each old login (and its password, or administrator credentials
// for proxy-auth) to a thutin account; resumable (state in --state, default <data>/migrate-state);
// Ctrl-C (or SIGTERM) stops cleanly after the messages in flight and keeps the state; a second run
// copies only what is new. Progress bars per mailbox and overall on a terminal; a report at the end.
// Owns: the command's options, signals, output (Vietnamese / English) and exit code.
import fs from 'node:fs';
import path from 'node:path';
import { cliActor, withApp } from './common.ts';

export interface MigrateImapOptions {
  from: string;
  map: string;
  insecure?: boolean;
  parallel?: string;
  state?: string;
  adminUser?: string;
  adminPasswordFile?: string;
  report?: string;
  reason?: string;
  json?: boolean;
}

export async function runMigrateImap(dataDir: string, o: MigrateImapOptions): Promise<void> {
  const { parseUsersCsv } = await import('../../migrate/users-csv.ts');
  const { parseSourceUrl, runMigration, reportTable } = await import('../../migrate/run.ts');
  const { migrationProgress } = await import('../../migrate/progress.ts');
  const parallel = o.parallel === undefined ? 4 : Number(o.parallel);
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 64) throw new Error(`--parallel ${o.parallel}: 1–64`);
  if (Boolean(o.adminUser) !== Boolean(o.adminPasswordFile)) throw new Error('--admin-user và / and --admin-password-file đi cùng nhau / go together');
  const admin = o.adminUser ? { user: o.adminUser, password: fs.readFileSync(o.adminPasswordFile!, 'utf8').split(/\r?\n/)[0] } : undefined;
  if (admin && !admin.password) throw new Error(`${o.adminPasswordFile}: mật khẩu rỗng / empty password`);
  const server = parseSourceUrl(o.from, { insecure: o.insecure, admin });
  const mappings = parseUsersCsv(fs.readFileSync(o.map, 'utf8'), { proxyAuth: Boolean(admin) });
  const stateDir = path.resolve(o.state ?? path.join(dataDir, 'migrate-state'));
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const stop = new AbortController();
  let signals = 0;
  const onSignal = () => {
    if (++signals > 1) process.exit(130);
    process.stderr.write('\nDừng sau các thư đang chép, trạng thái được giữ (Ctrl-C lần nữa để thoát ngay) / stopping after the messages in flight, state kept (Ctrl-C again to quit now)\n');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await withApp(dataDir, async (app) => {
      const reports = await runMigration(app, {
        server,
        mappings,
        parallel,
        stateDir,
        signal: stop.signal,
        progress: o.json ? undefined : migrationProgress(mappings.length),
        actor: cliActor(),
        reason: o.reason,
      });
      if (o.report) fs.writeFileSync(o.report, JSON.stringify(reports, null, 2) + '\n');
      if (o.json) process.stdout.write(JSON.stringify(reports, null, 2) + '\n');
      else process.stdout.write('\n' + reportTable(reports) + '\n');
      if (stop.signal.aborted || reports.some((r) => r.error || r.failed || r.interrupted)) process.exitCode = 1;
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
