// Owns: the SORT (RFC 5256, with RFC 5957's DISPLAYFROM/DISPLAYTO and RFC 5267's ESORT and
// CONTEXT=SORT return options) and THREAD (RFC 5256) argument grammars, and CANCELUPDATE (RFC 5267):
//   SORT [RETURN (MIN MAX ALL COUNT CONTEXT UPDATE PARTIAL n:m)] (sort-criteria) charset search-key…
//   THREAD algorithm charset search-key…
//   CANCELUPDATE tag-string *(SP tag-string)
// The charset is mandatory in SORT and THREAD; an unsupported one fails with BADCHARSET (answer NO).
// RETURN (…) is also taken after SORT's charset (imaptest writes it there); RETURN is no search key.
import { ParseError, describeToken } from '../errors.ts';
import { readSearchProgram, utf8Decoder } from '../search-keys.ts';
import type { Reader } from '../tokenizer.ts';
import type { CancelUpdateCommand, SortCommand, SortCriterion, SortKeyName, SortReturnOption, ThreadAlgorithm, ThreadCommand } from '../types.ts';
import type { CommandParser } from './context.ts';
import { SUPPORTED_CHARSETS, peekWord } from './search.ts';
import { readReturnOptions, type ReturnList } from './return-options.ts';

export const SORT_KEYS: ReadonlySet<string> = new Set<SortKeyName>(['ARRIVAL', 'CC', 'DATE', 'FROM', 'SIZE', 'SUBJECT', 'TO', 'DISPLAYFROM', 'DISPLAYTO']);
export const THREAD_ALGORITHMS: ReadonlySet<string> = new Set<ThreadAlgorithm>(['ORDEREDSUBJECT', 'REFERENCES']);
const RETURN_OPTIONS: ReadonlySet<string> = new Set<SortReturnOption>(['MIN', 'MAX', 'ALL', 'COUNT', 'CONTEXT', 'UPDATE', 'PARTIAL']);

function readCharset(r: Reader): string {
  const name = r.astring('charset').toString('latin1');
  const supported = SUPPORTED_CHARSETS.get(name.toUpperCase());
  if (!supported) throw new ParseError(`[BADCHARSET (${[...SUPPORTED_CHARSETS.keys()].join(' ')})] Unsupported charset ${describeToken(name)}`, 'BADCHARSET');
  return supported;
}

function readCriterion(r: Reader): SortCriterion {
  let word = r.keyword('sort key');
  let reverse = false;
  if (word === 'REVERSE') {
    reverse = true;
    r.sp('sort key');
    word = r.keyword('sort key');
  }
  if (!SORT_KEYS.has(word)) throw new ParseError(`Unknown sort key ${describeToken(word)}`);
  return { key: word as SortKeyName, reverse };
}

export const parseSort: CommandParser = (r, { tag, uid }): SortCommand => {
  r.sp('sort criteria');
  let ret: ReturnList<SortReturnOption> | null = null;
  if (r.peek() !== 0x28) {
    const word = r.keyword('sort criteria');
    if (word !== 'RETURN') throw new ParseError(`Expected sort criteria, got ${describeToken(word)}`);
    r.sp('sort return options');
    ret = readReturnOptions<SortReturnOption>(r, RETURN_OPTIONS, 'sort');
    r.sp('sort criteria');
  }
  const criteria = r.list('sort criteria', () => readCriterion(r), false);
  r.sp('charset');
  const charset = readCharset(r);
  r.sp('search criteria');
  if (!ret && peekWord(r, 'RETURN') && r.peek(7) === 0x28) {
    r.pos += 'RETURN'.length;
    r.sp('sort return options');
    ret = readReturnOptions<SortReturnOption>(r, RETURN_OPTIONS, 'sort');
    r.sp('search criteria');
  }
  const query = readSearchProgram(r, utf8Decoder);
  const returnOptions = ret ? ret.options : null;
  return ret?.partial ? { name: 'SORT', tag, uid, returnOptions, partial: ret.partial, criteria, charset, query } : { name: 'SORT', tag, uid, returnOptions, criteria, charset, query };
};

export const parseCancelUpdate: CommandParser = (r, { tag }): CancelUpdateCommand => {
  const tags: string[] = [];
  do {
    r.sp('tag');
    tags.push(r.astring('tag').toString('utf8'));
  } while (r.more());
  return { name: 'CANCELUPDATE', tag, tags };
};

export const parseThread: CommandParser = (r, { tag, uid }): ThreadCommand => {
  r.sp('thread algorithm');
  const algorithm = r.keyword('thread algorithm');
  if (!THREAD_ALGORITHMS.has(algorithm)) throw new ParseError(`Unknown thread algorithm ${describeToken(algorithm)}`);
  r.sp('charset');
  const charset = readCharset(r);
  r.sp('search criteria');
  const query = readSearchProgram(r, utf8Decoder);
  return { name: 'THREAD', tag, uid, algorithm: algorithm as ThreadAlgorithm, charset, query };
};
