// Identity/get and Identity/set (RFC 8621 §6). The identities of a signed-in user are the addresses
// it may send from: its own account's addresses, and each unit mailbox's address it holds send-as
// or send-on-behalf on (core/delegations.ts, asked at every call, so a revoked right goes at once).
// In the user's own account all of them are listed; in a delegated account only that mailbox's.
// An identity's id is derived from its address; its email never changes (set refuses it), and it
// cannot be destroyed (it exists as long as the right does: mayDelete false). Name (by default the
// person's full name in the directory), Reply-To, Bcc and the signatures are the user's settings, kept by core/identities.ts (table `identities`).
// Owns: the Identity object, which addresses a user may send from (also for EmailSubmission).
import { isThutinError } from '../core/errors.ts';
import type { Right } from '../core/delegations.ts';
import { SUBMISSION, optObject, optString, optStrings, properties, type Args, type MethodSpec } from './api.ts';
import type { CallContext, JmapAccount } from './context.ts';
import { MethodError, SetFailure } from './errors.ts';
import crypto from 'node:crypto';

const PROPS = ['id', 'name', 'email', 'replyTo', 'bcc', 'textSignature', 'htmlSignature', 'mayDelete'] as const;
const SETTABLE = ['name', 'replyTo', 'bcc', 'textSignature', 'htmlSignature'];

/** An address the user may send from, and on what ground. */
export interface Sendable {
  email: string;
  ownerAccountId: number;
  /** 'own', or the delegation's send rights. */
  own: boolean;
  sendAs: boolean;
  onBehalf: boolean;
}

export function identityId(email: string): string {
  return 'I' + Buffer.from(email.toLowerCase(), 'utf8').toString('base64url');
}

export function identityEmail(id: unknown): string | null {
  if (typeof id !== 'string' || !/^I[A-Za-z0-9_-]{2,400}$/.test(id)) return null;
  const e = Buffer.from(id.slice(1), 'base64url').toString('utf8');
  return identityId(e) === id ? e : null;
}

/** Every address the signed-in user may send from. */
export async function sendableOf(ctx: CallContext): Promise<Sendable[]> {
  const out: Sendable[] = [];
  for (const email of await ctx.s.accounts.addresses(ctx.me.id)) out.push({ email: email.toLowerCase(), ownerAccountId: ctx.me.id, own: true, sendAs: true, onBehalf: false });
  for (const [email, d] of await ctx.s.delegations.sendableAddresses(ctx.me.id)) {
    const r: Right[] = d.rights;
    if (out.some((x) => x.email === email.toLowerCase())) continue;
    out.push({ email: email.toLowerCase(), ownerAccountId: d.ownerAccountId, own: false, sendAs: r.includes('send-as'), onBehalf: r.includes('send-on-behalf') });
  }
  return out;
}

/** The identities shown in account `a`: all of the user's in its own account, the mailbox's own in a delegated one. */
export async function identitiesIn(ctx: CallContext, a: JmapAccount): Promise<Sendable[]> {
  const all = await sendableOf(ctx);
  return a.isPersonal ? all : all.filter((x) => x.ownerAccountId === a.ownerAccountId);
}

type Addresses = Array<{ name: string | null; email: string }> | null;

function parseAddresses(v: unknown, prop: string): Addresses {
  if (v === null || v === undefined) return null;
  if (!Array.isArray(v) || v.length > 100) throw new SetFailure('invalidProperties', prop, { properties: [prop] });
  return v.map((x) => {
    const o = x as { name?: unknown; email?: unknown };
    if (!o || typeof o !== 'object' || typeof o.email !== 'string' || !/^[^\s@<>]+@[^\s@<>]+$/.test(o.email) || (o.name != null && typeof o.name !== 'string'))
      throw new SetFailure('invalidProperties', prop, { properties: [prop] });
    return { name: (o.name as string | null | undefined) ?? null, email: o.email };
  });
}

async function current(ctx: CallContext, a: JmapAccount): Promise<{ list: Array<Record<string, unknown>>; state: string }> {
  const stored = new Map((await ctx.s.identities.list(ctx.me.id)).map((r) => [r.email, r]));
  const mine = await identitiesIn(ctx, a);
  // a name not set yet: the person's full name from the directory (a unit mailbox has none: '')
  const names = new Map<number, string>();
  for (const owner of new Set(mine.filter((x) => !stored.has(x.email)).map((x) => x.ownerAccountId))) names.set(owner, (await ctx.s.send.directory.personByAccount(owner))?.fullName ?? '');
  const list = mine.map((x) => {
    const r = stored.get(x.email);
    return {
      id: identityId(x.email),
      name: r?.name ?? names.get(x.ownerAccountId) ?? '',
      email: x.email,
      replyTo: r?.replyTo ? (JSON.parse(r.replyTo) as Addresses) : null,
      bcc: r?.bcc ? (JSON.parse(r.bcc) as Addresses) : null,
      textSignature: r?.textSignature ?? '',
      htmlSignature: r?.htmlSignature ?? '',
      mayDelete: false,
    };
  });
  const state = crypto.createHash('sha256').update(JSON.stringify(list)).digest('base64url').slice(0, 16);
  return { list, state };
}

