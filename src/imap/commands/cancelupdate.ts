// Owns: CANCELUPDATE (RFC 5267 4.3.5): the live results of the named SEARCH/SORT … RETURN (UPDATE)
// stop being updated. A tag with no live result is BAD, as Dovecot answers it.
import { SELECTED, type CommandSpec } from './types.ts';
import { ImapError } from '../errors.ts';

export const cancelupdate: CommandSpec<'CANCELUPDATE', SELECTED> = {
  states: SELECTED,
  async handle(s, cmd) {
    const unknown = cmd.tags.filter((t) => !s.selected.contexts.has(t));
    if (unknown.length) throw new ImapError('BAD', `Không có kết quả đang cập nhật với thẻ này / no live search with tag "${unknown[0].replace(/["\\]/g, '')}"`);
    for (const t of cmd.tags) s.selected.contexts.cancel(t);
  },
};
