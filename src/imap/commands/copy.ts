// Owns: COPY, MOVE and their UID forms (RFC 3501 6.4.7, RFC 6851, COPYUID from RFC 4315).
import { SELECTED, type CommandSpec } from './types.ts';
import { noPermission, nonexistent, readOnlyMailbox } from '../errors.ts';
import { resolveUids } from '../sequence.ts';
import { formatSequenceSet } from '../parser/sequence-set.ts';
import { resolveFolder } from '../mailbox-names.ts';

export const copy: CommandSpec<'COPY' | 'MOVE', SELECTED> = {
  states: SELECTED,
  async handle(s, cmd) {
    const sel = s.selected;
    const move = cmd.name === 'MOVE';
    if (move && sel.access === 'read') throw noPermission();
    if (move && sel.readOnly) throw readOnlyMailbox();
    const found = await resolveFolder(s, cmd.mailbox);
    if (!found) throw nonexistent('TRYCREATE');
    if (found.target.access === 'read') throw noPermission();
    const dst = found.mb;
    const uids = resolveUids(sel, cmd.sequence, cmd.uid);
    if (!uids.length) return move ? 'MOVE: không có thư nào / no messages' : 'COPY: không có thư nào / no messages';
    const r = move ? await s.store.move(sel.info.id, uids, dst.id) : await s.store.copy(sel.info.id, uids, dst.id);
    const code = `COPYUID ${r.uidvalidity} ${formatSequenceSet(r.pairs.map((p) => p[0]))} ${formatSequenceSet(r.pairs.map((p) => p[1]))}`;
    if (!move) return `[${code}] COPY hoàn tất / completed`;
    s.untagged(`OK [${code}] Đã chuyển / moved`);
    for (const line of sel.expungeResponses(r.pairs.map((p) => p[0]))) s.untagged(line);
    return 'MOVE hoàn tất / completed';
  },
};
