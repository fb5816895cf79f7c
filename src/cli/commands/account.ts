// `thutin account add|passwd|list|app-password`.
// Owns: the account commands of the CLI.
import type { App } from '../../app.ts';
import { ThutinError } from '../../core/errors.ts';
import { withApp, cliActor, readPassword } from './common.ts';

export async function runAccountAdd(dataDir: string, address: string, o: { passwordStdin?: boolean }): Promise<void> {
  const pw = await readPassword(o.passwordStdin);
  await withApp(dataDir, async (app) => {
    const a = await app.accounts.create(address, pw, cliActor());
    process.stdout.write(`Đã tạo hộp thư / created: ${a.username}\n`);
  });
}

export async function runAccountPasswd(dataDir: string, address: string, o: { passwordStdin?: boolean }): Promise<void> {
  const pw = await readPassword(o.passwordStdin);
  await withApp(dataDir, async (app) => {
    await app.accounts.setPassword(address, pw, cliActor());
    process.stdout.write(`Đã đổi mật khẩu / password changed: ${address.toLowerCase()}\n`);
  });
}

export async function runAccountList(dataDir: string, o: { json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const list = await app.accounts.list();
    // An account held for bursting past the sending limits (core/send-limits.ts) says so.
    const held = new Set((await app.sendLimits.holds()).map((h) => h.accountId));
    if (o.json) {
      process.stdout.write(
        JSON.stringify(
          list.map((a) => ({ ...a, sendHeld: held.has(a.id) })),
          null,
          2,
        ) + '\n',
      );
      return;
    }
    for (const a of list) process.stdout.write(`${a.username}\t${a.status}\t${a.addresses.join(',')}${held.has(a.id) ? '\tTẠM GIỮ THƯ GỬI / SEND-HELD' : ''}\n`);
    process.stdout.write(`(${list.length} tài khoản / accounts)\n`);
  });
}

// `thutin account app-password add|list|revoke <address> --reason …` (issue 9): an administrator
// creates, lists or revokes an account's app passwords (core/app-passwords.ts); writes are audited
// with the operating-system user as actor and the reason. The new password is printed once.
async function accountOf(app: App, address: string): Promise<{ id: number; username: string }> {
  const a = await app.accounts.byAddress(address.toLowerCase());
  if (!a) throw new ThutinError('ACCOUNT_NOT_FOUND', address);
  return a;
}

function needReason(reason: string | undefined): string {
  if (!reason || !reason.trim()) throw new Error('Thiếu số/ký hiệu văn bản (--reason) / the reference of the authorising document (--reason) is required');
  return reason.trim();
}

export async function runAppPassword(dataDir: string, action: string, address: string, o: { name?: string; id?: string; reason?: string; json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const a = await accountOf(app, address);
    if (action === 'add') {
      const reason = needReason(o.reason);
      if (!o.name?.trim()) throw new Error('Thiếu tên (--name) / the name (--name) is required');
      const p = await app.appPasswords.add(a.id, a.username, o.name, cliActor(), reason);
      if (o.json) process.stdout.write(JSON.stringify(p) + '\n');
      else
        process.stdout.write(`Mật khẩu ứng dụng "${p.name}" (số ${p.id}) cho ${a.username} — chỉ hiện một lần / app password "${p.name}" (id ${p.id}) for ${a.username}, shown once:\n${p.password}\n`);
    } else if (action === 'list') {
      const list = await app.appPasswords.list(a.id);
      if (o.json) {
        process.stdout.write(JSON.stringify(list, null, 2) + '\n');
        return;
      }
      const when = (t: number | null) => (t === null ? '-' : new Date(t).toISOString());
      for (const p of list) process.stdout.write(`${p.id}\t${p.name}\t${when(p.createdAt)}\t${when(p.lastUsedAt)}\n`);
      process.stdout.write(`(${list.length} mật khẩu ứng dụng / app passwords)\n`);
    } else if (action === 'revoke') {
      const reason = needReason(o.reason);
      const id = Number(o.id);
      if (!Number.isInteger(id) || id <= 0) throw new Error('Thiếu số mật khẩu ứng dụng (--id) / the app password id (--id) is required');
      await app.appPasswords.revoke(a.id, a.username, id, cliActor(), reason);
      process.stdout.write(`Đã thu hồi mật khẩu ứng dụng ${id} của ${a.username} / app password ${id} of ${a.username} revoked\n`);
    } else throw new Error(`Không rõ thao tác / unknown action: ${action} (add|list|revoke)`);
  });
}
