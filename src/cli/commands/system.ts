// Owns: `thutin init`, `thutin serve` and `thutin doctor` (configuration, TLS, the store through
// app.health(), whether the DNS servers answer, the ports).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import crypto from 'node:crypto';
import { CONFIG_FILE, loadConfig, readConfigFile, type Config } from '../../config/config.ts';
import { ensureTls, loadTls, tlsPaths } from '../../config/tls.ts';
import { createApp } from '../../app.ts';
import { startServers } from '../../server.ts';
import { probeResolver } from '../../net/resolver.ts';
import { withApp } from './common.ts';

/** How long `thutin doctor` waits for the DNS servers (one try). */
const DOCTOR_DNS_TIMEOUT_MS = 2000;

export async function runInit(dataDir: string, o: { domain?: string; hostname?: string }): Promise<void> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o750 });
  const file = path.join(dataDir, CONFIG_FILE);
  const current = readConfigFile(dataDir);
  if (o.domain) current.domains = { ...(current.domains as object), primary: o.domain.toLowerCase() };
  if (o.hostname) current.hostname = o.hostname;
  const cfg = loadConfig(dataDir, current as never);
  if (!fs.existsSync(file) || o.domain || o.hostname) {
    fs.writeFileSync(file, JSON.stringify({ hostname: cfg.hostname, domains: cfg.domains, ...current }, null, 2) + '\n');
    process.stdout.write(`Đã ghi cấu hình / wrote ${file}\n`);
  }
  if (await ensureTls(cfg)) process.stdout.write(`Đã tạo chứng chỉ tự ký / made a self-signed certificate: ${tlsPaths(cfg).cert}\n`);
  // A DKIM key for every domain that has none yet (local and alias); `thutin dns` prints the records.
  const { ensureDkimKeys } = await import('../../mailauth/keys.ts');
  for (const k of ensureDkimKeys(cfg)) process.stdout.write(`Đã tạo khoá DKIM / made a DKIM key: ${k.selector}._domainkey.${k.domain} (${k.file})\n`);
  await withApp(dataDir, async () => {});
  process.stdout.write(`Sẵn sàng / ready: miền / domain ${cfg.domains.primary}, dữ liệu / data ${cfg.dataDir}\n`);
}

export async function runServe(dataDir: string, o: { demo?: boolean }): Promise<void> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o750 });
  const cfg = loadConfig(dataDir);
  await ensureTls(cfg);
  const app = await createApp(cfg);
  if (o.demo) {
    // The demo province is loaded only into an empty directory; otherwise serve what is there.
    const demo = await import('./demo.ts');
    const { directoryHasUnits } = await import('../../demo/province.ts');
    if (await directoryHasUnits(app)) app.log.info('--demo: danh bạ đã có dữ liệu, không nạp lại / the directory has data, demo not reloaded');
    else await demo.loadDemo(app, demo.demoOptions({}));
  }
  const servers = await startServers(app, loadTls(cfg));
  // Reclaiming storage: a sweep at once (what a crash left behind), then every store.maintenanceIntervalMs.
  app.maintenance.start();
  // Load the directory's search index now rather than on the first address-book search
  // (seconds for tens of thousands of people); searches meanwhile wait for the same load.
  void app.directory.ensureIndex().catch((e: unknown) => app.log.warn({ err: e }, 'nạp chỉ mục danh bạ thất bại / directory index load failed'));
  const p = servers.ports;
  app.log.info({ ports: p, domain: cfg.domains.primary, data: cfg.dataDir, database: cfg.database.driver }, 'thutin đang chạy / running');
  process.stdout.write(
    `thutin: SMTP ${p.smtp}, submission ${p.submission} (STARTTLS) ${p.submissionTls} (TLS), IMAP ${p.imap} (STARTTLS) ${p.imaps} (TLS), LDAP ${p.ldap} (STARTTLS) ${p.ldaps} (TLS), HTTP ${p.http}\n`,
  );
  let stopping = false;
  const stop = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ sig }, 'đang dừng / stopping');
    await servers.close();
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

type Check = { name: string; ok: boolean; detail: string };

async function portCheck(host: string, port: number): Promise<Check> {
  const name = `port ${port}`;
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', (e: NodeJS.ErrnoException) => {
      // In use is fine when it is us: try to read a greeting.
      if (e.code === 'EADDRINUSE') {
        const s = net.connect({ host: host === '0.0.0.0' ? '127.0.0.1' : host, port });
        const t = setTimeout(() => {
          s.destroy();
          resolve({ name, ok: false, detail: 'đang bị chiếm, không có lời chào / in use, no greeting' });
        }, 2000);
        s.once('data', (d) => {
          clearTimeout(t);
          s.destroy();
          resolve({ name, ok: true, detail: `đang phục vụ / serving: ${d.toString().trim().slice(0, 60)}` });
        });
        s.once('error', () => {
          clearTimeout(t);
          resolve({ name, ok: false, detail: 'đang bị chiếm / in use' });
        });
      } else resolve({ name, ok: false, detail: `${e.code}: ${e.message}` });
    });
    srv.listen({ host, port }, () => srv.close(() => resolve({ name, ok: true, detail: 'trống, có thể dùng / free' })));
  });
}

export async function runDoctor(dataDir: string): Promise<void> {
  const checks: Check[] = [];
  let cfg: Config;
  try {
    cfg = loadConfig(dataDir);
    checks.push({ name: 'config', ok: true, detail: `${cfg.domains.primary} (${cfg.database.driver})` });
  } catch (e) {
    process.stdout.write(`✗ config: ${(e as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  try {
    const tls = loadTls(cfg);
    const x = new crypto.X509Certificate(tls.cert);
    const key = crypto.createPrivateKey(tls.key);
    const expires = new Date(x.validTo);
    const ok = x.checkPrivateKey(key) && expires.getTime() > Date.now();
    checks.push({ name: 'tls', ok, detail: `${x.subjectAltName ?? x.subject}; hết hạn / expires ${expires.toISOString().slice(0, 10)}${ok ? '' : ' — không hợp lệ / invalid'}` });
  } catch (e) {
    checks.push({ name: 'tls', ok: false, detail: `${(e as Error).message} — chạy / run: thutin init` });
  }
  try {
    // Through the App only: the database answers (no probe file in the mail store, no SQL here).
    const h = await withApp(dataDir, (app) => app.health());
    checks.push({ name: 'store', ok: true, detail: `${h.database}, cơ sở dữ liệu trả lời / database answers` });
  } catch (e) {
    checks.push({ name: 'store', ok: false, detail: (e as Error).message });
  }
  // A DNS server that does not answer makes every SPF/DKIM/DMARC result temperror and defers
  // outbound mail: ask it for the primary domain's MX with one short try.
  const dns = await probeResolver(cfg, cfg.domains.primary, DOCTOR_DNS_TIMEOUT_MS);
  checks.push({ name: 'dns', ok: dns.ok, detail: dns.detail });
  for (const [host, port] of [
    [cfg.smtp.host, cfg.smtp.inboundPort],
    [cfg.smtp.host, cfg.smtp.submissionPort],
    [cfg.smtp.host, cfg.smtp.submissionTlsPort],
    [cfg.imap.host, cfg.imap.port],
    [cfg.imap.host, cfg.imap.tlsPort],
    [cfg.http.host, cfg.http.port],
  ] as const) {
    checks.push(await portCheck(host, port));
  }
  for (const c of checks) process.stdout.write(`${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}\n`);
  if (checks.some((c) => !c.ok)) process.exitCode = 1;
}
