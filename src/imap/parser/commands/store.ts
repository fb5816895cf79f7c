// Owns: STORE sequence-set [(UNCHANGEDSINCE n)] (FLAGS|+FLAGS|-FLAGS)[.SILENT]
// (flag-list or space-separated flags) — RFC 3501 6.4.6, RFC 7162.

import { ParseError, describeToken } from '../errors.ts';
import { dedupe, readFlag, readFlagList } from '../flags.ts';
import { readSequenceSet } from '../sequence-set.ts';
import type { StoreCommand } from '../types.ts';
import type { CommandParser } from './context.ts';

const OPERATIONS: Record<string, { operation: StoreCommand['operation']; silent: boolean }> = {
  FLAGS: { operation: 'set', silent: false },
  'FLAGS.SILENT': { operation: 'set', silent: true },
  '+FLAGS': { operation: 'add', silent: false },
  '+FLAGS.SILENT': { operation: 'add', silent: true },
  '-FLAGS': { operation: 'remove', silent: false },
  '-FLAGS.SILENT': { operation: 'remove', silent: true },
};

export const parseStore: CommandParser = (r, { tag, uid }): StoreCommand => {
  r.sp('sequence set');
  const sequence = readSequenceSet(r);
  r.sp('store data item');
  let unchangedSince: bigint | null = null;
  if (r.peek() === 0x28) {
    r.list(
      'store modifier',
      () => {
        const mod = r.keyword('store modifier');
        if (mod !== 'UNCHANGEDSINCE') throw new ParseError(`Unknown store modifier ${describeToken(mod)}`);
        if (unchangedSince !== null) throw new ParseError('Duplicate store modifier UNCHANGEDSINCE');
        r.sp('UNCHANGEDSINCE mod-sequence');
        unchangedSince = r.modSeq('UNCHANGEDSINCE mod-sequence');
      },
      false,
    );
    r.sp('store data item');
  }
  const itemName = r.keyword('store data item');
  const op = OPERATIONS[itemName];
  if (!op) throw new ParseError(`Invalid store data item ${describeToken(itemName)}`);
  r.sp('flags');
  let flags: string[];
  if (r.peek() === 0x28) {
    flags = readFlagList(r);
  } else {
    flags = [readFlag(r)];
    while (r.more()) {
      r.sp('flag');
      flags.push(readFlag(r));
    }
    flags = dedupe(flags);
  }
  return { name: 'STORE', tag, uid, sequence, unchangedSince, operation: op.operation, silent: op.silent, flags };
};
