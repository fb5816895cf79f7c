// Owns: LIST — basic (reference pattern) and RFC 5258 LIST-EXTENDED
// (selection options, several patterns, RETURN (SUBSCRIBED CHILDREN
// SPECIAL-USE STATUS (…))) — and LSUB.

import { ParseError, describeToken } from '../errors.ts';
import { readListPattern, readReference } from '../mailbox-name.ts';
import type { ListCommand, ListReturn, ListSelection, LsubCommand } from '../types.ts';
import type { CommandParser } from './context.ts';
import { readStatusItems } from './status.ts';

export const parseList: CommandParser = (r, { tag }): ListCommand => {
  const selection: ListSelection = { subscribed: false, remote: false, recursiveMatch: false, specialUse: false };
  const returns: ListReturn = { subscribed: false, children: false, specialUse: false, status: null };
  let extended = false;

  r.sp('reference name');
  if (r.peek() === 0x28) {
    extended = true;
    r.list('selection option', () => {
      const opt = r.keyword('selection option');
      switch (opt) {
        case 'SUBSCRIBED':
          selection.subscribed = true;
          break;
        case 'REMOTE':
          selection.remote = true;
          break;
        case 'RECURSIVEMATCH':
          selection.recursiveMatch = true;
          break;
        case 'SPECIAL-USE':
          selection.specialUse = true;
          break;
        default:
          throw new ParseError(`Unknown LIST selection option ${describeToken(opt)}`);
      }
    });
    // RFC 5258 3.1: RECURSIVEMATCH needs another option that is not only REMOTE.
    if (selection.recursiveMatch && !selection.subscribed && !selection.specialUse) {
      throw new ParseError('RECURSIVEMATCH requires another selection option');
    }
    r.sp('reference name');
  }
  const reference = readReference(r);

  r.sp('mailbox pattern');
  let patterns: string[];
  if (r.peek() === 0x28) {
    extended = true;
    patterns = r.list('mailbox pattern', () => readListPattern(r), false);
  } else {
    patterns = [readListPattern(r)];
  }

  if (r.more()) {
    r.sp('RETURN');
    if (r.keyword('RETURN') !== 'RETURN') throw new ParseError('Expected RETURN after LIST patterns');
    extended = true;
    r.sp('return options');
    r.list('return option', () => {
      const opt = r.keyword('return option');
      switch (opt) {
        case 'SUBSCRIBED':
          returns.subscribed = true;
          break;
        case 'CHILDREN':
          returns.children = true;
          break;
        case 'SPECIAL-USE':
          returns.specialUse = true;
          break;
        case 'STATUS':
          r.sp('STATUS items');
          returns.status = readStatusItems(r);
          break;
        default:
          throw new ParseError(`Unknown LIST return option ${describeToken(opt)}`);
      }
    });
  }
  return { name: 'LIST', tag, reference, patterns, selection, returns, extended };
};

export const parseLsub: CommandParser = (r, { tag }): LsubCommand => {
  r.sp('reference name');
  const reference = readReference(r);
  r.sp('mailbox pattern');
  const pattern = readListPattern(r);
  return { name: 'LSUB', tag, reference, pattern };
};
