// Owns: ACL (RFC 4314), read-only: what a session may do on a folder, in RFC 4314 letters, derived from
// its delegation (mailbox-names.ts). Clients use MYRIGHTS to show a shared folder as read-only.
// The owner sees who else has access (GETACL). Rights are given by the administrators
// (`thutin delegate`), so SETACL and DELETEACL are refused with NO [NOPERM].
import { AUTHENTICATED, type CommandSpec } from './types.ts';
import { ImapError, nonexistent } from '../errors.ts';
import type { AuthenticatedContext } from '../context.ts';
import { accessFrom, mayRemoveFolder, resolveFolder, visibleName, type Access } from '../mailbox-names.ts';
import type { MailboxInfo } from '../../core/mailstore.ts';
import { mailboxOnWire } from '../protocol/mutf7.ts';
import { atom, type ImapValue } from '../protocol/value.ts';

/** RFC 4314 rights: l lookup, r read, s \Seen, w flags, i insert, p post, k create, x delete folder, t \Deleted, e expunge, a admin. */
export function aclRights(access: Access, mb: MailboxInfo): string {
  if (access === 'read') return 'lr'; // selected read-only: not even \Seen (issue 9)
  const x = mb.name !== 'INBOX' && mayRemoveFolder(access, mb) ? 'x' : ''; // INBOX is never deleted
  return `lrswipk${x}te${access === 'owner' ? 'a' : ''}`;
}

async function found(s: AuthenticatedContext, name: string) {
  const f = await resolveFolder(s, name);
  if (!f) throw nonexistent();
  return f;
}

export const myrights: CommandSpec<'MYRIGHTS', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    const { target, mb } = await found(s, cmd.mailbox);
    s.untagged([atom('MYRIGHTS'), mailboxOnWire(visibleName(target.owner, mb.name), s.enabled.has('UTF8=ACCEPT')), atom(aclRights(target.access, mb))]);
  },
};

export const getacl: CommandSpec<'GETACL', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    const { target, mb } = await found(s, cmd.mailbox);
    if (target.access !== 'owner') throw new ImapError('NO', 'Chỉ chủ hộp thư xem được quyền / only the owner may read the ACL', 'NOPERM');
    const entries: ImapValue[] = [s.account.username, atom(aclRights('owner', mb))];
    for (const d of await s.delegations.list(s.account.username)) {
      const access = accessFrom(d.rights);
      if (access) entries.push(d.grantee, atom(aclRights(access, mb)));
    }
    s.untagged([atom('ACL'), mailboxOnWire(visibleName(target.owner, mb.name), s.enabled.has('UTF8=ACCEPT')), ...entries]);
  },
};

export const listrights: CommandSpec<'LISTRIGHTS', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    const { target, mb } = await found(s, cmd.mailbox);
    // Granted as two groups: reading (lr) and managing (the rest).
    s.untagged([atom('LISTRIGHTS'), mailboxOnWire(visibleName(target.owner, mb.name), s.enabled.has('UTF8=ACCEPT')), cmd.identifier, '', atom('lr'), atom('swipkxte')]);
  },
};

export const setacl: CommandSpec<'SETACL' | 'DELETEACL', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle() {
    throw new ImapError('NO', 'Quyền hộp thư do quản trị viên cấp (thutin delegate) / mailbox rights are granted by the administrators', 'NOPERM');
  },
};
