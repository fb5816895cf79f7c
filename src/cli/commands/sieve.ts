// `thutin sieve list|show|put|activate|deactivate|delete <address> [name]`: an account's Sieve
// scripts (core/sieve-scripts.ts) from the server's shell, for administrators — setting a leaver's
// automatic reply, removing a broken filter. Changes are made for someone else, so each is audited
// (sieve.put, sieve.activate, sieve.delete) with the operating-system user as actor and the
// required `--reason` (the request or document). `put` reads the script from `--file` or stdin.
import fs from 'node:fs';
import { withApp, cliActor } from './common.ts';
import { ThutinError } from '../../core/errors.ts';
import type { App } from '../../app.ts';
import type { SieveActor } from '../../core/sieve-scripts.ts';

async function accountOf(app: App, address: string): Promise<{ id: number; username: string }> {
  const a = await app.accounts.byAddress(app.domains.canonical(address.trim().toLowerCase()));
  if (!a) throw new ThutinError('ACCOUNT_NOT_FOUND', address);
  return a;
}

function actor(owner: string, reason: string | undefined): SieveActor {
  const r = (reason ?? '').trim();
  if (!r) throw new ThutinError('VALIDATION_FAILED', '--reason');
  return { actor: cliActor(), owner, self: false, reason: r };
}

async function readScript(file: string | undefined): Promise<string> {
  if (file && file !== '-') return fs.readFileSync(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function requireName(name: string | undefined): string {
  if (!name) throw new ThutinError('VALIDATION_FAILED', 'name');
  return name;
}

export async function runSieve(dataDir: string, action: string, address: string, name: string | undefined, o: { file?: string; reason?: string; json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const a = await accountOf(app, address);
    const s = app.sieveScripts;
    switch (action) {
      case 'list': {
        const rows = await s.list(a.id);
        if (o.json) {
          process.stdout.write(
            JSON.stringify(
              rows.map((r) => ({ ...r, updatedAt: new Date(r.updatedAt).toISOString() })),
              null,
              2,
            ) + '\n',
          );
          return;
        }
        for (const r of rows) process.stdout.write(`${r.active ? '*' : ' '} ${r.name}\t${r.size} byte\t${new Date(r.updatedAt).toISOString()}\n`);
        process.stdout.write(`(${rows.length} kịch bản / scripts; * đang dùng / active)\n`);
        return;
      }
      case 'show':
        process.stdout.write(await s.get(a.id, requireName(name)));
        return;
      case 'put': {
        const who = actor(a.username, o.reason);
        const n = requireName(name);
        await s.put(a.id, n, await readScript(o.file), who);
        process.stdout.write(`Đã lưu kịch bản / script stored: ${n} (${a.username})\n`);
        return;
      }
      case 'activate': {
        const n = requireName(name);
        await s.activate(a.id, n, actor(a.username, o.reason));
        process.stdout.write(`Đang dùng / active: ${n} (${a.username})\n`);
        return;
      }
      case 'deactivate':
        await s.activate(a.id, null, actor(a.username, o.reason));
        process.stdout.write(`Không còn kịch bản nào được dùng / no active script (${a.username})\n`);
        return;
      case 'delete': {
        const n = requireName(name);
        await s.delete(a.id, n, actor(a.username, o.reason));
        process.stdout.write(`Đã xoá kịch bản / script deleted: ${n} (${a.username})\n`);
        return;
      }
      default:
        throw new ThutinError('VALIDATION_FAILED', `${action}: list | show | put | activate | deactivate | delete`);
    }
  });
}
