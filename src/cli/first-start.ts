// Owns: preparing an installation — what `thutin init` does and what the first `thutin serve`
// (`npm start`) does when the data directory has no configuration yet: the configuration file
// (host name mail.<primary domain>, never the bare machine name), the self-signed certificate and
// a DKIM key per domain — and the next steps printed while there are no accounts.
import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE, loadConfig, readConfigFile, type Config, type ConfigInput } from '../config/config.ts';
import { ensureTls, tlsPaths } from '../config/tls.ts';

export interface PrepareOptions {
  domain?: string;
  hostname?: string;
}

/** Write what is missing (configuration, certificate, DKIM keys), saying each thing made on `out`. */
export async function prepareInstallation(dataDir: string, o: PrepareOptions, out: (line: string) => void): Promise<Config> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o750 });
  const file = path.join(dataDir, CONFIG_FILE);
  const current = readConfigFile(dataDir);
  const asked: ConfigInput = {};
  if (o.domain) asked.domains = { primary: o.domain.toLowerCase() };
  if (o.hostname) asked.hostname = o.hostname;
  const cfg = loadConfig(dataDir, asked);
  if (!fs.existsSync(file) || o.domain || o.hostname) {
    const domains = { ...(current.domains as object | undefined), primary: cfg.domains.primary };
    // A host name the file had stays unless asked; a new one follows the (new) primary domain.
    const hostname = o.hostname ?? (typeof current.hostname === 'string' && current.hostname && !o.domain ? current.hostname : cfg.hostname);
    fs.writeFileSync(file, JSON.stringify({ ...current, hostname, domains }, null, 2) + '\n');
    out(`Đã ghi cấu hình / wrote ${file}`);
    if (!o.hostname && !current.hostname) {
      out(`Tên máy chủ / host name: ${hostname} (tên trong bản ghi MX và MAILER-DAEMON@; đổi bằng / used for MX and MAILER-DAEMON@; change with: thutin init --hostname …)`);
    }
  }
  const final = loadConfig(dataDir);
  if (await ensureTls(final)) out(`Đã tạo chứng chỉ tự ký / made a self-signed certificate: ${tlsPaths(final).cert}`);
  // A DKIM key for every domain that has none yet (local and alias); `thutin dns` prints the records.
  const { ensureDkimKeys } = await import('../mailauth/keys.ts');
  for (const k of ensureDkimKeys(final)) out(`Đã tạo khoá DKIM / made a DKIM key: ${k.selector}._domainkey.${k.domain} (${k.file})`);
  return final;
}

/** `npx thutin` with `--data DIR` unless DIR is the default ./data. */
function thutinCommand(dataDir: string): string {
  const abs = path.resolve(dataDir);
  if (abs === path.resolve('data')) return 'npx thutin';
  return `npx thutin --data ${/^[\w@%+=:,./-]+$/.test(abs) ? abs : `'${abs.replace(/'/g, `'\\''`)}'`}`;
}

/** What to do when there are no accounts yet: the exact commands for the first administrator, or the demo. */
export function nextSteps(dataDir: string, domain: string): string {
  const t = thutinCommand(dataDir);
  const admin = `quantri@${domain}`;
  return [
    'Chưa có tài khoản nào / there are no accounts yet.',
    'Tạo quản trị viên và hộp thư đầu tiên (ở thư mục dự án, khi máy chủ đang chạy) / create the first administrator and mailbox (in the project directory, while the server runs):',
    `  ${t} account add ${admin}`,
    `  ${t} role grant ${admin} sysadmin --reason 'số/ký hiệu văn bản / document reference'`,
    'Lệnh thứ nhất hỏi mật khẩu (hoặc đọc từ đầu vào chuẩn với --password-stdin) / the first asks for the password (or reads it from standard input with --password-stdin).',
    `Hoặc nạp tỉnh mẫu để dùng thử / or load the demo province to try it: ${t} demo`,
    `Kiểm tra / check: ${t} doctor`,
  ].join('\n');
}
