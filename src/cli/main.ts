// The `thutin` command: serve, init, account add|passwd|list, queue list, doctor, demo.
// Every command takes --data DIR (default ./data). Messages are Vietnamese / English.
import { Command } from 'commander';

// Each command loads its module only when run, so `thutin account list` does not load the servers.
const system = () => import('./commands/system.ts');
const accounts = () => import('./commands/account.ts');
const queues = () => import('./commands/queue.ts');
const demos = () => import('./commands/demo.ts');
const roles = () => import('./commands/role.ts');

const program = new Command();
program
  .name('thutin')
  .description('Hệ thống thư tín điện tử của tỉnh / the provincial e-mail system')
  .option('-d, --data <dir>', 'thư mục dữ liệu / data directory', './data');

const data = (): string => program.opts<{ data: string }>().data;

program
  .command('init')
  .description('Tạo cấu hình và chứng chỉ TLS tự ký / create the configuration and a self-signed TLS certificate')
  .option('--domain <domain>', 'tên miền chính / primary mail domain')
  .option('--hostname <name>', 'tên máy chủ / server host name')
  .action(async (o: { domain?: string; hostname?: string }) => (await system()).runInit(data(), o));

program
  .command('serve')
  .description('Chạy máy chủ thư (SMTP, IMAP, HTTP) / run the mail servers')
  .option('--demo', 'nạp tỉnh mẫu / load the demo province (directory issue)')
  .action(async (o: { demo?: boolean }) => (await system()).runServe(data(), o));

program
  .command('doctor')
  .description('Kiểm tra cổng, TLS và kho thư / check ports, TLS and the store')
  .action(async () => (await system()).runDoctor(data()));

program
  .command('demo')
  .description('Nạp tỉnh mẫu (đơn vị Kon Tum, cán bộ, hộp thư, thư) / load the demo province (Kon Tum units, officials, mailboxes, mail)')
  .option('--people <n>', 'số cán bộ / number of officials', '3000')
  .option('--seed <s>', 'hạt giống ngẫu nhiên / random seed', '2026')
  .option('--messages <n>', 'số thư / number of messages', '200')
  .option('--force', 'nạp cả khi danh bạ đã có đơn vị / load even if the directory has units')
  .action(async (o: { people?: string; seed?: string; messages?: string; force?: boolean }) => (await demos()).runDemo(data(), o));

const account = program.command('account').description('Quản lý tài khoản thư / manage mail accounts');
account
  .command('add <address>')
  .description('Tạo hộp thư / create a mailbox')
  .option('--password-stdin', 'đọc mật khẩu từ đầu vào chuẩn / read the password from standard input')
  .action(async (address: string, o: { passwordStdin?: boolean }) => (await accounts()).runAccountAdd(data(), address, o));
account
  .command('passwd <address>')
  .description('Đặt mật khẩu mới / set a new password')
  .option('--password-stdin', 'đọc mật khẩu từ đầu vào chuẩn / read the password from standard input')
  .action(async (address: string, o: { passwordStdin?: boolean }) => (await accounts()).runAccountPasswd(data(), address, o));
account
  .command('list')
  .description('Liệt kê tài khoản / list accounts')
  .option('--json', 'JSON')
  .action(async (o: { json?: boolean }) => (await accounts()).runAccountList(data(), o));

const queue = program.command('queue').description('Hàng đợi thư đi / outbound queue');
queue
  .command('list')
  .description('Liệt kê thư đang chờ gửi / list queued messages')
  .option('--json', 'JSON')
  .action(async (o: { json?: boolean }) => (await queues()).runQueueList(data(), o));
queue
  .command('show <id>')
  .description('Xem một thư trong hàng đợi: người nhận, lỗi, phần đầu thư / show one queued message')
  .option('--json', 'JSON')
  .action(async (id: string, o: { json?: boolean }) => (await queues()).runQueueShow(data(), id, o));
for (const [action, vi, en] of [
  ['retry', 'Thử gửi lại ngay', 'retry now'],
  ['hold', 'Tạm giữ, không gửi', 'hold (do not deliver)'],
  ['release', 'Cho gửi tiếp thư đang tạm giữ', 'release a held message'],
  ['delete', 'Xoá khỏi hàng đợi, không báo lại người gửi', 'delete without a bounce'],
] as const) {
  queue
    .command(`${action} <id>`)
    .description(`${vi} / ${en}`)
    .action(async (id: string) => (await queues()).runQueueAction(data(), action, id));
}

const role = program.command('role').description('Phân quyền quản trị / administrative roles');
role
  .command('grant <address> <role>')
  .description('Cấp vai trò (sysadmin, directory-manager, agency-head, agency-clerk, auditor) / grant a role')
  .option('--unit <code>', 'đơn vị (phạm vi) cho agency-head, agency-clerk / unit scope')
  .option('--reason <ref>', 'số/ký hiệu văn bản / reference of the authorising document')
  .action(async (address: string, r: string, o: { unit?: string; reason?: string }) => (await roles()).runRoleGrant(data(), address, r, o));
role
  .command('revoke <address> <role>')
  .description('Thu hồi vai trò / revoke a role')
  .option('--unit <code>', 'đơn vị (phạm vi) / unit scope')
  .option('--reason <ref>', 'số/ký hiệu văn bản / reference of the authorising document')
  .action(async (address: string, r: string, o: { unit?: string; reason?: string }) => (await roles()).runRoleRevoke(data(), address, r, o));
role
  .command('list [address]')
  .description('Liệt kê phân quyền / list role assignments')
  .option('--json', 'JSON')
  .action(async (address: string | undefined, o: { json?: boolean }) => (await roles()).runRoleList(data(), address, o));

program.parseAsync(process.argv).catch((e: unknown) => {
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`thutin: ${msg}\n`);
  process.exit(1);
});
