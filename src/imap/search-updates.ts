// Owns: bringing RFC 5267 live search results up to date (CONTEXT=SEARCH, CONTEXT=SORT): after a
// command or while idling, the messages touched since the last update (flags changed, new ones)
// are tested against each open context's query, and what joined or left a result is told as
// `ESEARCH (TAG …) ADDTO / REMOVEFROM`, after the EXISTS and FETCH responses that announced the
// messages. A SEARCH context's position is 0 (as Dovecot); a SORT context is sorted again and names
// positions: removals highest first, then additions lowest first, each valid in the list as the
// client has it when it applies them in order. Expunges are told by search-contexts.ts.
import type { MessageMeta } from '../core/mailstore.ts';
import type { ImapStore } from './context.ts';
import { formatSequenceSet } from './parser/sequence-set.ts';
import { esearchHead, type SearchContext } from './search-contexts.ts';
import { runSearch } from './search.ts';
import { sortedHits } from './search-results.ts';
import type { SelectedMailbox } from './selected.ts';

export type UpdateStore = Pick<ImapStore, 'getMessages' | 'listMessages' | 'indexesOf' | 'searchText' | 'searchHeader' | 'sentDates'>;

/** The ADDTO/REMOVEFROM responses for what changed since the last call; none when no context is open. */
export async function searchUpdateLines(store: UpdateStore, sel: SelectedMailbox): Promise<string[]> {
  const contexts = sel.contexts;
  if (!contexts.size) return [];
  const touched = contexts.takeTouched().filter((u) => sel.uids.has(u));
  if (!touched.length) return [];
  let metas: MessageMeta[] | null = null;
  const out: string[] = [];
  for (const ctx of contexts.all()) {
    if (ctx.criteria) {
      const line = await sortedUpdate(store, sel, ctx);
      if (line) out.push(line);
      continue;
    }
    metas ??= await store.getMessages(sel.info.id, touched);
    const present = metas.filter((m) => sel.uids.has(m.uid));
    const hit = new Set((await runSearch(store, sel, ctx.query, present)).map((m) => m.uid));
    const inResult = new Set(ctx.result);
    const removed = present.filter((m) => inResult.has(m.uid) && !hit.has(m.uid)).map((m) => m.uid);
    const added = present.filter((m) => !inResult.has(m.uid) && hit.has(m.uid)).map((m) => m.uid);
    if (!removed.length && !added.length) continue;
    const gone = new Set(removed);
    ctx.result = [...ctx.result.filter((u) => !gone.has(u)), ...added].sort((a, b) => a - b);
    const id = (u: number) => (ctx.uid ? u : sel.seqOf(u));
    let line = esearchHead(ctx.tag, ctx.uid);
    if (removed.length) line += ` REMOVEFROM (0 ${formatSequenceSet(removed.map(id))})`;
    if (added.length) line += ` ADDTO (0 ${formatSequenceSet(added.map(id))})`;
    out.push(line);
  }
  return out;
}

/** A SORT context: sort again and tell the difference with positions. */
async function sortedUpdate(store: UpdateStore, sel: SelectedMailbox, ctx: SearchContext): Promise<string | null> {
  const now = (await sortedHits(store, sel, ctx.query, ctx.criteria!)).map((h) => h.m.uid);
  const nowSet = new Set(now);
  const before = new Set(ctx.result);
  const id = (u: number) => (ctx.uid ? u : sel.seqOf(u));
  const removes: string[] = [];
  for (let i = ctx.result.length - 1; i >= 0; i--) if (!nowSet.has(ctx.result[i])) removes.push(`${i + 1} ${id(ctx.result[i])}`);
  const adds: string[] = [];
  for (let i = 0; i < now.length; i++) if (!before.has(now[i])) adds.push(`${i + 1} ${id(now[i])}`);
  ctx.result = now;
  if (!removes.length && !adds.length) return null;
  let line = esearchHead(ctx.tag, ctx.uid);
  if (removes.length) line += ` REMOVEFROM (${removes.join(' ')})`;
  if (adds.length) line += ` ADDTO (${adds.join(' ')})`;
  return line;
}
