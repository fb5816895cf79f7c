// Registers issue 11's `thutin request` commands on the program (kept out of main.ts, which is
// long): create (per-kind options, or a batch CSV), list, show, submit, approve, reject, execute
// (with a progress line), credential. Each loads its module only when run.
// Owns: these commands' names, arguments and help texts.
import type { Command } from 'commander';

const requests = () => import('./commands/request.ts');
const documents = () => import('./commands/request-documents.ts');

export function addRequestCommands(program: Command, data: () => string): void {
  const request = program.command('request').description('Yêu cầu thay đổi danh bạ theo quyết định (tiếp nhận, điều chuyển, nghỉ việc …) / requests of the decision (joiner, mover, leaver …)');
  request
    .command('create <kind>')
    .description('Lập yêu cầu (bản nháp): joiner, mover, leaver, update, password-reset, handover, unit-create, unit-rename, unit-dissolve, batch / file a draft request')
    .option('--person <address|id>', 'cán bộ / the person')
    .option('--name <full name>', 'họ tên (tiếp nhận, cập nhật) hoặc tên đơn vị / full name, or the unit name')
    .option('--unit <code>', 'mã đơn vị (đến, hoặc đơn vị được đổi) / unit code (destination, or the unit changed)')
    .option('--title <title>', 'chức vụ / title')
    .option('--phone <phone>', 'điện thoại / phone')
    .option('--local-part <lp>', 'tên hộp thư muốn dùng / requested mailbox name')
    .option('--head', 'nhận chức thủ trưởng đơn vị đến (điều chuyển) / take the new unit’s headship (mover)')
    .option('--why <why>', 'nghỉ hưu, chuyển công tác, thôi việc / retirement, transfer, dismissal, other')
    .option('--code <code>', 'mã đơn vị mới (thành lập) / new unit code (unit-create)')
    .option('--parent <code>', 'đơn vị cấp trên (thành lập) / parent unit (unit-create)')
    .option('--unit-kind <kind>', 'loại đơn vị (thành lập) / unit kind (unit-create)')
    .option('--abbreviation <a>', 'tên viết tắt (hộp thư đơn vị) / abbreviation (unit mailbox)')
    .option('--successor <code>', 'đơn vị kế nhiệm (giải thể) / successor unit (unit-dissolve)')
    .option('--merge', 'sáp nhập: chuyển cán bộ và đơn vị trực thuộc sang đơn vị kế nhiệm trước (giải thể) / merge: move people and sub-units to the successor first (unit-dissolve)')
    .option('--csv <file>', 'lô yêu cầu CSV (UTF-8 BOM, cột loai_yeu_cau) / batch CSV')
    .option('--doc-number <n>', 'số/ký hiệu văn bản / document number')
    .option('--doc-date <d>', 'ngày ký (YYYY-MM-DD hoặc DD/MM/YYYY) / date signed')
    .option('--doc-signer <s>', 'người ký / signer')
    .option('--effective <date>', 'ngày hiệu lực / effective date')
    .option('--note <text>', 'ghi chú / note')
    .option('--json', 'JSON')
    .action(async (kind: string, o: Record<string, string | boolean | undefined>) => (await requests()).runRequestCreate(data(), kind, o));
  request
    .command('list')
    .description('Danh sách yêu cầu (mới nhất trước) / list requests (newest first)')
    .option('--state <state>', 'draft, awaiting-signoff, submitted, scheduled, executed, failed, notified, rejected, withdrawn')
    .option('--kind <kind>', 'loại yêu cầu / request kind')
    .option('--overdue', 'chỉ yêu cầu quá hạn / overdue only')
    .option('--limit <n>', 'số dòng / rows', '100')
    .option('--json', 'JSON')
    .action(async (o: { state?: string; kind?: string; overdue?: boolean; limit?: string; json?: boolean }) => (await requests()).runRequestList(data(), o));
  request
    .command('show <id>')
    .description('Xem yêu cầu: các dòng, lịch sử, văn bản, thay đổi đã thực hiện / show a request: rows, events, documents, changes made')
    .option('--json', 'JSON')
    .action(async (id: string, o: { json?: boolean }) => (await requests()).runRequestShow(data(), id, o));
  request
    .command('submit <id>')
    .description('Gửi yêu cầu lên Văn phòng UBND tỉnh / submit to the Provincial Office')
    .action(async (id: string) => (await requests()).runRequestStep(data(), 'submit', id, {}));
  request
    .command('approve <id>')
    .description('Phê duyệt / approve')
    .option('--note <text>', 'ghi chú / note')
    .action(async (id: string, o: { note?: string }) => (await requests()).runRequestStep(data(), 'approve', id, o));
  request
    .command('reject <id>')
    .description('Từ chối, nêu lý do / reject with a reason')
    .requiredOption('--reason <text>', 'lý do từ chối / the reason')
    .action(async (id: string, o: { reason: string }) => (await requests()).runRequestStep(data(), 'reject', id, o));
  request
    .command('execute <id>')
    .description('Thực hiện ngay (hoặc thực hiện lại khi lỗi), hiện tiến độ / execute now (or retry a failure), with progress')
    .action(async (id: string) => (await requests()).runRequestExecute(data(), id));
  request
    .command('credential <id>')
    .description('Mã dùng một lần để cán bộ nhận mật khẩu (hiện một lần) / the one-time code for the person’s password (shown once)')
    .option('--line <n>', 'dòng của lô / batch row', '1')
    .action(async (id: string, o: { line?: string }) => (await requests()).runRequestCredential(data(), id, o));
  request
    .command('letter <id>')
    .description('Thư cấp mật khẩu (PDF, mã dùng một lần mới) để in và trao tay / the credential letter (PDF with a new one-time code) to print and hand over')
    .requiredOption('--out <file>', 'tệp PDF / the PDF file')
    .option('--line <n>', 'dòng của lô / batch row', '1')
    .action(async (id: string, o: { line?: string; out: string }) => (await documents()).runCredentialLetter(data(), id, o));
  // `thutin report` is made by hygiene-commands.ts (report free-mail) when it was registered first
  const report = program.commands.find((c) => c.name() === 'report') ?? program.command('report').description('Báo cáo / reports');
  report
    .command('capacity')
    .description('Báo cáo dung lượng: theo cơ quan, tăng trưởng, ổ đĩa và kinh phí năm tới / capacity report: per agency, growth, next year’s disk and budget')
    .option('--pdf <file>', 'ghi PDF / write the PDF')
    .option('--csv <file>', 'ghi CSV (UTF-8 BOM) / write the CSV')
    .option('--json', 'JSON')
    .action(async (o: { pdf?: string; csv?: string; json?: boolean }) => (await documents()).runCapacityReport(data(), o));
}
