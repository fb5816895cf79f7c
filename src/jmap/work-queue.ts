// The unit mailbox's work queue over JMAP (issue 10, R8.4), capability
// `urn:thutin:params:jmap:workqueue` (core/work-queue.ts does the work and decides who may):
//   WorkItem/get    {accountId, ids: Email ids, properties?}  → list of WorkItem, notFound. A WorkItem's id is
//                   its Email's id; properties: emailId, mailboxId, assignee, handled, note, updatedAt,
//                   updatedBy, history (only when asked: [{at, actor, kind, value}]).
//   WorkItem/set    {accountId, ifInState?, update: {id: {assignee?, handled?, note?}}} → updated / notUpdated;
//                   create and destroy are refused (a message's item exists with the message).
//   WorkItem/query  {accountId, filter: {inMailbox, assignee? ('none': nobody), handled?}} → ids (newest first).
//   WorkQueueMember/get {accountId} → who may be assigned (the head, read/manage delegates).
// The state is the account's Email state: a change writes $Assigned / $Handled on the message.
// Only the unit's head and the mailbox's read/manage delegates get anything (forbidden otherwise);
// an account that is not a unit mailbox answers accountNotSupportedByMethod.
// Owns: the WorkItem and WorkQueueMember methods.
import { isThutinError } from '../core/errors.ts';
import type { WorkCaller, WorkEvent, WorkItem, WorkPatch } from '../core/work-queue.ts';
import { WORKQUEUE, optObject, optString, properties, type Args, type MethodSpec } from './api.ts';
import type { CallContext, JmapAccount } from './context.ts';
import { MethodError, SetFailure, setError } from './errors.ts';
import { emailIdOf, mailboxId, parseEmailId, parseMailboxId, type MessageRef } from './ids.ts';
import { loadMessages } from './email.ts';

const PROPS = ['id', 'emailId', 'mailboxId', 'assignee', 'handled', 'note', 'updatedAt', 'updatedBy', 'history'] as const;
const DEFAULT_PROPS = PROPS.filter((p) => p !== 'history');

function callerOf(ctx: CallContext): WorkCaller {
  return { accountId: ctx.me.id, address: ctx.me.username };
}

/** The account, checked for the queue: forbidden for someone outside it, accountNotSupportedByMethod for a mailbox that is no unit's. */
async function queueAccount(ctx: CallContext, args: Args): Promise<JmapAccount> {
  const a = ctx.account(args.accountId);
  try {
    await ctx.s.workQueue.access(callerOf(ctx), a.ownerAccountId);
  } catch (e) {
    if (isThutinError(e, 'WORK_QUEUE_NOT_UNIT_MAILBOX')) throw new MethodError('accountNotSupportedByMethod', a.name);
    if (isThutinError(e, 'FORBIDDEN')) throw new MethodError('forbidden', a.name);
    throw e;
  }
  return a;
}

/** Whether a folder is the account's. */
async function ownFolder(ctx: CallContext, a: JmapAccount, folderId: number): Promise<boolean> {
  const f = await ctx.s.store.getMailboxById(folderId);
  return !!f && f.accountId === a.ownerAccountId;
}

/** Where each Email id is now (a moved message keeps its first place's id: ids.ts); unknown ids absent. */
async function locate(ctx: CallContext, a: JmapAccount, ids: string[]): Promise<Map<string, MessageRef>> {
  const refs = ids.map((id) => parseEmailId(id)).filter((r): r is MessageRef => r !== null);
  const found = await loadMessages(ctx, a, refs);
  const out = new Map<string, MessageRef>();
  for (const id of ids) {
    const hit = found.get(id);
    if (hit) out.set(id, hit.ref);
  }
  return out;
}

/** The Email ids of messages of one folder, by UID (their first place's id where moved). */
async function idsOf(ctx: CallContext, folder: number, uids: number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const meta of await ctx.s.store.getMessages(folder, uids)) out.set(meta.uid, emailIdOf({ mailboxId: folder, uid: meta.uid }, meta));
  return out;
}

