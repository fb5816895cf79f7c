// Owns: CLOSE (RFC 3501 6.4.2: silently expunges \Deleted unless read-only) and UNSELECT (RFC 3691).
import { SELECTED, type CommandSpec } from './types.ts';

export const close: CommandSpec<'CLOSE', SELECTED> = {
  states: SELECTED,
  async handle(s) {
    const sel = s.selected;
    if (!sel.readOnly && sel.access !== 'read') await s.store.expunge(sel.info.id);
    s.select(null);
  },
};

export const unselect: CommandSpec<'UNSELECT', SELECTED> = {
  states: SELECTED,
  async handle(s) {
    s.select(null);
  },
};
