// Owns: the `thutin` command (commander): serve, init, account add|passwd|list, queue list, quarantine, ticket, doctor, demo.
// Every command takes --data DIR (default ./data). Messages are Vietnamese / English.
import { Command, Option } from 'commander';
import { LIST_KINDS, SENDER_POLICIES } from '../directory/kinds.ts';
import { localise } from './i18n.ts';
import { quietOnClosedPipe } from './output.ts';
import { requireDataDir } from './data-dir.ts';
import { addHygieneCommands } from './hygiene-commands.ts';
import { addRetentionCommands } from './retention-commands.ts';
import { addRequestCommands } from './request-commands.ts';
import { addDirectoryCommands } from './directory-commands.ts';
import { addTransferCommands } from './transfer-commands.ts';

// Each command loads its module only when run, so `thutin account list` does not load the servers.
const system = () => import('./commands/system.ts');
const accounts = () => import('./commands/account.ts');
const queues = () => import('./commands/queue.ts');
const quarantines = () => import('./commands/quarantine.ts');
const dkims = () => import('./commands/dkim.ts');
const dnss = () => import('./commands/dns.ts');
const audits = () => import('./commands/audit.ts');
const demos = () => import('./commands/demo.ts');
const delegations = () => import('./commands/delegation.ts');
const lists = () => import('./commands/list.ts');
const roles = () => import('./commands/role.ts');
const stores = () => import('./commands/store.ts');
const backups = () => import('./commands/backup.ts');
const securities = () => import('./commands/security.ts');
const spams = () => import('./commands/spam.ts');
const sieves = () => import('./commands/sieve.ts');
const tickets = () => import('./commands/ticket.ts');

// Piped into `head`: end quietly when the reader goes (no EPIPE stack trace).
quietOnClosedPipe();

// Commander's own texts (Usage, Options, errors) in Vietnamese / English, inherited by every command.
const program = localise(new Command());
program.name('thutin').description('Hệ thống thư tín điện tử của tỉnh / the provincial e-mail system').option('-d, --data <dir>', 'thư mục dữ liệu / data directory', './data');

const data = (): string => program.opts<{ data: string }>().data;

// Only these make a data directory; every other command needs an existing one and says so.
const CREATES_DATA = new Set(['init', 'serve', 'demo']);
program.hook('preAction', (_program, action) => {
  let top = action;
  while (top.parent && top.parent !== program) top = top.parent;
  // A backup folder's own commands need no data directory (restore makes one); create does.
  if (top.name() === 'backup' && action.name() !== 'create') return;
  if (!CREATES_DATA.has(top.name())) requireDataDir(data());
});

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

// Started by `thutin serve` (smtp.inboundProcesses), never by hand.
program
  .command('inbound-process', { hidden: true })
  .description('Một tiến trình nhận thư của `thutin serve` / one inbound process of `thutin serve`')
  .action(async () => (await import('./commands/inbound-process.ts')).runInboundProcess(data()));

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
account
  .command('app-password <action> <address>')
  .description('Mật khẩu ứng dụng (add|list|revoke) cho chương trình thư / app passwords (add|list|revoke) for mail clients')
  .option('--name <name>', 'tên (add) / name (add)')
  .option('--id <id>', 'số mật khẩu ứng dụng (revoke) / app password id (revoke)')
  .option('--reason <ref>', 'số/ký hiệu văn bản (bắt buộc khi add, revoke) / reference of the authorising document (required to add, revoke)')
  .option('--json', 'JSON')
  .action(async (action: string, address: string, o: { name?: string; id?: string; reason?: string; json?: boolean }) => (await accounts()).runAppPassword(data(), action, address, o));

addHygieneCommands(program, account, data); // issue 12: account forward, account send-limit, report free-mail

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

const quarantine = program.command('quarantine').description('Thư nhiễm vi-rút đang cách ly / infected messages in quarantine');
quarantine
  .command('list')
  .description('Liệt kê thư đang cách ly (mới nhất trước) / list kept messages (newest first)')
  .option('--limit <n>', 'số thư / how many', '100')
  .option('--json', 'JSON')
  .action(async (o: { json?: boolean; limit?: string }) => (await quarantines()).runQuarantineList(data(), o));
quarantine
  .command('show <id>')
  .description('Phong bì, tên vi-rút và phần đầu thư / envelope, virus and header section')
  .option('--json', 'JSON')
  .action(async (id: string, o: { json?: boolean }) => (await quarantines()).runQuarantineShow(data(), id, o));
