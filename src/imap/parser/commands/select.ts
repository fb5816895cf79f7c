// Owns: SELECT and EXAMINE with their RFC 4466 select parameters —
// (CONDSTORE) and (QRESYNC (uidvalidity modseq [known-uids [seq-match-data]]))
// from RFC 7162.

import { ParseError, describeToken } from '../errors.ts';
import { readMailbox } from '../mailbox-name.ts';
import { readSequenceSet } from '../sequence-set.ts';
import type { Reader } from '../tokenizer.ts';
import type { QresyncParams, SelectCommand } from '../types.ts';
import type { CommandContext } from './context.ts';

/** "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")" */
function readQresync(r: Reader): QresyncParams {
  r.expectByte(0x28, "'(' of QRESYNC parameters");
  const uidValidity = r.nzNumber('QRESYNC UIDVALIDITY');
  r.sp('QRESYNC mod-sequence');
  const modSeq = r.modSeq('QRESYNC mod-sequence');
  let knownUids: QresyncParams['knownUids'] = null;
  let seqMatch: QresyncParams['seqMatch'] = null;
  if (r.peek() === 0x20) {
    r.sp('QRESYNC known UIDs');
    if (r.peek() !== 0x28) {
      knownUids = readSequenceSet(r, 'QRESYNC known UIDs', { allowStar: false, allowSaved: false });
      if (r.peek() === 0x20) r.sp('QRESYNC sequence match data');
    }
    if (r.peek() === 0x28) {
      r.pos++;
      const sequences = readSequenceSet(r, 'QRESYNC known sequence set', { allowStar: false, allowSaved: false });
      r.sp('QRESYNC known UID set');
      const uids = readSequenceSet(r, 'QRESYNC known UID set', { allowStar: false, allowSaved: false });
      r.expectByte(0x29, "')' of QRESYNC sequence match data");
      seqMatch = { sequences, uids };
    }
  }
  r.expectByte(0x29, "')' of QRESYNC parameters");
  return { uidValidity, modSeq, knownUids, seqMatch };
}

export function parseSelect(name: 'SELECT' | 'EXAMINE') {
  return (r: Reader, { tag }: CommandContext): SelectCommand => {
    r.sp('mailbox name');
    const mailbox = readMailbox(r);
    let condstore = false;
    let qresync: QresyncParams | null = null;
    if (r.more()) {
      r.sp('select parameters');
      const seen = new Set<string>();
      r.list(
        'select parameter',
        () => {
          const param = r.keyword('select parameter');
          if (seen.has(param)) throw new ParseError(`Duplicate select parameter ${describeToken(param)}`);
          seen.add(param);
          if (param === 'CONDSTORE') {
            condstore = true;
          } else if (param === 'QRESYNC') {
            r.sp('QRESYNC parameters');
            qresync = readQresync(r);
          } else {
            throw new ParseError(`Unknown select parameter ${describeToken(param)}`);
          }
        },
        false,
      );
    }
    return { name, tag, mailbox, condstore, qresync };
  };
}
