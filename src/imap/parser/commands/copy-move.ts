// Owns: COPY and MOVE (RFC 6851): sequence-set mailbox.

import { readMailbox } from '../mailbox-name.ts';
import { readSequenceSet } from '../sequence-set.ts';
import type { Reader } from '../tokenizer.ts';
import type { CopyMoveCommand } from '../types.ts';
import type { CommandContext } from './context.ts';

export function parseCopyMove(name: 'COPY' | 'MOVE') {
  return (r: Reader, { tag, uid }: CommandContext): CopyMoveCommand => {
    r.sp('sequence set');
    const sequence = readSequenceSet(r);
    r.sp('mailbox name');
    return { name, tag, uid, sequence, mailbox: readMailbox(r) };
  };
}
