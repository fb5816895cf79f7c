// EmailSubmission/get, /changes and /set (RFC 8621 §7): sending a stored Email (a draft) through
// the same core steps SMTP submission takes (smtp/submission.ts, smtp/data.ts): the From: and the
// envelope sender must be addresses the user may send from (its own, or a unit mailbox's by
// delegation: send-on-behalf adds `Sender: <user>`; forbiddenFrom / forbiddenMailFrom otherwise);
// the message is ingested anew behind our Received: field with Bcc: removed (MailStore.ingest),
// scanned by clamd when hygiene.virus is on (a virus: forbiddenToSend naming it), local
// recipients must exist and have room (invalidRecipients otherwise), distribution lists are
// expanded (app.lists) with their List-Id; then each local recipient's Sieve script
// (core/sieve-delivery.ts), forwards, sending limits and the free-mail rules (core/hygiene.ts,
// as listener 'submission'), and ONE commit: local recipients get it in their INBOX at once,
// remote ones are queued for the outbound worker. onSuccessUpdateEmail / onSuccessDestroyEmail
// run as an implicit Email/set after the answer (§7.5; e.g. the draft moved to Sent without
// $draft). Sending is immediate and final (maxDelayedSend 0, undoStatus final: cannotUnsend);
// the delivery status of remote recipients is read from their queue entries.
// Owns: EmailSubmission.
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { normalizeAddress } from '../core/accounts.ts';
import type { Copy, StoredContent } from '../core/delivery.ts';
import { SizeLimitError } from '../core/mailstore.ts';
import { checkFromField } from '../smtp/from-field.ts';
import { SUBMISSION, optInt, optObject, optString, optStrings, properties, type Args, type MethodSpec } from './api.ts';
import type { CallContext, JmapAccount } from './context.ts';
import { MethodError, SetFailure } from './errors.ts';
import { parseEmailId, threadIdOf } from './ids.ts';
import { addressesOf, headerView, rawValues } from './message.ts';
import { loadMessages, utcDate } from './email.ts';
import { emailSet } from './email-set.ts';
import { identityEmail, identityId, sendableOf, type Sendable } from './identities.ts';

const PROPS = ['id', 'identityId', 'emailId', 'threadId', 'envelope', 'sendAt', 'undoStatus', 'deliveryStatus', 'dsnBlobIds', 'mdnBlobIds'] as const;
/** Recipients of one message (To, Cc, Bcc or the envelope); more is tooManyRecipients. */
const MAX_RECIPIENTS = 500;

interface Envelope {
  mailFrom: { email: string; parameters: Record<string, string | null> | null };
  rcptTo: Array<{ email: string; parameters: Record<string, string | null> | null }>;
}

const subId = (n: number) => `S${n}`;
const parseSubId = (s: unknown): number | null => {
  const m = typeof s === 'string' ? /^S(\d{1,15})$/.exec(s) : null;
  return m ? Number(m[1]) : null;
};

function mayUse(a: JmapAccount): boolean {
  return a.isPersonal || a.rights.includes('send-as') || a.rights.includes('send-on-behalf');
}

async function state(ctx: CallContext, a: JmapAccount): Promise<string> {
  return `q${await ctx.s.submissions.last(a.ownerAccountId)}`;
}

function parseEnvelope(v: unknown): Envelope | null {
  if (v === null || v === undefined) return null;
  const e = v as Envelope;
  const ok = (x: unknown) => !!x && typeof (x as { email?: unknown }).email === 'string' && /^[^\s@<>]+@[^\s@<>]+$/.test((x as { email: string }).email);
  if (typeof e !== 'object' || !ok(e.mailFrom) || !Array.isArray(e.rcptTo) || !e.rcptTo.every(ok)) throw new SetFailure('invalidProperties', 'envelope', { properties: ['envelope'] });
  return e;
}

/** A Received: field for a message submitted over HTTP (RFC 5321 §4.4). */
function received(ctx: CallContext, id: string): string {
  const host = ctx.s.send.config.hostname;
  return `Received: from [${ctx.remote}] by ${host} with HTTPA (JMAP) id ${id};\r\n\t${new Date().toUTCString().replace('GMT', '+0000')}\r\n`;
}

/** The header section without Bcc: fields (RFC 8621 §7.5: they are not sent). */
function withoutBcc(header: Buffer): Buffer {
  const text = header.toString('latin1');
  const fields = text.split(/(?<=\n)(?=[^ \t])/);
  return Buffer.from(fields.filter((f) => !/^bcc[ \t]*:/i.test(f)).join(''), 'latin1');
}

