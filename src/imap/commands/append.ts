// APPEND (RFC 3501 6.3.11) with UIDPLUS's APPENDUID (RFC 4315). The literal is stored byte-exact.
import { AUTHENTICATED, type CommandSpec } from './types.ts';
import { ImapError } from '../session.ts';
import { resolveFolder } from '../mailbox-names.ts';

export const append: CommandSpec<'APPEND'> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    const store = s.app.store;
    const found = await resolveFolder(s, cmd.mailbox);
    if (!found) throw new ImapError('NO', 'Không tìm thấy thư mục / mailbox does not exist', 'TRYCREATE');
    const { mb, target } = found;
    if (target.access === 'read') throw new ImapError('NO', 'Không có quyền với thư mục được chia sẻ này / not permitted on this shared mailbox', 'NOPERM');
    if (cmd.message.length > s.app.config.smtp.maxMessageSize) throw new ImapError('NO', 'Thư quá lớn / message too big', 'TOOBIG');
    // The owner's quota counts (a shared folder fills its owner's mailbox).
    const owner = target.owner === null ? s.account! : await s.app.accounts.byId(target.ownerAccountId);
    const used = await s.app.accounts.usageBytes(target.ownerAccountId);
    if (!owner || used + cmd.message.length > owner.quotaBytes) throw new ImapError('NO', 'Hộp thư đã đầy / over quota', 'OVERQUOTA');
    const d = await store.append(target.ownerAccountId, mb.name, cmd.message, cmd.flags, cmd.date ?? undefined);
    return `[APPENDUID ${d.uidvalidity} ${d.uid}] APPEND hoàn tất / completed`;
  },
};
