// Email/copy (RFC 8621 §4.7) between the user's accounts — its own and a delegated mailbox — and
// Email/parse (§4.9). A copy is the served message ingested again and committed into the target
// folder (MailStore.ingest + deliver, the same life cycle as any message; keywords and receivedAt
// from the original unless given); onSuccessDestroyOriginal runs an implicit Email/set destroy in
// the source account. Parse reads an upload, a stored message or one of its message/rfc822 parts
// as an Email without storing it (the bytes are ingested, read through Email/get's renderer, and
// released); its parts have no blobId of their own (null), id, threadId, mailboxIds, keywords and
// receivedAt are null as §4.9 says.
// Owns: Email/copy and Email/parse.
import { Readable } from 'node:stream';
import { isThutinError } from '../core/errors.ts';
import type { MessageMeta, StoredContent } from '../core/mailstore.ts';
import { MAIL, optObject, optString, optStrings, type Args, type MethodSpec } from './api.ts';
import type { CallContext, JmapAccount } from './context.ts';
import { MethodError, SetFailure } from './errors.ts';
import { emailId, messageBlobId, parseBlobId, parseEmailId, parseMailboxId, threadIdOf, type MessageRef } from './ids.ts';
import { loadMessages, renderEmails } from './email.ts';
import { emailSet } from './email-set.ts';
import { bodyStructure, findPart, flagsFromKeywords, isJmapKeyword, keywordsOf, transferDecode } from './message.ts';

const PARSE_DEFAULT = [
  'messageId',
  'inReplyTo',
  'references',
  'sender',
  'from',
  'to',
  'cc',
  'bcc',
  'replyTo',
  'subject',
  'sentAt',
  'hasAttachment',
  'preview',
  'bodyValues',
  'textBody',
  'htmlBody',
  'attachments',
];

function flagNames(keywords: Record<string, unknown>): string[] {
  const f = flagsFromKeywords(keywords, { flags: 0, keywords: '' });
  return [...(f.mask & 1 ? ['\\Seen'] : []), ...(f.mask & 2 ? ['\\Answered'] : []), ...(f.mask & 4 ? ['\\Flagged'] : []), ...(f.mask & 16 ? ['\\Draft'] : []), ...f.keywords];
}

async function copyOne(ctx: CallContext, from: JmapAccount, to: JmapAccount, o: Record<string, unknown>): Promise<Record<string, unknown>> {
  const id = ctx.resolveId(String(o.id ?? ''));
  const ref = parseEmailId(id);
  const hit = ref ? (await loadMessages(ctx, from, [ref])).get(id) : undefined;
  if (!hit) throw new SetFailure('notFound', id);
  const boxes = o.mailboxIds && typeof o.mailboxIds === 'object' ? Object.keys(o.mailboxIds as object) : [];
  if (boxes.length !== 1) throw new SetFailure(boxes.length ? 'tooManyMailboxes' : 'invalidProperties', 'mailboxIds', { properties: ['mailboxIds'] });
  const n = parseMailboxId(ctx.resolveId(boxes[0]));
  const folder = n === null ? null : await ctx.s.store.getMailboxById(n);
  if (!folder || folder.accountId !== to.ownerAccountId) throw new SetFailure('invalidProperties', 'mailboxIds', { properties: ['mailboxIds'] });
  const keywords = o.keywords && typeof o.keywords === 'object' ? (o.keywords as Record<string, unknown>) : keywordsOf(hit.meta);
  for (const k of Object.keys(keywords)) if (!isJmapKeyword(k)) throw new SetFailure('invalidProperties', `keywords: ${k}`, { properties: ['keywords'] });
  const receivedAt = typeof o.receivedAt === 'string' && !Number.isNaN(Date.parse(o.receivedAt)) ? Date.parse(o.receivedAt) : hit.meta.internalDate;
  const store = ctx.s.store;
  const content = await store.ingest(store.streamMessage(hit.meta));
  try {
    const [d] = await store.deliver(content, [{ accountId: to.ownerAccountId, mailbox: folder.name, flags: flagNames(keywords) }], receivedAt, 'append'); // not mail received
    const nref: MessageRef = { mailboxId: d.mailboxId, uid: d.uid };
    return { id: emailId(nref), blobId: messageBlobId(nref), threadId: threadIdOf(nref, { threadId: hit.meta.threadId }), size: hit.meta.size };
  } catch (e) {
    if (isThutinError(e) && /QUOTA/.test(e.code)) throw new SetFailure('overQuota');
    throw e;
  } finally {
    await store.release(content);
  }
}

