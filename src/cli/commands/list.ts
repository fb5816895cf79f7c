// `thutin list create|add|remove|show|delete|all`: distribution lists from the server's shell —
// static lists of any addresses, or lists derived from the tree (unit-members, unit-heads), and
// who may post to them. Changes need --reason and are audited with the operating-system user as
// actor; `show` marks members who have left.
import { withApp, cliActor } from './common.ts';
import { LIST_KINDS, SENDER_POLICIES, type ListKind, type SenderPolicy } from '../../directory/lists.ts';
import { ThutinError } from '../../core/errors.ts';

/** The audit context: the OS user and the authorising document (required, never blank). */
function ctxOf(o: { reason?: string }): { actor: string; reason: string } {
  const reason = (o.reason ?? '').trim();
  if (!reason) throw new ThutinError('REASON_REQUIRED');
  return { actor: cliActor(), reason };
}

export async function runListCreate(dataDir: string, address: string, o: { name: string; kind?: string; unit?: string; senders?: string; reason?: string }): Promise<void> {
  const kind = (o.kind ?? 'static') as ListKind;
  if (!LIST_KINDS.includes(kind)) throw new Error(`Loại danh sách không hợp lệ / invalid kind: ${kind} (${LIST_KINDS.join(', ')})`);
  const senders = (o.senders ?? 'local') as SenderPolicy;
  if (!SENDER_POLICIES.includes(senders)) throw new Error(`Chính sách người gửi không hợp lệ / invalid senders: ${senders} (${SENDER_POLICIES.join(', ')})`);
  await withApp(dataDir, async (app) => {
    const l = await app.lists.create({ address, name: o.name, kind, unitCode: o.unit ?? null, senders }, ctxOf(o));
    process.stdout.write(`Đã tạo danh sách / list created: ${l.address} (${kind}, ${senders})\n`);
  });
}

export async function runListMember(dataDir: string, op: 'add' | 'remove', list: string, member: string, o: { sender?: boolean; reason?: string }): Promise<void> {
  const role = o.sender ? 'sender' : 'member';
  await withApp(dataDir, async (app) => {
    if (op === 'add') await app.lists.addMember(list, member, ctxOf(o), role);
    else await app.lists.removeMember(list, member, ctxOf(o), role);
    const what = role === 'sender' ? 'người được gửi / allowed sender' : 'thành viên / member';
    process.stdout.write(`${op === 'add' ? 'Đã thêm / added' : 'Đã bỏ / removed'} ${what}: ${member.toLowerCase()} (${list.toLowerCase()})\n`);
  });
}

export async function runListShow(dataDir: string, address: string, o: { json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const l = await app.lists.get(address);
    if (!l) throw new Error(`Không tìm thấy danh sách thư / distribution list not found: ${address}`);
    // Leavers stay on a static list until removed (mail to them is refused): show them, marked.
    const members = [...new Set([...(await app.lists.expand(l.address)), ...(await app.lists.storedMembers(l.address))])];
    const leavers = await app.lists.leavers(members);
    const senders = await app.lists.senders(l.address);
    const unit = l.unitId === null ? null : await app.directory.getUnit(l.unitId);
    if (o.json) {
      process.stdout.write(JSON.stringify({ ...l, unitCode: unit?.code ?? null, members, leavers: [...leavers], allowedSenders: senders }, null, 2) + '\n');
      return;
    }
    process.stdout.write(`${l.address}\t${l.name}\n`);
    process.stdout.write(`loại / kind: ${l.kind}${unit ? ` (${unit.code} — ${unit.name})` : ''}\n`);
    process.stdout.write(`người gửi / senders: ${l.senders}${senders.length ? `: ${senders.join(', ')}` : ''}\n`);
    for (const m of members) process.stdout.write(`  ${m}${leavers.has(m.toLowerCase()) ? '\t(đã nghỉ việc / left — hãy bỏ khỏi danh sách / remove from the list)' : ''}\n`);
    process.stdout.write(`(${members.length} thành viên / members)\n`);
  });
}

export async function runListAll(dataDir: string, o: { json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const all = await app.lists.list();
    if (o.json) {
      process.stdout.write(JSON.stringify(all, null, 2) + '\n');
      return;
    }
    for (const l of all) process.stdout.write(`${l.address}\t${l.kind}\t${l.senders}\t${l.name}\n`);
    process.stdout.write(`(${all.length} danh sách / lists)\n`);
  });
}

export async function runListDelete(dataDir: string, address: string, o: { reason?: string }): Promise<void> {
  await withApp(dataDir, async (app) => {
    await app.lists.remove(address, ctxOf(o));
    process.stdout.write(`Đã xoá danh sách / list deleted: ${address.toLowerCase()}\n`);
  });
}
