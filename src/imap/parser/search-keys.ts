// Owns: SEARCH criteria — every search-key of RFC 3501 6.4.4, MODSEQ
// (RFC 7162) and OLDER/YOUNGER (RFC 5032) — parsed into a tree of
// and/or/not/leaf nodes. Charset handling (which decoder applies to string
// arguments) is decided by the SEARCH command parser and passed in.

import { readDate } from './dates.ts';
import { ParseError, describeToken } from './errors.ts';
import { normaliseSystemFlag } from './flags.ts';
import { readSequenceSet } from './sequence-set.ts';
import { MAX_DEPTH, isDigit } from './tokenizer.ts';
import type { Reader } from './tokenizer.ts';
import type { SearchKey } from './types.ts';

/** Decodes a search string's raw bytes according to the command's CHARSET. */
export type SearchStringDecoder = (bytes: Buffer) => string;

export const utf8Decoder: SearchStringDecoder = (bytes) => bytes.toString('utf8');

const FLAG_KEYS: Record<string, { flag: string; set: boolean }> = {
  ANSWERED: { flag: '\\Answered', set: true },
  DELETED: { flag: '\\Deleted', set: true },
  DRAFT: { flag: '\\Draft', set: true },
  FLAGGED: { flag: '\\Flagged', set: true },
  SEEN: { flag: '\\Seen', set: true },
  RECENT: { flag: '\\Recent', set: true },
  UNANSWERED: { flag: '\\Answered', set: false },
  UNDELETED: { flag: '\\Deleted', set: false },
  UNDRAFT: { flag: '\\Draft', set: false },
  UNFLAGGED: { flag: '\\Flagged', set: false },
  UNSEEN: { flag: '\\Seen', set: false },
  OLD: { flag: '\\Recent', set: false },
};

const HEADER_KEYS = new Set(['BCC', 'CC', 'FROM', 'SUBJECT', 'TO']);

const DATE_KEYS: Record<string, { field: 'internal' | 'sent'; op: 'before' | 'on' | 'since' }> = {
  BEFORE: { field: 'internal', op: 'before' },
  ON: { field: 'internal', op: 'on' },
  SINCE: { field: 'internal', op: 'since' },
  SENTBEFORE: { field: 'sent', op: 'before' },
  SENTON: { field: 'sent', op: 'on' },
  SENTSINCE: { field: 'sent', op: 'since' },
};

class SearchParser {
  constructor(
    private readonly r: Reader,
    private readonly decode: SearchStringDecoder,
  ) {}

  private text(what: string): string {
    this.r.sp(what);
    return this.decode(this.r.astring(what));
  }

  key(depth: number): SearchKey {
    const r = this.r;
    if (depth > MAX_DEPTH) throw new ParseError('Search criteria nested too deeply');
    const c = r.peek();
    if (c === -1) throw new ParseError('Missing search key');
    if (c === 0x28 /* ( */) {
      const keys = r.list('search key', () => this.key(depth + 1), false);
      return keys.length === 1 ? keys[0] : { type: 'and', keys };
    }
    if (isDigit(c) || c === 0x2a /* * */ || c === 0x24 /* $ */) {
      return { type: 'sequence', set: readSequenceSet(r, 'sequence set search key') };
    }
    const name = r.keyword('search key');
    const flagKey = FLAG_KEYS[name];
    if (flagKey) return { type: 'flag', flag: flagKey.flag, set: flagKey.set };
    if (HEADER_KEYS.has(name)) return { type: 'header', field: name.toLowerCase(), value: this.text(`${name} string`) };
    const dateKey = DATE_KEYS[name];
    if (dateKey) {
      r.sp(`${name} date`);
      return { type: 'date', field: dateKey.field, op: dateKey.op, date: readDate(r, `${name} date`) };
    }
    switch (name) {
      case 'ALL':
        return { type: 'all' };
      case 'NEW':
        return {
          type: 'and',
          keys: [
            { type: 'flag', flag: '\\Recent', set: true },
            { type: 'flag', flag: '\\Seen', set: false },
          ],
        };
      case 'KEYWORD':
      case 'UNKEYWORD': {
        r.sp(`${name} flag`);
        const flag = r.atom(`${name} flag`);
        return { type: 'flag', flag: normaliseSystemFlag(flag) ?? flag, set: name === 'KEYWORD' };
      }
      case 'HEADER': {
        r.sp('header field name');
        const field = this.decode(r.astring('header field name')).toLowerCase();
        if (field.length === 0 || /[\x00-\x20\x7f:]/.test(field)) throw new ParseError('Invalid header field name');
        return { type: 'header', field, value: this.text('HEADER string') };
      }
      case 'BODY':
        return { type: 'body', value: this.text('BODY string') };
      case 'TEXT':
        return { type: 'text', value: this.text('TEXT string') };
      case 'LARGER':
      case 'SMALLER':
        r.sp(`${name} size`);
        return { type: 'size', op: name === 'LARGER' ? 'larger' : 'smaller', size: r.safeNumber(`${name} size`) };
      case 'UID':
        r.sp('UID set');
        return { type: 'uid', set: readSequenceSet(r, 'UID set') };
      case 'NOT':
        r.sp('NOT search key');
        return { type: 'not', key: this.key(depth + 1) };
      case 'OR': {
        r.sp('OR search key');
        const left = this.key(depth + 1);
        r.sp('second OR search key');
        const right = this.key(depth + 1);
        return { type: 'or', left, right };
      }
      case 'MODSEQ':
        return this.modseq();
      case 'OLDER':
      case 'YOUNGER':
        r.sp(`${name} interval`);
        return { type: 'age', op: name === 'OLDER' ? 'older' : 'younger', seconds: r.nzNumber(`${name} interval`) };
      default:
        throw new ParseError(`Unknown search key ${describeToken(name)}`);
    }
  }

  /** "MODSEQ" [SP entry-name SP entry-type-req] SP mod-sequence-valzer */
  private modseq(): SearchKey {
    const r = this.r;
    r.sp('MODSEQ value');
    let entry: { name: string; kind: 'priv' | 'shared' | 'all' } | null = null;
    if (r.peek() === 0x22 /* " */) {
      const name = r.quoted('MODSEQ entry name').toString('utf8');
      r.sp('MODSEQ entry type');
      const kind = r.keyword('MODSEQ entry type').toLowerCase();
      if (kind !== 'priv' && kind !== 'shared' && kind !== 'all') throw new ParseError('Invalid MODSEQ entry type');
      entry = { name, kind };
      r.sp('MODSEQ value');
    }
    return { type: 'modseq', modSeq: r.modSeq('MODSEQ value'), entry };
  }
}

/** search-program: 1*(search-key) separated by SP, to the end of the command. Several keys are ANDed. */
export function readSearchProgram(r: Reader, decode: SearchStringDecoder = utf8Decoder): SearchKey {
  const p = new SearchParser(r, decode);
  const keys: SearchKey[] = [p.key(0)];
  while (r.more()) {
    r.sp('search key');
    keys.push(p.key(0));
  }
  return keys.length === 1 ? keys[0] : { type: 'and', keys };
}