quarantine
  .command('release <id>')
  .description('Trả thư cho người nhận ban đầu / release to the original recipients')
  .option('--reason <ref>', 'số/ký hiệu văn bản (bắt buộc) / reference of the authorising document (required)')
  .option('--json', 'JSON')
  .action(async (id: string, o: { reason?: string; json?: boolean }) => (await quarantines()).runQuarantineRelease(data(), id, o));
quarantine
  .command('delete <id>')
  .description('Xoá thư khỏi khu cách ly / delete from the quarantine')
  .option('--reason <ref>', 'số/ký hiệu văn bản (bắt buộc) / reference of the authorising document (required)')
  .action(async (id: string, o: { reason?: string }) => (await quarantines()).runQuarantineDelete(data(), id, o));

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

// ---- The directory (issue 4): units, people, search, import/export, audit. Writes need --reason.
const REASON = ['--reason <ref>', 'số/ký hiệu văn bản cho phép thay đổi / reference of the authorising document'] as const;
addDirectoryCommands(program, data, REASON);
const security = program.command('security').description('An ninh đăng nhập / sign-in security');
security
  .command('sign-ins')
  .description('Lịch sử đăng nhập mọi cổng, mới nhất trước; --verify kiểm tra chuỗi băm / sign-ins at every door, newest first; --verify checks the hash chain')
  .option('--login <login>', 'chỉ tên đăng nhập này / only this login')
  .option('--failed', 'chỉ lần thất bại / failures only')
  .option('--limit <n>', 'số dòng / rows', '100')
  .option('--verify', 'kiểm tra chuỗi băm (exit 1 khi hỏng) / verify the hash chain (exit 1 when broken)')
  .option('--json', 'JSON')
  .action(async (o: { login?: string; failed?: boolean; limit: string; verify?: boolean; json?: boolean }) => (await securities()).runSecuritySignIns(data(), o));
security
  .command('lockouts')
  .description('Xem hoặc gỡ khoá đăng nhập / list or lift sign-in lockouts')
  .option('--lift <target>', 'gỡ khoá cho tên đăng nhập hoặc địa chỉ IP / lift for a login or an IP address')
  .option('--reason <ref>', 'số/ký hiệu văn bản (bắt buộc khi gỡ) / reference of the authorising document (required to lift)')
  .option('--json', 'JSON')
  .action(async (o: { lift?: string; reason?: string; json?: boolean }) => (await securities()).runSecurityLockouts(data(), o));

const backup = program.command('backup').description('Sao lưu và khôi phục / backup and restore');
const passOpts = (c: Command) =>
  c
    .option('--passphrase-file <file>', 'cụm mật khẩu mã hoá (dòng đầu của tệp) / encryption passphrase (first line of the file)')
    .option('--passphrase-stdin', 'đọc cụm mật khẩu từ đầu vào chuẩn / read the passphrase from standard input');
