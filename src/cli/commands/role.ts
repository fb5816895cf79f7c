// `thutin role grant|revoke|list`: role assignments from the server's shell. The first system
// administrator is made here (`thutin role grant admin@… sysadmin --reason "QĐ …"`); after that
// the admin API can do the rest. Actions are audited with the operating-system user as actor.
import { withApp, cliActor } from './common.ts';
import { isAssignableRole, type Role } from '../../core/roles.ts';

function checkRole(role: string): Role {
  if (!isAssignableRole(role)) {
    throw new Error(`Vai trò không hợp lệ / invalid role: ${role} (sysadmin, directory-manager, agency-head, agency-clerk, auditor)`);
  }
  return role;
}

export async function runRoleGrant(dataDir: string, address: string, role: string, o: { unit?: string; reason?: string }): Promise<void> {
  const r = checkRole(role);
  await withApp(dataDir, async (app) => {
    await app.roles.grant(address, r, o.unit ?? null, { actor: cliActor(), ...(o.reason ? { reason: o.reason } : {}) });
    process.stdout.write(`Đã cấp / granted: ${address.toLowerCase()} ${r}${o.unit ? ` @ ${o.unit.toUpperCase()}` : ''}\n`);
  });
}

export async function runRoleRevoke(dataDir: string, address: string, role: string, o: { unit?: string; reason?: string }): Promise<void> {
  const r = checkRole(role);
  await withApp(dataDir, async (app) => {
    await app.roles.revoke(address, r, o.unit ?? null, { actor: cliActor(), ...(o.reason ? { reason: o.reason } : {}) });
    process.stdout.write(`Đã thu hồi / revoked: ${address.toLowerCase()} ${r}${o.unit ? ` @ ${o.unit.toUpperCase()}` : ''}\n`);
  });
}

export async function runRoleList(dataDir: string, address: string | undefined, o: { json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const list = await app.roles.list(address);
    if (o.json) {
      process.stdout.write(JSON.stringify(list, null, 2) + '\n');
      return;
    }
    for (const a of list) {
      process.stdout.write(`${a.account}\t${a.role}\t${a.unitCode ?? '(toàn tỉnh / province)'}\t${a.grantedBy}\t${new Date(a.createdAt).toISOString()}\n`);
    }
    process.stdout.write(`(${list.length} phân quyền / role assignments)\n`);
  });
}
