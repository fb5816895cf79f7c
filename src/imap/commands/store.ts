// Owns: STORE and UID STORE (RFC 3501 6.4.6, UNCHANGEDSINCE from RFC 7162 3.1.3).
import { SELECTED, type CommandSpec } from './types.ts';
import { noPermission, readOnlyMailbox } from '../errors.ts';
import { resolveUids } from '../sequence.ts';
import { toFlagSet } from '../../core/flags.ts';
import { formatSequenceSet } from '../parser/sequence-set.ts';
import { atom, type ImapValue } from '../protocol/value.ts';

export const store: CommandSpec<'STORE', SELECTED> = {
  states: SELECTED,
  async handle(s, cmd) {
    const sel = s.selected;
    // A read-only delegate's folder is selected read-only: no flag changes, \Seen included.
    if (sel.access === 'read') throw noPermission();
    if (sel.readOnly) throw readOnlyMailbox();
    if (cmd.unchangedSince !== null) {
      const enabled = sel.enableCondstore();
      s.enabled.add('CONDSTORE');
      if (enabled) s.untagged(enabled);
    }
    const uids = resolveUids(sel, cmd.sequence, cmd.uid);
    const flags = toFlagSet(cmd.flags);
    const r = await s.store.storeFlags(sel.info.id, uids, cmd.operation, flags, cmd.unchangedSince === null ? undefined : Number(cmd.unchangedSince));
    const lines: Array<ImapValue[] | string> = sel.announceKeywords(r.updated);
    sel.ownChange(r.modseq, r.updated);
    for (const m of r.updated) {
      // .SILENT suppresses the echo, except that CONDSTORE clients still learn the new MODSEQ.
      if (cmd.silent && !(sel.condstore && cmd.unchangedSince !== null)) continue;
      const seq = sel.seqOf(m.uid);
      if (!seq) continue;
      const items: ImapValue[] = [];
      if (!cmd.silent) items.push(atom('FLAGS'), sel.flagList(m));
      if (cmd.uid) items.push(atom('UID'), m.uid);
      if (sel.condstore) items.push(atom('MODSEQ'), [m.modseq]);
      lines.push([seq, atom('FETCH'), items]);
    }
    s.untaggedBatch(lines);
    if (r.modified.length) {
      const set = cmd.uid ? r.modified : r.modified.map((u) => sel.seqOf(u));
      return `[MODIFIED ${formatSequenceSet(set)}] Một số thư đã bị thay đổi / some messages were modified`;
    }
  },
};
