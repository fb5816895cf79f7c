// Mailbox/get, Mailbox/changes, Mailbox/query and Mailbox/set (RFC 8621 §2) over the store's
// folders (core/mail-folders.ts, as IMAP LIST/CREATE/RENAME/DELETE use them). A folder's JMAP
// name is its last path segment, its parent the folder named by the path before it; the role
// comes from the special-use attribute (INBOX: inbox). Counts come from the folder's STATUS; thread
// counts from the threads stored with the messages (core/threads.ts), kept per folder MODSEQ.
// Owns: the Mailbox object and its methods.
import { HIERARCHY_SEPARATOR, canonicalMailboxName } from '../core/mailboxes.ts';
import { isThutinError } from '../core/errors.ts';
import type { MailboxInfo } from '../core/mailstore.ts';
import { optBool, optInt, optObject, optString, optStrings, properties, type Args, type MethodSpec, MAIL } from './api.ts';
import type { CallContext, JmapAccount } from './context.ts';
import { MethodError, SetFailure } from './errors.ts';
import { mailboxId, parseMailboxId } from './ids.ts';
import { decodeState } from './state.ts';

type Folder = MailboxInfo & { messages: number; unseen: number; threads?: number; unreadThreads?: number };

const PROPS = ['id', 'name', 'parentId', 'role', 'sortOrder', 'totalEmails', 'unreadEmails', 'totalThreads', 'unreadThreads', 'myRights', 'isSubscribed'] as const;
const COUNT_PROPS = ['totalEmails', 'unreadEmails', 'totalThreads', 'unreadThreads'];

const ROLES: Record<string, string> = { '\\Sent': 'sent', '\\Drafts': 'drafts', '\\Junk': 'junk', '\\Trash': 'trash', '\\Archive': 'archive', '\\All': 'all', '\\Flagged': 'flagged' };
const SPECIAL_USE_OF: Record<string, string> = Object.fromEntries(Object.entries(ROLES).map(([k, v]) => [v, k]));

export function roleOf(f: Pick<MailboxInfo, 'name' | 'specialUse'>): string | null {
  if (f.name === 'INBOX') return 'inbox';
  return f.specialUse ? (ROLES[f.specialUse] ?? null) : null;
}

function parentName(name: string): string | null {
  const i = name.lastIndexOf(HIERARCHY_SEPARATOR);
  return i > 0 ? name.slice(0, i) : null;
}

function leafName(name: string): string {
  return name.slice(name.lastIndexOf(HIERARCHY_SEPARATOR) + 1);
}

function isProtected(f: Pick<MailboxInfo, 'name' | 'specialUse'>): boolean {
  return f.name === 'INBOX' || f.specialUse !== null;
}

function rightsOf(a: JmapAccount, f: Folder): Record<string, boolean> {
  const write = !a.isReadOnly;
  const structural = write && (a.isPersonal || !isProtected(f)) && f.name !== 'INBOX';
  return {
    mayReadItems: true,
    mayAddItems: write,
    mayRemoveItems: write,
    maySetSeen: true,
    maySetKeywords: write,
    mayCreateChild: write,
    mayRename: structural,
    mayDelete: structural,
    maySubmit: a.isPersonal || a.rights.includes('send-as') || a.rights.includes('send-on-behalf'),
  };
}

function toJmap(a: JmapAccount, f: Folder, byName: Map<string, Folder>): Record<string, unknown> {
  const p = parentName(f.name);
  const role = roleOf(f);
  return {
    id: mailboxId(f.id),
    name: leafName(f.name),
    parentId: p && byName.has(p) ? mailboxId(byName.get(p)!.id) : null,
    role,
    sortOrder: role === 'inbox' ? 1 : role ? 2 : 10,
    totalEmails: f.messages,
    unreadEmails: f.unseen,
    totalThreads: f.threads ?? f.messages,
    unreadThreads: f.unreadThreads ?? f.unseen,
    myRights: rightsOf(a, f),
    isSubscribed: f.subscribed,
  };
}

function pick(o: Record<string, unknown>, props: readonly string[] | null): Record<string, unknown> {
  if (!props) return o;
  const out: Record<string, unknown> = { id: o.id };
  for (const p of props) out[p] = o[p];
  return out;
}

/** A folder's thread counts, kept while its MODSEQ stays (every append, flag change and expunge raises it). */
async function threadCounts(ctx: CallContext, f: Folder): Promise<{ threads: number; unreadThreads: number }> {
  const kept = ctx.s.threadCounts.get(f.id);
  if (kept && kept.modseq === f.highestModseq) return kept;
  const c = await ctx.s.store.threads.counts(f.id);
  const out = { modseq: f.highestModseq, threads: c.threads, unreadThreads: c.unread };
  if (ctx.s.threadCounts.size >= 10_000) ctx.s.threadCounts.clear();
  ctx.s.threadCounts.set(f.id, out);
  return out;
}

