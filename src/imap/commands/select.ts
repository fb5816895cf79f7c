// Owns: SELECT and EXAMINE (RFC 3501 6.3.1-2, CONDSTORE per RFC 7162 3.1.8).
import { AUTHENTICATED, type CommandSpec } from './types.ts';
import { ImapError, nonexistent } from '../errors.ts';
import { SelectedMailbox } from '../selected.ts';
import { UidMap, formatRanges } from '../uid-map.ts';
import { filterSequenceSet, formatSequenceSet, resolveSequenceSet } from '../parser/sequence-set.ts';
import { atom } from '../protocol/value.ts';
import { resolveFolder } from '../mailbox-names.ts';

export const select: CommandSpec<'SELECT' | 'EXAMINE', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    if (s.selected) {
      s.select(null);
      s.untagged('OK [CLOSED] Đã đóng thư mục trước / previous mailbox closed');
    }
    if (cmd.qresync && !s.enabled.has('QRESYNC')) throw new ImapError('BAD', 'Cần ENABLE QRESYNC trước / ENABLE QRESYNC first');
    const store = s.store;
    const found = await resolveFolder(s, cmd.mailbox);
    if (!found) throw nonexistent();
    const { mb, target } = found;
    // A read-only delegate selects read-only too: it may read, but change nothing (RFC 3501 6.3.1).
    const readOnly = cmd.name === 'EXAMINE' || target.access === 'read';
    // Someone else's folder: recorded in the access audit at its first opening in this session (R10.1).
    if (target.owner !== null && !s.opened.has(mb.id)) {
      await s.access.opened({ actor: s.account.username, owner: target.owner, folder: target.folder, access: target.access, readOnly, protocol: 'imap', remote: s.remote });
      s.opened.add(mb.id);
    }
    const info = (await store.getMailboxById(mb.id)) ?? mb;
    const summary = await store.openSummary(mb.id);
    const uids = UidMap.fromRuns(summary.uidRuns);
    // \Recent goes to this session alone, and only when it selects read-write (EXAMINE keeps it).
    // A message that arrived between the two reads is in EXISTS: UIDNEXT is never below it.
    const uidnext = Math.max(info.uidnext, uids.max + 1);
    const recent = readOnly ? null : await store.claimRecent(mb.id, uidnext);
    const condstore = cmd.condstore || s.enabled.has('CONDSTORE');
    if (cmd.condstore) s.enabled.add('CONDSTORE');
    const sel = new SelectedMailbox(info, readOnly, uids, condstore, recent, summary.keywords);
    sel.access = target.access;
    sel.visibleName = cmd.mailbox;
    const firstUnseen = summary.firstUnseenUid === null ? 0 : sel.seqOf(summary.firstUnseenUid);
    for (const line of sel.flagsResponses()) s.untagged(line);
    s.untagged(`${sel.exists} EXISTS`);
    s.untagged(`${sel.recentCount} RECENT`);
    if (firstUnseen) s.untagged(`OK [UNSEEN ${firstUnseen}] Thư chưa đọc đầu tiên / first unseen`);
    s.untagged(`OK [UIDVALIDITY ${info.uidvalidity}] UIDs hợp lệ / UIDs valid`);
    s.untagged(`OK [UIDNEXT ${uidnext}] UID tiếp theo / predicted next UID`);
    s.untagged(`OK [HIGHESTMODSEQ ${info.highestModseq}] Highest`);
    s.select(sel);
    sel.qresync = s.enabled.has('QRESYNC');
    if (cmd.qresync && cmd.qresync.uidValidity === info.uidvalidity) {
      // RFC 7162 3.2.5: what changed since the client's last known MODSEQ.
      const since = Number(cmd.qresync.modSeq);
      const cs = await store.changesSince(mb.id, since);
      const known = cmd.qresync.knownUids;
      // When the log no longer reaches the client's MODSEQ, every UID it may know that is gone:
      // exact for its known UIDs, so the seq-match data is not needed.
      const vanished = cs.complete
        ? formatSequenceSet(known ? filterSequenceSet(known, cs.expunged) : cs.expunged)
        : formatRanges(sel.vanishedWithoutLog(known ? resolveSequenceSet(known, sel.maxUid) : null));
      if (vanished) s.untagged(`VANISHED (EARLIER) ${vanished}`);
      for (const line of sel.announceKeywords(cs.changed)) s.untagged(line);
      for (const m of cs.changed) {
        const seq = sel.seqOf(m.uid);
        if (seq) s.untagged([seq, atom('FETCH'), [atom('UID'), m.uid, atom('FLAGS'), sel.flagList(m), atom('MODSEQ'), [m.modseq]]]);
      }
    }
    return `[${readOnly ? 'READ-ONLY' : 'READ-WRITE'}] ${cmd.name} hoàn tất / completed`;
  },
};
