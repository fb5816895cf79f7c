// Owns: `thutin init` and `thutin serve` (the first start prepares the installation as init does;
// the data directory's lock; the ready lines and next steps, plain text apart from the JSON log);
// `thutin doctor` lives in ../doctor.ts.
import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE, envOverrideNotes, loadConfig } from '../../config/config.ts';
import { ensureTls, loadTls } from '../../config/tls.ts';
import { createApp } from '../../app.ts';
import { listenerSpecs, startServers } from '../../server.ts';
import { InboundProcesses } from '../../smtp/inbound-processes.ts';
import { lockDataDir, lockRequired } from '../data-dir.ts';
import { nextSteps, prepareInstallation } from '../first-start.ts';
import { withApp } from './common.ts';

export { runDoctor } from '../doctor.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);

export async function runInit(dataDir: string, o: { domain?: string; hostname?: string }): Promise<void> {
  for (const n of envOverrideNotes(dataDir)) process.stderr.write(`thutin: ${n}\n`);
  const cfg = await prepareInstallation(dataDir, o, say);
  await withApp(dataDir, async () => {});
  say(`Sẵn sàng / ready: miền / domain ${cfg.domains.primary}, máy chủ / host ${cfg.hostname}, dữ liệu / data ${cfg.dataDir}`);
}

export async function runServe(dataDir: string, o: { demo?: boolean }): Promise<void> {
  // The first start (no configuration yet) does what `thutin init` does.
  if (!fs.existsSync(path.join(dataDir, CONFIG_FILE))) {
    say(`Lần chạy đầu tiên: tạo cấu hình, chứng chỉ và khoá DKIM / first start: making the configuration, certificate and DKIM key (${path.resolve(dataDir)})`);
    await prepareInstallation(dataDir, {}, say);
  }
  const cfg = loadConfig(dataDir);
  const overrides = envOverrideNotes(dataDir);
  for (const n of overrides) process.stderr.write(`thutin: ${n}\n`);
  await ensureTls(cfg);
  // One server per data directory (unless PostgreSQL with shared blobs): refused before anything opens.
  const lock = lockRequired(cfg) ? lockDataDir(dataDir) : null;
  // Inbound processes (smtp/inbound-processes.ts) share the store with this one.
  const inboundCount = cfg.smtp.inboundProcesses;
  const app = await createApp(cfg, { sharedStore: inboundCount > 0 });
  for (const n of overrides) app.log.info({ env: n }, 'biến môi trường ghi đè cấu hình / environment override');
  if (o.demo) {
    // The demo province is loaded only into an empty directory; otherwise serve what is there (and say so).
    await (await import('./demo.ts')).serveDemo(app);
  }
  let servers: Awaited<ReturnType<typeof startServers>>;
  const inbound =
    inboundCount > 0
      ? new InboundProcesses({
          dataDir,
          count: inboundCount,
          log: app.log.child({ component: 'inbound-processes' }),
          onEvent: (e) => app.events.fromPeer(e),
          onQueued: () => app.queue.onWork?.(),
        })
      : null;
  try {
    servers = await startServers(app, loadTls(cfg), { handOff: inbound ? (socket) => inbound.handOff(socket) : undefined });
    if (inbound) {
      // What a crash left behind goes before any other process can have a write in flight (grace 0;
      // not when other servers share the blobs: then their writes may be in flight).
      if (lock) await app.maintenance.runOnce({ graceMs: 0 });
      await inbound.start();
    }
  } catch (e) {
    await inbound?.stop().catch(() => {});
    await app.close().catch(() => {});
    lock?.release();
    throw e;
  }
  // Signals are handled from here on, before the ready line is printed: whoever reads it may stop us at
  // once, and a SIGTERM with no handler yet would end the process without releasing the lock.
  let stopping = false;
  const stop = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ sig }, 'đang dừng / stopping');
    let code = 0;
    try {
      await Promise.all([servers.close(), inbound?.stop()]);
      await app.close();
    } catch (e) {
      code = 1;
      process.stderr.write(`thutin: lỗi khi dừng / error while stopping: ${(e as Error).stack ?? String(e)}\n`);
    } finally {
      lock?.release(); // whatever happened, the data directory is free for the next start
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  const p = servers.ports;
  lock?.setPorts(Object.fromEntries(listenerSpecs(cfg).map((s) => [s.key, p[s.name]])));
  // Reclaiming storage: a sweep at once (what a crash left behind), then every store.maintenanceIntervalMs.
  app.maintenance.start();
  // Requests (issue 11): run the approved ones whose effective date has come, now and every requests.runIntervalMs.
  app.requests.start();
  // Leavers whose retention has passed are purged (their addresses quarantined), now and every directory.purgeIntervalMs.
  app.purges.start();
  // Retention policies (issue 14): every retention.runIntervalMs (0 = only `thutin retention run`).
  app.retention.start();
  // backup.schedule: the next backup into backup.dir, then rotation by backup.keep (src/backup/schedule.ts).
  app.backupSchedule.start();
  if (app.backupSchedule.enabled) app.log.info({ next: app.backupSchedule.next(), dir: cfg.backup.dir }, 'sao lưu theo lịch / scheduled backup');
  // Load the directory's search index now rather than on the first address-book search
  // (seconds for tens of thousands of people); searches meanwhile wait for the same load.
  void app.directory.ensureIndex().catch((e: unknown) => app.log.warn({ err: e }, 'nạp chỉ mục danh bạ thất bại / directory index load failed'));
  app.log.info({ ports: p, domain: cfg.domains.primary, data: cfg.dataDir, database: cfg.database.driver }, 'thutin đang chạy / running');
  // Plain lines for the person at the terminal, each whole, beside the JSON log.
  say(
    `thutin: SMTP ${p.smtp}, submission ${p.submission} (STARTTLS) ${p.submissionTls} (TLS), IMAP ${p.imap} (STARTTLS) ${p.imaps} (TLS), LDAP ${p.ldap} (STARTTLS) ${p.ldaps} (TLS), HTTP ${p.http}, HTTPS ${p.https}, POP3 ${p.pop3} (STLS) ${p.pop3s} (TLS), ManageSieve ${p.sieve} (STARTTLS)`,
  );
  if ((await app.accounts.list()).length === 0) say(nextSteps(dataDir, cfg.domains.primary));
  say(`thutin: sẵn sàng / ready — miền / domain ${cfg.domains.primary}, máy chủ / host ${cfg.hostname}, dữ liệu / data ${cfg.dataDir} (${cfg.database.driver})`);
}
