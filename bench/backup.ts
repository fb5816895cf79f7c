// Backup and restore of a 20,000-message store (issue 14): the benchmark corpus (bench/corpus.ts,
// fixed seed) with a random, incompressible attachment on every fourth message (as scanned PDFs
// are), about 317 MB in all, delivered into one account of a fresh data directory through the mail
// store; then `app.backup.create` (what `thutin backup create` runs), a second backup of the same
// store (incremental: no new blob), `verify`, and `restoreBackup` into a new data directory.
// Prints seconds and MB/s (store bytes: blobs + database file) as a Markdown table.
// Run: node --experimental-strip-types bench/backup.ts   (BACKUP_MESSAGES, BACKUP_PASSPHRASE, THUTIN_BENCH_PG_URL)
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config/config.ts';
import { createApp } from '../src/app.ts';
import { restoreBackup } from '../src/backup/restore.ts';
import { verifyBackup } from '../src/backup/verify.ts';
import { generateCorpus, rng } from './corpus.ts';
import { envInt, log } from './env.ts';

const COUNT = envInt('BACKUP_MESSAGES', 20_000);
const TARGET_MB = envInt('BACKUP_TARGET_MB', 317);
const PASSPHRASE = process.env.BACKUP_PASSPHRASE;
const PG = process.env.THUTIN_BENCH_PG_URL;

function withAttachment(raw: Buffer, bytes: number, i: number): Buffer {
  const text = raw.toString('latin1');
  const split = text.indexOf('\r\n\r\n');
  const boundary = `=_bench_${i}`;
  const head = text
    .slice(0, split)
    .split('\r\n')
    .filter((l) => !/^(Content-Type|Content-Transfer-Encoding|MIME-Version):/i.test(l) && !/^\s/.test(l))
    .join('\r\n');
  const ct = /^Content-Type:.*(?:\r\n\s.*)*/im.exec(text.slice(0, split))?.[0] ?? 'Content-Type: text/plain; charset=UTF-8';
  const cte = /^Content-Transfer-Encoding:.*/im.exec(text.slice(0, split))?.[0] ?? 'Content-Transfer-Encoding: 8bit';
  const data = crypto.randomBytes(bytes).toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    `${head}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n--${boundary}\r\n${ct}\r\n${cte}\r\n\r\n${text.slice(split + 4)}\r\n--${boundary}\r\n` +
      `Content-Type: application/pdf; name="van-ban-${i}.pdf"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename="van-ban-${i}.pdf"\r\n\r\n${data}\r\n--${boundary}--\r\n`,
    'latin1',
  );
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) if (e.isFile()) n += fs.statSync(path.join(e.parentPath, e.name)).size;
  return n;
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-bench-backup-'));
  const dataDir = path.join(root, 'data');
  const overrides = { log: { level: 'silent' as const }, ...(PG ? { database: { driver: 'postgres' as const, url: PG } } : {}) };
  const app = await createApp(loadConfig(dataDir, overrides, {}), { log: pino({ level: 'silent' }) });
  const rows: string[] = [];
  try {
    const account = await app.accounts.create('luutru@kontum.gov.vn', 'Matkhau#2026', 'bench');
    const corpus = generateCorpus(COUNT);
    const plain = corpus.reduce((n, m) => n + m.raw.length, 0);
    const every = 4;
    const extra = Math.max(0, Math.floor(((TARGET_MB * 1_000_000 - plain) / Math.ceil(COUNT / every)) * 0.75));
    const r = rng(14);
    log(`loading ${COUNT} messages (${(plain / 1e6).toFixed(0)} MB of text, +${extra} B attachment on every ${every}th)`);
    let loaded = 0;
    const t0 = Date.now();
    for (let i = 0; i < COUNT; i += 50) {
      await Promise.all(
        corpus.slice(i, i + 50).map(async (m, k) => {
          const raw = (i + k) % every === 0 ? withAttachment(m.raw, Math.floor(extra * (0.5 + r())), i + k) : m.raw;
          const c = await app.store.ingest([raw]);
          await app.store.deliver(c, [{ accountId: account.id }]);
          await app.store.release(c);
          loaded += raw.length;
        }),
      );
    }
    log(`loaded ${(loaded / 1e6).toFixed(0)} MB in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    const dbBytes = PG ? 0 : fs.statSync(path.join(dataDir, 'thutin.sqlite')).size;
    const storeMB = (loaded + dbBytes) / 1e6;
    const dir = path.join(root, 'backup');
    const time = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
      const s = process.hrtime.bigint();
      const out = await fn();
      const secs = Number(process.hrtime.bigint() - s) / 1e9;
      rows.push(`| ${label} | ${secs.toFixed(1)} s | ${(storeMB / secs).toFixed(1)} MB/s |`);
      log(`${label}: ${secs.toFixed(1)} s`);
      return out;
    };
    const first = await time('backup create (full)', () => app.backup.create({ dir, passphrase: PASSPHRASE, actor: 'bench' }));
    await time('backup create (incremental, nothing new)', () => app.backup.create({ dir, passphrase: PASSPHRASE, actor: 'bench' }));
    const v = await time('backup verify (both sets)', () => verifyBackup(dir, { passphrase: PASSPHRASE }));
    if (!v.ok) throw new Error(v.problems.join('\n'));
    if (PG) throw new Error('restore into PostgreSQL needs an empty database: not in this benchmark');
    await time('backup restore (new data directory)', () => restoreBackup({ dir, target: path.join(root, 'restored'), passphrase: PASSPHRASE }));
    const t = first.manifest.totals;
    process.stdout.write(
      `\n${COUNT} messages, ${(t.blobBytes / 1e6).toFixed(0)} MB of blobs + ${(dbBytes / 1e6).toFixed(0)} MB database (${PG ? 'PostgreSQL' : 'SQLite'}); ` +
        `backup folder ${(dirBytes(dir) / 1e6).toFixed(0)} MB for two sets (gzip level 6${PASSPHRASE ? ', AES-256-GCM' : ''}); MB/s = store MB / seconds\n\n` +
        `| step | time | rate |\n|---|---|---|\n${rows.join('\n')}\n`,
    );
  } finally {
    await app.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
