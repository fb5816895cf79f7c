// Email/query's conditions and sorts (RFC 8621 §4.4), shared with Email/queryChanges
// (query-changes.ts): checking a filter, the folders it can match in, the cache key of a query's
// result, and running it. Text conditions ask the store's folded search (diacritic- and
// đ-insensitive, as IMAP SEARCH); the others and the sorts run on the folders' message lists.
// Owns: running an Email query.
import type { MessageMeta } from '../core/mailstore.ts';
import type { Addr, MessageIndex } from '../core/mime/index.ts';
import { decodeEncodedWords } from '../core/mime/encoded-words.ts';
import { optObject, type Args } from './api.ts';
import type { CallContext, JmapAccount } from './context.ts';
import { MethodError } from './errors.ts';
import { parseMailboxId, type MessageRef } from './ids.ts';
import { keywordsOf } from './message.ts';
import type { Filter, QuerySort } from './query-types.ts';

const TEXT_KEYS: Record<string, 'text' | 'from' | 'to' | 'cc' | 'bcc' | 'subject' | 'body'> = { text: 'text', from: 'from', to: 'to', cc: 'cc', bcc: 'bcc', subject: 'subject', body: 'body' };
const KNOWN_CONDITIONS = new Set([
  'inMailbox',
  'inMailboxOtherThan',
  'before',
  'after',
  'minSize',
  'maxSize',
  'hasKeyword',
  'notKeyword',
  'allInThreadHaveKeyword',
  'someInThreadHaveKeyword',
  'noneInThreadHaveKeyword',
  'hasAttachment',
  'header',
  ...Object.keys(TEXT_KEYS),
]);

export interface Row {
  ref: MessageRef;
  meta: MessageMeta;
}

function checkFilter(f: Filter): void {
  if ('operator' in f) {
    if (!['AND', 'OR', 'NOT'].includes(f.operator as string) || !Array.isArray(f.conditions)) throw new MethodError('unsupportedFilter', 'operator');
    for (const c of f.conditions as Filter[]) checkFilter(c);
    return;
  }
  for (const k of Object.keys(f)) if (!KNOWN_CONDITIONS.has(k)) throw new MethodError('unsupportedFilter', k);
  if (f.hasAttachment !== undefined) throw new MethodError('unsupportedFilter', 'hasAttachment');
}

function textLeaves(f: Filter, out: Filter[] = []): Filter[] {
  if ('operator' in f) for (const c of f.conditions as Filter[]) textLeaves(c, out);
  else out.push(f);
  return out;
}

/** The sort key of an address list: the first address's display name, else its address (RFC 8621 §4.4.2). */
function addressKey(list: Addr[] | null | undefined): string {
  const a = list?.find((x) => x.host !== null);
  if (!a) return '';
  return a.name ? decodeEncodedWords(a.name) : `${a.mailbox ?? ''}@${a.host}`;
}

function hasKeyword(m: MessageMeta, k: unknown): boolean {
  return typeof k === 'string' && keywordsOf(m)[k.toLowerCase()] === true;
}

type QueryFolder = { id: number; name: string; highestModseq: number };

/** A query's filter and sort, checked (unsupportedFilter, unsupportedSort). */
export function queryArgs(args: Args): { filter: Filter | null; sort: QuerySort } {
  const filter = optObject(args, 'filter');
  if (filter) checkFilter(filter);
  const sort = (Array.isArray(args.sort) ? args.sort : []) as QuerySort;
  for (const s of sort) if (!['receivedAt', 'size', 'subject', 'from', 'to', 'sentAt', 'hasKeyword'].includes(s.property ?? '')) throw new MethodError('unsupportedSort', String(s.property));
  return { filter, sort };
}

/** The folders a query scans (inMailbox at the top narrows it to one); null when inMailbox names none of the account's. */
export function queryFolders<F extends QueryFolder>(ctx: CallContext, filter: Filter | null, all: F[]): F[] | null {
  const top = filter && !('operator' in filter) ? filter : null;
  const only = top && typeof top.inMailbox === 'string' ? parseMailboxId(ctx.resolveId(top.inMailbox)) : null;
  if (top && typeof top.inMailbox === 'string' && (only === null || !all.some((f) => f.id === only))) return null;
  return all.filter((f) => only === null || f.id === only);
}

/** The answer depends only on the folders at their MODSEQ, the filter and the sort (query-cache.ts). */
export function queryKey(ownerAccountId: number, folders: Array<{ id: number; highestModseq: number }>, filter: Filter | null, sort: QuerySort): string {
  return `${ownerAccountId}|${folders.map((f) => `${f.id}@${f.highestModseq}`).join(',')}|${JSON.stringify(filter)}|${JSON.stringify(sort)}`;
}