async function mailboxGet(ctx: CallContext, args: Args): Promise<Args> {
  const a = ctx.account(args.accountId);
  const props = properties(args, PROPS);
  const ids = optStrings(args, 'ids');
  if (ids && ids.length > ctx.s.limits.maxObjectsInGet) throw new MethodError('requestTooLarge');
  const snap = await ctx.snapshot(a, true);
  const byName = new Map(snap.folders.map((f) => [f.name, f]));
  const byId = new Map(snap.folders.map((f) => [mailboxId(f.id), f]));
  const list: unknown[] = [];
  const notFound: string[] = [];
  const wantThreads = !props || props.includes('totalThreads') || props.includes('unreadThreads');
  for (const id of ids ? new Set(ids.map((i) => ctx.resolveId(i))) : byId.keys()) {
    let f = byId.get(id);
    if (f && wantThreads) f = { ...f, ...(await threadCounts(ctx, f)) };
    if (f) list.push(pick(toJmap(a, f, byName), props));
    else notFound.push(id);
  }
  return { accountId: a.id, state: snap.state, list, notFound };
}

async function mailboxChanges(ctx: CallContext, args: Args): Promise<Args> {
  const a = ctx.account(args.accountId);
  const since = decodeState(optString(args, 'sinceState'));
  if (!since) throw new MethodError('cannotCalculateChanges');
  const maxChanges = optInt(args, 'maxChanges', 1);
  const snap = await ctx.snapshot(a);
  const old = new Map(since.map((m) => [m.id, m]));
  const now = new Map(snap.marks.map((m) => [m.id, m]));
  const created = snap.marks.filter((m) => !old.has(m.id)).map((m) => mailboxId(m.id));
  const destroyed = since.filter((m) => !now.has(m.id)).map((m) => mailboxId(m.id));
  const changed = snap.marks.filter((m) => old.has(m.id) && (old.get(m.id)!.modseq !== m.modseq || old.get(m.id)!.shape !== m.shape));
  const updated = changed.map((m) => mailboxId(m.id));
  if (maxChanges !== undefined && created.length + updated.length + destroyed.length > maxChanges) throw new MethodError('cannotCalculateChanges', 'maxChanges');
  const countsOnly = changed.every((m) => old.get(m.id)!.shape === m.shape);
  return {
    accountId: a.id,
    oldState: optString(args, 'sinceState'),
    newState: snap.state,
    hasMoreChanges: false,
    created,
    updated,
    destroyed,
    updatedProperties: updated.length && countsOnly ? COUNT_PROPS : null,
  };
}

function matches(f: Folder, byName: Map<string, Folder>, filter: Record<string, unknown>): boolean {
  if ('operator' in filter) {
    const conds = Array.isArray(filter.conditions) ? (filter.conditions as Array<Record<string, unknown>>) : [];
    if (filter.operator === 'AND') return conds.every((c) => matches(f, byName, c));
    if (filter.operator === 'OR') return conds.some((c) => matches(f, byName, c));
    if (filter.operator === 'NOT') return !conds.some((c) => matches(f, byName, c));
    throw new MethodError('unsupportedFilter', String(filter.operator));
  }
  for (const [k, v] of Object.entries(filter)) {
    if (k === 'parentId') {
      const p = parentName(f.name);
      const pid = p && byName.has(p) ? mailboxId(byName.get(p)!.id) : null;
      if (pid !== v) return false;
    } else if (k === 'role') {
      if (roleOf(f) !== v) return false;
    } else if (k === 'hasAnyRole') {
      if ((roleOf(f) !== null) !== v) return false;
    } else if (k === 'isSubscribed') {
      if (f.subscribed !== v) return false;
    } else if (k === 'name') {
      if (typeof v !== 'string' || !leafName(f.name).toLowerCase().includes(v.toLowerCase())) return false;
    } else throw new MethodError('unsupportedFilter', k);
  }
  return true;
}

