// `thutin account add|passwd|list`.
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
    if (o.json) {
      process.stdout.write(JSON.stringify(list, null, 2) + '\n');
      return;
    }
    for (const a of list) process.stdout.write(`${a.username}\t${a.status}\t${a.addresses.join(',')}\n`);
    process.stdout.write(`(${list.length} tài khoản / accounts)\n`);
  });
}