async function emailCopy(ctx: CallContext, args: Args): Promise<Args> {
  let from: JmapAccount;
  try {
    from = ctx.account(args.fromAccountId);
  } catch {
    throw new MethodError('fromAccountNotFound');
  }
  const to = ctx.account(args.accountId);
  if (from.id === to.id) throw new MethodError('invalidArguments', 'fromAccountId = accountId: use Email/set');
  if (to.isReadOnly) throw new MethodError('accountReadOnly');
  const create = optObject(args, 'create') ?? {};
  if (Object.keys(create).length > ctx.s.limits.maxObjectsInSet) throw new MethodError('requestTooLarge');
  const fromBefore = await ctx.snapshot(from);
  const ifFromInState = optString(args, 'ifFromInState');
  if (ifFromInState !== undefined && ifFromInState !== fromBefore.state) throw new MethodError('stateMismatch', 'ifFromInState');
  const before = await ctx.snapshot(to);
  const ifInState = optString(args, 'ifInState');
  if (ifInState !== undefined && ifInState !== before.state) throw new MethodError('stateMismatch');
  const created: Record<string, unknown> = {};
  const notCreated: Record<string, unknown> = {};
  const originals: string[] = [];
  for (const [cid, o] of Object.entries(create)) {
    try {
      const c = await copyOne(ctx, from, to, (o ?? {}) as Record<string, unknown>);
      ctx.createdIds.set(cid, c.id as string);
      created[cid] = c;
      originals.push(ctx.resolveId(String((o as Record<string, unknown>).id)));
    } catch (e) {
      if (e instanceof SetFailure) notCreated[cid] = e.toJSON();
      else throw e;
    }
  }
  const out: Args = {
    fromAccountId: from.id,
    accountId: to.id,
    oldState: before.state,
    newState: (await ctx.snapshot(to)).state,
    created: Object.keys(created).length ? created : null,
    notCreated: Object.keys(notCreated).length ? notCreated : null,
  };
  if (args.onSuccessDestroyOriginal === true && originals.length) {
    const destroyArgs: Args = { accountId: from.id, destroy: originals };
    if (typeof args.destroyFromIfInState === 'string') destroyArgs.ifInState = args.destroyFromIfInState;
    try {
      ctx.implicit.push(['Email/set', await emailSet(ctx, destroyArgs)]);
    } catch (e) {
      if (e instanceof MethodError) ctx.implicit.push(['error', e.toJSON()]);
      else throw e;
    }
  }
  return out;
}

const pseudoMeta = (c: StoredContent): MessageMeta => ({
  uid: 0,
  modseq: 0,
  flags: 0,
  keywords: '',
  size: c.size,
  internalDate: Date.now(),
  internalDateZone: 0,
  sha256: c.sha256,
  headerPrefix: null,
  prefixReplaces: 0,
});

function withoutPartBlobs(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutPartBlobs);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'blobId' ? null : withoutPartBlobs(x)]));
  return v;
}

async function emailParse(ctx: CallContext, args: Args): Promise<Args> {
  const a = ctx.account(args.accountId);
  const blobIds = optStrings(args, 'blobIds');
  if (!blobIds) throw new MethodError('invalidArguments', 'blobIds');
  if (blobIds.length > ctx.s.limits.maxObjectsInGet) throw new MethodError('requestTooLarge');
  const renderArgs = { ...args, properties: args.properties ?? PARSE_DEFAULT };
  const parsed: Record<string, unknown> = {};
  const notParsable: string[] = [];
  const notFound: string[] = [];
  const store = ctx.s.store;
  for (const blobId of [...new Set(blobIds)]) {
    const b = parseBlobId(blobId);
    let content: StoredContent | null = null;
    let owned = false; // ingested here: released after
    try {
      if (b?.kind === 'upload') content = ctx.s.uploads.get(a.ownerAccountId, b.sha256)?.content ?? null;
      else if (b?.kind === 'message') {
        const hit = (await loadMessages(ctx, a, [b.ref], { here: true })).get(emailId(b.ref));
        if (hit && !b.part) {
          const [o] = await renderEmails(ctx, renderArgs, new Map([['p', { ref: b.ref, meta: hit.meta }]]), ['p']);
          parsed[blobId] = finish(o);
          continue;
        }
        const idx = hit ? (await store.indexesOf([hit.meta])).get(hit.meta) : undefined;
        const part = hit && idx && b.part ? findPart(bodyStructure(b.ref, idx.root), b.part) : null;
        if (part && hit) {
          if (!(part.node.type === 'message' && part.node.subtype === 'rfc822')) {
            notParsable.push(blobId);
            continue;
          }
          const raw = transferDecode(await store.readMessage(hit.meta, part.node.bodyStart, part.node.end), part.node.encoding);
          content = await store.ingest(Readable.from([raw]));
          owned = true;
        }
      }
      if (!content) {
        notFound.push(blobId);
        continue;
      }
      const meta = pseudoMeta(content);
      const [o] = await renderEmails(ctx, renderArgs, new Map([['p', { ref: { mailboxId: 0, uid: 0 }, meta }]]), ['p'], new Map([[meta, content.index]]));
      parsed[blobId] = withoutPartBlobs(finish(o));
      if (o && 'blobId' in (o as object)) (parsed[blobId] as Record<string, unknown>).blobId = blobId;
    } catch (e) {
      if (e instanceof MethodError) throw e;
      ctx.s.log.info({ err: e, blobId }, 'Email/parse: not parsable');
      notParsable.push(blobId);
    } finally {
      if (owned && content) await store.release(content);
    }
  }
  return { accountId: a.id, parsed: Object.keys(parsed).length ? parsed : null, notParsable: notParsable.length ? notParsable : null, notFound: notFound.length ? notFound : null };
}

/** §4.9: what only a stored Email has is null. */
function finish(o: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(o ?? {}) };
  delete out.id;
  for (const k of ['threadId', 'mailboxIds', 'keywords', 'receivedAt']) if (k in out) out[k] = null;
  return out;
}

export const EMAIL_COPY_METHODS: Record<string, MethodSpec> = {
  'Email/copy': { capability: MAIL, handler: emailCopy },
  'Email/parse': { capability: MAIL, handler: emailParse },
};
