// Owns: STATUS (RFC 3501 6.3.10, with HIGHESTMODSEQ from RFC 7162 and SIZE from RFC 8438).
import { AUTHENTICATED, type CommandSpec } from './types.ts';
import { nonexistent } from '../errors.ts';
import type { ImapStore } from '../context.ts';
import type { MailboxInfo } from '../../core/mailstore.ts';
import type { StatusItem } from '../parser/types.ts';
import { mailboxOnWire } from '../protocol/mutf7.ts';
import { atom, type ImapValue } from '../protocol/value.ts';
import { resolveFolder, visibleName } from '../mailbox-names.ts';

/**
 * The STATUS items of a folder, all from one read of the store (one snapshot): MESSAGES, UNSEEN and
 * UIDNEXT agree even while another session appends.
 */
export async function statusValues(s: { store: Pick<ImapStore, 'mailboxCounts'> }, mb: MailboxInfo, items: StatusItem[]): Promise<ImapValue[]> {
  const st = await s.store.mailboxCounts(mb.id);
  if (!st) throw nonexistent();
  const out: ImapValue[] = [];
  for (const item of items) {
    const v =
      item === 'MESSAGES'
        ? st.messages
        : item === 'UNSEEN'
          ? st.unseen
          : item === 'RECENT'
            ? st.recent
            : item === 'SIZE'
              ? st.size
              : item === 'UIDNEXT'
                ? st.uidnext
                : item === 'UIDVALIDITY'
                  ? st.uidvalidity
                  : st.highestModseq;
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
    // STATUS of the selected folder: the session first hears what changed (EXISTS before a larger MESSAGES).
    if (s.selected?.info.id === mb.id) await s.flushUpdates();
    s.untagged([atom('STATUS'), mailboxOnWire(visibleName(target.owner, mb.name), s.enabled.has('UTF8=ACCEPT')), await statusValues(s, mb, cmd.items)]);
  },
};
