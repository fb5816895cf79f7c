// `thutin export` and `thutin import`: an account's mail out to a file (mbox, zip of .eml) or a
// Maildir folder, and back in — for a leaver's mail, a handover, or mail brought from elsewhere.
// Owns: the two commands' options, progress and output (Vietnamese / English); the work is
// src/transfer/service.ts's (audited with the operator as actor).
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { TransferFormat } from '../../transfer/types.ts';
import { cliActor, withApp } from './common.ts';

interface TransferOptions {
  account: string;
  format: TransferFormat;
  folder?: string;
  reason?: string;
  json?: boolean;
}

const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;

export async function runExport(dataDir: string, o: TransferOptions & { out: string }): Promise<void> {
  const { TransferService } = await import('../../transfer/service.ts');
  const { streamProgress } = await import('../../backup/progress.ts');
  await withApp(dataDir, async (app) => {
    const svc = new TransferService(app);
    const acct = await svc.account(o.account);
    const ctx = { actor: cliActor(), reason: o.reason };
    const progress = streamProgress();
    const total = await svc.messageCount(acct.id, o.folder);
    progress.start(`Xuất / export ${acct.address}`, total, 'items');
    let r: { folders: number; messages: number; bytes: number };
    if (o.format === 'maildir') {
      const m = await svc.exportMaildir(acct.id, o.out, ctx, { folder: o.folder, onMessage: () => progress.advance(1) });
      if (m.droppedKeywords.length) progress.note(`! Maildir chỉ ghi được 26 từ khoá mỗi thư mục; bỏ / holds 26 keywords per folder; dropped: ${m.droppedKeywords.join(' ')}`);
      r = m;
    } else {
      const { stream, counts } = await svc.exportStream(acct.id, o.format, ctx, { folder: o.folder });
      let seen = 0;
      const tick = new Transform({
        transform(chunk, _enc, cb) {
          for (; seen < counts.messages; seen++) progress.advance(1);
          cb(null, chunk);
        },
      });
      const out = fs.createWriteStream(o.out);
      await pipeline(stream, tick, out);
      const fd = fs.openSync(o.out, 'r');
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      r = counts;
    }
    progress.end();
    if (o.json) return void process.stdout.write(JSON.stringify({ account: acct.address, format: o.format, out: o.out, ...r }, null, 2) + '\n');
    process.stdout.write(`✓ Đã xuất / exported ${acct.address}: ${r.folders} thư mục / folders, ${r.messages} thư / messages (${mb(r.bytes)}) → ${o.out}\n`);
  });
}

export async function runImport(dataDir: string, file: string, o: TransferOptions): Promise<void> {
  const { TransferService } = await import('../../transfer/service.ts');
  const { streamProgress } = await import('../../backup/progress.ts');
  const size = fs.statSync(file).isDirectory() ? 0 : fs.statSync(file).size;
  await withApp(dataDir, async (app) => {
    const svc = new TransferService(app);
    const acct = await svc.account(o.account);
    const progress = streamProgress();
    progress.start(`Nhập / import ${acct.address}`, size, 'B');
    const r = await svc.importFile(acct.id, o.format, file, { actor: cliActor(), reason: o.reason }, { folder: o.folder, onMessage: (b) => progress.advance(b) });
    progress.end();
    if (o.json) process.stdout.write(JSON.stringify({ account: acct.address, format: o.format, ...r }, null, 2) + '\n');
    else {
      process.stdout.write(`✓ Đã nhập / imported into ${acct.address}: ${r.messages} thư / messages (${mb(r.bytes)}), ${r.folders} thư mục / folders${r.failed ? `, ${r.failed} lỗi / failed` : ''}\n`);
      for (const e of r.errors) process.stderr.write(`    ${e}\n`);
    }
    if (r.failed) process.exitCode = 1;
  });
}
