// Owns: the ACL commands (RFC 4314) — MYRIGHTS mailbox, GETACL mailbox, LISTRIGHTS mailbox
// identifier, SETACL mailbox identifier mod-rights, DELETEACL mailbox identifier.

import { readMailbox } from '../mailbox-name.ts';
import type { Reader } from '../tokenizer.ts';
import type { AclIdentifierCommand, AclMailboxCommand } from '../types.ts';
import type { CommandContext } from './context.ts';

export function parseAclMailbox(name: AclMailboxCommand['name']) {
  return (r: Reader, { tag }: CommandContext): AclMailboxCommand => {
    r.sp('mailbox name');
    return { name, tag, mailbox: readMailbox(r) };
  };
}

export function parseAclIdentifier(name: AclIdentifierCommand['name']) {
  return (r: Reader, { tag }: CommandContext): AclIdentifierCommand => {
    r.sp('mailbox name');
    const mailbox = readMailbox(r);
    r.sp('identifier');
    const identifier = r.astringText('identifier');
    let rights = '';
    if (name === 'SETACL') {
      r.sp('rights');
      rights = r.astringText('rights');
    }
    return { name, tag, mailbox, identifier, rights };
  };
}