passOpts(
  backup
    .command('create [dir]')
    .description('Sao lưu trực tuyến (CSDL, blob mới, tệp cấu hình) vào DIR (mặc định backup.dir) / online backup (database, new blobs, configuration files) into DIR (default backup.dir)')
    .option('--base <dir>', 'thư mục sao lưu trước: dùng lại blob của nó / a previous backup folder whose blobs are reused')
    .option('--recipient-key <file>', 'mã hoá cho khoá công khai X25519 hoặc RSA (PEM) thay cho cụm mật khẩu / encrypt to an X25519 or RSA public key (PEM) instead of a passphrase')
    .option('--json', 'JSON'),
).action(async (dir: string | undefined, o: { base?: string; recipientKey?: string; json?: boolean; passphraseFile?: string; passphraseStdin?: boolean }) =>
  (await backups()).runBackupCreate(data(), dir, o),
);
passOpts(
  backup
    .command('verify <dir>')
    .description('Kiểm tra mọi tệp theo bản kê đã ký / check every file against the signed manifest')
    .option('--set <name>', 'chỉ một bản / one set only')
    .option('--private-key <file>', 'khoá bí mật (PEM) của bản sao lưu mã hoá bằng khoá công khai / the private key (PEM) of a backup encrypted to a public key')
    .option('--json', 'JSON'),
).action(async (dir: string, o: { set?: string; privateKey?: string; json?: boolean; passphraseFile?: string; passphraseStdin?: boolean }) => (await backups()).runBackupVerify(dir, o));
passOpts(backup.command('list <dir>').description('Liệt kê các bản sao lưu / list the backup sets').option('--json', 'JSON')).action(
  async (dir: string, o: { json?: boolean; passphraseFile?: string; passphraseStdin?: boolean }) => (await backups()).runBackupList(dir, o),
);
passOpts(
  backup
    .command('restore <dir>')
    .description('Khôi phục vào thư mục dữ liệu mới (--data NEW, phải trống) / restore into a new data directory (--data NEW, must be empty)')
    .option('--set <name>', 'bản sao lưu (mặc định: mới nhất) / the set (default: the newest)')
    .option('--database <driver>', 'sqlite | postgres (SQLite → PostgreSQL được phép / allowed)')
    .option('--url <url>', 'PostgreSQL đích, trống / the target PostgreSQL database, empty')
    .option('--private-key <file>', 'khoá bí mật (PEM) của bản sao lưu mã hoá bằng khoá công khai / the private key (PEM) of a backup encrypted to a public key'),
).action(async (dir: string, o: { set?: string; database?: string; url?: string; privateKey?: string; passphraseFile?: string; passphraseStdin?: boolean }) =>
  (await backups()).runBackupRestore(dir, data(), o),
);
passOpts(
  backup
    .command('rotate <dir>')
    .description('Giữ N bản ngày, tuần, tháng gần nhất; xoá phần còn lại / keep the newest N daily, weekly, monthly sets; remove the rest')
    .option('--daily <n>', 'mặc định / default 7')
    .option('--weekly <n>', 'mặc định / default 4')
    .option('--monthly <n>', 'mặc định / default 12'),
).action(async (dir: string, o: { daily?: string; weekly?: string; monthly?: string; passphraseFile?: string; passphraseStdin?: boolean }) => (await backups()).runBackupRotate(dir, o));

const store = program.command('store').description('Kho thư: tệp blob và bản ghi / the message store: blob files and rows');
store
  .command('check')
  .description('Kiểm tra blob mồ côi, bản ghi thiếu, dung lượng đã dùng (exit 1 khi có lỗi) / check orphans, missing rows, usage (exit 1 on a problem)')
  .option('--repair', 'xoá blob mồ côi và bản ghi thừa, tính lại dung lượng / remove orphans and unreferenced rows, recompute usage')
  .option('--grace-ms <n>', 'blob chưa có bản ghi trẻ hơn mức này coi là đang nhận / blobs without a row younger than this count as in flight (default store.orphanGraceMs)')
  .option('--json', 'JSON')
  .action(async (o: { repair?: boolean; graceMs?: string; json?: boolean }) => (await stores()).runStoreCheck(data(), o));

const audit = program.command('audit').description('Nhật ký kiểm toán / the audit log (R10.1)');
audit
  .command('verify')
  .description('Kiểm tra chuỗi băm / verify the hash chain (exit 1 if tampered)')
  .option('--json', 'JSON')
  .action(async (o) => (await audits()).runAuditVerify(data(), o));
audit
  .command('list')
  .description('Các mục gần nhất / latest entries')
  .option('--limit <n>', 'số mục / entries', '50')
  .option('--target <target>', 'đối tượng / target')
  .option('--action <prefix>', 'hành động / action prefix')
  .option('--actor <actor>', 'người thực hiện / actor')
  .option('--json', 'JSON')
  .action(async (o) => (await audits()).runAuditList(data(), o));

const dkim = program.command('dkim').description('Khoá ký DKIM của các miền / DKIM signing keys of the mail domains');
dkim
  .command('list')
  .description('Liệt kê khoá / list keys')
  .option('--json', 'JSON')
  .action(async (o: { json?: boolean }) => (await dkims()).runDkimList(data(), o));
dkim
  .command('rotate')
  .description('Tạo khoá mới với selector mới, giữ khoá cũ / make a new key with a new selector, keep the old one')
  .option('--domain <domain>', 'miền / domain (mặc định miền chính / default the primary)')
  .option('--selector <s>', 'selector (mặc định theo tháng, vd. t202611 / default date-based, e.g. t202611)')
  .option('--ed25519', 'khoá ed25519 (chữ ký thứ hai) / an ed25519 key (second signature)')
  .option('--pending', 'chưa dùng để ký cho tới "dkim activate" / do not sign with it until "dkim activate"')
  .action(async (o: { domain?: string; selector?: string; ed25519?: boolean; pending?: boolean }) => (await dkims()).runDkimRotate(data(), o));