async function identityGet(ctx: CallContext, args: Args): Promise<Args> {
  const a = ctx.account(args.accountId);
  const props = properties(args, PROPS);
  const ids = optStrings(args, 'ids');
  if (ids && ids.length > ctx.s.limits.maxObjectsInGet) throw new MethodError('requestTooLarge');
  const { list: all, state } = await current(ctx, a);
  const pick = (o: Record<string, unknown>) => (props ? Object.fromEntries([['id', o.id], ...props.map((p) => [p, o[p]])]) : o);
  const wanted = ids ? [...new Set(ids.map((i) => ctx.resolveId(i)))] : null;
  const list = (wanted ? all.filter((x) => wanted.includes(x.id as string)) : all).map(pick);
  const notFound = wanted ? wanted.filter((i) => !all.some((x) => x.id === i)) : [];
  return { accountId: a.id, state, list, notFound };
}

async function identitySet(ctx: CallContext, args: Args): Promise<Args> {
  const a = ctx.account(args.accountId);
  const create = optObject(args, 'create') ?? {};
  const update = optObject(args, 'update') ?? {};
  const destroy = optStrings(args, 'destroy') ?? [];
  if (Object.keys(create).length + Object.keys(update).length + destroy.length > ctx.s.limits.maxObjectsInSet) throw new MethodError('requestTooLarge');
  const before = await current(ctx, a);
  const ifInState = optString(args, 'ifInState');
  if (ifInState !== undefined && ifInState !== before.state) throw new MethodError('stateMismatch');
  const created: Record<string, unknown> = {};
  const notCreated: Record<string, unknown> = {};
  const updated: Record<string, unknown> = {};
  const notUpdated: Record<string, unknown> = {};
  const notDestroyed: Record<string, unknown> = {};
  const save = async (email: string, base: Record<string, unknown>, patch: Record<string, unknown>) => {
    for (const k of Object.keys(patch)) if (!SETTABLE.includes(k) && k !== 'email' && k !== 'id' && k !== 'mayDelete') throw new SetFailure('invalidProperties', k, { properties: [k] });
    const v = { ...base, ...patch };
    for (const k of ['name', 'textSignature', 'htmlSignature']) if (typeof v[k] !== 'string') throw new SetFailure('invalidProperties', k, { properties: [k] });
    const replyTo = parseAddresses(v.replyTo, 'replyTo');
    const bcc = parseAddresses(v.bcc, 'bcc');
    try {
      await ctx.s.identities.save(ctx.me.id, email, {
        name: v.name as string,
        replyTo: replyTo ? JSON.stringify(replyTo) : null,
        bcc: bcc ? JSON.stringify(bcc) : null,
        textSignature: v.textSignature as string,
        htmlSignature: v.htmlSignature as string,
      });
    } catch (e) {
      if (isThutinError(e) && e.code === 'IDENTITY_INVALID') throw new SetFailure('invalidProperties', e.message);
      throw e;
    }
  };
  const fail = (e: unknown) => {
    if (e instanceof SetFailure) return e.toJSON();
    throw e;
  };
  const mine = await identitiesIn(ctx, a);
  for (const [cid, o] of Object.entries(create)) {
    try {
      const obj = (o ?? {}) as Record<string, unknown>;
      const email = typeof obj.email === 'string' ? obj.email.toLowerCase() : '';
      if (!mine.some((x) => x.email === email)) throw new SetFailure('forbiddenFrom', email || 'email');
      const existing = before.list.find((x) => x.email === email)!;
      await save(email, existing, Object.fromEntries(Object.entries(obj).filter(([k]) => k !== 'email')));
      ctx.createdIds.set(cid, identityId(email));
      created[cid] = { id: identityId(email), mayDelete: false };
    } catch (e) {
      notCreated[cid] = fail(e);
    }
  }
  for (const [rawId, patch] of Object.entries(update)) {
    const id = ctx.resolveId(rawId);
    try {
      const existing = before.list.find((x) => x.id === id);
      if (!existing) throw new SetFailure('notFound');
      if (!patch || typeof patch !== 'object') throw new SetFailure('invalidPatch');
      const p = patch as Record<string, unknown>;
      if ('email' in p && String(p.email).toLowerCase() !== existing.email) throw new SetFailure('invalidProperties', 'email', { properties: ['email'] });
      await save(existing.email as string, existing, p);
      updated[id] = null;
    } catch (e) {
      notUpdated[rawId] = fail(e);
    }
  }
  for (const rawId of destroy) {
    const id = ctx.resolveId(rawId);
    notDestroyed[rawId] = before.list.some((x) => x.id === id) ? new SetFailure('forbidden', 'mayDelete: false').toJSON() : new SetFailure('notFound').toJSON();
  }
  const after = await current(ctx, a);
  const nz = (o: Record<string, unknown>) => (Object.keys(o).length ? o : null);
  return {
    accountId: a.id,
    oldState: before.state,
    newState: after.state,
    created: nz(created),
    updated: nz(updated),
    destroyed: null,
    notCreated: nz(notCreated),
    notUpdated: nz(notUpdated),
    notDestroyed: nz(notDestroyed),
  };
}

export const IDENTITY_METHODS: Record<string, MethodSpec> = {
  'Identity/get': { capability: SUBMISSION, handler: identityGet },
  'Identity/set': { capability: SUBMISSION, handler: identitySet },
};
