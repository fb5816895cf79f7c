// Owns: the SEARCH command envelope — [RETURN (MIN MAX ALL COUNT SAVE)]
// (RFC 4731 / 5182) and [CHARSET x] — before handing the criteria to
// search-keys.ts. Unsupported charsets fail with code BADCHARSET (answer NO).

import { ParseError, describeToken } from '../errors.ts';
import { readSearchProgram, utf8Decoder } from '../search-keys.ts';
import type { Reader } from '../tokenizer.ts';
import type { SearchCommand, SearchReturnOption } from '../types.ts';
import type { CommandParser } from './context.ts';

/** Charsets the server can search in; both are decoded as UTF-8. */
export const SUPPORTED_CHARSETS: ReadonlyMap<string, string> = new Map([
  ['UTF-8', 'UTF-8'],
  ['US-ASCII', 'US-ASCII'],
]);

const RETURN_OPTIONS: ReadonlySet<string> = new Set<SearchReturnOption>(['MIN', 'MAX', 'ALL', 'COUNT', 'SAVE']);

/** True when the next token is the atom `word` (case-insensitive), without consuming it. */
function peekWord(r: Reader, word: string): boolean {
  const end = r.pos + word.length;
  if (end > r.buf.length) return false;
  if (r.buf.toString('latin1', r.pos, end).toUpperCase() !== word) return false;
  const after = r.peek(word.length);
  return after === 0x20;
}

export const parseSearch: CommandParser = (r, { tag, uid }): SearchCommand => {
  r.sp('search criteria');
  let returnOptions: SearchReturnOption[] | null = null;
  if (peekWord(r, 'RETURN')) {
    r.pos += 'RETURN'.length;
    r.sp('search return options');
    returnOptions = [
      ...new Set(
        r.list('search return option', () => {
          const opt = r.keyword('search return option');
          if (!RETURN_OPTIONS.has(opt)) throw new ParseError(`Unknown search return option ${describeToken(opt)}`);
          return opt as SearchReturnOption;
        }),
      ),
    ];
    r.sp('search criteria');
  }
  let charset: string | null = null;
  if (peekWord(r, 'CHARSET')) {
    r.pos += 'CHARSET'.length;
    r.sp('charset');
    const name = r.astring('charset').toString('latin1');
    const supported = SUPPORTED_CHARSETS.get(name.toUpperCase());
    if (!supported) {
      throw new ParseError(`[BADCHARSET (${[...SUPPORTED_CHARSETS.keys()].join(' ')})] Unsupported charset ${describeToken(name)}`, 'BADCHARSET');
    }
    charset = supported;
    r.sp('search criteria');
  }
  const query = readSearchProgram(r, utf8Decoder);
  return { name: 'SEARCH', tag, uid, charset, returnOptions, query };
};
