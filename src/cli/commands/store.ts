// `thutin store check [--repair] [--grace-ms N] [--json]`: whether blob files, contents rows,
// messages, queue entries and accounts' usage agree (core/store-check.ts through `app.storeCheck`).
// Exit 1 on any problem (young unreferenced blobs, possibly in flight, are not one); after
// --repair, exit 1 only when something could not be fixed.
// Owns: the command's options, output (Vietnamese / English) and exit code.
import { withApp } from './common.ts';
import type { Finding, StoreCheckReport } from '../../core/store-check.ts';

export async function runStoreCheck(dataDir: string, o: { repair?: boolean; graceMs?: string; json?: boolean }): Promise<void> {
  let graceMs: number | undefined;
  if (o.graceMs !== undefined) {
    graceMs = Number(o.graceMs);
    if (!Number.isInteger(graceMs) || graceMs < 0) throw new Error(`--grace-ms "${o.graceMs}": cần một số nguyên không âm / must be a non-negative integer`);
  }
  await withApp(dataDir, async (app) => {
    const r = await app.storeCheck.check({ graceMs, repair: o.repair });
    if (o.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
    else process.stdout.write(formatReport(r));
    if (!r.ok) process.exitCode = 1;
  });
}

const LINES: Array<[keyof StoreCheckReport, string, (item: never) => string]> = [
  ['orphanBlobs', 'Tệp blob không có bản ghi nội dung / orphan blobs (no contents row)', (b: { sha256: string; size: number; mtimeMs: number }) => `${b.sha256} ${b.size} B ${iso(b.mtimeMs)}`],
  ['tempFiles', 'Tệp tạm bị bỏ dở / temp files cut off', (f: { name: string; size: number; mtimeMs: number }) => `${f.name} ${f.size} B ${iso(f.mtimeMs)}`],
  ['unreferencedContents', 'Bản ghi nội dung không còn ai dùng / contents rows nothing references', (s: string) => s],
  ['missingBlobs', 'Bản ghi nội dung mất tệp blob / contents rows whose blob is missing', (s: string) => s],
  [
    'messagesWithoutContent',
    'Thư thiếu bản ghi nội dung / messages whose contents row is missing',
    (m: { mailboxId: number; uid: number; sha256: string }) => `mailbox ${m.mailboxId} uid ${m.uid} ${m.sha256}`,
  ],
  [
    'queueWithoutContent',
    'Thư trong hàng đợi thiếu bản ghi nội dung / queue entries whose contents row is missing',
    (q: { queueId: number; sha256: string; state: string }) => `#${q.queueId} ${q.state} ${q.sha256}`,
  ],
  [
    'usageMismatches',
    'Dung lượng đã dùng sai / accounts whose used_bytes is wrong',
    (u: { username: string; usedBytes: number; actualBytes: number }) => `${u.username}: ${u.usedBytes} ≠ ${u.actualBytes} B`,
  ],
];

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function formatReport(r: StoreCheckReport): string {
  const out: string[] = [];
  out.push(`Kho thư / store: ${r.blobs} tệp blob / blob files, ${r.contents} bản ghi nội dung / contents rows (thời gian chờ / grace ${Math.round(r.graceMs / 1000)} s)`);
  for (const [key, label, fmt] of LINES) {
    const f = r[key] as Finding<never>;
    out.push(`${f.count ? '✗' : '✓'} ${label}: ${f.count}`);
    for (const item of f.items) out.push(`    ${fmt(item)}`);
    if (f.count > f.items.length) out.push(`    … (+${f.count - f.items.length})`);
  }
  if (r.youngBlobs.count) out.push(`· Tệp blob mới chưa có bản ghi (có thể đang nhận) / young blobs without a row (possibly in flight): ${r.youngBlobs.count}`);
  if (r.repaired) {
    const p = r.repaired;
    out.push(
      `Đã sửa / repaired: ${p.orphanBlobs} blob mồ côi / orphan blobs, ${p.tempFiles} tệp tạm / temp files, ${p.unreferencedContents} bản ghi nội dung / contents rows, ${p.accounts} tài khoản tính lại dung lượng / accounts' usage recomputed`,
    );
    const u = r.unfixable!;
    if (u.missingBlobs + u.messagesWithoutContent + u.queueWithoutContent)
      out.push(
        `Không sửa được / could not fix: ${u.missingBlobs} blob bị mất / missing blobs, ${u.messagesWithoutContent} thư / messages và ${u.queueWithoutContent} mục hàng đợi / queue entries thiếu nội dung / without content — khôi phục từ bản sao lưu / restore from a backup`,
      );
  }
  out.push(r.ok ? '✓ Kho thư nhất quán / the store is consistent' : '✗ Kho thư có lỗi / the store has problems');
  return out.join('\n') + '\n';
}
