// Owns: `thutin quarantine list|show|release|delete`: the infected messages the virus stage kept
// (core/quarantine.ts) — list them, show one's envelope, virus and header section, release one to
// its original recipients or delete it. Release and delete name their authorising document
// (--reason) and are audited with the operating-system user as actor.
import { withApp, cliActor } from './common.ts';
import type { Quarantined } from '../../core/quarantine.ts';

function parseId(id: string): number {
  const n = Number(String(id).replace(/^#/, ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`Mã thư cách ly không hợp lệ / invalid quarantine id: ${id}`);
  return n;
}

function needReason(reason: string | undefined): string {
  if (!reason || !reason.trim()) throw new Error('Thiếu số/ký hiệu văn bản (--reason) / the reference of the authorising document (--reason) is required');
  return reason.trim();
}

function printEntry(q: Quarantined): void {
  process.stdout.write(
    `#${q.id}\t${new Date(q.createdAt).toISOString()}\t${q.virus}\t${q.listener}\ttừ / from <${q.sender}>\t-> ${q.recipients.map((r) => `<${r}>`).join(', ')}\t${q.size} B\t${q.subject}\n`,
  );
}

export async function runQuarantineList(dataDir: string, o: { json?: boolean; limit?: string }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const list = await app.quarantine.list({ limit: o.limit ? Number(o.limit) : 100 });
    if (o.json) {
      process.stdout.write(JSON.stringify(list, null, 2) + '\n');
      return;
    }
    for (const q of list) printEntry(q);
    process.stdout.write(`(${list.length} thư đang cách ly / messages in quarantine)\n`);
  });
}

export async function runQuarantineShow(dataDir: string, id: string, o: { json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const q = await app.quarantine.show(parseId(id));
    if (o.json) {
      process.stdout.write(JSON.stringify(q, null, 2) + '\n');
      return;
    }
    printEntry(q);
    process.stdout.write(`máy gửi / client ${q.remoteAddress} (${q.helo}), SMTP ${q.smtpQueueId}\n\n` + q.headers.replace(/\r\n/g, '\n'));
  });
}

export async function runQuarantineRelease(dataDir: string, id: string, o: { reason?: string; json?: boolean }): Promise<void> {
  const reason = needReason(o.reason);
  await withApp(dataDir, async (app) => {
    const r = await app.quarantine.release(parseId(id), { actor: cliActor(), reason });
    if (o.json) {
      process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      return;
    }
    process.stdout.write(`#${r.id}: đã trả thư / released — giao / delivered: ${r.delivered.join(', ') || '-'}; gửi đi / queued: ${r.queued.join(', ') || '-'}\n`);
    if (r.skipped.length) process.stdout.write(`bỏ qua (không còn tồn tại) / skipped (no longer exist): ${r.skipped.join(', ')}\n`);
  });
}

export async function runQuarantineDelete(dataDir: string, id: string, o: { reason?: string }): Promise<void> {
  const reason = needReason(o.reason);
  await withApp(dataDir, async (app) => {
    const n = parseId(id);
    await app.quarantine.delete(n, { actor: cliActor(), reason });
    process.stdout.write(`#${n}: đã xoá khỏi khu cách ly / deleted from the quarantine\n`);
  });
}