dkim
  .command('activate')
  .description('Dùng khoá này để ký / sign with this key')
  .requiredOption('--selector <s>', 'selector')
  .option('--domain <domain>', 'miền / domain')
  .action(async (o: { domain?: string; selector: string }) => (await dkims()).runDkimActivate(data(), o));
dkim
  .command('remove')
  .description('Xoá khoá cũ (sau khi gỡ bản ghi DNS) / remove a retired key (after withdrawing its DNS record)')
  .requiredOption('--selector <s>', 'selector')
  .option('--domain <domain>', 'miền / domain')
  .action(async (o: { domain?: string; selector: string }) => (await dkims()).runDkimRemove(data(), o));

program
  .command('dns')
  .description('In các bản ghi DNS cần công bố (MX, SPF, DKIM, DMARC, MTA-STS, SRV) / print the DNS records to publish')
  .option('--dmarc-policy <p>', 'none | quarantine | reject', 'quarantine')
  .option('--mta-sts-mode <m>', 'testing | enforce', 'testing')
  .option('--check', 'kiểm tra các bản ghi đã công bố chưa (qua dns.servers) / check they are published (through dns.servers)')
  .action(async (o: { dmarcPolicy?: string; mtaStsMode?: string; check?: boolean }) => (await dnss()).runDns(data(), o));

// ---- Unit mailboxes shared by delegation (R8) and distribution lists.
const delegate = program.command('delegate').description('Uỷ quyền hộp thư (hộp thư đơn vị) / mailbox delegation (unit mailboxes)');
delegate
  .command('grant <owner> <grantee>')
  .description('Uỷ quyền (thay quyền đang có) / grant rights (replaces the current ones)')
  .requiredOption('--rights <list>', 'read, send-as, send-on-behalf, manage (phân cách bằng dấu phẩy / comma separated)')
  .requiredOption(...REASON)
  .action(async (owner: string, grantee: string, o) => (await delegations()).runDelegateGrant(data(), owner, grantee, o));
delegate
  .command('revoke <owner> <grantee>')
  .description('Thu hồi uỷ quyền / revoke a delegation')
  .requiredOption(...REASON)
  .action(async (owner: string, grantee: string, o) => (await delegations()).runDelegateRevoke(data(), owner, grantee, o));
delegate
  .command('list <owner>')
  .description('Ai được uỷ quyền trên hộp thư này / who holds rights on this mailbox')
  .option('--json', 'JSON')
  .action(async (owner: string, o) => (await delegations()).runDelegateList(data(), owner, o));

const list = program.command('list').description('Danh sách thư (nhóm thư) / distribution lists');
list
  .command('create <address>')
  .description('Tạo danh sách / create a list')
  .requiredOption('--name <name>', 'tên danh sách / list name')
  .addOption(new Option('--kind <kind>', 'loại danh sách / kind of list').choices(LIST_KINDS).default('static'))
  .option('--unit <code>', 'đơn vị (danh sách theo cơ cấu) / unit (derived lists)')
  .addOption(new Option('--senders <policy>', 'ai được gửi / who may post').choices(SENDER_POLICIES).default('local'))
  .requiredOption(...REASON)
  .action(async (address: string, o) => (await lists()).runListCreate(data(), address, o));
for (const op of ['add', 'remove'] as const) {
  list
    .command(`${op} <list> <member>`)
    .description(op === 'add' ? 'Thêm thành viên (hoặc người được gửi với --sender) / add a member (or an allowed sender with --sender)' : 'Bỏ thành viên / remove a member')
    .option('--sender', 'người được gửi (senders = listed) / allowed sender')
    .requiredOption(...REASON)
    .action(async (l: string, member: string, o) => (await lists()).runListMember(data(), op, l, member, o));
}
list
  .command('show <list>')
  .description('Xem danh sách và thành viên / show a list and its members')
  .option('--json', 'JSON')
  .action(async (l: string, o) => (await lists()).runListShow(data(), l, o));
list
  .command('all')
  .description('Liệt kê các danh sách / list all lists')
  .option('--json', 'JSON')
  .action(async (o) => (await lists()).runListAll(data(), o));
list
  .command('delete <list>')
  .description('Xoá danh sách / delete a list')
  .requiredOption(...REASON)
  .action(async (l: string, o) => (await lists()).runListDelete(data(), l, o));

