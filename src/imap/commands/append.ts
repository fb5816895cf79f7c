// Owns: APPEND (RFC 3501 6.3.11) with UIDPLUS's APPENDUID (RFC 4315) and CATENATE (RFC 4469,
// built by ../catenate.ts). The literal is stored byte-exact.
import { AUTHENTICATED, type CommandSpec } from './types.ts';
import { ImapError, noPermission, nonexistent } from '../errors.ts';
import { resolveFolder } from '../mailbox-names.ts';
import { catenate } from '../catenate.ts';

export const append: CommandSpec<'APPEND', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    const store = s.store;
    const found = await resolveFolder(s, cmd.mailbox);
    if (!found) throw nonexistent('TRYCREATE');
    const { mb, target } = found;
    if (target.access === 'read') throw noPermission();
    const message = cmd.catenate ? await catenate(s, cmd.catenate, s.limits.maxMessageSize) : cmd.message;
    if (message.length > s.limits.maxMessageSize) throw new ImapError('NO', 'Thư quá lớn / message too big', 'TOOBIG');
    // The owner's quota counts (a shared folder fills its owner's mailbox).
    const owner = target.owner === null ? s.account : await s.accounts.byId(target.ownerAccountId);
    const used = await s.accounts.usageBytes(target.ownerAccountId);
    if (!owner || used + message.length > owner.quotaBytes) throw new ImapError('NO', 'Hộp thư đã đầy / over quota', 'OVERQUOTA');
    // Into the folder this session has selected read-write: the new message is \Recent to it alone (RFC 3501 6.3.11).
    const sel = s.selected && s.selected.info.id === mb.id && !s.selected.readOnly ? s.selected : null;
    const d = await store.append(target.ownerAccountId, mb.name, message, cmd.flags, cmd.date ?? undefined, { claimRecent: sel !== null, zone: cmd.dateZone ?? 0 });
    if (sel && d.recent) sel.addRecent(d.recent.from, d.recent.to);
    return `[APPENDUID ${d.uidvalidity} ${d.uid}] APPEND hoàn tất / completed`;
  },
};