async function mailboxQuery(ctx: CallContext, args: Args): Promise<Args> {
  const a = ctx.account(args.accountId);
  const snap = await ctx.snapshot(a);
  const byName = new Map(snap.folders.map((f) => [f.name, f]));
  const filter = optObject(args, 'filter');
  let list = filter ? snap.folders.filter((f) => matches(f, byName, filter)) : [...snap.folders];
  const sort = Array.isArray(args.sort) ? (args.sort as Array<{ property?: string; isAscending?: boolean }>) : [];
  const collator = new Intl.Collator('vi');
  const sortOrder = (f: Folder) => toJmap(a, f, byName).sortOrder as number;
  list.sort((x, y) => {
    for (const s of sort) {
      const dir = s.isAscending === false ? -1 : 1;
      let c: number;
      if (s.property === 'name') c = collator.compare(leafName(x.name), leafName(y.name));
      else if (s.property === 'sortOrder') c = sortOrder(x) - sortOrder(y);
      else throw new MethodError('unsupportedSort', String(s.property));
      if (c) return c * dir;
    }
    return x.id - y.id;
  });
  if (optBool(args, 'sortAsTree') || optBool(args, 'filterAsTree')) {
    // parents before children: order by full path with the sort applied per level (a stable second pass)
    const rank = new Map(list.map((f, i) => [f.id, i]));
    const key = (f: Folder): number[] => {
      const out: number[] = [];
      let n: string | null = f.name;
      while (n) {
        const g = byName.get(n);
        out.unshift(g ? (rank.get(g.id) ?? -1) : -1);
        n = parentName(n);
      }
      return out;
    };
    list = [...list].sort((x, y) => {
      const kx = key(x);
      const ky = key(y);
      for (let i = 0; i < Math.min(kx.length, ky.length); i++) if (kx[i] !== ky[i]) return kx[i] - ky[i];
      return kx.length - ky.length;
    });
  }
  const position = optInt(args, 'position', -1e9) ?? 0;
  const limit = optInt(args, 'limit');
  const start = position < 0 ? Math.max(0, list.length + position) : Math.min(position, list.length);
  const page = list.slice(start, limit !== undefined ? start + limit : undefined);
  return { accountId: a.id, queryState: snap.state, canCalculateChanges: true, position: start, ids: page.map((f) => mailboxId(f.id)), total: list.length };
}

function asFailure(e: unknown): SetFailure {
  if (e instanceof SetFailure) return e;
  if (isThutinError(e)) {
    if (e.code === 'MAILBOX_EXISTS') return new SetFailure('invalidProperties', e.message, { properties: ['name'] });
    if (e.code === 'MAILBOX_NAME_INVALID') return new SetFailure('invalidProperties', e.message, { properties: ['name'] });
    if (e.code === 'MAILBOX_NOT_FOUND') return new SetFailure('notFound');
    if (e.code === 'MAILBOX_PROTECTED') return new SetFailure('forbidden', e.message);
  }
  throw e;
}

