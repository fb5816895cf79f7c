// Email/get, Email/query and Email/changes (RFC 8621 §4.2–4.4) over the store's messages. A query's
// conditions and sorts are run by email-query.ts (text ones by the store's folded search, the same
// as IMAP SEARCH); this file pages its result. Email/changes reads each folder's change log from the
// state's MODSEQ (state.ts).
// Owns: reading Emails.
import type { MessageMeta } from '../core/mailstore.ts';
import type { MessageIndex } from '../core/mime/index.ts';
import { decodeEncodedWords } from '../core/mime/encoded-words.ts';
import { htmlToText } from '../core/mime/html-text.ts';
import { MAIL, optBool, optInt, optString, optStrings, properties, type Args, type MethodSpec } from './api.ts';
import type { CallContext, JmapAccount } from './context.ts';
import { MethodError } from './errors.ts';
import { emailId, emailIdOf, mailboxId, messageBlobId, originOf, parseEmailId, threadIdOf, type MessageRef } from './ids.ts';
import { toAddresses, allHeaders, bodyLists, bodyStructure, headerProperty, headerView, keywordsOf, parseHeaderProperty, partText, truncateUtf8, type BodyPart, type HeaderView } from './message.ts';
import { decodeState, encodeState } from './state.ts';
import { newestFirstPage } from './query-page.ts';
import { queryArgs, queryFolders, queryKey, runQuery, type Row } from './email-query.ts';

export const EMAIL_PROPS = [
  'id', 'blobId', 'threadId', 'mailboxIds', 'keywords', 'size', 'receivedAt', 'messageId', 'inReplyTo', 'references', 'sender', 'from', 'to', 'cc', 'bcc', 'replyTo', 'subject', 'sentAt',
  'hasAttachment', 'preview', 'bodyValues', 'textBody', 'htmlBody', 'attachments', 'headers', 'bodyStructure',
] as const; // prettier-ignore
const DEFAULT_PROPS = EMAIL_PROPS.filter((p) => p !== 'headers' && p !== 'bodyStructure');
const BODY_PROPS = ['partId', 'blobId', 'size', 'name', 'type', 'charset', 'disposition', 'cid', 'language', 'location', 'subParts', 'headers'];
const DEFAULT_BODY_PROPS = ['partId', 'blobId', 'size', 'name', 'type', 'charset', 'disposition', 'cid', 'language', 'location'];
const HEADER_FORMS: Record<string, string> = {
  messageId: 'header:Message-ID:asMessageIds',
  inReplyTo: 'header:In-Reply-To:asMessageIds',
  references: 'header:References:asMessageIds',
  sender: 'header:Sender:asAddresses',
  from: 'header:From:asAddresses',
  to: 'header:To:asAddresses',
  cc: 'header:Cc:asAddresses',
  bcc: 'header:Bcc:asAddresses',
  replyTo: 'header:Reply-To:asAddresses',
  subject: 'header:Subject:asText',
  sentAt: 'header:Date:asDate',
};
const ids = (raw: string | null): string[] | null => (raw ? [...raw.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]) : null);
const FROM_ENVELOPE: Record<string, (idx: MessageIndex) => unknown> = {
  subject: (idx) => (idx.envelope.subject === null ? null : decodeEncodedWords(idx.envelope.subject).normalize('NFC').trim()),
  from: (idx) => (idx.envelope.from ? toAddresses(idx.envelope.from) : null),
  to: (idx) => (idx.envelope.to ? toAddresses(idx.envelope.to) : null),
  cc: (idx) => (idx.envelope.cc ? toAddresses(idx.envelope.cc) : null),
  bcc: (idx) => (idx.envelope.bcc ? toAddresses(idx.envelope.bcc) : null),
  messageId: (idx) => ids(idx.envelope.messageId),
  inReplyTo: (idx) => ids(idx.envelope.inReplyTo),
  sentAt: (idx) => (idx.sentDate ? idx.sentDate.replace(/\.\d{3}Z$/, 'Z') : null),
};
const NEEDS_INDEX = new Set(['hasAttachment', 'preview', 'bodyValues', 'textBody', 'htmlBody', 'attachments', 'bodyStructure']);

export function utcDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The messages `refs` name in account `a` (those not there are left out), keyed by Email id. An
 * Email id names the message's first place; a message moved since is found where it is now. With
 * `here`, refs are places now (blob ids): the message there, whatever its Email id, keyed `E<place>`.
 */
