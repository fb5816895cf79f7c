// `thutin dkim list|rotate|activate|remove`: the DKIM keys of each mail domain. A rotation makes
// a new key with a new (date-based) selector and prints the TXT record to publish; the old key
// stays on disk (and its record should stay published) until `dkim remove`. Audited.
import { loadConfig } from '../../config/config.ts';
import { DomainMap } from '../../core/domains.ts';
import { ThutinError } from '../../core/errors.ts';
import { DkimKeyStore, dkimTxtRecord, type DkimAlgorithm, type DkimKey } from '../../mailauth/keys.ts';
import { zoneTxt } from '../../mailauth/records.ts';
import { cliActor, withApp } from './common.ts';

function printRecord(k: DkimKey): void {
  const r = dkimTxtRecord(k);
  process.stdout.write(`; Công bố bản ghi này trong DNS / publish this record in DNS:\n${zoneTxt(`${r.name}.`, r.value)}\n`);
}

export async function runDkimList(dataDir: string, o: { json?: boolean }): Promise<void> {
  const store = new DkimKeyStore(loadConfig(dataDir));
  const keys = store.list();
  if (o.json) {
    process.stdout.write(
      JSON.stringify(
        keys.map((k) => ({ domain: k.domain, selector: k.selector, algorithm: k.algorithm, bits: k.bits, active: k.active, createdAt: k.createdAt.toISOString(), record: dkimTxtRecord(k) })),
        null,
        2,
      ) + '\n',
    );
    return;
  }
  for (const k of keys) {
    process.stdout.write(`${k.domain}\t${k.selector}\t${k.algorithm}-${k.bits}\t${k.active ? 'đang ký / active' : 'cũ / retired'}\t${k.createdAt.toISOString()}\n`);
  }
  process.stdout.write(`(${keys.length} khoá / keys)\n`);
}

export async function runDkimRotate(dataDir: string, o: { domain?: string; selector?: string; ed25519?: boolean; pending?: boolean }): Promise<void> {
  const cfg = loadConfig(dataDir);
  const store = new DkimKeyStore(cfg);
  const domain = (o.domain ?? cfg.domains.primary).toLowerCase();
  if (!DomainMap.fromConfig(cfg).isLocal(domain)) throw new ThutinError('DOMAIN_NOT_LOCAL', domain);
  const algorithm: DkimAlgorithm = o.ed25519 ? 'ed25519' : 'rsa';
  const key = store.create(domain, { selector: o.selector, algorithm, activate: !o.pending });
  await withApp(dataDir, (app) =>
    app.audit.record({ actor: cliActor(), action: 'dkim.rotate', target: `${key.selector}._domainkey.${domain}`, details: { algorithm, bits: key.bits, active: key.active } }),
  );
  process.stdout.write(`Đã tạo khoá / made key ${key.file} (${algorithm}-${key.bits}${key.active ? ', đang ký / now signing' : ', chưa dùng / pending'})\n`);
  printRecord(key);
  const old = store.list(domain).filter((k) => !k.active);
  if (old.length) {
    process.stdout.write(
      `; Khoá cũ vẫn giữ, giữ bản ghi DNS của nó vài ngày rồi xoá bằng / old keys kept; keep their records a few days, then: ${old.map((k) => `thutin dkim remove --domain ${domain} --selector ${k.selector}`).join('; ')}\n`,
    );
  }
}

export async function runDkimActivate(dataDir: string, o: { domain?: string; selector: string }): Promise<void> {
  const cfg = loadConfig(dataDir);
  const domain = (o.domain ?? cfg.domains.primary).toLowerCase();
  const key = new DkimKeyStore(cfg).activate(domain, o.selector);
  await withApp(dataDir, (app) => app.audit.record({ actor: cliActor(), action: 'dkim.activate', target: `${key.selector}._domainkey.${domain}` }));
  process.stdout.write(`Khoá ${key.selector} đang ký thư của / now signs mail of ${domain}\n`);
}

export async function runDkimRemove(dataDir: string, o: { domain?: string; selector: string }): Promise<void> {
  const cfg = loadConfig(dataDir);
  const domain = (o.domain ?? cfg.domains.primary).toLowerCase();
  new DkimKeyStore(cfg).remove(domain, o.selector);
  await withApp(dataDir, (app) => app.audit.record({ actor: cliActor(), action: 'dkim.remove', target: `${o.selector}._domainkey.${domain}` }));
  process.stdout.write(`Đã xoá khoá / removed key ${o.selector}._domainkey.${domain}\n`);
}
