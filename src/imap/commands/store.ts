// Owns: STORE and UID STORE (RFC 3501 6.4.6, UNCHANGEDSINCE from RFC 7162 3.1.3); a STORE that
// would change nothing is answered from a read, without a write transaction.
import { SELECTED, type CommandSpec } from './types.ts';
import { noPermission, readOnlyMailbox } from '../errors.ts';
import { resolveUids } from '../sequence.ts';
import { addKeywords, parseKeywords, removeKeywords, toFlagSet, type FlagSet } from '../../core/flags.ts';
import type { MessageMeta } from '../../core/mailstore.ts';
import { formatSequenceSet } from '../parser/sequence-set.ts';
import { atom, type ImapValue } from '../protocol/value.ts';

/** Whether STORE's operation would change the message's flags (as the store decides it). */
function wouldChange(m: MessageMeta, op: 'set' | 'add' | 'remove', flags: FlagSet): boolean {
  const kw = parseKeywords(m.keywords);
  if (op === 'set') return m.flags !== flags.mask || flags.keywords.join(' ') !== m.keywords;
  if (op === 'add') return (m.flags | flags.mask) !== m.flags || addKeywords(kw, flags.keywords).length !== kw.length;
  return (m.flags & ~flags.mask) !== m.flags || removeKeywords(kw, flags.keywords).length !== kw.length;
}

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
    const since = cmd.unchangedSince === null ? undefined : Number(cmd.unchangedSince);
    // A STORE that changes nothing (the flags are already so) writes nothing — no transaction, no
    // fsync — and takes effect at this read; the answer is the flags read. Clients send many.
    const current = uids.length ? await s.store.getMessages(sel.info.id, uids) : [];
    const noop = current.every((m) => !wouldChange(m, cmd.operation, flags) && (since === undefined || m.modseq <= since));
    const r = noop ? { updated: current.sort((a, b) => a.uid - b.uid), modified: [] as number[], modseq: 0 } : await s.store.storeFlags(sel.info.id, uids, cmd.operation, flags, since);
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
