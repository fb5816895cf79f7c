// EXPUNGE and UID EXPUNGE (RFC 3501 6.4.3, RFC 4315 2.1).
import { SELECTED, type CommandSpec } from './types.ts';
import { ImapError } from '../session.ts';
import { resolveUids } from '../sequence.ts';

export const expunge: CommandSpec<'EXPUNGE'> = {
  states: SELECTED,
  async handle(s, cmd) {
    const sel = s.selected!;
    if (sel.readOnly) throw new ImapError('NO', 'Thư mục chỉ đọc / mailbox is read-only', 'READ-ONLY');
    if (sel.access === 'read') throw new ImapError('NO', 'Không có quyền với thư mục được chia sẻ này / not permitted on this shared mailbox', 'NOPERM');
    const only = cmd.uid ? resolveUids(sel, cmd.sequence, true) : undefined;
    const gone = await s.app.store.expunge(sel.info.id, only);
    for (const line of sel.expungeResponses(gone)) s.untagged(line);
  },
};
