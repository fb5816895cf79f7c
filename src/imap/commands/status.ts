// Owns: STATUS (RFC 3501 6.3.10, with HIGHESTMODSEQ from RFC 7162 and SIZE from RFC 8438).
import { AUTHENTICATED, type CommandSpec } from './types.ts';
import { nonexistent } from '../errors.ts';
import type { ImapStore } from '../context.ts';
import type { MailboxInfo } from '../../core/mailstore.ts';
import type { StatusItem } from '../parser/types.ts';
import { encodeMailboxName } from '../protocol/mutf7.ts';
import { atom, type ImapValue } from '../protocol/value.ts';
import { resolveFolder, visibleName } from '../mailbox-names.ts';

export async function statusValues(s: { store: Pick<ImapStore, 'getMailboxById' | 'mailboxCounts'> }, mb: MailboxInfo, items: StatusItem[]): Promise<ImapValue[]> {
  const fresh = (await s.store.getMailboxById(mb.id)) ?? mb;
  const needCounts = items.some((i) => i === 'MESSAGES' || i === 'UNSEEN' || i === 'RECENT' || i === 'SIZE');
  const counts = needCounts ? await s.store.mailboxCounts(mb.id) : null;
  const out: ImapValue[] = [];
  for (const item of items) {
    const v =
      item === 'MESSAGES'
        ? counts!.messages
        : item === 'UNSEEN'
          ? counts!.unseen
          : item === 'RECENT'
            ? counts!.recent
            : item === 'SIZE'
              ? counts!.size
              : item === 'UIDNEXT'
                ? fresh.uidnext
                : item === 'UIDVALIDITY'
                  ? fresh.uidvalidity
                  : fresh.highestModseq;
    out.push(atom(item), v);
  }
  return out;
}

export const status: CommandSpec<'STATUS', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    const found = await resolveFolder(s, cmd.mailbox);
    if (!found) throw nonexistent();
    const { mb, target } = found;
    s.untagged([atom('STATUS'), encodeMailboxName(visibleName(target.owner, mb.name)), await statusValues(s, mb, cmd.items)]);
  },
};
