// Owns: STORE and UID STORE (RFC 3501 6.4.6, UNCHANGEDSINCE from RFC 7162 3.1.3); a STORE that
// would change nothing is answered from a read, without a write transaction.
import { SELECTED, type CommandSpec } from './types.ts';
import { noPermission, readOnlyMailbox } from '../errors.ts';
import { resolveUids } from '../sequence.ts';
import { addKeywords, parseKeywords, removeKeywords, toFlagSet, type FlagSet } from '../../core/flags.ts';
import type { MessageMeta } from '../../core/mailstore.ts';
import { formatSequenceSet } from '../parser/sequence-set.ts';

/** Whether STORE's operation would change the message's flags (as the store decides it). */
function wouldChange(m: MessageMeta, op: 'set' | 'add' | 'remove', flags: FlagSet): boolean {
  const kw = parseKeywords(m.keywords);
  if (op === 'set') return m.flags !== flags.mask || flags.keywords.join(' ') !== m.keywords;
  if (op === 'add') return (m.flags | flags.mask) !== m.flags || addKeywords(kw, flags.keywords).length !== kw.length;
  return (m.flags & ~flags.mask) !== m.flags || removeKeywords(kw, flags.keywords).length !== kw.length;
}

/** The rows of these UIDs that a folder table holds (UIDs another session expunged are not there). */
function present(rows: ReadonlyMap<number, MessageMeta>, uids: number[]): MessageMeta[] {
  const out: MessageMeta[] = [];
  for (const u of uids) {
    const m = rows.get(u);
    if (m) out.push(m);
  }
  return out;
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
    // Many messages (STORE 1:*): from the folder's table kept in memory, brought up to date by a
    // read begun now (flag-tables.ts), instead of reading every row again.
    const current = !uids.length ? [] : uids.length > 500 ? present(await s.flagTables.current(sel.info.id), uids) : await s.store.getMessages(sel.info.id, uids);
    const noop = current.every((m) => !wouldChange(m, cmd.operation, flags) && (since === undefined || m.modseq <= since));
    const r = noop ? { updated: current.sort((a, b) => a.uid - b.uid), modified: [] as number[], modseq: 0 } : await s.store.storeFlags(sel.info.id, uids, cmd.operation, flags, since);
    const announce = sel.announceKeywords(r.updated);
    if (announce.length) s.untaggedBatch(announce);
    sel.ownChange(r.modseq, r.updated);
    // The echo, as text (flags and keywords are atoms: ASCII), written in large pieces.
    // .SILENT suppresses it, except that CONDSTORE clients still learn the new MODSEQ.
    if (!cmd.silent || (sel.condstore && cmd.unchangedSince !== null)) {
      let text = '';
      for (const m of r.updated) {
        const seq = sel.seqOf(m.uid);
        if (!seq) continue;
        const items: string[] = [];
        if (!cmd.silent) items.push(`FLAGS (${sel.flagText(m)})`);
        if (cmd.uid) items.push(`UID ${m.uid}`);
        if (sel.condstore) items.push(`MODSEQ (${m.modseq})`);
        text += `* ${seq} FETCH (${items.join(' ')})\r\n`;
        if (text.length > 256 * 1024) {
          s.write(Buffer.from(text, 'latin1'));
          text = '';
        }
      }
      if (text) s.write(Buffer.from(text, 'latin1'));
    }
    if (r.modified.length) {
      const set = cmd.uid ? r.modified : r.modified.map((u) => sel.seqOf(u));
      return `[MODIFIED ${formatSequenceSet(set)}] Một số thư đã bị thay đổi / some messages were modified`;
    }
  },
};
