// Owns: evaluating a SEARCH key tree over a selected mailbox. Flag, size, date, sequence and UID
// keys are tested in memory on the message list; text keys (FROM, SUBJECT, BODY, TEXT,
// HEADER …) are resolved first by the store's index of folded text (diacritic-insensitive,
// đ = d) and then combined.
import type { SearchKey } from './parser/types.ts';
import type { MessageMeta } from '../core/mailstore.ts';
import type { ImapStore } from './context.ts';
import type { SelectedMailbox } from './selected.ts';
import { sequenceSetMatcher } from './parser/sequence-set.ts';
import { SYSTEM_FLAGS, parseKeywords } from '../core/flags.ts';

const ADDRESS_FIELDS = new Set(['from', 'to', 'cc', 'bcc', 'subject']);
const DAY = 86400000;

function dayOf(ms: number): number {
  return Math.floor(ms / DAY);
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * The day a Date: field value names as written — its own calendar date, whatever its time and
 * zone (RFC 3501 6.4.4: SENT* keys disregard time and timezone) — as days since the epoch; null
 * when it names no date. "Mon, 30 Nov 2026 00:30:00 +0700" is 30 Nov, though it is 29 Nov in UTC.
 */
export function writtenDay(value: string | null | undefined): number | null {
  if (!value) return null;
  const v = value
    .replace(/\([^)]*\)/g, ' ')
    .trim()
    .toLowerCase();
  const m = /^(?:[a-z]+\.?,?\s*)?(\d{1,2})[\s-]*([a-z]{3})[a-z]*\.?[\s-]*(\d{2,4})\b/.exec(v);
  let year: number;
  let month: number;
  let day: number;
  if (m) {
    day = Number(m[1]);
    month = MONTHS.indexOf(m[2]);
    year = Number(m[3]);
    if (m[3].length === 2) year += year < 50 ? 2000 : 1900;
    else if (m[3].length === 3) year += 1900;
  } else {
    const iso = /^(\d{4})-(\d{2})-(\d{2})/.exec(v);
    if (!iso) return null;
    [year, month, day] = [Number(iso[1]), Number(iso[2]) - 1, Number(iso[3])];
  }
  if (month < 0 || month > 11 || day < 1 || day > 31) return null;
  const t = Date.UTC(year, month, day);
  if (new Date(t).getUTCDate() !== day) return null; // 31 Feb
  return dayOf(t);
}

export async function runSearch(store: Pick<ImapStore, 'searchText' | 'searchHeader' | 'sentDates'>, sel: SelectedMailbox, key: SearchKey, messages: readonly MessageMeta[]): Promise<MessageMeta[]> {
  // 1. resolve the text leaves in the store
  const textSets = new Map<SearchKey, Set<number>>();
  let sentDays: Map<number, number | null> | null = null;
  const visit = async (k: SearchKey): Promise<void> => {
    switch (k.type) {
      case 'and':
        for (const c of k.keys) await visit(c);
        break;
      case 'or':
        await visit(k.left);
        await visit(k.right);
        break;
      case 'not':
        await visit(k.key);
        break;
      case 'header':
        // An empty string matches every message that has the field (RFC 3501 6.4.4), so it asks
        // the header lines even for the fields with their own folded column.
        textSets.set(k, ADDRESS_FIELDS.has(k.field) && k.value !== '' ? await store.searchText(sel.info.id, k.field as 'from', k.value) : await store.searchHeader(sel.info.id, k.field, k.value));
        break;
      case 'body':
        textSets.set(k, await store.searchText(sel.info.id, 'body', k.value));
        break;
      case 'text':
        textSets.set(k, await store.searchText(sel.info.id, 'text', k.value));
        break;
      case 'date':
        if (k.field === 'sent' && !sentDays) sentDays = new Map([...(await store.sentDates(sel.info.id))].map(([uid, v]) => [uid, writtenDay(v)]));
        break;
    }
  };
  await visit(key);

  // 2. evaluate per message
  const seqMax = sel.exists;
  const matchers = new Map<SearchKey, (n: number) => boolean>();
  const now = Date.now();
  const test = (k: SearchKey, m: MessageMeta, seq: number): boolean => {
    switch (k.type) {
      case 'and':
        return k.keys.every((c) => test(c, m, seq));
      case 'or':
        return test(k.left, m, seq) || test(k.right, m, seq);
      case 'not':
        return !test(k.key, m, seq);
      case 'all':
        return true;
      case 'flag': {
        let has: boolean;
        if (k.flag === '\\Recent') has = sel.isRecent(m.uid);
        else if (k.flag in SYSTEM_FLAGS) has = (m.flags & SYSTEM_FLAGS[k.flag as keyof typeof SYSTEM_FLAGS]) !== 0;
        else has = parseKeywords(m.keywords).some((w) => w.toLowerCase() === k.flag.toLowerCase());
        return has === k.set;
      }
      case 'header':
      case 'body':
      case 'text':
        return textSets.get(k)!.has(m.uid);
      case 'date': {
        const d = k.field === 'internal' ? dayOf(m.internalDate + m.internalDateZone * 60_000) : (sentDays!.get(m.uid) ?? null);
        if (d === null) return false;
        const target = dayOf(k.date.getTime());
        return k.op === 'before' ? d < target : k.op === 'on' ? d === target : d >= target;
      }
      case 'size':
        return k.op === 'larger' ? m.size > k.size : m.size < k.size;
      case 'sequence': {
        let f = matchers.get(k);
        if (!f)
          matchers.set(
            k,
            (f = sequenceSetMatcher(
              k.set,
              seqMax,
              sel.saved.map((u) => sel.seqOf(u)),
            )),
          );
        return f(seq);
      }
      case 'uid': {
        let f = matchers.get(k);
        if (!f) matchers.set(k, (f = sequenceSetMatcher(k.set, sel.maxUid, sel.saved)));
        return f(m.uid);
      }
      case 'modseq':
        return BigInt(m.modseq) >= k.modSeq;
      case 'age':
        return k.op === 'older' ? now - m.internalDate >= k.seconds * 1000 : now - m.internalDate <= k.seconds * 1000;
    }
  };
  const out: MessageMeta[] = [];
  for (const m of messages) {
    const seq = sel.seqOf(m.uid);
    if (seq && test(key, m, seq)) out.push(m);
  }
  return out;
}

export function usesModseq(k: SearchKey): boolean {
  switch (k.type) {
    case 'and':
      return k.keys.some(usesModseq);
    case 'or':
      return usesModseq(k.left) || usesModseq(k.right);
    case 'not':
      return usesModseq(k.key);
    case 'modseq':
      return true;
    default:
      return false;
  }
}
