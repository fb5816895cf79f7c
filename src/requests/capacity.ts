// The capacity report of the Provincial Office's console (issue 11, R5.9): storage per agency now,
// its growth (the mail each agency received in the last `reports.growthWindowDays`, scaled to a
// year), the projection for twelve months on, and the answer to "how much disk and budget next
// year": the projected mail × `reports.diskOverhead` (database, search text, backups, free space),
// priced at `reports.pricePerGb` per GB-year plus `reports.pricePerMailbox` per mailbox-year. Growth
// counts mail received, not what users delete later: the projection errs on the side of enough disk.
// As PDF (pdf/capacity-report.ts) and CSV (UTF-8 with BOM, like the directory's).
// Owns: the report's numbers and its CSV; reads through core/console-stats.ts.
import { stringify } from 'csv-stringify/sync';
import type { ConsoleStats } from '../core/console-stats.ts';

const GB = 1024 ** 3;
const DAY = 86400_000;

export interface CapacityConfig {
  currency: string;
  pricePerGb: number;
  pricePerMailbox: number;
  diskOverhead: number;
  growthWindowDays: number;
}

export interface CapacityRow {
  agency: string;
  name: string;
  mailboxes: number;
  bytes: number;
  /** Received in the window. */
  receivedBytes: number;
  receivedMessages: number;
  growthPerYear: number;
  projectedBytes: number;
  diskGb: number;
  budget: number;
}

export interface CapacityReport {
  at: number;
  config: CapacityConfig;
  rows: CapacityRow[];
  total: CapacityRow;
}

export async function capacityReport(stats: Pick<ConsoleStats, 'storageByAgency' | 'receivedSinceByAgency'>, config: CapacityConfig, now: number): Promise<CapacityReport> {
  const storage = await stats.storageByAgency();
  const received = await stats.receivedSinceByAgency(now - config.growthWindowDays * DAY);
  const row = (agency: string, name: string, mailboxes: number, bytes: number, rb: number, rm: number): CapacityRow => {
    const growthPerYear = Math.round((rb * 365) / config.growthWindowDays);
    const projectedBytes = bytes + growthPerYear;
    const diskGb = Math.ceil(((projectedBytes * config.diskOverhead) / GB) * 10) / 10;
    return {
      agency,
      name,
      mailboxes,
      bytes,
      receivedBytes: rb,
      receivedMessages: rm,
      growthPerYear,
      projectedBytes,
      diskGb,
      budget: Math.round(diskGb * config.pricePerGb + mailboxes * config.pricePerMailbox),
    };
  };
  const rows = storage.map((s) => row(s.agency, s.name, s.mailboxes, s.bytes, received.get(s.agency)?.bytes ?? 0, received.get(s.agency)?.count ?? 0));
  const sum = (k: 'mailboxes' | 'bytes' | 'receivedBytes' | 'receivedMessages') => rows.reduce((n, r) => n + r[k], 0);
  const total = row('', 'Toàn tỉnh / province', sum('mailboxes'), sum('bytes'), sum('receivedBytes'), sum('receivedMessages'));
  return { at: now, config, rows, total };
}

/** The report as CSV: UTF-8 with BOM, Vietnamese headers, one row per agency and the province's total last. */
export function capacityCsv(r: CapacityReport): string {
  const header = [
    'co_quan',
    'ten_co_quan',
    'so_hop_thu',
    'dung_luong_byte',
    `nhan_${r.config.growthWindowDays}_ngay_byte`,
    `nhan_${r.config.growthWindowDays}_ngay_thu`,
    'tang_truong_nam_byte',
    'du_kien_12_thang_byte',
    'o_dia_can_gb',
    `kinh_phi_${r.config.currency.toLowerCase()}`,
  ];
  const line = (x: CapacityRow) => [x.agency || 'TONG', x.name, x.mailboxes, x.bytes, x.receivedBytes, x.receivedMessages, x.growthPerYear, x.projectedBytes, x.diskGb, x.budget];
  return '\ufeff' + stringify([header, ...r.rows.map(line), line(r.total)], { record_delimiter: '\r\n' });
}
