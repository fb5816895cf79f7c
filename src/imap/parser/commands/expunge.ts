// Owns: EXPUNGE and UID EXPUNGE sequence-set (RFC 4315 / UIDPLUS).

import type { ExpungeCommand } from '../types.ts';
import { readSequenceSet } from '../sequence-set.ts';
import type { CommandParser } from './context.ts';

export const parseExpunge: CommandParser = (r, { tag, uid }): ExpungeCommand => {
  if (!uid) return { name: 'EXPUNGE', tag, uid: false, sequence: null };
  r.sp('UID set');
  return { name: 'EXPUNGE', tag, uid: true, sequence: readSequenceSet(r, 'UID set') };
};
