// Email/set, Email/import, Thread/get and Core/echo (RFC 8620 §4, RFC 8621 §3, §4.6,
// §4.8, §6.1). Keywords change through MailStore.storeFlags (the MODSEQ IMAP sees; \Deleted kept),
// mailboxIds through copy/move (a message is in one mailbox: changing it moves the message, which
// keeps its id; adding mailboxes copies it: a new Email), destroy through \Deleted + UID EXPUNGE, create and
// import from an uploaded blob (uploads.ts) committed into the folder. A delegate with `read` only
// may change $seen, as in IMAP.
// Owns: writing Emails; Thread/get over the stored threads (core/threads.ts).
import { DELETED, SEEN } from '../core/flags.ts';
import { isThutinError } from '../core/errors.ts';
import { MAIL, CORE, optObject, optString, optStrings, type Args, type MethodSpec } from './api.ts';
import type { CallContext, JmapAccount } from './context.ts';
import { MethodError, SetFailure } from './errors.ts';
import { emailId, emailIdOf, mailboxId, messageBlobId, parseBlobId, parseEmailId, parseMailboxId, parseThreadId, threadId, threadIdOf, type MessageRef } from './ids.ts';
import { flagsFromKeywords, isJmapKeyword, keywordsOf } from './message.ts';
import { loadMessages } from './email.ts';

function failure(e: unknown): Record<string, unknown> {
  if (e instanceof SetFailure) return e.toJSON();
  if (isThutinError(e) && /QUOTA/.test(e.code)) return new SetFailure('overQuota').toJSON();
  if (isThutinError(e) && /TOO_BIG|SIZE/.test(e.code)) return new SetFailure('tooLarge').toJSON();
  throw e;
}

/** The account's folder an id names (SetFailure otherwise). */
async function folderOf(ctx: CallContext, a: JmapAccount, id: string): Promise<{ id: number; name: string }> {
  const n = parseMailboxId(ctx.resolveId(id));
  const f = n === null ? null : await ctx.s.store.getMailboxById(n);
  if (!f || f.accountId !== a.ownerAccountId) throw new SetFailure('invalidProperties', `mailboxIds: ${id}`, { properties: ['mailboxIds'] });
  return f;
}

/** Apply a patch or a whole value of a map property (`keywords`, `mailboxIds`). */
function patched(current: Record<string, true>, update: Record<string, unknown>, prop: string): Record<string, true> | null {
  let result: Record<string, true> | null = null;
  if (prop in update) {
    const v = update[prop];
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new SetFailure('invalidProperties', prop, { properties: [prop] });
    result = {};
    for (const [k, x] of Object.entries(v)) {
      if (x !== true) throw new SetFailure('invalidProperties', prop, { properties: [prop] });
      result[k] = true;
    }
  }
  for (const [k, v] of Object.entries(update)) {
    if (!k.startsWith(prop + '/')) continue;
    if (result && prop in update) throw new SetFailure('invalidPatch', k);
    result ??= { ...current };
    const key = k
      .slice(prop.length + 1)
      .replace(/~1/g, '/')
      .replace(/~0/g, '~');
    if (v === true) result[key] = true;
    else if (v === null || v === false) delete result[key];
    else throw new SetFailure('invalidPatch', k);
  }
  return result;
}

async function updateOne(ctx: CallContext, a: JmapAccount, id: string, update: Record<string, unknown>): Promise<void> {
  for (const k of Object.keys(update))
    if (!(k === 'keywords' || k === 'mailboxIds' || k.startsWith('keywords/') || k.startsWith('mailboxIds/'))) throw new SetFailure('invalidProperties', k, { properties: [k] });
  const asked = parseEmailId(id);
  const hit = asked ? (await loadMessages(ctx, a, [asked])).get(id) : undefined;
  if (!hit) throw new SetFailure('notFound');
  const ref = hit.ref; // where the message is now (a moved message keeps its id)
  const store = ctx.s.store;
  const kw = patched(keywordsOf(hit.meta), update, 'keywords');
  if (kw) {
    for (const k of Object.keys(kw)) if (!isJmapKeyword(k)) throw new SetFailure('invalidProperties', `keywords: ${k}`, { properties: ['keywords'] });
    const want = flagsFromKeywords(kw, hit.meta);
    if (a.isReadOnly) {
      const other = { flags: hit.meta.flags & ~SEEN, keywords: hit.meta.keywords };
      const same = flagsFromKeywords(keywordsOf(other), hit.meta);
      const onlySeen = (want.mask & ~SEEN) === (same.mask & ~SEEN) && want.keywords.join(' ').toLowerCase() === same.keywords.join(' ').toLowerCase();
      if (!onlySeen) throw new SetFailure('forbidden', 'read-only: $seen only');
    }
    await store.storeFlags(ref.mailboxId, [ref.uid], 'set', want);
  }
  const boxes = patched({ [mailboxId(ref.mailboxId)]: true }, update, 'mailboxIds');
  if (boxes) {
    const targets = Object.keys(boxes).map((b) => ctx.resolveId(b));
    if (targets.length === 0) throw new SetFailure('invalidProperties', 'mailboxIds: {}', { properties: ['mailboxIds'] });
    const here = mailboxId(ref.mailboxId);
    const others = targets.filter((t) => t !== here);
    if (!others.length) return;
    if (a.isReadOnly) throw new SetFailure('forbidden');
    const folders = [];
    for (const t of others) folders.push(await folderOf(ctx, a, t));
    const stays = targets.includes(here);
    for (let i = 0; i < folders.length; i++) {
      if (!stays && i === folders.length - 1) await store.move(ref.mailboxId, [ref.uid], folders[i].id);
      else await store.copy(ref.mailboxId, [ref.uid], folders[i].id);
    }
  }
}

