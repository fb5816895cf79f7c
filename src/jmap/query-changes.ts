// Email/queryChanges and Mailbox/queryChanges (RFC 8620 §5.6). A query state is the account's
// state (the folders' MODSEQs, state.ts), so the old query's folders and their MODSEQs are known
// from it:
//   - one folder's list newest first (query-page.ts: Email/query answers it from the index and keeps
//     no result): the messages expunged from the folder since are removed and those stored in it
//     since (UIDs from the old UIDNEXT on) added at their index — exact, as the others keep their order;
//   - when the old result is still in the query cache (query-cache.ts; a client pages and then asks
//     for changes), the two results are compared: the ids kept in the same relative order are left
//     alone, every other old id is removed and every other new id added at its index;
//   - otherwise every message the old result may have held — each scanned folder's messages there
//     now, and those expunged since (the change log) — is removed and
//     the whole new result added (RFC 8620 allows extra removals); a folder gone since, or a log
//     compacted past the old MODSEQ, is cannotCalculateChanges.
// Mailbox/query results are small: unchanged folder names, roles and subscriptions mean no change;
// otherwise every old folder is removed and the new result added. Past maxChanges: tooManyChanges.
// Owns: the queryChanges methods.
import { MAIL, optInt, optString, type Args, type MethodSpec } from './api.ts';
import type { CallContext } from './context.ts';
import { MethodError } from './errors.ts';
import { emailId, emailIdOf, mailboxId } from './ids.ts';
import { queryArgs, queryFolders, queryKey, runQuery, type Row } from './email-query.ts';
import { MAILBOX_METHODS } from './mailbox.ts';
import { isFolderNewestFirst } from './query-page.ts';
import { decodeState } from './state.ts';

type Added = Array<{ id: string; index: number }>;

/** removed / added between two ordered results (the common ids kept while their order agrees). */
export function diffResults(oldIds: string[], newIds: string[]): { removed: string[]; added: Added } {
  const inNew = new Set(newIds);
  const inOld = new Set(oldIds);
  const commonOld = oldIds.filter((i) => inNew.has(i));
  const commonNew = newIds.filter((i) => inOld.has(i));
  let k = 0;
  while (k < commonOld.length && commonOld[k] === commonNew[k]) k++;
  const stable = new Set(commonNew.slice(0, k));
  return {
    removed: oldIds.filter((i) => !stable.has(i)),
    added: newIds.flatMap((id, index) => (stable.has(id) ? [] : [{ id, index }])),
  };
}

function limit(args: Args, removed: string[], added: Added): void {
  const max = optInt(args, 'maxChanges', 1);
  if (max !== undefined && removed.length + added.length > max) throw new MethodError('tooManyChanges');
}

async function emailQueryChanges(ctx: CallContext, args: Args): Promise<Args> {
  const a = ctx.account(args.accountId);
  const { filter, sort } = queryArgs(args);
  const sinceQueryState = optString(args, 'sinceQueryState');
  const since = decodeState(sinceQueryState);
  if (!since) throw new MethodError('cannotCalculateChanges');
  if (args.collapseThreads === true) throw new MethodError('cannotCalculateChanges', 'collapseThreads'); // threads move as wholes: query again
  const snap = await ctx.snapshot(a);
  const nowIds = new Set(snap.folders.map((f) => f.id));
  const oldFolders = queryFolders(
    ctx,
    filter,
    since.map((m) => ({ id: m.id, name: '', highestModseq: m.modseq, uidnext: m.uidnext })),
  );
  const newFolders = queryFolders(ctx, filter, snap.folders);
  const rows: Row[] = newFolders ? await runQuery(ctx, a, filter, sort, newFolders) : [];
  const newIds = rows.map((r) => emailIdOf(r.ref, r.meta));
  let removed: string[];
  let added: Added;
  const old = oldFolders ? ctx.s.queries.peek(queryKey(a.ownerAccountId, oldFolders, filter, sort)) : [];
  // one folder's list newest first: its messages there then and still there keep their order, so
  // the exact change is what was expunged since and what came in since (query-page.ts)
  const byDate = isFolderNewestFirst(filter, sort) && oldFolders?.length === 1 && newFolders?.length === 1 && oldFolders[0].id === newFolders[0].id;
  if (old && !byDate && !JSON.stringify(filter ?? null).includes('"#')) {
    ({ removed, added } = diffResults(
      old.map((r) => emailIdOf(r.ref, r.meta)),
      newIds,
    ));
  } else {
    removed = [];
    for (const f of oldFolders ?? []) {
      if (!nowIds.has(f.id)) {
        if (f.uidnext > 1) throw new MethodError('cannotCalculateChanges', 'mailbox destroyed');
        continue;
      }
      const ch = await ctx.s.store.changesSince(f.id, f.highestModseq);
      if (!ch.complete) throw new MethodError('cannotCalculateChanges');
      const origins = ch.expunged.length ? await ctx.s.store.expungedOrigins(f.id, f.highestModseq) : new Map<number, string>();
      for (const uid of ch.expunged) if (uid < f.uidnext || origins.has(uid)) removed.push(origins.has(uid) ? `E${origins.get(uid)}` : emailId({ mailboxId: f.id, uid }));
      if (byDate) continue;
      // every message there now (one moved in may have been in the old result from its old place)
      const current = snap.folders.find((x) => x.id === f.id)!;
      for (const m of await ctx.s.lists.get(ctx.s.store, f.id, current.highestModseq)) removed.push(emailIdOf({ mailboxId: f.id, uid: m.uid }, m));
    }
    // by date: only the messages stored since (UIDs from the old UIDNEXT on; a message moved out and back is one of them)
    const since = byDate ? oldFolders![0].uidnext : 0;
    added = newIds.flatMap((id, index) => (rows[index].ref.uid >= since ? [{ id, index }] : []));
  }
  limit(args, removed, added);
  const out: Args = { accountId: a.id, oldQueryState: sinceQueryState, newQueryState: snap.state, removed, added };
  if (args.calculateTotal === true) out.total = rows.length;
  return out;
}

async function mailboxQueryChanges(ctx: CallContext, args: Args): Promise<Args> {
  const a = ctx.account(args.accountId);
  const sinceQueryState = optString(args, 'sinceQueryState');
  const since = decodeState(sinceQueryState);
  if (!since) throw new MethodError('cannotCalculateChanges');
  const queryOnly = Object.fromEntries(Object.entries(args).filter(([k]) => ['accountId', 'filter', 'sort', 'sortAsTree', 'filterAsTree'].includes(k)));
  const now = await MAILBOX_METHODS['Mailbox/query'].handler(ctx, { ...queryOnly, calculateTotal: true });
  const snap = await ctx.snapshot(a);
  const shape = (marks: Array<{ id: number; shape: string }>) =>
    marks
      .map((m) => `${m.id}:${m.shape}`)
      .sort()
      .join(',');
  const same = shape(since) === shape(snap.marks);
  const ids = now.ids as string[];
  const removed = same ? [] : since.map((m) => mailboxId(m.id));
  const added = same ? [] : ids.map((id, index) => ({ id, index }));
  limit(args, removed, added);
  const out: Args = { accountId: a.id, oldQueryState: sinceQueryState, newQueryState: snap.state, removed, added };
  if (args.calculateTotal === true) out.total = ids.length;
  return out;
}

export const QUERY_CHANGES_METHODS: Record<string, MethodSpec> = {
  'Email/queryChanges': { capability: MAIL, handler: emailQueryChanges },
  'Mailbox/queryChanges': { capability: MAIL, handler: mailboxQueryChanges },
};
