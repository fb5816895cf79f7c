// Owns: the SORT (RFC 5256, with RFC 5957's DISPLAYFROM/DISPLAYTO and RFC 5267's ESORT return
// options) and THREAD (RFC 5256) argument grammars:
//   SORT [RETURN (MIN MAX ALL COUNT)] (sort-criteria) charset search-key…
//   THREAD algorithm charset search-key…
// The charset is mandatory in both; an unsupported one fails with BADCHARSET (answer NO).
import { ParseError, describeToken } from '../errors.ts';
import { readSearchProgram, utf8Decoder } from '../search-keys.ts';
import type { Reader } from '../tokenizer.ts';
import type { SortCommand, SortCriterion, SortKeyName, SortReturnOption, ThreadAlgorithm, ThreadCommand } from '../types.ts';
import type { CommandParser } from './context.ts';
import { SUPPORTED_CHARSETS } from './search.ts';

export const SORT_KEYS: ReadonlySet<string> = new Set<SortKeyName>(['ARRIVAL', 'CC', 'DATE', 'FROM', 'SIZE', 'SUBJECT', 'TO', 'DISPLAYFROM', 'DISPLAYTO']);
export const THREAD_ALGORITHMS: ReadonlySet<string> = new Set<ThreadAlgorithm>(['ORDEREDSUBJECT', 'REFERENCES']);
const RETURN_OPTIONS: ReadonlySet<string> = new Set<SortReturnOption>(['MIN', 'MAX', 'ALL', 'COUNT']);

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
  let returnOptions: SortReturnOption[] | null = null;
  if (r.peek() !== 0x28) {
    const word = r.keyword('sort criteria');
    if (word !== 'RETURN') throw new ParseError(`Expected sort criteria, got ${describeToken(word)}`);
    r.sp('sort return options');
    returnOptions = [
      ...new Set(
        r.list('sort return option', () => {
          const opt = r.keyword('sort return option');
          if (!RETURN_OPTIONS.has(opt)) throw new ParseError(`Unknown sort return option ${describeToken(opt)}`);
          return opt as SortReturnOption;
        }),
      ),
    ];
    r.sp('sort criteria');
  }
  const criteria = r.list('sort criteria', () => readCriterion(r), false);
  r.sp('charset');
  const charset = readCharset(r);
  r.sp('search criteria');
  const query = readSearchProgram(r, utf8Decoder);
  return { name: 'SORT', tag, uid, returnOptions, criteria, charset, query };
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
