// Registers the directory's commands on the `thutin` program (kept out of main.ts, which is long):
// `unit`, `person` and `directory` (search, import, export). Each loads its module only when run.
// Owns: these commands' names, options and help texts.
import { Option, type Command } from 'commander';
import { CSV_KINDS, UNIT_KINDS } from '../directory/kinds.ts';

const directories = () => import('./commands/directory.ts');

export function addDirectoryCommands(program: Command, data: () => string, REASON: readonly [string, string]): void {
  const unit = program.command('unit').description('Đơn vị trong danh bạ / units of the directory');
  unit
    .command('add <code>')
    .description('Tạo đơn vị (và hộp thư đơn vị) / create a unit (and its mailbox)')
    .requiredOption('--name <name>', 'tên đơn vị / unit name')
    .addOption(new Option('--kind <kind>', 'loại đơn vị / unit kind').choices(UNIT_KINDS).makeOptionMandatory())
    .option('--abbreviation <abbr>', 'viết tắt = tên hộp thư / abbreviation = mailbox name')
    .option('--parent <code>', 'mã đơn vị cấp trên / parent unit code')
    .option('--valid-from <date>', 'hiệu lực từ / valid from (YYYY-MM-DD)')
    .option('--valid-to <date>', 'hiệu lực đến / valid to (YYYY-MM-DD)')
    .option('--no-mailbox', 'không tạo hộp thư đơn vị / no unit mailbox')
    .requiredOption(...REASON)
    .action(async (code: string, o) => (await directories()).runUnitAdd(data(), code, o));
  unit
    .command('list')
    .description('Liệt kê đơn vị / list units')
    .option('--parent <code>', 'chỉ đơn vị trực thuộc / direct children only')
    .option('--as-of <date>', 'danh bạ tại ngày / the directory as of a date')
    .option('--json', 'JSON')
    .action(async (o) => (await directories()).runUnitList(data(), o));
  unit
    .command('show <code>')
    .description('Xem đơn vị / show a unit')
    .option('--json', 'JSON')
    .action(async (code: string, o) => (await directories()).runUnitShow(data(), code, o));
  unit
    .command('update <code>')
    .description('Sửa đơn vị / update a unit (sáp nhập: --valid-to và --successor / merger: --valid-to and --successor)')
    .option('--name <name>', 'tên / name')
    .addOption(new Option('--kind <kind>', 'loại đơn vị / unit kind').choices(UNIT_KINDS))
    .option('--abbreviation <abbr>', 'viết tắt (địa chỉ cũ giữ làm bí danh) / abbreviation (old address kept as alias)')
    .option('--parent <code>', "đơn vị cấp trên ('none' = không) / parent ('none')")
    .option('--valid-from <date>', 'hiệu lực từ / valid from')
    .option('--valid-to <date>', 'hiệu lực đến / valid to')
    .option('--successor <code>', "đơn vị kế nhiệm ('none' = không) / successor ('none')")
    .requiredOption(...REASON)
    .action(async (code: string, o) => (await directories()).runUnitUpdate(data(), code, o));
  unit
    .command('set-head <code> <person>')
    .description("Đặt thủ trưởng, bàn giao hộp thư đơn vị (R8.3) / set the head, hand over the unit mailbox ('none' clears)")
    .requiredOption(...REASON)
    .action(async (code: string, person: string, o) => (await directories()).runUnitSetHead(data(), code, person, o));

  const person = program.command('person').description('Cán bộ trong danh bạ / people of the directory (id, address or local part)');
  person
    .command('add <fullName>')
    .description('Thêm cán bộ và cấp hộp thư / add a person with a personal mailbox')
    .option('--title <title>', 'chức vụ / position')
    .option('--unit <code>', 'mã đơn vị / unit code')
    .option('--phone <phone>', 'điện thoại / phone')
    .option('--local-part <name>', 'tên hộp thư thay cho quy tắc / mailbox name instead of the rule')
    .option('--confirm-duplicate', 'vẫn thêm khi có thể trùng người đã có (cùng tên trong đơn vị, cùng số điện thoại) / add even if a likely duplicate exists')
    .option('--keep-case', 'giữ họ tên gõ toàn chữ hoa như đã gõ (mặc định: viết hoa chữ đầu) / keep a name typed in capitals as typed (default: title case)')
    .option('--json', 'JSON')
    .requiredOption(...REASON)
    .action(async (fullName: string, o) => (await directories()).runPersonAdd(data(), fullName, o));
  person
    .command('list')
    .description('Liệt kê cán bộ theo thứ tự tiếng Việt / list people in Vietnamese order')
    .option('--unit <code>', 'đơn vị / unit')
    .option('--subtree', 'gồm đơn vị cấp dưới / include sub-units')
    .option('--status <status>', 'active | suspended | left')
    .option('--as-of <date>', 'danh bạ tại ngày / the directory as of a date')
    .option('--limit <n>', 'số dòng / rows')
    .option('--offset <n>', 'bỏ qua / skip')
    .option('--json', 'JSON')
    .action(async (o) => (await directories()).runPersonList(data(), o));
  person
    .command('show <person>')
    .description('Xem cán bộ / show a person')
    .option('--json', 'JSON')
    .action(async (ref: string, o) => (await directories()).runPersonShow(data(), ref, o));
  person
    .command('update <person>')
    .description('Sửa họ tên, chức vụ, điện thoại / update name, position, phone')
    .option('--name <fullName>', 'họ tên / full name')
    .option('--title <title>', 'chức vụ / position')
    .option('--phone <phone>', 'điện thoại / phone')
    .option('--change-address', 'cấp địa chỉ theo tên mới, giữ địa chỉ cũ làm bí danh / new address from the new name, old one kept as alias')
    .option('--keep-case', 'giữ họ tên gõ toàn chữ hoa như đã gõ / keep a name typed in capitals as typed')
    .requiredOption(...REASON)
    .action(async (ref: string, o) => (await directories()).runPersonUpdate(data(), ref, o));
  person
    .command('move <person> <unit>')
    .description('Điều chuyển sang đơn vị khác / move to another unit')
    .requiredOption(...REASON)
    .action(async (ref: string, unitCode: string, o) => (await directories()).runPersonMove(data(), ref, unitCode, o));
  for (const [name, status, vi] of [
    ['suspend', 'suspended', 'Tạm khoá hộp thư / suspend the mailbox'],
    ['enable', 'active', 'Mở lại hộp thư / enable the mailbox'],
    ['leave', 'left', 'Nghỉ việc: khoá và lưu giữ hộp thư / left: disable and retain the mailbox'],
  ] as const) {
    person
      .command(`${name} <person>`)
      .description(vi)
      .requiredOption(...REASON)
      .action(async (ref: string, o) => (await directories()).runPersonStatus(data(), ref, status, o));
  }
  person
    .command('purge <person>')
    .description('Xoá hẳn hộp thư và thư sau thời hạn lưu giữ / delete the mailbox and mail after retention')
    .requiredOption(...REASON)
    .action(async (ref: string, o) => (await directories()).runPersonPurge(data(), ref, o));
  person
    .command('reset-password <person>')
    .description('Cấp mật khẩu mới, bắt đổi khi đăng nhập / new password, change forced at login (also unit mailboxes)')
    .requiredOption(...REASON)
    .action(async (ref: string, o) => (await directories()).runPersonResetPassword(data(), ref, o));

  const directory = program.command('directory').description('Danh bạ điện tử / the directory');
  directory
    .command('search <query>')
    .description('Tìm kiếm (không dấu, tiền tố) / search (accent-insensitive, prefixes)')
    .option('--limit <n>', 'số kết quả / results', '20')
    .option('--kind <kinds>', 'person, unit, list (phân cách bằng dấu phẩy / comma separated)')
    .option('--json', 'JSON')
    .action(async (q: string, o) => (await directories()).runDirectorySearch(data(), q, o));
  directory
    .command('import <file>')
    .description('Nhập CSV (toàn bộ hoặc không gì cả) / import CSV (all or nothing)')
    .addOption(new Option('--kind <kind>', 'loại dữ liệu / kind of rows').choices(CSV_KINDS).makeOptionMandatory())
    .option('--dry-run', 'chỉ kiểm tra, liệt kê dòng lỗi / check only, list refused rows')
    .option('--passwords <file>', 'ghi mật khẩu ban đầu vào tệp (0600) / write initial passwords to a file')
    .option('--json', 'JSON')
    .requiredOption(...REASON)
    .action(async (file: string, o) => (await directories()).runDirectoryImport(data(), file, o));
  directory
    .command('export')
    .description('Xuất CSV (UTF-8 có BOM, mở được bằng Excel) / export CSV (UTF-8 with BOM, opens in Excel)')
    .addOption(new Option('--kind <kind>', 'loại dữ liệu / kind of rows').choices(CSV_KINDS).makeOptionMandatory())
    .option('--out <file>', 'tệp / file (mặc định: đầu ra chuẩn / default: stdout)')
    .action(async (o) => (await directories()).runDirectoryExport(data(), o));
}
