// `thutin backup create|verify|list|restore|rotate`: the backup folder commands (src/backup/).
// create goes through the App (`app.backup`: online while `serve` runs); verify, list, restore and
// rotate read a backup folder and need no data directory (restore makes a new one, --data NEW).
// Owns: the commands' options, the passphrase input, the output (Vietnamese / English) and exit codes.
import fs from 'node:fs';
import { loadConfig, resolveDataPath } from '../../config/config.ts';
import { streamProgress } from '../../backup/progress.ts';
import { listBackups, verifyBackup } from '../../backup/verify.ts';
import { restoreBackup } from '../../backup/restore.ts';
import { rotateFolder } from '../../backup/rotation.ts';
import { cliActor, withApp } from './common.ts';

interface PassphraseOptions {
  passphraseFile?: string;
  passphraseStdin?: boolean;
}

async function passphrase(o: PassphraseOptions): Promise<string | undefined> {
  let text: string | undefined;
  if (o.passphraseFile) text = fs.readFileSync(o.passphraseFile, 'utf8');
  else if (o.passphraseStdin) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    text = Buffer.concat(chunks).toString('utf8');
  } else return undefined;
  const p = text.split(/\r?\n/)[0];
  if (!p) throw new Error('Cụm mật khẩu rỗng / empty passphrase');
  if (p.length < 12) throw new Error('Cụm mật khẩu cần ít nhất 12 ký tự / the passphrase needs at least 12 characters');
  return p;
}

const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;

/** A key file's PEM text (--recipient-key, --private-key). */
function keyFile(file: string | undefined): string | undefined {
  return file ? fs.readFileSync(file, 'utf8') : undefined;
}

export async function runBackupCreate(dataDir: string, dir: string | undefined, o: PassphraseOptions & { base?: string; recipientKey?: string; json?: boolean }): Promise<void> {
  const cfg = loadConfig(dataDir);
  const target = dir ?? (cfg.backup.dir ? resolveDataPath(cfg, cfg.backup.dir) : undefined);
  if (!target) throw new Error('Cần thư mục sao lưu (DIR hoặc backup.dir) / a backup folder is needed (DIR or backup.dir)');
  let pass = await passphrase(o);
  if (pass === undefined && !dir && cfg.backup.passphraseFile) pass = await passphrase({ passphraseFile: resolveDataPath(cfg, cfg.backup.passphraseFile) });
  await withApp(dataDir, async (app) => {
    const r = await app.backup.create({ dir: target, base: o.base, passphrase: pass, recipientKey: keyFile(o.recipientKey), actor: cliActor(), progress: streamProgress() });
    const t = r.manifest.totals;
    if (o.json) return void process.stdout.write(JSON.stringify({ set: r.set, dir: r.dir, attempts: r.attempts, totals: t }, null, 2) + '\n');
    process.stdout.write(
      `✓ Đã sao lưu / backup made: ${r.set} trong / in ${r.dir}\n` +
        `  ${t.blobs} blob (${mb(t.blobBytes)}), mới / new ${t.copiedBlobs} (${mb(t.copiedBytes)}); lưu / stored ${mb(t.storedBytes)}; ${(t.durationMs / 1000).toFixed(1)} s` +
        `${r.manifest.encrypted ? '; mã hoá / encrypted' : ''}${r.attempts > 1 ? `; chụp lại / copied again ${r.attempts - 1}×` : ''}\n`,
    );
  });
}

export async function runBackupVerify(dir: string, o: PassphraseOptions & { set?: string; privateKey?: string; json?: boolean }): Promise<void> {
  const r = await verifyBackup(dir, { set: o.set, passphrase: await passphrase(o), privateKey: keyFile(o.privateKey), progress: streamProgress() });
  if (o.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
  else if (r.ok) process.stdout.write(`✓ Bản sao lưu nguyên vẹn / the backup is intact: ${r.sets.length} bản / sets, ${r.files} tệp / files, ${mb(r.bytes)}\n`);
  else {
    process.stderr.write(`✗ Bản sao lưu có lỗi / the backup has problems (${r.problems.length}):\n`);
    for (const p of r.problems) process.stderr.write(`    ${p}\n`);
  }
  if (!r.ok) process.exitCode = 1;
}

export async function runBackupList(dir: string, o: PassphraseOptions & { json?: boolean }): Promise<void> {
  const sets = await listBackups(dir, await passphrase(o));
  if (o.json) return void process.stdout.write(JSON.stringify(sets, null, 2) + '\n');
  for (const s of sets) {
    const t = s.totals;
    process.stdout.write(
      `${s.problems.length ? '✗' : '✓'} ${s.set}\t${s.snapshotAt}\t${s.dialect}\t${t ? `${t.blobs} blob, ${mb(t.blobBytes)}, mới / new ${t.copiedBlobs}, lưu / stored ${mb(t.storedBytes)}` : '-'}${s.encrypted ? '\tmã hoá / encrypted' : ''}\n`,
    );
    for (const p of s.problems) process.stdout.write(`    ${p}\n`);
  }
  process.stdout.write(`(${sets.length} bản / sets)\n`);
}

export async function runBackupRestore(dir: string, target: string, o: PassphraseOptions & { set?: string; database?: string; url?: string; privateKey?: string }): Promise<void> {
  if (o.database && o.database !== 'sqlite' && o.database !== 'postgres') throw new Error(`--database ${o.database}: sqlite | postgres`);
  if (o.database === 'postgres' && !o.url) throw new Error('--database postgres cần --url / needs --url');
  const database = o.database === 'postgres' ? { driver: 'postgres' as const, url: o.url! } : o.database === 'sqlite' ? { driver: 'sqlite' as const } : undefined;
  const r = await restoreBackup({ dir, target, set: o.set, database, passphrase: await passphrase(o), privateKey: keyFile(o.privateKey), progress: streamProgress() });
  process.stdout.write(
    `✓ Đã khôi phục / restored ${r.set} vào / into ${r.target} (${r.database}): ${r.blobs} blob (${mb(r.bytes)}), ${r.files} tệp / files\n` +
      `  Kiểm tra / check: thutin --data ${r.target} store check && thutin --data ${r.target} audit verify\n`,
  );
}

export async function runBackupRotate(dir: string, o: PassphraseOptions & { daily?: string; weekly?: string; monthly?: string }): Promise<void> {
  const n = (v: string | undefined, d: number) => {
    const x = v === undefined ? d : Number(v);
    if (!Number.isInteger(x) || x < 0) throw new Error(`"${v}": cần số nguyên không âm / a non-negative integer is needed`);
    return x;
  };
  const r = await rotateFolder(dir, { daily: n(o.daily, 7), weekly: n(o.weekly, 4), monthly: n(o.monthly, 12) }, { passphrase: await passphrase(o) });
  process.stdout.write(`Giữ / kept ${r.kept.length}, xoá / removed ${r.removed.length} (${r.removed.join(', ') || '-'}), ${r.poolFilesRemoved} tệp blob không còn dùng / unused pool files removed\n`);
}
