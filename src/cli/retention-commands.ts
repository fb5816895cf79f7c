// Registers issue 14's retention commands on the `thutin` program (kept out of main.ts, which is
// long): `retention list|set|remove|run`, `retention hold …`, `retention journal …`. Each loads its
// module only when run.
// Owns: these commands' names, arguments and help texts.
import type { Command } from 'commander';

const retention = () => import('./commands/retention.ts');

export function addRetentionCommands(program: Command, data: () => string): void {
  const r = program.command('retention').description('Chính sách lưu giữ, phong toả pháp lý, nhật ký thư / retention policies, legal hold, the journal archive');
  r.command('list')
    .description('Liệt kê chính sách lưu giữ / list the retention policies')
    .option('--json', 'JSON')
    .action(async (o: { json?: boolean }) => (await retention()).runRetentionList(data(), o));
  r.command('set')
    .description('Đặt chính sách: giữ N năm, hoặc xoá sau N ngày trong thư mục / set a policy: keep N years, or delete after N days in the folder')
    .requiredOption('--folder <folder>', "'*', \\\\Trash, \\\\Junk… hoặc tên thư mục / or a folder name")
    .option('--unit <code>', 'đơn vị (cả cây con); không có: toàn tỉnh / unit (its subtree); absent: the province')
    .option('--type <type>', 'any | personal | unit (hộp thư cá nhân / đơn vị / personal or unit mailboxes)', 'any')
    .option('--keep-years <n>', 'giữ N năm / keep N years')
    .option('--delete-after-days <n>', 'xoá sau N ngày trong thư mục / delete after N days in the folder')
    .option('--reason <ref>', 'số/ký hiệu văn bản / reference of the authorising document')
    .option('--json', 'JSON')
    .action(async (o: { folder: string; unit?: string; type?: string; keepYears?: string; deleteAfterDays?: string; reason?: string; json?: boolean }) =>
      (await retention()).runRetentionSet(data(), o),
    );
  r.command('remove <id>')
    .description('Bỏ một chính sách / remove a policy')
    .option('--reason <ref>', 'số/ký hiệu văn bản / reference of the authorising document')
    .action(async (id: string, o: { reason?: string }) => (await retention()).runRetentionRemove(data(), id, o));
  r.command('run')
    .description('Chạy các chính sách ngay (serve chạy theo retention.runIntervalMs) / run the policies now (serve runs them every retention.runIntervalMs)')
    .option('--json', 'JSON')
    .action(async (o: { json?: boolean }) => (await retention()).runRetentionRun(data(), o));

  const hold = r.command('hold').description('Phong toả pháp lý: không xoá hẳn thư của hộp thư / đơn vị / legal hold: nothing of a mailbox or unit is really removed');
  hold
    .command('list')
    .description('Lệnh phong toả đang có hiệu lực / holds in force')
    .option('--all', 'cả lệnh đã gỡ / released ones too')
    .option('--json', 'JSON')
    .action(async (o: { all?: boolean; json?: boolean }) => (await retention()).runHoldList(data(), o));
  hold
    .command('set')
    .description('Phong toả một hộp thư hoặc một đơn vị (cả cây con) / hold a mailbox or a unit (its subtree)')
    .option('--mailbox <address>', 'hộp thư / mailbox')
    .option('--unit <code>', 'đơn vị / unit')
    .option('--reason <ref>', 'số/ký hiệu văn bản yêu cầu phong toả / reference of the document ordering the hold')
    .option('--json', 'JSON')
    .action(async (o: { mailbox?: string; unit?: string; reason?: string; json?: boolean }) => (await retention()).runHoldSet(data(), o));
  hold
    .command('release <id>')
    .description('Gỡ phong toả (lần chạy chính sách sau sẽ xoá thư đã giữ lại) / release a hold (the next policy run removes what it kept)')
    .option('--reason <ref>', 'số/ký hiệu văn bản / reference of the authorising document')
    .action(async (id: string, o: { reason?: string }) => (await retention()).runHoldRelease(data(), id, o));
  hold
    .command('export <address>')
    .description('Xuất hộp thư đang phong toả (mboxrd: thư hiện có và thư đã giữ lại) / export a held mailbox (mboxrd: what it holds and what was kept)')
    .option('--reason <why>', 'lý do (bắt buộc) / reason (required)')
    .option('--out <file>', 'tệp mbox (mặc định đầu ra chuẩn) / mbox file (default standard output)')
    .action(async (address: string, o: { reason?: string; out?: string }) => (await retention()).runHoldExport(data(), address, o));

  const journal = r.command('journal').description('Nhật ký thư của đơn vị (chỉ đọc) / the units’ journal archive (read-only)');
  journal
    .command('units')
    .description('Đơn vị lưu nhật ký thư / journaled units')
    .option('--json', 'JSON')
    .action(async (o: { json?: boolean }) => (await retention()).runJournalUnits(data(), o));
  journal
    .command('set <unit>')
    .description('Lưu nhật ký thư gửi và nhận của đơn vị (cả cây con) / journal the mail a unit (its subtree) sends and receives')
    .option('--keep-years <n>', 'giữ N năm (mặc định 10) / keep N years (default 10)')
    .option('--off', 'ngừng lưu (thư đã lưu giữ đến hết hạn) / stop (what was journaled stays until its period ends)')
    .option('--reason <ref>', 'số/ký hiệu văn bản / reference of the authorising document')
    .option('--json', 'JSON')
    .action(async (unit: string, o: { keepYears?: string; off?: boolean; reason?: string; json?: boolean }) => (await retention()).runJournalSet(data(), unit, o));
  const query = (c: Command) =>
    c
      .option('--unit <code>', 'đơn vị (cả cây con) / unit (its subtree)')
      .option('--from <day>', 'từ ngày YYYY-MM-DD / first day')
      .option('--to <day>', 'đến ngày YYYY-MM-DD / last day')
      .option('--people <words>', 'người gửi / nhận, không cần dấu / sender or recipients, diacritics ignored')
      .option('--text <words>', 'chủ đề hoặc nội dung, không cần dấu / subject or body, diacritics ignored')
      .option('--direction <d>', 'sent | received')
      .option('--limit <n>', 'tối đa / at most')
      .option('--reason <why>', 'lý do tra cứu (bắt buộc, ghi vào nhật ký kiểm toán) / reason (required, audited)');
  query(journal.command('search').description('Tra cứu nhật ký thư / search the journal'))
    .option('--json', 'JSON')
    .action(async (o: Record<string, string | undefined> & { json?: boolean }) => (await retention()).runJournalSearch(data(), o));
  query(journal.command('export').description('Xuất thư tìm được (mboxrd) / export what a search finds (mboxrd)'))
    .option('--ids <ids>', 'các mã, cách nhau bởi dấu phẩy / entry ids, comma separated')
    .option('--out <file>', 'tệp mbox (mặc định đầu ra chuẩn) / mbox file (default standard output)')
    .action(async (o: Record<string, string | undefined>) => (await retention()).runJournalExport(data(), o));
}