interface Resolved {
  local: Set<number>;
  remote: string[];
  lists: Array<{ address: string; name: string; members: string[] }>;
}

/** Which recipients are ours (must exist, have room) and which go out; lists expanded. */
async function resolveRecipients(ctx: CallContext, rcpts: string[], size: number): Promise<Resolved> {
  const s = ctx.s;
  const out: Resolved = { local: new Set(), remote: [], lists: [] };
  const bad: string[] = [];
  for (const r of rcpts) {
    const at = r.lastIndexOf('@');
    const domain = r.slice(at + 1).toLowerCase();
    if (!s.send.domains.isLocal(domain)) {
      out.remote.push(`${r.slice(0, at)}@${domain}`);
      continue;
    }
    const canonical = s.send.domains.canonical(normalizeAddress(r));
    const role = await s.send.directory.roleRecipient(canonical);
    if (role) {
      out.local.add(role.accountId);
      continue;
    }
    const list = await s.send.lists.get(canonical);
    if (list) {
      out.lists.push({ address: canonical, name: list.name, members: await s.send.lists.expand(canonical) });
      continue;
    }
    const acct = await s.accounts.resolveRecipient(canonical);
    if (!acct) {
      bad.push(r);
      continue;
    }
    if (acct.quotaBytes > 0 && (await s.accounts.usageBytes(acct.id)) + size > acct.quotaBytes) {
      bad.push(r);
      continue;
    }
    out.local.add(acct.id);
  }
  if (bad.length) throw new SetFailure('invalidRecipients', bad.join(', ').slice(0, 300), { invalidRecipients: bad });
  return out;
}

/** The copies of one submission: the direct recipients, then each list's copy with its List-Id. */
async function planCopies(ctx: CallContext, sender: string, r: Resolved, senderField: string | null): Promise<Copy[]> {
  const head = senderField ? Buffer.from(senderField + '\r\n', 'utf8') : null;
  const copies: Copy[] = [
    { headerPrefix: head, local: [...r.local].map((accountId) => ({ accountId, mailbox: 'INBOX' })), remote: r.remote.length ? { sender, recipients: r.remote, accountId: ctx.me.id } : null },
  ];
  const seenLocal = new Set(r.local);
  const seenRemote = new Set(r.remote.map((x) => x.toLowerCase()));
  for (const l of r.lists) {
    const local: number[] = [];
    const remote: string[] = [];
    for (const m of l.members) {
      const domain = m.slice(m.lastIndexOf('@') + 1).toLowerCase();
      if (ctx.s.send.domains.isLocal(domain)) {
        const acct = await ctx.s.accounts.resolveRecipient(ctx.s.send.domains.canonical(normalizeAddress(m)));
        if (acct && !seenLocal.has(acct.id)) {
          seenLocal.add(acct.id);
          local.push(acct.id);
        }
      } else if (!seenRemote.has(m.toLowerCase())) {
        seenRemote.add(m.toLowerCase());
        remote.push(m);
      }
    }
    const [lp, dom] = [l.address.slice(0, l.address.lastIndexOf('@')), l.address.slice(l.address.lastIndexOf('@') + 1)];
    const listId = `List-Id: ${l.name.replace(/[\r\n<>]/g, ' ')} <${lp}.${dom}>\r\n`;
    const prefix = Buffer.concat([Buffer.from(listId, 'utf8'), head ?? Buffer.alloc(0)]);
    copies.push({ headerPrefix: prefix, local: local.map((accountId) => ({ accountId, mailbox: 'INBOX' })), remote: remote.length ? { sender, recipients: remote, accountId: ctx.me.id } : null });
  }
  return copies;
}

/** Scan with clamd when hygiene.virus is on; a virus (or an unreachable scanner under 'tempfail') refuses the message. */
async function scan(ctx: CallContext, content: StoredContent): Promise<void> {
  const cfg = ctx.s.send.config.hygiene.virus;
  if (!cfg.enabled) return;
  try {
    const r = await ctx.s.send.clamd.scan(() => ctx.s.store.streamContent(content));
    if (r.kind === 'infected') throw new SetFailure('forbiddenToSend', `Thư có chứa vi-rút ${r.virus} / Message contains a virus (${r.virus})`);
  } catch (e) {
    if (e instanceof SetFailure) throw e;
    ctx.s.log.warn({ err: e }, 'clamd unreachable: JMAP submission not scanned');
    if (cfg.unreachable === 'tempfail') throw new SetFailure('forbiddenToSend', 'Chưa quét được vi-rút, vui lòng thử lại sau / Virus scanner unavailable, try again later');
  }
}

