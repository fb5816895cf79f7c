// Owns: the RETURN (…) list shared by SEARCH and SORT — RFC 4731's MIN MAX ALL COUNT, RFC 5182's
// SAVE (SEARCH only), and RFC 5267's CONTEXT, UPDATE and PARTIAL (with RFC 9394's ranges counted
// from the end, -1:-n). PARTIAL takes a range of positions in the result, both ends non-zero and of
// one sign; it is given once and never with ALL (ALL already says which results to return).
import { ParseError, describeToken } from '../errors.ts';
import type { Reader } from '../tokenizer.ts';
import type { PartialRange, SearchReturnOption } from '../types.ts';

const MAX_POSITION = 0xffffffff;

export interface ReturnList<O extends string> {
  options: O[];
  partial?: PartialRange;
}

/** `from:to` of PARTIAL: 4:2 is 2:4, -5:-1 is -1:-5 (the end nearest the edge first). */
export function parsePartialRange(text: string): PartialRange {
  const m = /^(-?)(\d{1,10}):(-?)(\d{1,10})$/.exec(text);
  if (!m || m[1] !== m[3]) throw new ParseError(`Invalid PARTIAL range ${describeToken(text)}`);
  const a = Number(m[2]);
  const b = Number(m[4]);
  if (a === 0 || b === 0 || a > MAX_POSITION || b > MAX_POSITION) throw new ParseError(`Invalid PARTIAL range ${describeToken(text)}`);
  const sign = m[1] === '-' ? -1 : 1;
  return { from: sign * Math.min(a, b), to: sign * Math.max(a, b) };
}

/** Read "(" option *(SP option) ")" after RETURN; `allowed` names the options the command takes. */
export function readReturnOptions<O extends SearchReturnOption>(r: Reader, allowed: ReadonlySet<string>, what: string): ReturnList<O> {
  let partial: PartialRange | undefined;
  const seen = new Set<O>();
  r.list(`${what} return option`, () => {
    const opt = r.keyword(`${what} return option`);
    if (!allowed.has(opt)) throw new ParseError(`Unknown ${what} return option ${describeToken(opt)}`);
    if (opt === 'PARTIAL') {
      if (partial) throw new ParseError('PARTIAL can be given only once');
      r.sp('PARTIAL range');
      partial = parsePartialRange(r.atom('PARTIAL range'));
    }
    seen.add(opt as O);
  });
  if (partial && seen.has('ALL' as O)) throw new ParseError('PARTIAL conflicts with ALL');
  return partial ? { options: [...seen], partial } : { options: [...seen] };
}
