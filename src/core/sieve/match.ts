// Comparators (RFC 4790: i;octet, i;ascii-casemap, i;ascii-numeric; RFC 5051's i;unicode-casemap,
// which folds Vietnamese capitals too: "HỌP" = "họp") and match types (:is, :contains, :matches
// with its wildcard captures, RFC 5231's :count and :value). Pure.
// Owns: how Sieve compares strings.
import { SieveError } from './lexer.ts';

export type Comparator = 'i;octet' | 'i;ascii-casemap' | 'i;ascii-numeric' | 'i;unicode-casemap';
export type MatchType = { kind: 'is' | 'contains' | 'matches' } | { kind: 'count' | 'value'; rel: 'gt' | 'ge' | 'lt' | 'le' | 'eq' | 'ne' };

function fold(s: string, c: Comparator): string {
  if (c === 'i;ascii-casemap') return s.replace(/[A-Z]/g, (ch) => ch.toLowerCase());
  if (c === 'i;unicode-casemap') return s.normalize('NFC').toLowerCase();
  return s;
}

/** i;ascii-numeric's value: the leading digits, or Infinity when there are none (RFC 4790 9.1). */
function numeric(s: string): number {
  const m = /^\d+/.exec(s);
  return m ? Number(m[0]) : Infinity;
}

/** Order of two strings under a comparator (negative, 0, positive). */
export function order(a: string, b: string, c: Comparator): number {
  if (c === 'i;ascii-numeric') {
    const x = numeric(a);
    const y = numeric(b);
    return x === y ? 0 : x < y ? -1 : 1;
  }
  const x = fold(a, c);
  const y = fold(b, c);
  return x === y ? 0 : x < y ? -1 : 1;
}

function relation(d: number, rel: string): boolean {
  switch (rel) {
    case 'gt':
      return d > 0;
    case 'ge':
      return d >= 0;
    case 'lt':
      return d < 0;
    case 'le':
      return d <= 0;
    case 'eq':
      return d === 0;
    default:
      return d !== 0;
  }
}

/** :matches — `*` any run, `?` one character, `\` escapes; returns the captures (whole, then each wildcard) or null. */
export function wildcard(value: string, pattern: string, c: Comparator): string[] | null {
  if (c === 'i;ascii-numeric') throw new SieveError(':matches cannot be used with i;ascii-numeric', 0);
  const v = [...value];
  const vf = [...fold(value, c)];
  const p: Array<{ ch: string; wild: '*' | '?' | null }> = [];
  const raw = [...pattern];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '\\' && i + 1 < raw.length) p.push({ ch: fold(raw[++i], c), wild: null });
    else if (raw[i] === '*' || raw[i] === '?') p.push({ ch: raw[i], wild: raw[i] as '*' | '?' });
    else p.push({ ch: fold(raw[i], c), wild: null });
  }
  // Backtracking with memo over (pattern index, value index); captures rebuilt from the path.
  const memo = new Map<number, boolean>();
  const caps: string[] = [];
  const go = (pi: number, vi: number): boolean => {
    const key = pi * (v.length + 1) + vi;
    const seen = memo.get(key);
    if (seen === false) return false;
    let ok = false;
    if (pi === p.length) ok = vi === v.length;
    else if (p[pi].wild === '*') {
      for (let k = vi; k <= v.length && !ok; k++) {
        caps.push(v.slice(vi, k).join(''));
        ok = go(pi + 1, k);
        if (!ok) caps.pop();
      }
    } else if (vi < v.length && (p[pi].wild === '?' || p[pi].ch === vf[vi])) {
      if (p[pi].wild === '?') caps.push(v[vi]);
      ok = go(pi + 1, vi + 1);
      if (!ok && p[pi].wild === '?') caps.pop();
    }
    if (!ok) memo.set(key, false);
    return ok;
  };
  return go(0, 0) ? [value, ...caps] : null;
}

/**
 * Whether any value matches any key. `onMatch` receives the :matches captures of the first match
 * (variables' ${0}…${9}). :count compares the number of values, with i;ascii-numeric.
 */
export function matches(values: string[], keys: string[], mt: MatchType, c: Comparator, onMatch?: (captures: string[]) => void): boolean {
  if (mt.kind === 'count') return keys.some((k) => relation(order(String(values.length), k, 'i;ascii-numeric'), mt.rel));
  for (const v of values) {
    for (const k of keys) {
      switch (mt.kind) {
        case 'is':
          if (order(v, k, c) === 0) return true;
          break;
        case 'contains':
          if (c === 'i;ascii-numeric') throw new SieveError(':contains cannot be used with i;ascii-numeric', 0);
          if (fold(v, c).includes(fold(k, c))) return true;
          break;
        case 'matches': {
          const caps = wildcard(v, k, c);
          if (caps) {
            onMatch?.(caps);
            return true;
          }
          break;
        }
        case 'value':
          if (relation(order(v, k, c), mt.rel)) return true;
          break;
      }
    }
  }
  return false;
}