// ---- Spam (issue 12): each recipient's allow / block lists (rspamd's verdict is the `spam` stage's).
const spam = program.command('spam').description("Danh sách cho phép / chặn thư rác của người nhận / a recipient's spam allow and block lists");
for (const kind of ['allow', 'block'] as const) {
  spam
    .command(`${kind} <account> <entry>`)
    .description(
      kind === 'allow'
        ? 'Không bao giờ coi thư từ địa chỉ / tên miền này là thư rác / never treat mail from this address or domain as spam'
        : 'Luôn đưa thư từ địa chỉ / tên miền này vào Junk / always deliver mail from this address or domain to Junk',
    )
    .option(...REASON)
    .action(async (account: string, entry: string, o) => (await spams()).runSpamSet(data(), kind, account, entry, o));
}
spam
  .command('remove <account> <entry>')
  .description('Bỏ một mục / remove an entry')
  .option(...REASON)
  .action(async (account: string, entry: string, o) => (await spams()).runSpamRemove(data(), account, entry, o));
spam
  .command('list <account>')
  .description('Xem danh sách / show the lists')
  .option('--json', 'JSON')
  .action(async (account: string, o) => (await spams()).runSpamList(data(), account, o));

// ---- Sieve (issue 13): an account's mail filters and automatic replies, changed for its owner (audited).
program
  .command('sieve <action> <address> [name]')
  .description("Kịch bản lọc thư Sieve của một tài khoản: list | show | put | activate | deactivate | delete / an account's Sieve scripts: list | show | put | activate | deactivate | delete")
  .option('--file <file>', 'tệp kịch bản cho put (mặc định: đầu vào chuẩn) / the script file for put (default: standard input)')
  .option('--reason <ref>', 'số/ký hiệu văn bản (bắt buộc khi thay đổi) / reference of the authorising document (required for changes)')
  .option('--json', 'JSON (list)')
  .action(async (action: string, address: string, name: string | undefined, o: { file?: string; reason?: string; json?: boolean }) => (await sieves()).runSieve(data(), action, address, name, o));

const ticket = program.command('ticket').description('Báo cáo thư rác, mã độc, sự cố / incident tickets (spam, viruses, faults)');
ticket
  .command('list')
  .description('Liệt kê báo cáo (mới nhất trước) / list tickets (newest first)')
  .option('--state <state>', 'new | in_progress | answered | closed')
  .option('--category <category>', 'spam | virus | fault | other')
  .option('--assignee <address>', "người được giao, hoặc 'none' / assignee, or 'none'")
  .option('--limit <n>', 'số báo cáo / how many', '100')
  .option('--json', 'JSON')
  .action(async (o: { state?: string; category?: string; assignee?: string; limit?: string; json?: boolean }) => (await tickets()).runTicketList(data(), o));
ticket
  .command('show <id>')
  .description('Xem báo cáo, các trả lời và ghi chú nội bộ / show a ticket, its replies and internal notes')
  .option('--json', 'JSON')
  .action(async (id: string, o: { json?: boolean }) => (await tickets()).runTicketShow(data(), id, o));
ticket
  .command('reply <id> <text>')
  .description('Trả lời người báo cáo (báo qua thư) / reply to the reporter (told by mail)')
  .option('--internal', 'ghi chú nội bộ, không gửi người báo cáo / internal note, not sent to the reporter')
  .option('--answer', 'trả lời và chuyển sang "đã trả lời" / answer: the ticket becomes answered')
  .action(async (id: string, text: string, o: { internal?: boolean; answer?: boolean }) => (await tickets()).runTicketReply(data(), id, text, o));
ticket
  .command('assign <id> <address>')
  .description("Giao cho quản trị viên (vai trò sysadmin), 'none' để bỏ giao / assign to an administrator (sysadmin role), 'none' to unassign")
  .action(async (id: string, address: string) => (await tickets()).runTicketAssign(data(), id, address));
ticket
  .command('close <id>')
  .description('Đóng báo cáo; thư được báo cáo không còn được giữ / close; the reported message is let go')
  .action(async (id: string) => (await tickets()).runTicketState(data(), 'close', id));
ticket
  .command('reopen <id>')
  .description('Mở lại báo cáo đã trả lời hoặc đã đóng / reopen an answered or closed ticket')
  .action(async (id: string) => (await tickets()).runTicketState(data(), 'reopen', id));

addRetentionCommands(program, data); // issue 14: retention policies, legal hold, journal
addRequestCommands(program, data);
addTransferCommands(program, data); // issue 14: export, import, migrate imap

program.parseAsync(process.argv).catch((e: unknown) => {
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`thutin: ${msg}\n`);
  process.exit(1);
});
