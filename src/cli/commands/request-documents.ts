// `thutin report capacity` (issue 11): the capacity report on the terminal, as JSON, or written to a
// PDF or CSV file; `thutin request letter <id>`: the credential letter of a joiner or a password
// reset written to a PDF file (a new one-time code; audited as the operating-system user).
// Owns: these commands' actions.
import fs from 'node:fs';
import { withApp, cliActor } from './common.ts';
import type { RequestActor } from '../../requests/service.ts';
import { capacityCsv, capacityReport } from '../../requests/capacity.ts';
import { renderCapacityReport } from '../../requests/pdf/capacity-report.ts';
import { viBytes, viNumber } from '../../requests/pdf/common.ts';

export async function runCapacityReport(dataDir: string, o: { pdf?: string; csv?: string; json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const r = await capacityReport(app.consoleStats, app.config.reports, Date.now());
    if (o.pdf) fs.writeFileSync(o.pdf, await renderCapacityReport(r));
    if (o.csv) fs.writeFileSync(o.csv, capacityCsv(r));
    if (o.json) return void process.stdout.write(JSON.stringify(r, null, 2) + '\n');
    if (o.pdf || o.csv) return void process.stdout.write(`Đã ghi / written: ${[o.pdf, o.csv].filter(Boolean).join(', ')}\n`);
    const c = r.config;
    process.stdout.write(`Báo cáo dung lượng / capacity report (tăng trưởng đo trong / growth over ${c.growthWindowDays} ngày / days)\n`);
    process.stdout.write('cơ quan / agency\thộp thư / mailboxes\thiện tại / now\ttăng/năm / growth\t12 tháng / 12 months\tổ đĩa / disk\tkinh phí / budget\n');
    for (const x of [...r.rows, r.total]) {
      process.stdout.write(
        `${x.agency || 'TỔNG'} ${x.name}\t${x.mailboxes}\t${viBytes(x.bytes)}\t${viBytes(x.growthPerYear)}\t${viBytes(x.projectedBytes)}\t${x.diskGb} GB\t${viNumber(x.budget)} ${c.currency}\n`,
      );
    }
  });
}

function actor(): RequestActor {
  const label = cliActor();
  return { principal: { accountId: 0, username: label, roles: [{ role: 'sysadmin', unitId: null }] }, label };
}

export async function runCredentialLetter(dataDir: string, id: string, o: { line?: string; out: string }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const l = await app.requests.credentialLetter(actor(), Number(id), Number(o.line ?? 1), app.config.hostname);
    fs.writeFileSync(o.out, l.pdf, { mode: 0o600 });
    process.stdout.write(`Đã ghi thư cấp mật khẩu / credential letter written: ${o.out} (${l.address ?? ''}, hạn / valid until ${new Date(l.expiresAt).toISOString()})\n`);
  });
}
