// Owns: IMAP sequence sets — parsing `1,3:5,7:*`, `*` and `$` (RFC 5182
// SEARCHRES) into ranges with '*' kept symbolic, and resolving them against a
// mailbox (sequence numbers or UIDs: '*' is the largest one), plus the reverse
// formatting of number lists into compact sets for responses.

import { ParseError } from './errors.ts';
import type { Reader } from './tokenizer.ts';
import { isDigit } from './tokenizer.ts';
import type { SeqRange, SequenceSet } from './types.ts';

const MAX_UINT32 = 4294967295;

function isSequenceChar(c: number): boolean {
  return isDigit(c) || c === 0x3a /* : */ || c === 0x2c /* , */ || c === 0x2a /* * */ || c === 0x24; /* $ */
}

function parseSeqNumber(s: string, allowStar: boolean, what: string): number | '*' {
  if (s === '*') {
    if (!allowStar) throw new ParseError(`'*' is not allowed in ${what}`);
    return '*';
  }
  if (!/^[0-9]{1,10}$/.test(s)) throw new ParseError(`Invalid ${what}`);
  const n = Number(s);
  if (n === 0) throw new ParseError(`Invalid ${what}: zero is not allowed`);
  if (n > MAX_UINT32) throw new ParseError(`Number too large in ${what}`);
  return n;
}

export interface SequenceSetOptions {
  /** Allow '*' (default true; QRESYNC known-uids forbid it). */
  allowStar?: boolean;
  /** Allow `$` (default true). */
  allowSaved?: boolean;
}

/** Parse the text of a sequence set; throws ParseError. */
export function parseSequenceSet(text: string, what = 'sequence set', options: SequenceSetOptions = {}): SequenceSet {
  const { allowStar = true, allowSaved = true } = options;
  if (text === '$') {
    if (!allowSaved) throw new ParseError(`'$' is not allowed in ${what}`);
    return { kind: 'saved' };
  }
  if (text.length === 0) throw new ParseError(`Missing ${what}`);
  const ranges: SeqRange[] = [];
  for (const part of text.split(',')) {
    const colon = part.indexOf(':');
    if (colon === -1) {
      const n = parseSeqNumber(part, allowStar, what);
      ranges.push({ start: n, end: n });
    } else {
      ranges.push({
        start: parseSeqNumber(part.slice(0, colon), allowStar, what),
        end: parseSeqNumber(part.slice(colon + 1), allowStar, what),
      });
    }
  }
  return { kind: 'ranges', ranges };
}

/** Read a sequence set token from the command. */
export function readSequenceSet(r: Reader, what = 'sequence set', options: SequenceSetOptions = {}): SequenceSet {
  const text = r.readWhile(isSequenceChar);
  if (text.length === 0) {
    if (r.peek() === -1) throw new ParseError(`Missing ${what}`);
    throw new ParseError(`Invalid ${what}`);
  }
  const next = r.peek();
  if (next !== -1 && next !== 0x20 && next !== 0x29 /* ) */) throw new ParseError(`Invalid ${what}`);
  return parseSequenceSet(text, what, options);
}

/** Render a parsed set back to its text form (`1,3:5,7:*`, `$`). */
export function sequenceSetToString(set: SequenceSet): string {
  if (set.kind === 'saved') return '$';
  return set.ranges.map((r) => (r.start === r.end ? String(r.start) : `${r.start}:${r.end}`)).join(',');
}

/** Inclusive [low, high] ranges, sorted and merged. */
export type ResolvedRanges = Array<[number, number]>;

function mergeRanges(list: ResolvedRanges): ResolvedRanges {
  list.sort((a, b) => a[0] - b[0]);
  const out: ResolvedRanges = [];
  for (const [lo, hi] of list) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

/**
 * Resolve '*' to `max` (the highest sequence number or UID of the mailbox; 0 when empty)
 * and normalise `b:a` to `a:b`. `saved` is the SEARCHRES result `$` stands for.
 * Ranges are not clipped to `max`: `UID 900:*` with max 500 is 500:900 (RFC 3501 6.4.8).
 */
export function resolveSequenceSet(set: SequenceSet, max: number, saved: readonly number[] = []): ResolvedRanges {
  if (set.kind === 'saved') return mergeRanges(saved.map((n) => [n, n] as [number, number]));
  const list: ResolvedRanges = set.ranges.map((r) => {
    const a = r.start === '*' ? max : r.start;
    const b = r.end === '*' ? max : r.end;
    return a <= b ? [a, b] : [b, a];
  });
  return mergeRanges(list);
}

function rangesContain(ranges: ResolvedRanges, n: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = ranges[mid];
    if (n < a) hi = mid - 1;
    else if (n > b) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Does the set contain `n` (a sequence number or UID), with '*' meaning `max`? */
export function sequenceSetContains(set: SequenceSet, n: number, max: number, saved?: readonly number[]): boolean {
  return rangesContain(resolveSequenceSet(set, max, saved), n);
}

/** A reusable membership test (resolve once, then O(log ranges) per lookup). */
export function sequenceSetMatcher(set: SequenceSet, max: number, saved?: readonly number[]): (n: number) => boolean {
  const ranges = resolveSequenceSet(set, max, saved);
  return (n) => rangesContain(ranges, n);
}

/**
 * The message sequence numbers 1..max the set selects, ascending and without
 * duplicates. Numbers above `max` are dropped, so the result is bounded by the mailbox.
 */
export function expandSequenceSet(set: SequenceSet, max: number, saved?: readonly number[]): number[] {
  const out: number[] = [];
  for (const [lo, hi] of resolveSequenceSet(set, max, saved)) {
    for (let n = Math.max(lo, 1); n <= Math.min(hi, max); n++) out.push(n);
  }
  return out;
}

/** The members of `values` (e.g. a mailbox's UIDs) that the set selects; '*' is the largest value. */
export function filterSequenceSet(set: SequenceSet, values: readonly number[], saved?: readonly number[]): number[] {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  const has = sequenceSetMatcher(set, max, saved);
  return values.filter(has);
}

/** Compact a list of numbers into sequence-set text: [1,2,3,5] → "1:3,5". Empty input → "". */
export function formatSequenceSet(numbers: Iterable<number>): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
