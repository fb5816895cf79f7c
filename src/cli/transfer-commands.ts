// Registers issue 14's mailbox transfer commands on the `thutin` program (kept out of main.ts):
// `export`, `import` (src/cli/commands/export.ts) and `migrate imap` (src/cli/commands/migrate.ts).
// Each loads its module only when run.
// Owns: these commands' names, options and help texts.
import { Option, type Command } from 'commander';
import { TRANSFER_FORMATS, type TransferFormat } from '../transfer/types.ts';

const transfer = () => import('./commands/export.ts');
const migrate = () => import('./commands/migrate.ts');

interface TransferOptions {
  account: string;
  format: TransferFormat;
  folder?: string;
  reason?: string;
  json?: boolean;
}

/** Register `export` and `import` on the program. */
export function addTransferCommands(program: Command, data: () => string): void {
  const format = () => new Option('--format <format>', 'mbox | maildir | zip (zip của .eml / of .eml files)').choices(TRANSFER_FORMATS).default('mbox');
  program
    .command('export')
    .description('Xuất thư của một hộp thư (người nghỉ việc, bàn giao) / export a mailbox (a leaver, a handover)')
    .requiredOption('--account <address>', 'hộp thư / mailbox')
    .addOption(format())
    .requiredOption('--out <path>', 'tệp (mbox, zip) hoặc thư mục (maildir) / file (mbox, zip) or folder (maildir)')
    .option('--folder <name>', 'chỉ một thư mục / one folder only')
    .option('--reason <ref>', 'số/ký hiệu văn bản cho phép / reference of the authorising document')
    .option('--json', 'JSON')
    .action(async (o: TransferOptions & { out: string }) => (await transfer()).runExport(data(), o));
  program
    .command('import <path>')
    .description('Nhập thư vào một hộp thư (giữ cờ, từ khoá, ngày nhận) / import mail into a mailbox (flags, keywords and dates kept)')
    .requiredOption('--account <address>', 'hộp thư / mailbox')
    .addOption(format())
    .option('--folder <name>', 'thư mục cho thư không ghi thư mục (mặc định INBOX) / folder for messages that name none (default INBOX)')
    .option('--reason <ref>', 'số/ký hiệu văn bản cho phép / reference of the authorising document')
    .option('--json', 'JSON')
    .action(async (file: string, o: TransferOptions) => (await transfer()).runImport(data(), file, o));
  const m = program.command('migrate').description('Chuyển thư từ máy chủ thư cũ / move mail from the old mail server');
  m.command('imap')
    .description(
      'Chép mọi hộp thư trong users.csv từ máy chủ IMAP cũ (tiếp tục được khi bị ngắt; lần sau chỉ chép thư mới) / copy every mailbox of users.csv from the old IMAP server (resumable; a later run copies only new mail)',
    )
    .requiredOption('--from <url>', 'imaps://máy-chủ-cũ[:cổng] (hoặc imap:// với STARTTLS) / imaps://old-host[:port] (or imap:// with STARTTLS)')
    .requiredOption('--map <file>', 'users.csv: tài khoản cũ,mật khẩu,tài khoản thutin / old login,password,thutin account')
    .option('--insecure', 'chấp nhận chứng chỉ không kiểm chứng được của máy chủ cũ / accept the old server’s unverifiable certificate')
    .option('--parallel <n>', 'số hộp thư chép cùng lúc / mailboxes copied at once', '4')
    .option('--state <dir>', 'thư mục trạng thái để tiếp tục (mặc định <data>/migrate-state) / state folder for resuming (default <data>/migrate-state)')
    .option('--admin-user <login>', 'tài khoản quản trị (SASL PLAIN authzid, vd. master user của Dovecot) / administrator login (SASL PLAIN authzid, e.g. a Dovecot master user)')
    .option('--admin-password-file <file>', 'tệp chứa mật khẩu quản trị (dòng đầu) / file holding the administrator password (first line)')
    .option('--report <file>', 'ghi báo cáo JSON / write the JSON report')
    .option('--reason <ref>', 'số/ký hiệu văn bản cho phép / reference of the authorising document')
    .option('--json', 'JSON')
    .action(async (o: import('./commands/migrate.ts').MigrateImapOptions) => (await migrate()).runMigrateImap(data(), o));
}
