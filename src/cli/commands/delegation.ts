// `thutin delegate grant|revoke|list`: delegation of a mailbox (usually a unit mailbox, R8) from
// the server's shell — who may read it, send as it, send on its behalf or manage it. Actions are
// audited with the operating-system user as actor and the authorising document as reason.
import { withApp, cliActor } from './common.ts';
import { parseRights } from '../../core/delegations.ts';
import { ThutinError } from '../../core/errors.ts';

/** The audit context: the OS user and the authorising document (required, never blank). */
function ctxOf(o: { reason?: string }): { actor: string; reason: string } {
  const reason = (o.reason ?? '').trim();
  if (!reason) throw new ThutinError('REASON_REQUIRED');
  return { actor: cliActor(), reason };
}

export async function runDelegateGrant(dataDir: string, owner: string, grantee: string, o: { rights: string; reason?: string }): Promise<void> {
  const rights = parseRights(o.rights);
  const ctx = ctxOf(o);
  await withApp(dataDir, async (app) => {
    await app.delegations.grant(owner, grantee, rights, ctx);
    process.stdout.write(`Đã uỷ quyền / granted: ${grantee.toLowerCase()} → ${owner.toLowerCase()}: ${rights.join(', ')}\n`);
  });
}

export async function runDelegateRevoke(dataDir: string, owner: string, grantee: string, o: { reason?: string }): Promise<void> {
  await withApp(dataDir, async (app) => {
    await app.delegations.revoke(owner, grantee, ctxOf(o));
    process.stdout.write(`Đã thu hồi / revoked: ${grantee.toLowerCase()} → ${owner.toLowerCase()}\n`);
  });
}

export async function runDelegateList(dataDir: string, owner: string, o: { json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const list = await app.delegations.list(owner);
    if (o.json) {
      process.stdout.write(JSON.stringify(list, null, 2) + '\n');
      return;
    }
    for (const d of list) process.stdout.write(`${d.grantee}\t${d.rights.join(',')}\n`);
    process.stdout.write(`(${list.length} người được uỷ quyền / delegates)\n`);
  });
}