/** Commit an uploaded message into one folder of the account; its new Email's id and blob. */
async function importBlob(ctx: CallContext, a: JmapAccount, o: Record<string, unknown>): Promise<Record<string, unknown>> {
  if (a.isReadOnly) throw new SetFailure('forbidden');
  const blob = parseBlobId(o.blobId);
  const upload = blob?.kind === 'upload' ? ctx.s.uploads.get(a.ownerAccountId, blob.sha256) : null;
  if (!upload) throw new SetFailure('blobNotFound', undefined, { notFound: [String(o.blobId)] });
  const boxes = o.mailboxIds && typeof o.mailboxIds === 'object' ? Object.keys(o.mailboxIds as object) : [];
  if (boxes.length !== 1) throw new SetFailure(boxes.length ? 'tooManyMailboxes' : 'invalidProperties', 'mailboxIds', { properties: ['mailboxIds'] });
  const folder = await folderOf(ctx, a, boxes[0]);
  const keywords = o.keywords && typeof o.keywords === 'object' ? (o.keywords as Record<string, unknown>) : {};
  for (const k of Object.keys(keywords)) if (!isJmapKeyword(k)) throw new SetFailure('invalidProperties', `keywords: ${k}`, { properties: ['keywords'] });
  const flags = flagsFromKeywords(keywords, { flags: 0, keywords: '' });
  const names = [
    ...(flags.mask & SEEN ? ['\\Seen'] : []),
    ...(flags.mask & 2 ? ['\\Answered'] : []),
    ...(flags.mask & 4 ? ['\\Flagged'] : []),
    ...(flags.mask & 16 ? ['\\Draft'] : []),
    ...flags.keywords,
  ];
  const receivedAt = typeof o.receivedAt === 'string' && !Number.isNaN(Date.parse(o.receivedAt)) ? Date.parse(o.receivedAt) : Date.now();
  const [d] = await ctx.s.store.deliver(upload.content, [{ accountId: a.ownerAccountId, mailbox: folder.name, flags: names }], receivedAt, 'append'); // not mail received: not journaled nor counted
  const ref: MessageRef = { mailboxId: d.mailboxId, uid: d.uid };
  const [meta] = await ctx.s.store.getMessages(ref.mailboxId, [ref.uid]);
  const id = emailId(ref);
  return { id, blobId: messageBlobId(ref), threadId: meta ? threadIdOf(ref, meta) : threadId(ref), size: meta?.size ?? upload.content.size };
}