async function mailboxSet(ctx: CallContext, args: Args): Promise<Args> {
  const a = ctx.account(args.accountId);
  const store = ctx.s.store;
  const before = await ctx.snapshot(a);
  const ifInState = optString(args, 'ifInState');
  if (ifInState !== undefined && ifInState !== before.state) throw new MethodError('stateMismatch');
  const create = optObject(args, 'create') ?? {};
  const update = optObject(args, 'update') ?? {};
  const destroy = optStrings(args, 'destroy') ?? [];
  if (Object.keys(create).length + Object.keys(update).length + destroy.length > ctx.s.limits.maxObjectsInSet) throw new MethodError('requestTooLarge');
  const removeEmails = optBool(args, 'onDestroyRemoveEmails') ?? false;
  const out: Args = { accountId: a.id, oldState: before.state, created: null, updated: null, destroyed: null, notCreated: null, notUpdated: null, notDestroyed: null };
  const created: Record<string, unknown> = {};
  const notCreated: Record<string, unknown> = {};
  const updated: Record<string, unknown> = {};
  const notUpdated: Record<string, unknown> = {};
  const destroyed: string[] = [];
  const notDestroyed: Record<string, unknown> = {};
  const folderById = async (id: string): Promise<MailboxInfo> => {
    const n = parseMailboxId(ctx.resolveId(id));
    const f = n === null ? null : await store.getMailboxById(n);
    if (!f || f.accountId !== a.ownerAccountId) throw new SetFailure('notFound');
    return f;
  };
  const fullName = async (name: unknown, parentId: unknown): Promise<string> => {
    if (typeof name !== 'string' || name === '' || name.includes(HIERARCHY_SEPARATOR)) throw new SetFailure('invalidProperties', 'name', { properties: ['name'] });
    if (parentId === undefined || parentId === null) return name;
    if (typeof parentId !== 'string') throw new SetFailure('invalidProperties', 'parentId', { properties: ['parentId'] });
    const p = await folderById(parentId).catch(() => {
      throw new SetFailure('invalidProperties', 'parentId', { properties: ['parentId'] });
    });
    return p.name + HIERARCHY_SEPARATOR + name;
  };
  for (const [cid, raw] of Object.entries(create)) {
    try {
      if (a.isReadOnly) throw new SetFailure('forbidden');
      const o = (raw ?? {}) as Record<string, unknown>;
      const role = typeof o.role === 'string' ? SPECIAL_USE_OF[o.role] : undefined;
      if (o.role !== undefined && o.role !== null && !role) throw new SetFailure('invalidProperties', 'role', { properties: ['role'] });
      const f = await store.createMailbox(a.ownerAccountId, await fullName(o.name, o.parentId), role ?? null);
      if (o.isSubscribed === true) await store.setSubscribed(a.ownerAccountId, f.name, true);
      ctx.createdIds.set(cid, mailboxId(f.id));
      created[cid] = {
        id: mailboxId(f.id),
        totalEmails: 0,
        unreadEmails: 0,
        totalThreads: 0,
        unreadThreads: 0,
        sortOrder: role ? 2 : 10,
        isSubscribed: o.isSubscribed === true,
        myRights: rightsOf(a, { ...f, messages: 0, unseen: 0 }),
      };
    } catch (e) {
      notCreated[cid] = asFailure(e).toJSON();
    }
  }
  for (const [id, raw] of Object.entries(update)) {
    try {
      const f = await folderById(id);
      const o = (raw ?? {}) as Record<string, unknown>;
      const renames = 'name' in o || 'parentId' in o;
      if (renames) {
        if (a.isReadOnly || (!a.isPersonal && isProtected(f)) || f.name === 'INBOX') throw new SetFailure('forbidden');
        const currentParent = parentName(f.name);
        const parentId = 'parentId' in o ? o.parentId : currentParent ? mailboxId((await store.getMailbox(a.ownerAccountId, currentParent))?.id ?? 0) : null;
        const to = await fullName('name' in o ? o.name : leafName(f.name), parentId);
        if (canonicalMailboxName(to) !== f.name) await store.renameMailbox(a.ownerAccountId, f.name, to);
      }
      if ('isSubscribed' in o) {
        if (typeof o.isSubscribed !== 'boolean') throw new SetFailure('invalidProperties', 'isSubscribed', { properties: ['isSubscribed'] });
        const now = await store.getMailboxById(f.id);
        await store.setSubscribed(a.ownerAccountId, now?.name ?? f.name, o.isSubscribed);
      }
      for (const k of Object.keys(o)) if (!['name', 'parentId', 'isSubscribed', 'sortOrder'].includes(k)) throw new SetFailure('invalidProperties', k, { properties: [k] });
      updated[ctx.resolveId(id)] = null;
    } catch (e) {
      notUpdated[id] = asFailure(e).toJSON();
    }
  }
  for (const id of destroy) {
    try {
      const f = await folderById(id);
      if (a.isReadOnly || f.name === 'INBOX' || (!a.isPersonal && isProtected(f))) throw new SetFailure('forbidden');
      const all = await store.listMailboxes(a.ownerAccountId);
      if (all.some((g) => g.name.startsWith(f.name + HIERARCHY_SEPARATOR))) throw new SetFailure('mailboxHasChild');
      const counts = await store.mailboxCounts(f.id);
      if (counts && counts.messages > 0 && !removeEmails) throw new SetFailure('mailboxHasEmail');
      await store.deleteMailbox(a.ownerAccountId, f.name);
      destroyed.push(ctx.resolveId(id));
    } catch (e) {
      notDestroyed[id] = asFailure(e).toJSON();
    }
  }
  const after = await ctx.snapshot(a);
  out.newState = after.state;
  if (Object.keys(created).length) out.created = created;
  if (Object.keys(notCreated).length) out.notCreated = notCreated;
  if (Object.keys(updated).length) out.updated = updated;
  if (Object.keys(notUpdated).length) out.notUpdated = notUpdated;
  if (destroyed.length) out.destroyed = destroyed;
  if (Object.keys(notDestroyed).length) out.notDestroyed = notDestroyed;
  return out;
}

export const MAILBOX_METHODS: Record<string, MethodSpec> = {
  'Mailbox/get': { capability: MAIL, handler: mailboxGet },
  'Mailbox/changes': { capability: MAIL, handler: mailboxChanges },
  'Mailbox/query': { capability: MAIL, handler: mailboxQuery },
  'Mailbox/set': { capability: MAIL, handler: mailboxSet },
};
