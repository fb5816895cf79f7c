// Owns: STATUS mailbox (items) and the status-att list it shares with
// LIST … RETURN (STATUS (…)) (RFC 5819).

import { ParseError, describeToken } from '../errors.ts';
import { readMailbox } from '../mailbox-name.ts';
import type { Reader } from '../tokenizer.ts';
import type { StatusCommand, StatusItem } from '../types.ts';
import type { CommandParser } from './context.ts';

const STATUS_ITEMS: ReadonlySet<string> = new Set<StatusItem>(['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'HIGHESTMODSEQ', 'SIZE']);

/** "(" status-att *(SP status-att) ")" — duplicates dropped, order kept. */
export function readStatusItems(r: Reader): StatusItem[] {
  const items = r.list(
    'status item',
    () => {
      const item = r.keyword('status item');
      if (!STATUS_ITEMS.has(item)) throw new ParseError(`Unknown status item ${describeToken(item)}`);
      return item as StatusItem;
    },
    false,
  );
  return [...new Set(items)];
}

export const parseStatus: CommandParser = (r, { tag }): StatusCommand => {
  r.sp('mailbox name');
  const mailbox = readMailbox(r);
  r.sp('status items');
  return { name: 'STATUS', tag, mailbox, items: readStatusItems(r) };
};