export async function loadMessages(ctx: CallContext, a: JmapAccount, refs: MessageRef[], opts: { here?: boolean } = {}): Promise<Map<string, { ref: MessageRef; meta: MessageMeta; folder: string }>> {
  const out = new Map<string, { ref: MessageRef; meta: MessageMeta; folder: string }>();
  const byFolder = new Map<number, number[]>();
  for (const r of refs) byFolder.set(r.mailboxId, [...(byFolder.get(r.mailboxId) ?? []), r.uid]);
  const names = new Map<number, string | null>();
  const folderName = async (mb: number): Promise<string | null> => {
    if (!names.has(mb)) {
      const f = await ctx.s.store.getMailboxById(mb);
      names.set(mb, f && f.accountId === a.ownerAccountId ? f.name : null);
    }
    return names.get(mb)!;
  };
  for (const [mb, uids] of byFolder) {
    const name = await folderName(mb);
    if (name === null) continue;
    await ctx.opened(a, name);
    for (const meta of await ctx.s.store.getMessages(mb, uids)) {
      const ref = { mailboxId: mb, uid: meta.uid };
      if (!meta.origin || opts.here) out.set(emailId(ref), { ref, meta, folder: name }); // a moved message here has its first place's id
    }
  }
  if (opts.here) return out;
  // the ones not where they were first stored: moved since
  const moved = refs.filter((r) => !out.has(emailId(r)));
  for (const meta of await ctx.s.store.byOrigin(a.ownerAccountId, moved.map(originOf))) {
    const ref = { mailboxId: meta.mailboxId, uid: meta.uid };
    const name = await folderName(ref.mailboxId);
    if (name === null) continue;
    await ctx.opened(a, name);
    out.set(emailIdOf(ref, meta), { ref, meta, folder: name });
  }
  return out;
}

/** Up to 256 characters of the first text part (HTML as text), from its first 4 KB; kept per blob (contents never change). */
async function preview(ctx: CallContext, meta: MessageMeta, parts: BodyPart[]): Promise<string> {
  const known = ctx.s.previews.get(meta.sha256);
  if (known !== undefined) return known;
  const p = parts.find((b) => b.node.type === 'text');
  let text = '';
  if (p) {
    const body = await ctx.s.store.readMessage(meta, p.node.bodyStart, Math.min(p.node.end, p.node.bodyStart + 4096));
    const t = partText(body, p.node);
    text = (p.node.subtype === 'html' ? htmlToText(t) : t).replace(/\s+/g, ' ').trim().slice(0, 256);
  }
  if (ctx.s.previews.size >= 20_000) ctx.s.previews.clear();
  ctx.s.previews.set(meta.sha256, text);
  return text;
}

function pickBody(p: BodyPart, props: string[], h: HeaderView | null): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const k of props) {
    if (k === 'subParts') {
      if (p.subParts) o.subParts = p.subParts.map((c) => pickBody(c, props, null));
    } else if (k === 'headers') o.headers = h ? allHeaders(h) : [];
    else o[k] = (p as unknown as Record<string, unknown>)[k];
  }
  return o;
}

async function emailGet(ctx: CallContext, args: Args): Promise<Args> {
  const a = ctx.account(args.accountId);
  const ids = optStrings(args, 'ids');
  if (!ids) throw new MethodError('requestTooLarge', 'ids: null');
  if (ids.length > ctx.s.limits.maxObjectsInGet) throw new MethodError('requestTooLarge');
  const snap = await ctx.snapshot(a);
  const wanted = [...new Set(ids.map((i) => ctx.resolveId(i)))]; // an id asked twice is answered once (RFC 8620 §5.1)
  const refs = wanted.map(parseEmailId).filter((r): r is MessageRef => r !== null);
  const found = await loadMessages(ctx, a, refs);
  const list = await renderEmails(ctx, args, found, wanted);
  return { accountId: a.id, state: snap.state, list, notFound: wanted.filter((id) => !found.has(id)) };
}

/**
 * The Email objects of `order` (those in `found`) with the properties `args` asks for (Email/get's
 * arguments). `indexes`: the messages' indexes when they are not stored yet (Email/parse of an upload).
 */
