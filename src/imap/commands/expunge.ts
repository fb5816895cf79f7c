// Owns: EXPUNGE and UID EXPUNGE (RFC 3501 6.4.3, RFC 4315 2.1).
import { SELECTED, type CommandSpec } from './types.ts';
import { noPermission, readOnlyMailbox } from '../errors.ts';
import { resolveUids } from '../sequence.ts';

export const expunge: CommandSpec<'EXPUNGE', SELECTED> = {
  states: SELECTED,
  async handle(s, cmd) {
    const sel = s.selected;
    if (sel.access === 'read') throw noPermission();
    if (sel.readOnly) throw readOnlyMailbox();
    const only = cmd.uid ? resolveUids(sel, cmd.sequence, true) : undefined;
    const gone = await s.store.expunge(sel.info.id, only);
    for (const line of sel.expungeResponses(gone)) s.untagged(line);
  },
};