function toObject(id: string, item: WorkItem, props: readonly string[], history?: WorkEvent[]): Record<string, unknown> {
  const all: Record<string, unknown> = {
    id,
    emailId: id,
    mailboxId: mailboxId(item.mailboxId),
    assignee: item.assignee,
    handled: item.handled,
    note: item.note,
    updatedAt: item.updatedAt === null ? null : new Date(item.updatedAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    updatedBy: item.updatedBy,
  };
  if (history) all.history = history.map((e) => ({ ...e, at: new Date(e.at).toISOString().replace(/\.\d{3}Z$/, 'Z') }));
  const out: Record<string, unknown> = { id: all.id };
  for (const p of props) if (p in all) out[p] = all[p];
  return out;
}

async function workItemGet(ctx: CallContext, args: Args): Promise<Args> {
  const a = await queueAccount(ctx, args);
  const props = properties(args, PROPS) ?? [...DEFAULT_PROPS];
  const ids = (args.ids as unknown) ?? null;
  if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string')) throw new MethodError('invalidArguments', 'ids: một danh sách id thư / a list of Email ids');
  if (ids.length > ctx.s.limits.maxObjectsInGet) throw new MethodError('requestTooLarge');
  const wanted = [...new Set((ids as string[]).map((i) => ctx.resolveId(i)))];
  const list: Array<Record<string, unknown>> = [];
  const where = await locate(ctx, a, wanted);
  const notFound = [...wanted.filter((id) => !parseEmailId(id)), ...wanted.filter((id) => parseEmailId(id) && !where.has(id))];
  const byFolder = new Map<number, Array<{ id: string; uid: number }>>();
  for (const [id, ref] of where) byFolder.set(ref.mailboxId, [...(byFolder.get(ref.mailboxId) ?? []), { id, uid: ref.uid }]);
  for (const [folder, refs] of byFolder) {
    if (!(await ownFolder(ctx, a, folder))) {
      notFound.push(...refs.map((r) => r.id));
      continue;
    }
    const idOfUid = new Map(refs.map((r) => [r.uid, r.id]));
    if (props.includes('history')) {
      for (const r of refs) {
        const { history, ...item } = await ctx.s.workQueue.item(callerOf(ctx), folder, r.uid);
        list.push(toObject(r.id, item, props, history));
      }
    } else {
      for (const item of await ctx.s.workQueue.items(callerOf(ctx), folder, [...idOfUid.keys()])) list.push(toObject(idOfUid.get(item.uid)!, item, props)); // one read for the folder
    }
  }
  const order = new Map(wanted.map((id, i) => [id, i]));
  list.sort((x, y) => order.get(x.id as string)! - order.get(y.id as string)!);
  return { accountId: a.id, state: (await ctx.snapshot(a)).state, list, notFound };
}

function patchOf(v: unknown): WorkPatch {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new SetFailure('invalidPatch');
  const o = v as Record<string, unknown>;
  const bad = Object.keys(o).filter((k) => !['assignee', 'handled', 'note'].includes(k));
  if (bad.length) throw new SetFailure('invalidProperties', bad.join(', '), { properties: bad });
  const p: WorkPatch = {};
  if ('assignee' in o) {
    if (o.assignee !== null && typeof o.assignee !== 'string') throw new SetFailure('invalidProperties', 'assignee', { properties: ['assignee'] });
    p.assignee = o.assignee as string | null;
  }
  if ('handled' in o) {
    if (typeof o.handled !== 'boolean') throw new SetFailure('invalidProperties', 'handled', { properties: ['handled'] });
    p.handled = o.handled;
  }
  if ('note' in o) {
    if (typeof o.note !== 'string') throw new SetFailure('invalidProperties', 'note', { properties: ['note'] });
    p.note = o.note;
  }
  return p;
}

async function workItemSet(ctx: CallContext, args: Args): Promise<Args> {
  const a = await queueAccount(ctx, args);
  const oldState = (await ctx.snapshot(a)).state;
  const ifInState = optString(args, 'ifInState');
  if (ifInState !== undefined && ifInState !== oldState) throw new MethodError('stateMismatch');
  const update = optObject(args, 'update') ?? {};
  const create = optObject(args, 'create') ?? {};
  const destroy = (args.destroy as unknown) ?? [];
  if (!Array.isArray(destroy)) throw new MethodError('invalidArguments', 'destroy');
  if (Object.keys(update).length + Object.keys(create).length + destroy.length > ctx.s.limits.maxObjectsInSet) throw new MethodError('requestTooLarge');
  const updated: Record<string, null> = {};
  const notUpdated: Record<string, unknown> = {};
  const notCreated: Record<string, unknown> = {};
  const notDestroyed: Record<string, unknown> = {};
  for (const k of Object.keys(create)) notCreated[k] = setError('forbidden', 'WorkItem/set create');
  for (const k of destroy as string[]) notDestroyed[k] = setError('forbidden', 'WorkItem/set destroy');
  for (const [rawId, patch] of Object.entries(update)) {
    const id = ctx.resolveId(rawId);
    try {
      const ref = (await locate(ctx, a, [id])).get(id);
      if (!ref || !(await ownFolder(ctx, a, ref.mailboxId))) throw new SetFailure('notFound');
      await ctx.s.workQueue.update(callerOf(ctx), ref.mailboxId, ref.uid, patchOf(patch));
      updated[rawId] = null;
    } catch (e) {
      if (e instanceof SetFailure) notUpdated[rawId] = e.toJSON();
      else if (isThutinError(e, 'WORK_ITEM_NOT_FOUND')) notUpdated[rawId] = setError('notFound');
      else if (isThutinError(e, 'WORK_QUEUE_ASSIGNEE_INVALID')) notUpdated[rawId] = setError('invalidProperties', e.en, { properties: ['assignee'] });
      else if (isThutinError(e, 'WORK_QUEUE_NOTE_TOO_LONG')) notUpdated[rawId] = setError('invalidProperties', e.en, { properties: ['note'] });
      else if (isThutinError(e, 'FORBIDDEN')) notUpdated[rawId] = setError('forbidden');
      else throw e;
    }
  }
  const out: Args = { accountId: a.id, oldState, newState: (await ctx.snapshot(a)).state };
  if (Object.keys(updated).length) out.updated = updated;
  if (Object.keys(notUpdated).length) out.notUpdated = notUpdated;
  if (Object.keys(notCreated).length) out.notCreated = notCreated;
  if (Object.keys(notDestroyed).length) out.notDestroyed = notDestroyed;
  return out;
}

async function workItemQuery(ctx: CallContext, args: Args): Promise<Args> {
  const a = await queueAccount(ctx, args);
  const filter = optObject(args, 'filter');
  if (!filter) throw new MethodError('unsupportedFilter', 'filter.inMailbox');
  const bad = Object.keys(filter).filter((k) => !['inMailbox', 'assignee', 'handled'].includes(k));
  if (bad.length) throw new MethodError('unsupportedFilter', bad.join(', '));
  const folder = parseMailboxId(filter.inMailbox);
  if (folder === null || !(await ownFolder(ctx, a, folder))) throw new MethodError('invalidArguments', 'filter.inMailbox');
  if (filter.assignee !== undefined && typeof filter.assignee !== 'string') throw new MethodError('invalidArguments', 'filter.assignee');
  if (filter.handled !== undefined && typeof filter.handled !== 'boolean') throw new MethodError('invalidArguments', 'filter.handled');
  const items = await ctx.s.workQueue.query(callerOf(ctx), folder, {
    ...(filter.assignee !== undefined ? { assignee: filter.assignee as string } : {}),
    ...(filter.handled !== undefined ? { handled: filter.handled as boolean } : {}),
  });
  const state = (await ctx.snapshot(a)).state;
  const idOf = await idsOf(
    ctx,
    folder,
    items.map((i) => i.uid),
  );
  const ids = items.map((i) => idOf.get(i.uid)).filter((id): id is string => id !== undefined);
  return { accountId: a.id, queryState: state, canCalculateChanges: false, position: 0, ids, total: ids.length };
}

async function memberGet(ctx: CallContext, args: Args): Promise<Args> {
  const a = await queueAccount(ctx, args);
  const members = await ctx.s.workQueue.members(callerOf(ctx), a.ownerAccountId);
  return {
    accountId: a.id,
    state: (await ctx.snapshot(a)).state,
    list: members.map((m) => ({ id: m.address, email: m.address, name: m.name, isHead: m.isHead })),
    notFound: [],
  };
}

export const WORK_QUEUE_METHODS: Record<string, MethodSpec> = {
  'WorkItem/get': { capability: WORKQUEUE, handler: workItemGet },
  'WorkItem/set': { capability: WORKQUEUE, handler: workItemSet },
  'WorkItem/query': { capability: WORKQUEUE, handler: workItemQuery },
  'WorkQueueMember/get': { capability: WORKQUEUE, handler: memberGet },
};
