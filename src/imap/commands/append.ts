// APPEND (RFC 3501 6.3.11) with UIDPLUS's APPENDUID (RFC 4315). The literal is stored byte-exact.
import { AUTHENTICATED, type CommandSpec } from './types.ts';
import { ImapError } from '../session.ts';

export const append: CommandSpec<'APPEND'> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    const store = s.app.store;
    const mb = await store.getMailbox(s.account!.id, cmd.mailbox);
    if (!mb) throw new ImapError('NO', 'Không tìm thấy thư mục / mailbox does not exist', 'TRYCREATE');
    if (cmd.message.length > s.app.config.smtp.maxMessageSize) throw new ImapError('NO', 'Thư quá lớn / message too big', 'TOOBIG');
    const used = await s.app.accounts.usageBytes(s.account!.id);
    if (used + cmd.message.length > s.account!.quotaBytes) throw new ImapError('NO', 'Hộp thư đã đầy / over quota', 'OVERQUOTA');
    const d = await store.append(s.account!.id, mb.name, cmd.message, cmd.flags, cmd.date ?? undefined);
    return `[APPENDUID ${d.uidvalidity} ${d.uid}] APPEND hoàn tất / completed`;
  },
};
