// The capacity report (báo cáo dung lượng) as a PDF in Vietnamese with English beside it: storage
// per agency now, the mail received in the growth window, the yearly growth, the projection for
// twelve months on, and next year's disk and budget at the configured unit prices (issue 11, R5.9).
// Owns: the layout of this report only (numbers: requests/capacity.ts).
import type { CapacityReport } from '../capacity.ts';
import { field, nationalHeading, newPdf, paragraph, section, table, title, viBytes, viDate, viNumber } from './common.ts';

export async function renderCapacityReport(r: CapacityReport): Promise<Buffer> {
  const { doc, finish } = newPdf({ title: 'Báo cáo dung lượng thư điện tử', subject: `Ngày ${viDate(r.at)}`, createdAt: r.at });
  nationalHeading(doc, ['HỆ THỐNG THƯ ĐIỆN TỬ CÔNG VỤ', 'VĂN PHÒNG UBND TỈNH']);
  title(doc, 'BÁO CÁO DUNG LƯỢNG VÀ DỰ KIẾN NĂM TỚI', 'Capacity report and next year’s projection');
  const c = r.config;
  const money = (n: number) => `${viNumber(n)} ${c.currency}`;
  field(doc, 'Ngày lập / Date', viDate(r.at));
  field(doc, 'Số hộp thư / Mailboxes', viNumber(r.total.mailboxes));
  field(doc, 'Dung lượng hiện tại / Storage now', viBytes(r.total.bytes));
  field(doc, `Thư nhận trong ${c.growthWindowDays} ngày / Received in ${c.growthWindowDays} days`, `${viNumber(r.total.receivedMessages)} thư, ${viBytes(r.total.receivedBytes)}`);
  field(doc, 'Tăng trưởng một năm / Growth per year', viBytes(r.total.growthPerYear));
  field(doc, 'Dự kiến sau 12 tháng / In twelve months', viBytes(r.total.projectedBytes));
  field(doc, 'Ổ đĩa cần cho năm tới / Disk next year', `${r.total.diskGb.toFixed(1).replace('.', ',')} GB (× ${String(c.diskOverhead).replace('.', ',')})`);
  field(doc, 'Kinh phí dự kiến / Budget', money(r.total.budget));

  section(doc, '1. Theo cơ quan', 'Per agency');
  table(
    doc,
    [
      { header: 'Cơ quan / Agency', width: 5 },
      { header: 'Hộp thư', width: 1.4, align: 'right' },
      { header: 'Hiện tại / Now', width: 2, align: 'right' },
      { header: 'Tăng/năm / Growth', width: 2, align: 'right' },
      { header: '12 tháng / 12 months', width: 2, align: 'right' },
      { header: 'Ổ đĩa / Disk', width: 1.6, align: 'right' },
      { header: `Kinh phí (${c.currency})`, width: 2.2, align: 'right' },
    ],
    [...r.rows, r.total].map((x) => [
      x.agency ? `${x.name} (${x.agency})` : x.name,
      viNumber(x.mailboxes),
      viBytes(x.bytes),
      viBytes(x.growthPerYear),
      viBytes(x.projectedBytes),
      `${x.diskGb.toFixed(1).replace('.', ',')} GB`,
      viNumber(x.budget),
    ]),
    { size: 8.5, boldLast: true },
  );

  section(doc, '2. Cách tính', 'How it is computed');
  paragraph(
    doc,
    `Tăng trưởng một năm = dung lượng thư nhận trong ${c.growthWindowDays} ngày gần nhất × 365 / ${c.growthWindowDays} (chưa trừ thư người dùng xoá, nên dự kiến thiên về đủ dung lượng). Dự kiến sau 12 tháng = hiện tại + tăng trưởng một năm. Ổ đĩa = dự kiến × ${String(c.diskOverhead).replace('.', ',')} (cơ sở dữ liệu, chỉ mục tìm kiếm, bản sao lưu, dung lượng trống). Kinh phí = ổ đĩa × ${money(c.pricePerGb)}/GB/năm + số hộp thư × ${money(c.pricePerMailbox)}/hộp thư/năm (cấu hình reports.*).`,
  );
  doc.moveDown(0.3);
  paragraph(
    doc,
    `Growth per year = mail received in the last ${c.growthWindowDays} days × 365 / ${c.growthWindowDays} (deletions are not subtracted: the projection errs towards enough disk). Disk = projection × ${c.diskOverhead} (database, search text, backups, free space). Budget = disk × ${c.pricePerGb} ${c.currency} per GB-year + mailboxes × ${c.pricePerMailbox} ${c.currency} per mailbox-year (settings reports.*).`,
    { italic: true, size: 9.5 },
  );
  return finish();
}
