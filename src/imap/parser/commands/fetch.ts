// Owns: FETCH sequence-set items [(CHANGEDSINCE n [VANISHED])] (RFC 3501
// 6.4.5, RFC 7162). The item grammar itself lives in fetch-items.ts.

import { ParseError, describeToken } from '../errors.ts';
import { readFetchItems } from '../fetch-items.ts';
import { readSequenceSet } from '../sequence-set.ts';
import type { FetchCommand, FetchItem, SimpleFetchAttribute } from '../types.ts';
import type { CommandParser } from './context.ts';

function ensureAttribute(items: FetchItem[], attribute: SimpleFetchAttribute): void {
  if (!items.some((i) => i.type === 'attribute' && i.attribute === attribute)) {
    items.push({ type: 'attribute', attribute });
  }
}

export const parseFetch: CommandParser = (r, { tag, uid }): FetchCommand => {
  r.sp('sequence set');
  const sequence = readSequenceSet(r);
  r.sp('fetch attributes');
  const items = readFetchItems(r);
  let changedSince: bigint | null = null;
  let vanished = false;
  if (r.more()) {
    r.sp('fetch modifiers');
    const seen = new Set<string>();
    r.list(
      'fetch modifier',
      () => {
        const mod = r.keyword('fetch modifier');
        if (seen.has(mod)) throw new ParseError(`Duplicate fetch modifier ${describeToken(mod)}`);
        seen.add(mod);
        if (mod === 'CHANGEDSINCE') {
          r.sp('CHANGEDSINCE mod-sequence');
          changedSince = r.modSeq('CHANGEDSINCE mod-sequence');
        } else if (mod === 'VANISHED') {
          vanished = true;
        } else {
          throw new ParseError(`Unknown fetch modifier ${describeToken(mod)}`);
        }
      },
      false,
    );
  }
  if (vanished && (!uid || changedSince === null)) {
    // RFC 7162 3.2.6
    throw new ParseError('VANISHED requires UID FETCH with CHANGEDSINCE');
  }
  if (uid) ensureAttribute(items, 'UID');
  if (changedSince !== null) ensureAttribute(items, 'MODSEQ');
  return { name: 'FETCH', tag, uid, sequence, items, changedSince, vanished };
};
