// `thutin spam allow|block|list|remove <account> …`: a recipient's spam allow and block lists
// (core/spam-lists.ts) from the server's shell. An entry is a sender address or a domain. Changes
// are audited with the operating-system user as actor (`--reason`: the request or document, if any).
import { withApp, cliActor } from './common.ts';
import { ThutinError } from '../../core/errors.ts';
import type { App } from '../../app.ts';

async function accountOf(app: App, address: string): Promise<{ id: number; username: string }> {
  const a = await app.accounts.byAddress(app.domains.canonical(address.trim().toLowerCase()));
  if (!a) throw new ThutinError('ACCOUNT_NOT_FOUND', address);
  return a;
}

export async function runSpamSet(dataDir: string, kind: 'allow' | 'block', account: string, entry: string, o: { reason?: string }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const a = await accountOf(app, account);
    const row = await app.spamLists.set(a.id, a.username, kind, entry, { actor: cliActor(), reason: (o.reason ?? '').trim() });
    process.stdout.write(kind === 'allow' ? `Đã cho phép / allowed: ${row.entry} → ${a.username}\n` : `Đã chặn / blocked (Junk): ${row.entry} → ${a.username}\n`);
  });
}

export async function runSpamRemove(dataDir: string, account: string, entry: string, o: { reason?: string }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const a = await accountOf(app, account);
    await app.spamLists.remove(a.id, a.username, entry, { actor: cliActor(), reason: (o.reason ?? '').trim() });
    process.stdout.write(`Đã bỏ / removed: ${entry.trim().toLowerCase()} (${a.username})\n`);
  });
}

export async function runSpamList(dataDir: string, account: string, o: { json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const a = await accountOf(app, account);
    const rows = await app.spamLists.list(a.id);
    if (o.json) {
      process.stdout.write(
        JSON.stringify(
          rows.map((r) => ({ kind: r.kind, entry: r.entry, createdAt: new Date(r.createdAt).toISOString(), createdBy: r.createdBy })),
          null,
          2,
        ) + '\n',
      );
      return;
    }
    for (const r of rows) process.stdout.write(`${r.kind}\t${r.entry}\t${new Date(r.createdAt).toISOString()}\t${r.createdBy}\n`);
    process.stdout.write(`(${rows.length} mục / entries)\n`);
  });
}
