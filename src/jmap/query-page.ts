// Email/query's short way for the list every client opens first: one folder, newest first, by
// position, when the query cache does not hold the answer (after a start, or after a change in the
// folder). The page is read through the (mailbox_id, internal_date, uid) index and the total is the
// folder's count, so a 100,000-message folder costs its 50 rows, not reading and sorting 100,000
// (email.ts's runQuery does that, and keeps it, for every other query and for anchors). The order
// is runQuery's: receivedAt descending, then UID descending.
// Owns: the newest-first page.
import { optBool, optInt, optString, type Args } from './api.ts';
import type { CallContext, JmapAccount } from './context.ts';
import type { Filter, QuerySort } from './query-types.ts';
import { emailIdOf } from './ids.ts';

/**
 * The query is one folder's whole list newest first: the filter is `inMailbox` alone, the sort
 * receivedAt descending (or none, which means the same). Its result holds exactly the folder's
 * messages, and neither a message's date nor its UID ever changes, so a message stays where it was
 * relative to the others for as long as it is in the folder (Email/queryChanges relies on that).
 */
export function isFolderNewestFirst(filter: Filter | null, sort: QuerySort): boolean {
  if (!filter || 'operator' in filter || Object.keys(filter).length !== 1 || typeof filter.inMailbox !== 'string') return false;
  return sort.length === 0 || (sort.length === 1 && sort[0].property === 'receivedAt' && sort[0].isAscending === false);
}

/** The answer of Email/query from the index, or null when the query is not the plain newest-first list of one folder, or when its result is kept already. */
export async function newestFirstPage(
  ctx: CallContext,
  a: JmapAccount,
  args: Args,
  q: { filter: Filter | null; sort: QuerySort; folders: Array<{ id: number; name: string; highestModseq: number }>; state: string; cacheKey: string },
): Promise<Args | null> {
  const { filter, sort, folders } = q;
  if (!isFolderNewestFirst(filter, sort) || folders.length !== 1) return null;
  if (optString(args, 'anchor') !== undefined || optBool(args, 'collapseThreads') === true) return null;
  if (ctx.s.queries.peek(q.cacheKey)) return null; // kept: the page is a slice of it
  const f = folders[0];
  await ctx.opened(a, f.name);
  const asked = optInt(args, 'position', -Number.MAX_SAFE_INTEGER) ?? 0;
  const limit = Math.min(optInt(args, 'limit') ?? 1000, 10_000);
  // the folder's count, kept at the MODSEQ read with it (every append, expunge and move raises it)
  let kept = ctx.s.totals.get(f.id);
  if (!kept || kept.modseq !== f.highestModseq) {
    const c = await ctx.s.store.messageCount(f.id);
    if (!c) return null; // deleted meanwhile: the general path says what that means
    kept = { modseq: c.highestModseq, total: c.messages };
    if (ctx.s.totals.size >= 10_000) ctx.s.totals.clear();
    ctx.s.totals.set(f.id, kept);
  }
  const total = kept.total;
  const position = Math.min(asked < 0 ? Math.max(0, total + asked) : asked, total);
  const rows = position < total ? await ctx.s.store.newestPage(f.id, position, limit) : [];
  const out: Args = {
    accountId: a.id,
    queryState: q.state,
    canCalculateChanges: true,
    position,
    ids: rows.map((m) => emailIdOf({ mailboxId: f.id, uid: m.uid }, m)),
  };
  if (optBool(args, 'calculateTotal') !== false) out.total = total;
  if (optInt(args, 'limit') !== undefined && optInt(args, 'limit')! > limit) out.limit = limit;
  return out;
}