async function createOne(ctx: CallContext, a: JmapAccount, o: Record<string, unknown>, sendable: Sendable[]): Promise<Record<string, unknown>> {
  for (const k of Object.keys(o)) if (!['identityId', 'emailId', 'envelope'].includes(k)) throw new SetFailure('invalidProperties', k, { properties: [k] });
  const idEmail = identityEmail(ctx.resolveId(String(o.identityId ?? '')));
  const identity = idEmail ? sendable.find((x) => x.email === idEmail) : undefined;
  if (!identity || (!a.isPersonal && identity.ownerAccountId !== a.ownerAccountId)) throw new SetFailure('invalidProperties', 'identityId', { properties: ['identityId'] });
  const id = ctx.resolveId(String(o.emailId ?? ''));
  const ref = parseEmailId(id);
  const hit = ref ? (await loadMessages(ctx, a, [ref])).get(id) : undefined;
  if (!hit || !ref) throw new SetFailure('invalidProperties', 'emailId', { properties: ['emailId'] });
  const store = ctx.s.store;
  const idx = (await store.indexesOf([hit.meta])).get(hit.meta);
  if (!idx) throw new SetFailure('invalidEmail');
  const header = await store.readMessage(hit.meta, 0, idx.headerSize);
  const h = headerView(header);
  // From: one field, read the same by every reader, each address one the user may send from
  const froms = rawValues(h, 'from');
  if (froms.length !== 1) throw new SetFailure('invalidEmail', 'From', { properties: ['from'] });
  const verdict = checkFromField(froms[0].replace(/\r?\n(?=[ \t])/g, ''));
  if (!verdict.ok) throw new SetFailure('forbiddenFrom', verdict.why);
  const canonical = (x: string) => ctx.s.send.domains.canonical(normalizeAddress(x));
  const from = addressesOf(froms[0]).map((x) => canonical(x.email));
  if (!from.length) throw new SetFailure('invalidEmail', 'From', { properties: ['from'] });
  let onBehalf = false;
  for (const f of from) {
    const s = sendable.find((x) => x.email === f);
    if (!s) throw new SetFailure('forbiddenFrom', f);
    if (!s.own && !s.sendAs) onBehalf = true;
  }
  const senders = rawValues(h, 'sender').flatMap((v) => addressesOf(v).map((x) => canonical(x.email)));
  if (senders.length > 1) throw new SetFailure('forbiddenFrom', 'Sender');
  for (const sdr of senders) {
    const s = sendable.find((x) => x.email === sdr);
    if (!s || (onBehalf && !s.own) || (!s.own && !s.sendAs)) throw new SetFailure('forbiddenFrom', `Sender: ${sdr}`);
  }
  const senderField = onBehalf && senders.length === 0 ? `Sender: <${ctx.me.username}>` : null;
  // the envelope: given, or the Sender/From address and every To, Cc and Bcc address (RFC 8621 §7)
  let env = parseEnvelope(o.envelope);
  if (!env) {
    const rcpt = [...new Set(['to', 'cc', 'bcc'].flatMap((n) => rawValues(h, n).flatMap((v) => addressesOf(v).map((x) => x.email))))];
    env = { mailFrom: { email: senders[0] ?? (onBehalf ? ctx.me.username : from[0]), parameters: null }, rcptTo: rcpt.map((email) => ({ email, parameters: null })) };
  }
  const mailFrom = canonical(env.mailFrom.email);
  if (!sendable.some((x) => x.email === mailFrom)) throw new SetFailure('forbiddenMailFrom', mailFrom);
  if (!env.rcptTo.length) throw new SetFailure('noRecipients');
  if (env.rcptTo.length > MAX_RECIPIENTS) throw new SetFailure('tooManyRecipients', String(MAX_RECIPIENTS), { maxRecipients: MAX_RECIPIENTS });
  const rcpts = [...new Set(env.rcptTo.map((r) => r.email))];
  const resolved = await resolveRecipients(ctx, rcpts, hit.meta.size);
  // ingest anew: our Received, the header without Bcc, the body as stored
  const queueId = crypto.randomBytes(6).toString('hex').toUpperCase();
  const head = Buffer.concat([Buffer.from(received(ctx, queueId), 'utf8'), withoutBcc(header)]);
  let content: StoredContent;
  try {
    content = await store.ingest(Readable.from((async function* () {
      yield head;
      yield* store.streamMessage(hit.meta, { start: idx.headerSize });
    })()), { maxSize: ctx.s.send.config.smtp.maxMessageSize + head.length }); // prettier-ignore
  } catch (e) {
    if (e instanceof SizeLimitError) throw new SetFailure('tooLarge', undefined, { maxSize: ctx.s.send.config.smtp.maxMessageSize });
    throw e;
  }
  let after: (() => Promise<void>) | null = null;
  let committed;
  try {
    await scan(ctx, content);
    const copies = await planCopies(ctx, mailFrom, resolved, senderField);
    const sieve = await ctx.s.send.sieveDelivery.beforeCommit({ sender: mailFrom, content, copies, prefixReplaces: 0 });
    const hygiene = await ctx.s.send.hygiene.beforeCommit({
      listener: 'submission',
      account: { id: ctx.me.id, username: ctx.me.username },
      sender: mailFrom,
      recipients: rcpts,
      content,
      copies: sieve.copies,
    });
    committed = await store.commit(content, { copies: hygiene.copies });
    after = async () => {
      await sieve.after(committed!);
      await hygiene.after(committed!);
    };
  } finally {
    await store.release(content).catch((e: unknown) => ctx.s.log.warn({ err: e }, 'could not release a submitted blob'));
  }
  if (after) await after();
  const sendAt = Date.now();
  const envelope = JSON.stringify(env);
  const delivered = rcpts.filter((r) => !resolved.remote.includes(r));
  const thread = threadIdOf(hit.ref, hit.meta);
  const n = await ctx.s.submissions.record({
    accountId: a.ownerAccountId,
    submitterId: ctx.me.id,
    identityId: identityId(identity.email),
    emailId: id,
    threadId: thread,
    envelope,
    queueIds: committed.queued,
    delivered,
    sendAt,
  });
  ctx.s.log.info({ user: ctx.me.username, from: mailFrom, rcpt: rcpts.length, queueId, submission: n }, 'JMAP message submitted');
  return { id: subId(n), threadId: thread, sendAt: utcDate(sendAt), undoStatus: 'final' };
}

