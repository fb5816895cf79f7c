// Owns: the single-mailbox management commands — CREATE mailbox
// [(USE (\Sent …))] (RFC 6154), DELETE, RENAME old new, SUBSCRIBE, UNSUBSCRIBE.

import { ParseError, describeToken } from '../errors.ts';
import { readMailbox } from '../mailbox-name.ts';
import type { Reader } from '../tokenizer.ts';
import type { CreateCommand, MailboxCommand, RenameCommand } from '../types.ts';
import type { CommandContext, CommandParser } from './context.ts';

const SPECIAL_USE: ReadonlyMap<string, string> = new Map(['\\All', '\\Archive', '\\Drafts', '\\Flagged', '\\Junk', '\\Sent', '\\Trash', '\\Important'].map((a) => [a.toUpperCase(), a]));

/** A special-use attribute: "\" atom, known ones canonically capitalised. */
function readUseAttribute(r: Reader): string {
  if (!r.tryByte(0x5c)) throw new ParseError('Invalid special-use attribute');
  const name = `\\${r.atom('special-use attribute')}`;
  return SPECIAL_USE.get(name.toUpperCase()) ?? name;
}

export const parseCreate: CommandParser = (r, { tag }): CreateCommand => {
  r.sp('mailbox name');
  const mailbox = readMailbox(r);
  let specialUse: string[] = [];
  if (r.more()) {
    r.sp('CREATE parameters');
    r.list(
      'CREATE parameter',
      () => {
        const param = r.keyword('CREATE parameter');
        if (param !== 'USE') throw new ParseError(`Unknown CREATE parameter ${describeToken(param)}`);
        r.sp('USE attributes');
        specialUse = r.list('special-use attribute', () => readUseAttribute(r));
      },
      false,
    );
  }
  return { name: 'CREATE', tag, mailbox, specialUse };
};

export function parseMailboxCommand(name: MailboxCommand['name']) {
  return (r: Reader, { tag }: CommandContext): MailboxCommand => {
    r.sp('mailbox name');
    return { name, tag, mailbox: readMailbox(r) };
  };
}

export const parseRename: CommandParser = (r, { tag }): RenameCommand => {
  r.sp('existing mailbox name');
  const from = readMailbox(r, 'existing mailbox name');
  r.sp('new mailbox name');
  const to = readMailbox(r, 'new mailbox name');
  return { name: 'RENAME', tag, from, to };
};
