// Registers issue 12's commands on the `thutin` program (kept out of main.ts, which is long):
// `account forward`, `account send-limit`, `report free-mail`. Each loads its module only when run.
// Owns: these commands' names, arguments and help texts.
import type { Command } from 'commander';

const hygiene = () => import('./commands/hygiene.ts');

export function addHygieneCommands(program: Command, account: Command, data: () => string): void {
  account
    .command('forward <address> [to]')
    .description('Xem / đặt chuyển tiếp thư (không tới hộp thư miễn phí, Điều 9) / show or set forwarding (never to free-mail, Article 9)')
    .option('--no-keep-copy', 'không giữ bản sao trong hộp thư / keep no copy in the mailbox')
    .option('--off', 'bỏ chuyển tiếp / stop forwarding')
    .option('--json', 'JSON')
    .action(async (address: string, to: string | undefined, o: { keepCopy?: boolean; off?: boolean; json?: boolean }) => (await hygiene()).runForward(data(), address, to, o));
  account
    .command('send-limit <action> [address]')
    .description('Tài khoản bị tạm giữ vì gửi quá giới hạn (list|show|hold|clear) / accounts held for sending past the limits (list|show|hold|clear)')
    .option('--reason <ref>', 'số/ký hiệu văn bản (hold, clear) / reference of the authorising document (hold, clear)')
    .option('--json', 'JSON')
    .action(async (action: string, address: string | undefined, o: { reason?: string; json?: boolean }) => (await hygiene()).runSendLimit(data(), action, address, o));
  const report = program.command('report').description('Báo cáo / reports');
  report
    .command('free-mail')
    .description('Thư trao đổi với hộp thư miễn phí theo đơn vị (Điều 9) / mail exchanged with free-mail domains per unit (Article 9)')
    .option('--from <day>', 'từ ngày YYYY-MM-DD (mặc định 30 ngày trước) / first day (default 30 days ago)')
    .option('--to <day>', 'đến ngày YYYY-MM-DD (mặc định hôm nay) / last day (default today)')
    .option('--json', 'JSON')
    .action(async (o: { from?: string; to?: string; json?: boolean }) => (await hygiene()).runFreeMailReport(data(), o));
}