export async function renderEmails(
  ctx: CallContext,
  args: Args,
  found: Map<string, { ref: MessageRef; meta: MessageMeta }>,
  order: string[],
  given?: Map<MessageMeta, MessageIndex>,
): Promise<Array<Record<string, unknown>>> {
  const props = properties(args, EMAIL_PROPS) ?? [...DEFAULT_PROPS];
  const headerProps = props.filter((p) => p.startsWith('header:')).map((p) => [p, parseHeaderProperty(p)] as const);
  for (const [p, parsed] of headerProps) if (!parsed) throw new MethodError('invalidArguments', p);
  const bodyProps = optStrings(args, 'bodyProperties') ?? DEFAULT_BODY_PROPS;
  for (const b of bodyProps) if (!BODY_PROPS.includes(b)) throw new MethodError('invalidArguments', `bodyProperties: ${b}`);
  const fetchText = optBool(args, 'fetchTextBodyValues') ?? false;
  const fetchHtml = optBool(args, 'fetchHTMLBodyValues') ?? false;
  const fetchAll = optBool(args, 'fetchAllBodyValues') ?? false;
  const maxBytes = optInt(args, 'maxBodyValueBytes', 1) ?? 0;
  const needIndex = props.some((p) => NEEDS_INDEX.has(p));
  // subject, from, to, cc, bcc, messageId, inReplyTo and sentAt come from the stored envelope; the
  // header section is read from the blob only for the other fields
  const needEnvelope = props.some((p) => p in FROM_ENVELOPE);
  const needHeader = props.some((p) => (p in HEADER_FORMS && !(p in FROM_ENVELOPE)) || p === 'headers' || p.startsWith('header:') || p === 'bodyStructure');
  const indexes = given ?? (needHeader || needIndex || needEnvelope ? await ctx.s.store.indexesOf([...found.values()].map((f) => f.meta)) : new Map<MessageMeta, MessageIndex>());
  // One Email's object; the blob reads of several run at once (bounded), answers keep the asked order.
  const build = async (id: string): Promise<Record<string, unknown>> => {
    const { ref, meta } = found.get(id)!;
    const o: Record<string, unknown> = { id };
    const idx = indexes.get(meta);
    const h = needHeader && idx ? headerView(await ctx.s.store.readMessage(meta, 0, idx.headerSize)) : null;
    const top = needIndex && idx ? bodyStructure(ref, idx.root) : null;
    const lists = top ? bodyLists(top) : null;
    for (const p of props) {
      if (p === 'id') continue;
      if (p === 'blobId') o.blobId = messageBlobId(ref);
      else if (p === 'threadId')
        o.threadId = threadIdOf(ref, meta); // stored with the message (core/threads.ts)
      else if (p === 'mailboxIds') o.mailboxIds = { [mailboxId(ref.mailboxId)]: true };
      else if (p === 'keywords') o.keywords = keywordsOf(meta);
      else if (p === 'size') o.size = meta.size;
      else if (p === 'receivedAt') o.receivedAt = utcDate(meta.internalDate);
      else if (p in FROM_ENVELOPE) o[p] = idx ? FROM_ENVELOPE[p](idx) : null;
      else if (p in HEADER_FORMS) o[p] = h ? headerProperty(h, parseHeaderProperty(HEADER_FORMS[p])!) : null;
      else if (p.startsWith('header:')) o[p] = h ? headerProperty(h, parseHeaderProperty(p)!) : null;
      else if (p === 'headers') o.headers = h ? allHeaders(h) : [];
      else if (p === 'preview') o.preview = lists ? await preview(ctx, meta, lists.textBody) : '';
      else if (p === 'hasAttachment') o.hasAttachment = lists ? lists.attachments.length > 0 : false;
      else if (p === 'bodyStructure') o.bodyStructure = top ? pickBody(top, [...bodyProps, 'subParts'], h) : null;
      else if (p === 'textBody' || p === 'htmlBody' || p === 'attachments') o[p] = lists ? lists[p].map((b) => pickBody(b, bodyProps, null)) : [];
    }
    if (props.includes('bodyValues')) {
      const values: Record<string, unknown> = {};
      const parts = new Map<string, BodyPart>();
      if (lists && (fetchText || fetchAll)) for (const b of lists.textBody) parts.set(b.partId!, b);
      if (lists && (fetchHtml || fetchAll)) for (const b of lists.htmlBody) parts.set(b.partId!, b);
      for (const [pid, b] of parts) {
        if (b.node.type !== 'text') continue;
        const body = await ctx.s.store.readMessage(meta, b.node.bodyStart, b.node.end);
        const text = partText(body, b.node);
        const cut = maxBytes > 0 ? truncateUtf8(text, maxBytes) : { value: text, truncated: false };
        values[pid] = { value: cut.value, isEncodingProblem: false, isTruncated: cut.truncated };
      }
      o.bodyValues = values;
    }
    return o;
  };
  const present = order.filter((id) => found.has(id));
  const list: Array<Record<string, unknown>> = [];
  for (let i = 0; i < present.length; i += 16) list.push(...(await Promise.all(present.slice(i, i + 16).map(build))));
  return list;
}

