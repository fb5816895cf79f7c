// Owns: the SEARCH command envelope — [RETURN (MIN MAX ALL COUNT SAVE CONTEXT UPDATE
// PARTIAL n:m)] (RFC 4731 / 5182 / 5267, return-options.ts) and [CHARSET x] — before handing the
// criteria to search-keys.ts. Unsupported charsets fail with code BADCHARSET (answer NO).

import { ParseError, describeToken } from '../errors.ts';
import { readSearchProgram, utf8Decoder } from '../search-keys.ts';
import type { Reader } from '../tokenizer.ts';
import type { PartialRange, SearchCommand, SearchReturnOption } from '../types.ts';
import type { CommandParser } from './context.ts';
import { readReturnOptions } from './return-options.ts';

/** Charsets the server can search in; both are decoded as UTF-8. */
export const SUPPORTED_CHARSETS: ReadonlyMap<string, string> = new Map([
  ['UTF-8', 'UTF-8'],
  ['US-ASCII', 'US-ASCII'],
]);

const RETURN_OPTIONS: ReadonlySet<string> = new Set<SearchReturnOption>(['MIN', 'MAX', 'ALL', 'COUNT', 'SAVE', 'CONTEXT', 'UPDATE', 'PARTIAL']);

/** True when the next token is the atom `word` (case-insensitive), without consuming it. */
export function peekWord(r: Reader, word: string): boolean {
  const end = r.pos + word.length;
  if (end > r.buf.length) return false;
  if (r.buf.toString('latin1', r.pos, end).toUpperCase() !== word) return false;
  const after = r.peek(word.length);
  return after === 0x20;
}

export const parseSearch: CommandParser = (r, { tag, uid }): SearchCommand => {
  r.sp('search criteria');
  let returnOptions: SearchReturnOption[] | null = null;
  let partial: PartialRange | undefined;
  if (peekWord(r, 'RETURN')) {
    r.pos += 'RETURN'.length;
    r.sp('search return options');
    ({ options: returnOptions, partial } = readReturnOptions<SearchReturnOption>(r, RETURN_OPTIONS, 'search'));
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
  return partial ? { name: 'SEARCH', tag, uid, charset, returnOptions, partial, query } : { name: 'SEARCH', tag, uid, charset, returnOptions, query };
};