async function deliveryStatus(ctx: CallContext, queueIds: number[], delivered: string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const r of delivered) out[r] = { smtpReply: '250 2.0.0 delivered locally', delivered: 'yes', displayed: 'unknown' };
  const entries = await ctx.s.send.queue.getMany(queueIds);
  for (const e of entries.values())
    for (const r of e.recipients) {
      const d = r.state === 'delivered' ? 'yes' : r.state === 'bounced' ? 'no' : 'queued';
      out[r.recipient] = { smtpReply: r.status ?? (d === 'queued' ? '250 2.0.0 queued' : (r.lastError ?? '')), delivered: d, displayed: 'unknown' };
    }
  return out;
}

async function submissionGet(ctx: CallContext, args: Args): Promise<Args> {
  const a = ctx.account(args.accountId);
  if (!mayUse(a)) throw new MethodError('accountNotSupportedByMethod');
  const props = properties(args, PROPS);
  const ids = optStrings(args, 'ids');
  if (ids && ids.length > ctx.s.limits.maxObjectsInGet) throw new MethodError('requestTooLarge');
  const st = await state(ctx, a);
  const wanted = ids ? [...new Set(ids.map((i) => ctx.resolveId(i)))] : null;
  const nums = wanted ? wanted.map(parseSubId).filter((x): x is number => x !== null) : null;
  const rows = await ctx.s.submissions.get(a.ownerAccountId, nums);
  const list: unknown[] = [];
  for (const r of rows.slice(0, ctx.s.limits.maxObjectsInGet)) {
    const o: Record<string, unknown> = {
      id: subId(r.id),
      identityId: r.identityId,
      emailId: r.emailId,
      threadId: r.threadId,
      envelope: JSON.parse(r.envelope),
      sendAt: utcDate(r.sendAt),
      undoStatus: 'final',
      dsnBlobIds: [],
      mdnBlobIds: [],
    };
    if (!props || props.includes('deliveryStatus')) o.deliveryStatus = await deliveryStatus(ctx, r.queueIds, r.delivered);
    list.push(props ? Object.fromEntries([['id', o.id], ...props.map((p) => [p, o[p]])]) : o);
  }
  const found = new Set(rows.map((r) => subId(r.id)));
  return { accountId: a.id, state: st, list, notFound: wanted ? wanted.filter((i) => !found.has(i)) : [] };
}