async function emailQuery(ctx: CallContext, args: Args): Promise<Args> {
  const a = ctx.account(args.accountId);
  const { filter, sort } = queryArgs(args);
  const snap = await ctx.snapshot(a);
  const folders = queryFolders(ctx, filter, snap.folders);
  if (!folders) return { accountId: a.id, queryState: snap.state, canCalculateChanges: true, position: 0, ids: [], total: 0 };
  // one folder newest first, its result not kept: its page from the index (query-page.ts)
  const quick = await newestFirstPage(ctx, a, args, { filter, sort, folders, state: snap.state, cacheKey: queryKey(a.ownerAccountId, folders, filter, sort) });
  if (quick) return quick;
  let hits = await runQuery(ctx, a, filter, sort, folders);
  if (optBool(args, 'collapseThreads') === true && hits.length > 1) {
    // one Email per thread: the first of each in the sort order; the threads are stored with the
    // messages (core/threads.ts), so the collapsed list and its total are exact, and kept like the query
    const all = hits;
    const key = queryKey(a.ownerAccountId, folders, filter, sort) + '|collapsed';
    const collapse = async (): Promise<Row[]> => {
      const seen = new Set<string>();
      return all.filter((h) => {
        const t = threadIdOf(h.ref, h.meta);
        if (seen.has(t)) return false;
        seen.add(t);
        return true;
      });
    };
    hits = key.includes('"#') ? await collapse() : await ctx.s.queries.get(key, collapse);
  }
  const total = hits.length;
  let position = optInt(args, 'position', -Number.MAX_SAFE_INTEGER) ?? 0;
  const anchor = optString(args, 'anchor');
  if (anchor !== undefined) {
    const at = hits.findIndex((h) => emailIdOf(h.ref, h.meta) === ctx.resolveId(anchor));
    if (at < 0) throw new MethodError('anchorNotFound');
    position = Math.max(0, at + (optInt(args, 'anchorOffset', -Number.MAX_SAFE_INTEGER) ?? 0));
  } else if (position < 0) position = Math.max(0, total + position);
  position = Math.min(position, total);
  const limit = Math.min(optInt(args, 'limit') ?? 1000, 10_000);
  const page = hits.slice(position, position + limit);
  const out: Args = { accountId: a.id, queryState: snap.state, canCalculateChanges: true, position, ids: page.map((h) => emailIdOf(h.ref, h.meta)) };
  if (optBool(args, 'calculateTotal') !== false) out.total = total;
  if (optInt(args, 'limit') !== undefined && optInt(args, 'limit')! > limit) out.limit = limit;
  return out;
}

// ---------------------------------------------------------------- changes

