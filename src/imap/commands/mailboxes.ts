// Owns: Folder management: CREATE (with RFC 6154 USE), DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE.
// Names are resolved through mailbox-names.ts: in the shared namespace a delegate with `manage`
// works on the owner's folders (never deleting or renaming INBOX or special folders); `read`
// may change nothing.
import { AUTHENTICATED, type CommandSpec } from './types.ts';
import { ImapError, noPermission as noPerm, nonexistent } from '../errors.ts';
import type { AuthenticatedContext } from '../context.ts';
import { SPECIAL_USES } from '../../core/mailboxes.ts';
import { mayRemoveFolder, resolveFolder, resolveName, type FolderTarget } from '../mailbox-names.ts';

/** The folder target a new name stands for, where the session may create folders. */
async function writableTarget(s: AuthenticatedContext, name: string): Promise<FolderTarget> {
  const t = await resolveName(s, name);
  if (!t || t.kind !== 'folder' || t.access === 'read') throw noPerm();
  return t;
}

export const create: CommandSpec<'CREATE', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    const t = await writableTarget(s, cmd.mailbox.endsWith('/') ? cmd.mailbox.slice(0, -1) : cmd.mailbox);
    if (t.folder.toUpperCase() === 'INBOX') throw new ImapError('NO', 'INBOX đã tồn tại / INBOX already exists', 'ALREADYEXISTS');
    const use = cmd.specialUse[0] ?? null;
    if (cmd.specialUse.length > 1 || (use && !SPECIAL_USES.includes(use))) throw new ImapError('NO', 'Thuộc tính đặc biệt không hỗ trợ / unsupported special-use', 'USEATTR');
    await s.store.createMailbox(t.ownerAccountId, t.folder, use);
    s.accountChanged(t.ownerAccountId);
  },
};

export const del: CommandSpec<'DELETE', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    const found = await resolveFolder(s, cmd.mailbox);
    if (!found) {
      const t = await resolveName(s, cmd.mailbox);
      if (t?.kind === 'level') throw noPerm();
      throw nonexistent();
    }
    if (!mayRemoveFolder(found.target.access, found.mb)) throw noPerm();
    if (s.selected && s.selected.info.id === found.mb.id) s.select(null);
    await s.store.deleteMailbox(found.target.ownerAccountId, found.mb.name);
    s.accountChanged(found.target.ownerAccountId);
  },
};

export const rename: CommandSpec<'RENAME', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    const src = await resolveFolder(s, cmd.from);
    if (!src) throw nonexistent();
    if (!mayRemoveFolder(src.target.access, src.mb)) throw noPerm();
    const dst = await writableTarget(s, cmd.to);
    // A folder stays in its owner's mailbox: no renaming across the shared namespace.
    if (dst.ownerAccountId !== src.target.ownerAccountId) throw noPerm();
    await s.store.renameMailbox(src.target.ownerAccountId, src.mb.name, dst.folder);
    s.accountChanged(src.target.ownerAccountId);
  },
};

export const subscribe: CommandSpec<'SUBSCRIBE' | 'UNSUBSCRIBE', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    const t = await resolveName(s, cmd.mailbox);
    if (!t || t.kind !== 'folder') throw nonexistent();
    // Shared folders are always listed as subscribed; the owner's own subscriptions are not touched.
    if (t.owner !== null) {
      if (!(await resolveFolder(s, cmd.mailbox))) throw nonexistent();
      return;
    }
    // A subscription is a name: UNSUBSCRIBE works on one whose folder was deleted (RFC 3501 6.3.7).
    await s.store.setSubscribed(s.account.id, t.folder, cmd.name === 'SUBSCRIBE');
    s.accountChanged(s.account.id);
  },
};
