// `thutin account forward <address> [to] [--keep-copy|--no-keep-copy] [--off]`, `thutin account
// send-limit list|show|hold|clear`, `thutin report free-mail --from --to` (issue 12). Changes are audited
// by their services with the operating-system user as actor.
// Owns: the forwarding, sending-limit and free-mail report commands of the CLI.
import type { App } from '../../app.ts';
import { ThutinError } from '../../core/errors.ts';
import { dayOf } from '../../core/free-mail-policy.ts';
import { withApp, cliActor } from './common.ts';

async function accountOf(app: App, address: string): Promise<{ id: number; username: string }> {
  const a = await app.accounts.byAddress(address.toLowerCase());
  if (!a) throw new ThutinError('ACCOUNT_NOT_FOUND', address);
  return a;
}

const when = (t: number) => new Date(t).toISOString();

export async function runForward(dataDir: string, address: string, to: string | undefined, o: { keepCopy?: boolean; off?: boolean; json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const a = await accountOf(app, address);
    if (o.off) {
      await app.forwarding.remove(a, cliActor());
      process.stdout.write(`Đã bỏ chuyển tiếp thư của ${a.username} / forwarding of ${a.username} stopped\n`);
      return;
    }
    const f = to ? await app.forwarding.set(a, to, o.keepCopy !== false, cliActor()) : await app.forwarding.get(a.id);
    if (o.json) {
      process.stdout.write(JSON.stringify({ account: a.username, forward: f }) + '\n');
      return;
    }
    if (!f) process.stdout.write(`${a.username} không chuyển tiếp thư / forwards nothing\n`);
    else process.stdout.write(`${a.username} -> ${f.address}\t${f.keepCopy ? 'giữ bản sao / keeps a copy' : 'không giữ bản sao / keeps no copy'}\t${when(f.updatedAt)}\t${f.updatedBy}\n`);
  });
}

export async function runSendLimit(dataDir: string, action: string, address: string | undefined, o: { reason?: string; json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    if (action === 'list') {
      const holds = await app.sendLimits.holds();
      if (o.json) return void process.stdout.write(JSON.stringify(holds, null, 2) + '\n');
      for (const h of holds) process.stdout.write(`${h.username}\tTẠM GIỮ / HELD\t${when(h.heldAt)}\t${h.messages} thư / messages\t${h.recipients} người nhận / recipients\t${h.limitKind}\n`);
      process.stdout.write(`(${holds.length} tài khoản bị tạm giữ / held accounts)\n`);
      return;
    }
    if (!address) throw new Error('Thiếu địa chỉ / the address is required');
    const a = await accountOf(app, address);
    if (action === 'show') {
      const hold = await app.sendLimits.holdOf(a.id);
      const held = hold ? await app.queue.heldOf(a.id) : [];
      if (o.json) return void process.stdout.write(JSON.stringify({ account: a.username, held: !!hold, hold, heldMessages: held }) + '\n');
      if (!hold) process.stdout.write(`${a.username}: không bị tạm giữ / not held\n`);
      else
        process.stdout.write(
          `${a.username}: TẠM GIỮ / HELD từ / since ${when(hold.heldAt)} (${hold.messages} thư / messages, ${hold.recipients} người nhận / recipients); thư đang giữ / held mail: ${held.map((i) => `#${i}`).join(' ') || '-'}\n`,
        );
      return;
    }
    if (action === 'hold') {
      const now = await app.sendLimits.hold(a, cliActor(), o.reason ?? '');
      process.stdout.write(now ? `Đã tạm giữ thư gửi đi của ${a.username} / ${a.username} held for sending\n` : `${a.username} đã bị tạm giữ từ trước / was held already\n`);
      return;
    }
    if (action === 'clear') {
      const released = await app.sendLimits.clear(a, cliActor(), o.reason ?? '');
      process.stdout.write(
        `Đã gỡ tạm giữ ${a.username}, cho gửi ${released.length} thư / hold lifted, ${released.length} messages released${released.length ? `: ${released.map((i) => `#${i}`).join(' ')}` : ''}\n`,
      );
      return;
    }
    throw new Error(`Không rõ thao tác / unknown action: ${action} (list|show|hold|clear)`);
  });
}

export async function runFreeMailReport(dataDir: string, o: { from?: string; to?: string; json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const to = o.to ?? dayOf(Date.now());
    const from = o.from ?? dayOf(Date.now() - 30 * 86400_000);
    const rows = await app.freeMail.report(from, to);
    if (o.json) return void process.stdout.write(JSON.stringify({ from, to, units: rows }, null, 2) + '\n');
    process.stdout.write(`Thư trao đổi với hộp thư miễn phí / mail exchanged with free-mail, ${from} .. ${to}\n`);
    process.stdout.write('đơn vị / unit\tnhận / in\tgửi / out\n');
    for (const r of rows) process.stdout.write(`${r.unitCode ?? '-'} ${r.unitName ?? '(không thuộc đơn vị / no unit)'}\t${r.in}\t${r.out}\n`);
  });
}