async function emailChanges(ctx: CallContext, args: Args, asThreads = false): Promise<Args> {
  const a = ctx.account(args.accountId);
  const sinceState = optString(args, 'sinceState');
  const since = decodeState(sinceState);
  if (!since) throw new MethodError('cannotCalculateChanges');
  const maxChanges = optInt(args, 'maxChanges', 1);
  const snap = await ctx.snapshot(a);
  const now = new Map(snap.marks.map((m) => [m.id, m]));
  const created: string[] = [];
  const updated: string[] = [];
  const destroyed: string[] = [];
  for (const old of since) if (!now.has(old.id) && old.uidnext > 1) throw new MethodError('cannotCalculateChanges', 'mailbox destroyed');
  const oldById = new Map(since.map((m) => [m.id, m]));
  // Folder by folder; past maxChanges the answer stops after the last whole folder and its new
  // state keeps the old marks of the folders not yet told (hasMoreChanges). One folder alone over
  // maxChanges cannot be split (its expunges carry no MODSEQ): cannotCalculateChanges.
  const marks = new Map(since.filter((m) => now.has(m.id)).map((m) => [m.id, m]));
  let hasMoreChanges = false;
  // Was this message known to the client: its first place in a folder of the old state, below that folder's UIDNEXT then?
  const known = (origin: string | null | undefined, folder: number, uid: number): boolean => {
    const [m, u] = origin ? origin.split('_').map(Number) : [folder, uid];
    const o = oldById.get(m);
    return !!o && u < o.uidnext;
  };
  // Thread/changes: the thread of each Email told (stored with the message, and in the expunge log)
  const threadOfEmail = new Map<string, string>();
  const threadOfGone = new Map<string, string>();
  for (const mark of snap.marks) {
    const old = oldById.get(mark.id);
    if (old && old.modseq === mark.modseq) {
      marks.set(mark.id, mark);
      continue;
    }
    const c = { created: [] as string[], updated: [] as string[], destroyed: [] as string[] };
    const here = (m: MessageMeta) => {
      const id = emailIdOf({ mailboxId: mark.id, uid: m.uid }, m);
      if (asThreads) threadOfEmail.set(id, threadIdOf({ mailboxId: mark.id, uid: m.uid }, m));
      return id;
    };
    if (!old) {
      for (const m of await ctx.s.store.listFlags(mark.id)) (known(m.origin, mark.id, m.uid) ? c.updated : c.created).push(here(m));
    } else {
      const ch = await ctx.s.store.changesSince(mark.id, old.modseq);
      if (!ch.complete) throw new MethodError('cannotCalculateChanges');
      for (const m of ch.changed) (known(m.origin, mark.id, m.uid) ? c.updated : c.created).push(here(m));
      const origins = ch.expunged.length ? await ctx.s.store.expungedOrigins(mark.id, old.modseq) : new Map<number, string>();
      const gone = asThreads && ch.expunged.length ? await ctx.s.store.expungedThreads(mark.id, old.modseq) : new Map<number, string>();
      for (const uid of ch.expunged) {
        const origin = origins.get(uid) ?? null;
        if (!known(origin, mark.id, uid)) continue;
        const id = origin ? `E${origin}` : emailId({ mailboxId: mark.id, uid });
        c.destroyed.push(id);
        if (asThreads) threadOfGone.set(id, gone.has(uid) ? `T${gone.get(uid)}` : 'T' + id.slice(1));
      }
    }
    const n = c.created.length + c.updated.length + c.destroyed.length;
    if (maxChanges !== undefined && created.length + updated.length + destroyed.length + n > maxChanges) {
      if (created.length + updated.length + destroyed.length === 0) throw new MethodError('cannotCalculateChanges', 'maxChanges');
      hasMoreChanges = true;
      break;
    }
    created.push(...c.created);
    updated.push(...c.updated);
    destroyed.push(...c.destroyed);
    marks.set(mark.id, mark);
  }
  // a message moved between folders left one and arrived in another: it changed, it was not destroyed
  const present = new Set([...created, ...updated]);
  for (let i = destroyed.length - 1; i >= 0; i--) if (present.has(destroyed[i])) destroyed.splice(i, 1);
  const newState = hasMoreChanges ? encodeState([...marks.values()]) : snap.state;
  if (!asThreads) return { accountId: a.id, oldState: sinceState, newState, hasMoreChanges, created, updated, destroyed };
  // threads: one whose first Email is new was created; one that lost its every Email was destroyed; the others touched were updated
  const tCreated = new Set<string>();
  const tUpdated = new Set<string>();
  const tDestroyed = new Set<string>();
  const createdSet = new Set(created);
  for (const id of [...created, ...updated]) {
    const th = threadOfEmail.get(id) ?? 'T' + id.slice(1);
    if (createdSet.has(id) && th === 'T' + id.slice(1)) tCreated.add(th);
    else tUpdated.add(th);
  }
  const goneThreads = [...new Set(destroyed.map((id) => threadOfGone.get(id) ?? 'T' + id.slice(1)))];
  const left = new Set(
    (
      await ctx.s.store.threads.members(
        a.ownerAccountId,
        goneThreads.map((t) => t.slice(1)),
      )
    ).map((m) => `T${m.threadId}`),
  );
  for (const th of goneThreads) (left.has(th) ? tUpdated : tDestroyed).add(th);
  for (const th of tCreated) tUpdated.delete(th);
  return { accountId: a.id, oldState: sinceState, newState, hasMoreChanges, created: [...tCreated], updated: [...tUpdated], destroyed: [...tDestroyed] };
}

export const EMAIL_READ_METHODS: Record<string, MethodSpec> = {
  'Email/get': { capability: MAIL, handler: emailGet },
  'Email/query': { capability: MAIL, handler: emailQuery },
  'Email/changes': { capability: MAIL, handler: (ctx, args) => emailChanges(ctx, args) },
  'Thread/changes': { capability: MAIL, handler: (ctx, args) => emailChanges(ctx, args, true) },
};