/** The sorted result of a query over `folders` (kept in the query cache unless it names creation ids). */
export async function runQuery(ctx: CallContext, a: JmapAccount, filter: Filter | null, sort: QuerySort, folders: QueryFolder[]): Promise<Row[]> {
  const cacheKey = queryKey(a.ownerAccountId, folders, filter, sort);
  for (const f of folders) await ctx.opened(a, f.name);
  const load = async (): Promise<Row[]> => {
    const rows: Row[] = [];
    const textSets = new Map<Filter, Map<number, Set<number>>>();
    const leaves = filter ? textLeaves(filter) : [];
    for (const f of folders) {
      const metas = await ctx.s.lists.get(ctx.s.store, f.id, f.highestModseq);
      for (const m of metas) rows.push({ ref: { mailboxId: f.id, uid: m.uid }, meta: m });
      for (const leaf of leaves) {
        for (const [k, field] of Object.entries(TEXT_KEYS)) {
          if (typeof leaf[k] !== 'string') continue;
          let perFolder = textSets.get(leaf);
          if (!perFolder) textSets.set(leaf, (perFolder = new Map()));
          const hits = await ctx.s.store.searchText(f.id, field, leaf[k] as string);
          const prev = perFolder.get(f.id);
          perFolder.set(f.id, prev ? new Set([...prev].filter((u) => hits.has(u))) : hits);
        }
        const header = leaf.header;
        if (Array.isArray(header) && typeof header[0] === 'string') {
          let perFolder = textSets.get(leaf);
          if (!perFolder) textSets.set(leaf, (perFolder = new Map()));
          const hits = await ctx.s.store.searchHeader(f.id, header[0], typeof header[1] === 'string' ? header[1] : '');
          const prev = perFolder.get(f.id);
          perFolder.set(f.id, prev ? new Set([...prev].filter((u) => hits.has(u))) : hits);
        }
      }
    }
    const test = (f: Filter, r: Row): boolean => {
      if ('operator' in f) {
        const cs = f.conditions as Filter[];
        if (f.operator === 'AND') return cs.every((c) => test(c, r));
        if (f.operator === 'OR') return cs.some((c) => test(c, r));
        return !cs.some((c) => test(c, r));
      }
      const m = r.meta;
      if (f.inMailbox !== undefined && parseMailboxId(ctx.resolveId(String(f.inMailbox))) !== r.ref.mailboxId) return false;
      if (Array.isArray(f.inMailboxOtherThan) && f.inMailboxOtherThan.some((x) => parseMailboxId(ctx.resolveId(String(x))) === r.ref.mailboxId)) return false;
      if (typeof f.before === 'string' && !(m.internalDate < Date.parse(f.before))) return false;
      if (typeof f.after === 'string' && !(m.internalDate >= Date.parse(f.after))) return false;
      if (typeof f.minSize === 'number' && m.size < f.minSize) return false;
      if (typeof f.maxSize === 'number' && m.size >= f.maxSize) return false;
      for (const k of ['hasKeyword', 'allInThreadHaveKeyword', 'someInThreadHaveKeyword']) if (f[k] !== undefined && !hasKeyword(m, f[k])) return false;
      for (const k of ['notKeyword', 'noneInThreadHaveKeyword']) if (f[k] !== undefined && hasKeyword(m, f[k])) return false;
      const sets = textSets.get(f);
      if (sets && !sets.get(r.ref.mailboxId)?.has(r.ref.uid)) return false;
      return true;
    };
    const hits = filter ? rows.filter((r) => test(filter, r)) : rows;
    // sort keys that need the envelope
    const envelopes = sort.some((s) => ['subject', 'from', 'to', 'sentAt'].includes(s.property ?? '')) ? await ctx.s.store.indexesOf(hits.map((h) => h.meta)) : new Map<MessageMeta, MessageIndex>();
    const collator = new Intl.Collator('vi', { sensitivity: 'accent' });
    const key = (r: Row, p: string): string | number => {
      const idx = envelopes.get(r.meta);
      if (p === 'receivedAt') return r.meta.internalDate;
      if (p === 'size') return r.meta.size;
      if (p === 'sentAt') return idx?.sentDate ? Date.parse(idx.sentDate) : 0;
      if (p === 'subject') return decodeEncodedWords(idx?.envelope.subject ?? '').replace(/^\s*((re|fwd?|tl|tr)\s*:\s*)+/i, '');
      if (p === 'from') return addressKey(idx?.envelope.from);
      if (p === 'to') return addressKey(idx?.envelope.to);
      return 0;
    };
    const order = sort.length ? sort : [{ property: 'receivedAt', isAscending: false }];
    return [...hits].sort((x, y) => {
      for (const s of order) {
        const dir = s.isAscending === false ? -1 : 1;
        let c: number;
        if (s.property === 'hasKeyword') c = Number(hasKeyword(x.meta, s.keyword)) - Number(hasKeyword(y.meta, s.keyword));
        else {
          const kx = key(x, s.property!);
          const ky = key(y, s.property!);
          c = typeof kx === 'number' ? kx - (ky as number) : collator.compare(kx, ky as string);
        }
        if (c) return c * dir;
      }
      return x.ref.mailboxId - y.ref.mailboxId || y.ref.uid - x.ref.uid;
    });
  };
  // A filter naming creation ids (#…) means something else in another request: not cached.
  return cacheKey.includes('"#') ? load() : ctx.s.queries.get(cacheKey, load);
}
