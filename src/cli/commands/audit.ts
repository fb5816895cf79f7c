// `thutin audit verify|list`: check the audit log's hash chain (exit 0 when intact, 1 when an
// entry was altered or deleted) and read the latest entries.
import { withApp } from './common.ts';

export async function runAuditVerify(dataDir: string, o: { json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const r = await app.audit.verify();
    if (o.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
    else if (r.ok) {
      process.stdout.write(`✓ Nhật ký kiểm toán nguyên vẹn / audit log intact: ${r.checked} mục / entries${r.legacy ? ` (+${r.legacy} mục cũ chưa băm / older unhashed entries)` : ''}\n`);
    } else {
      process.stderr.write(`✗ Nhật ký kiểm toán đã bị sửa đổi / the audit log has been tampered with: ${r.broken!.message}\n`);
    }
    if (!r.ok) process.exitCode = 1;
  });
}

export async function runAuditList(dataDir: string, o: { limit?: string; target?: string; action?: string; actor?: string; json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const rows = await app.audit.list(o.limit ? Number(o.limit) : 50, { target: o.target, action: o.action, actor: o.actor });
    if (o.json) return void process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    for (const r of rows) {
      process.stdout.write(`#${r.id}\t${new Date(r.at).toISOString()}\t${r.actor}\t${r.action}\t${r.target}\t${r.reason || '-'}\t${r.details}\n`);
    }
    process.stdout.write(`(${rows.length} mục / entries)\n`);
  });
}