async function submissionChanges(ctx: CallContext, args: Args): Promise<Args> {
  const a = ctx.account(args.accountId);
  if (!mayUse(a)) throw new MethodError('accountNotSupportedByMethod');
  const since = optString(args, 'sinceState');
  const m = since ? /^q(\d{1,15})$/.exec(since) : null;
  if (!m) throw new MethodError('cannotCalculateChanges');
  const maxChanges = optInt(args, 'maxChanges', 1);
  const all = await ctx.s.submissions.after(a.ownerAccountId, Number(m[1]));
  const take = maxChanges !== undefined ? all.slice(0, maxChanges) : all;
  const newState = take.length < all.length ? `q${take[take.length - 1]}` : await state(ctx, a);
  return { accountId: a.id, oldState: since, newState, hasMoreChanges: take.length < all.length, created: take.map(subId), updated: [], destroyed: [] };
}

async function submissionSet(ctx: CallContext, args: Args): Promise<Args> {
  const a = ctx.account(args.accountId);
  if (!mayUse(a)) throw new MethodError('accountNotSupportedByMethod');
  if (a.isReadOnly && !a.rights.includes('send-as') && !a.rights.includes('send-on-behalf')) throw new MethodError('accountReadOnly');
  const create = optObject(args, 'create') ?? {};
  const update = optObject(args, 'update') ?? {};
  const destroy = optStrings(args, 'destroy') ?? [];
  const onUpdate = optObject(args, 'onSuccessUpdateEmail');
  const onDestroy = optStrings(args, 'onSuccessDestroyEmail');
  if (Object.keys(create).length + Object.keys(update).length + destroy.length > ctx.s.limits.maxObjectsInSet) throw new MethodError('requestTooLarge');
  const oldState = await state(ctx, a);
  const ifInState = optString(args, 'ifInState');
  if (ifInState !== undefined && ifInState !== oldState) throw new MethodError('stateMismatch');
  const sendable = await sendableOf(ctx);
  const created: Record<string, Record<string, unknown>> = {};
  const notCreated: Record<string, unknown> = {};
  const emailOf = new Map<string, string>(); // submission id and #creation id → email id
  for (const [cid, o] of Object.entries(create)) {
    try {
      const c = await createOne(ctx, a, (o ?? {}) as Record<string, unknown>, sendable);
      ctx.createdIds.set(cid, c.id as string);
      created[cid] = c;
      const email = ctx.resolveId(String((o as Record<string, unknown>).emailId));
      emailOf.set(`#${cid}`, email);
      emailOf.set(c.id as string, email);
    } catch (e) {
      if (e instanceof SetFailure) notCreated[cid] = e.toJSON();
      else throw e;
    }
  }
  // Sent is final: an update (undoStatus canceled) cannot unsend; destroy only forgets the record.
  const notUpdated: Record<string, unknown> = {};
  for (const id of Object.keys(update)) notUpdated[id] = new SetFailure('cannotUnsend').toJSON();
  const nums = destroy.map((d) => parseSubId(ctx.resolveId(d)));
  const gone = await ctx.s.submissions.remove(
    a.ownerAccountId,
    nums.filter((x): x is number => x !== null),
  );
  const destroyed = destroy.filter((d, i) => nums[i] !== null && gone.includes(nums[i]!));
  const notDestroyed = Object.fromEntries(destroy.filter((d) => !destroyed.includes(d)).map((d) => [d, new SetFailure('notFound').toJSON()]));
  const nz = (o: Record<string, unknown>) => (Object.keys(o).length ? o : null);
  const out = {
    accountId: a.id,
    oldState,
    newState: await state(ctx, a),
    created: nz(created),
    updated: null,
    destroyed: destroyed.length ? destroyed : null,
    notCreated: nz(notCreated),
    notUpdated: nz(notUpdated),
    notDestroyed: nz(notDestroyed),
  };
  // §7.5: the implicit Email/set for the submissions that succeeded
  const emailUpdate: Record<string, unknown> = {};
  for (const [key, patch] of Object.entries(onUpdate ?? {})) {
    const email = emailOf.get(key);
    if (email) emailUpdate[email] = patch;
  }
  const emailDestroy = (onDestroy ?? []).map((k) => emailOf.get(k)).filter((x): x is string => !!x);
  if (Object.keys(emailUpdate).length || emailDestroy.length) {
    const result = await emailSet(ctx, { accountId: a.id, update: emailUpdate, destroy: emailDestroy });
    ctx.implicit.push(['Email/set', result]);
  }
  return out;
}

export const SUBMISSION_METHODS: Record<string, MethodSpec> = {
  'EmailSubmission/get': { capability: SUBMISSION, handler: submissionGet },
  'EmailSubmission/changes': { capability: SUBMISSION, handler: submissionChanges },
  'EmailSubmission/set': { capability: SUBMISSION, handler: submissionSet },
};
