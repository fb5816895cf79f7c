// Folder management: CREATE (with RFC 6154 USE), DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE.
import { AUTHENTICATED, type CommandSpec } from './types.ts';
import { ImapError } from '../session.ts';
import { SPECIAL_USES } from '../../core/mailboxes.ts';

export const create: CommandSpec<'CREATE'> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    if (cmd.mailbox.toUpperCase() === 'INBOX') throw new ImapError('NO', 'INBOX đã tồn tại / INBOX already exists', 'ALREADYEXISTS');
    const use = cmd.specialUse[0] ?? null;
    if (cmd.specialUse.length > 1 || (use && !SPECIAL_USES.includes(use))) throw new ImapError('NO', 'Thuộc tính đặc biệt không hỗ trợ / unsupported special-use', 'USEATTR');
    await s.app.store.createMailbox(s.account!.id, cmd.mailbox, use);
  },
};

export const del: CommandSpec<'DELETE'> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    if (s.selected && s.selected.info.name === (await s.app.store.getMailbox(s.account!.id, cmd.mailbox))?.name) s.select(null);
    await s.app.store.deleteMailbox(s.account!.id, cmd.mailbox);
  },
};

export const rename: CommandSpec<'RENAME'> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    await s.app.store.renameMailbox(s.account!.id, cmd.from, cmd.to);
  },
};

export const subscribe: CommandSpec<'SUBSCRIBE' | 'UNSUBSCRIBE'> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    await s.app.store.setSubscribed(s.account!.id, cmd.mailbox, cmd.name === 'SUBSCRIBE');
  },
};