export async function emailSet(ctx: CallContext, args: Args): Promise<Args> {
  const a = ctx.account(args.accountId);
  const create = optObject(args, 'create') ?? {};
  const update = optObject(args, 'update') ?? {};
  const destroy = optStrings(args, 'destroy') ?? [];
  if (Object.keys(create).length + Object.keys(update).length + destroy.length > ctx.s.limits.maxObjectsInSet) throw new MethodError('requestTooLarge');
  const before = await ctx.snapshot(a);
  const ifInState = optString(args, 'ifInState');
  if (ifInState !== undefined && ifInState !== before.state) throw new MethodError('stateMismatch');
  const out: Args = { accountId: a.id, oldState: before.state, created: null, updated: null, destroyed: null, notCreated: null, notUpdated: null, notDestroyed: null };
  const created: Record<string, unknown> = {};
  const notCreated: Record<string, unknown> = {};
  const updated: Record<string, unknown> = {};
  const notUpdated: Record<string, unknown> = {};
  const destroyed: string[] = [];
  const notDestroyed: Record<string, unknown> = {};
  for (const [cid, o] of Object.entries(create)) {
    try {
      const obj = (o ?? {}) as Record<string, unknown>;
      if (typeof obj.blobId !== 'string') throw new SetFailure('invalidProperties', 'blobId (this server creates Emails from an uploaded message only)', { properties: ['blobId'] });
      const c = await importBlob(ctx, a, obj);
      ctx.createdIds.set(cid, c.id as string);
      created[cid] = c;
    } catch (e) {
      notCreated[cid] = failure(e);
    }
  }
  for (const [id, u] of Object.entries(update)) {
    try {
      if (!u || typeof u !== 'object') throw new SetFailure('invalidPatch');
      await updateOne(ctx, a, ctx.resolveId(id), u as Record<string, unknown>);
      updated[ctx.resolveId(id)] = null;
    } catch (e) {
      notUpdated[id] = failure(e);
    }
  }
  for (const raw of destroy) {
    const id = ctx.resolveId(raw);
    try {
      if (a.isReadOnly) throw new SetFailure('forbidden');
      const asked = parseEmailId(id);
      const hit = asked ? (await loadMessages(ctx, a, [asked])).get(id) : undefined;
      if (!hit) throw new SetFailure('notFound');
      await ctx.s.store.storeFlags(hit.ref.mailboxId, [hit.ref.uid], 'add', { mask: DELETED, keywords: [] });
      await ctx.s.store.expunge(hit.ref.mailboxId, [hit.ref.uid]);
      destroyed.push(id);
    } catch (e) {
      notDestroyed[raw] = failure(e);
    }
  }
  out.newState = (await ctx.snapshot(a)).state;
  if (Object.keys(created).length) out.created = created;
  if (Object.keys(notCreated).length) out.notCreated = notCreated;
  if (Object.keys(updated).length) out.updated = updated;
  if (Object.keys(notUpdated).length) out.notUpdated = notUpdated;
  if (destroyed.length) out.destroyed = destroyed;
  if (Object.keys(notDestroyed).length) out.notDestroyed = notDestroyed;
  return out;
}

async function emailImport(ctx: CallContext, args: Args): Promise<Args> {
  const a = ctx.account(args.accountId);
  const emails = optObject(args, 'emails') ?? {};
  if (Object.keys(emails).length > ctx.s.limits.maxObjectsInSet) throw new MethodError('requestTooLarge');
  const before = await ctx.snapshot(a);
  const ifInState = optString(args, 'ifInState');
  if (ifInState !== undefined && ifInState !== before.state) throw new MethodError('stateMismatch');
  const created: Record<string, unknown> = {};
  const notCreated: Record<string, unknown> = {};
  for (const [cid, o] of Object.entries(emails)) {
    try {
      const c = await importBlob(ctx, a, (o ?? {}) as Record<string, unknown>);
      ctx.createdIds.set(cid, c.id as string);
      created[cid] = c;
    } catch (e) {
      notCreated[cid] = failure(e);
    }
  }
  return {
    accountId: a.id,
    oldState: before.state,
    newState: (await ctx.snapshot(a)).state,
    created: Object.keys(created).length ? created : null,
    notCreated: Object.keys(notCreated).length ? notCreated : null,
  };
}

async function threadGet(ctx: CallContext, args: Args): Promise<Args> {
  const a = ctx.account(args.accountId);
  const ids = optStrings(args, 'ids');
  if (!ids) throw new MethodError('requestTooLarge', 'ids: null');
  if (ids.length > ctx.s.limits.maxObjectsInGet) throw new MethodError('requestTooLarge');
  const snap = await ctx.snapshot(a);
  const wanted = [...new Set(ids.map((i) => ctx.resolveId(i)))];
  const places = wanted.filter((id) => parseThreadId(id) !== null).map((id) => id.slice(1));
  // the stored threads (core/threads.ts), members oldest first
  const members = new Map<string, string[]>();
  for (const m of await ctx.s.store.threads.members(a.ownerAccountId, places)) {
    const id = `T${m.threadId}`;
    members.set(id, [...(members.get(id) ?? []), emailIdOf({ mailboxId: m.mailboxId, uid: m.uid }, m)]);
  }
  // a message not threaded yet (stored before the threads, the backfill not there yet) is a thread of its own
  const lone = wanted
    .filter((id) => !members.has(id))
    .map((id) => parseThreadId(id))
    .filter((r): r is MessageRef => r !== null);
  if (lone.length) for (const [eid, hit] of await loadMessages(ctx, a, lone)) if (!hit.meta.threadId) members.set(threadIdOf(hit.ref, hit.meta), [eid]);
  const list: unknown[] = [];
  const notFound: string[] = [];
  for (const id of wanted) {
    const emailIds = members.get(id);
    if (emailIds) list.push({ id, emailIds });
    else notFound.push(id);
  }
  return { accountId: a.id, state: snap.state, list, notFound };
}

export const EMAIL_WRITE_METHODS: Record<string, MethodSpec> = {
  'Core/echo': { capability: CORE, handler: async (_ctx, args) => args },
  'Email/set': { capability: MAIL, handler: emailSet },
  'Email/import': { capability: MAIL, handler: emailImport },
  'Thread/get': { capability: MAIL, handler: threadGet },
};
