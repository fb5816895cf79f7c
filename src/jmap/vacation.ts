// VacationResponse/get and /set (RFC 8621 §8) over the account's Sieve scripts
// (core/sieve-scripts.ts), so there is one way mail is answered automatically — the same scripts
// ManageSieve, `/api/v1/me/sieve` and the leaver's reply (core/leaver-reply.ts) use.
//   get: the active script's `vacation` action is the VacationResponse (isEnabled true; its
//        :subject and reason, text or a :mime multipart/alternative with the HTML); fromDate and
//        toDate come from the `currentdate` tests this file writes around it. With no vacation in
//        the active script, the settings last written here (script `vang-mat`, inactive) are shown,
//        isEnabled false.
//   set: writes script `vang-mat` — `vacation :days 1` within the dates, answering for every
//        address of the account — and activates it. The script that was active before (the user's
//        filters) is appended after the vacation block with its `require`s merged, so filters keep
//        running, and is activated again when the vacation is turned off. (A previous script that
//        itself answers with vacation is not merged: two vacations are not allowed in one run.)
// Only the owner's own account has one (a delegated mailbox: accountNotSupportedByMethod).
// Owns: the VacationResponse object ↔ Sieve script mapping.
import { isThutinError } from '../core/errors.ts';
import { parseScript, type Argument, type CommandNode, type TestNode } from '../core/sieve/parser.ts';
import { VACATIONRESPONSE, optObject, optString, optStrings, properties, type Args, type MethodSpec } from './api.ts';
import type { CallContext, JmapAccount } from './context.ts';
import { MethodError, SetFailure } from './errors.ts';
import crypto from 'node:crypto';

/** The script this file writes ("absent"). */
export const VACATION_SCRIPT = 'vang-mat';
const META = '# thutin-vacation ';
const PROPS = ['id', 'isEnabled', 'fromDate', 'toDate', 'subject', 'textBody', 'htmlBody'] as const;

export interface Vacation {
  isEnabled: boolean;
  fromDate: string | null;
  toDate: string | null;
  subject: string | null;
  textBody: string | null;
  htmlBody: string | null;
}

const OFF: Vacation = { isEnabled: false, fromDate: null, toDate: null, subject: null, textBody: null, htmlBody: null };

function quote(s: string): string {
  return `"${s.replace(/[\\"]/g, '\\$&')}"`;
}

const strings = (a: Argument | undefined): string[] => (a?.type === 'strings' ? a.values : []);

/** The first `vacation` command of a script (in any block), with the tests guarding it. */
function findVacation(cmds: CommandNode[], guards: TestNode[] = []): { cmd: CommandNode; guards: TestNode[] } | null {
  for (const c of cmds) {
    if (c.name === 'vacation') return { cmd: c, guards };
    if (c.block) {
      const hit = findVacation(c.block, c.name === 'if' || c.name === 'elsif' ? [...guards, ...c.tests] : guards);
      if (hit) return hit;
    }
  }
  return null;
}

/** A `:mime` reason's text/plain and text/html parts (multipart/alternative as written here, or one part). */
function mimeBodies(reason: string): { text: string | null; html: string | null } {
  const part = (p: string) => {
    const i = p.search(/\r?\n\r?\n/);
    const head = i < 0 ? p : p.slice(0, i);
    const body =
      i < 0
        ? ''
        : p
            .slice(i)
            .replace(/^\r?\n\r?\n/, '')
            .replace(/\r\n/g, '\n');
    return { type: /content-type:\s*([^;\s]+)/i.exec(head)?.[1].toLowerCase() ?? 'text/plain', body };
  };
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(reason)?.[1];
  const parts = boundary
    ? reason
        .split(`--${boundary}`)
        .slice(1, -1)
        .map((p) => part(p.replace(/^\r?\n/, '')))
    : [part(reason)];
  const text = parts.find((p) => p.type === 'text/plain');
  const html = parts.find((p) => p.type === 'text/html');
  return { text: text ? text.body.replace(/\n$/, '') : null, html: html ? html.body.replace(/\n$/, '') : null };
}

/** What a script says of the vacation; null when it has none. */
export function vacationOf(script: string): Vacation | null {
  let cmds: CommandNode[];
  try {
    cmds = parseScript(script);
  } catch {
    return null;
  }
  const hit = findVacation(cmds);
  if (!hit) return null;
  const args = hit.cmd.args;
  let subject: string | null = null;
  let mime = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.type !== 'tag') continue;
    if (a.name === 'subject') subject = strings(args[i + 1])[0] ?? null;
    if (a.name === 'mime') mime = true;
  }
  const reason = strings(args[args.length - 1])[0] ?? '';
  const bodies = mime ? mimeBodies(reason) : { text: reason, html: null };
  // the dates of `allof(currentdate :value "ge" "iso8601" FROM, currentdate :value "lt" "iso8601" TO)`
  let fromDate: string | null = null;
  let toDate: string | null = null;
  const dates = (t: TestNode) => {
    if (t.name === 'allof' || t.name === 'anyof') return t.tests.forEach(dates);
    if (t.name !== 'currentdate') return;
    const rel = t.args.findIndex((a) => a.type === 'tag' && a.name === 'value');
    const op = rel >= 0 ? strings(t.args[rel + 1])[0] : null;
    const pos = t.args.filter((a) => a.type === 'strings');
    const part = strings(pos[pos.length - 2])[0];
    const value = strings(pos[pos.length - 1])[0];
    if (part !== 'iso8601' || !value || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/.test(value)) return;
    const utc = value.replace('+00:00', 'Z');
    if (op === 'ge') fromDate = utc;
    if (op === 'lt') toDate = utc;
  };
  hit.guards.forEach(dates);
  return { isEnabled: true, fromDate, toDate, subject, textBody: bodies.text, htmlBody: bodies.html };
}

/** The `require` capabilities of a script and its text without them. */
function splitRequires(script: string): { caps: string[]; body: string } {
  const caps: string[] = [];
  let body = script;
  const re = /^\s*(?:#[^\n]*\n\s*)*require\s+(\[[^\]]*\]|"[^"]*")\s*;/;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    caps.push(...[...m[1].matchAll(/"([^"]*)"/g)].map((x) => x[1]));
    body = body.slice(m[0].length);
  }
  return { caps, body };
}

/** The script written for a VacationResponse; `previous`: the script to run after it (its name and text). */
export function vacationScript(v: Vacation, addresses: string[], previous: { name: string; script: string } | null): string {
  const merge = previous && !vacationOf(previous.script) ? splitRequires(previous.script) : null;
  const caps = [...new Set(['vacation', 'date', 'relational', ...(merge?.caps ?? [])])];
  const meta = { previous: previous?.name ?? null };
  let reason = v.textBody ?? '';
  let mime = '';
  if (v.htmlBody) {
    const b = `=_${crypto.randomBytes(8).toString('hex')}`;
    const text = v.textBody ?? v.htmlBody.replace(/<[^>]*>/g, ' ').replace(/[ \t]+/g, ' ');
    reason = [
      `Content-Type: multipart/alternative; boundary="${b}"`,
      '',
      `--${b}`,
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      text,
      `--${b}`,
      'Content-Type: text/html; charset=UTF-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      v.htmlBody,
      `--${b}--`,
      '',
    ].join('\r\n');
    mime = ':mime ';
  }
  const iso = (d: string) => new Date(d).toISOString().replace(/\.\d{3}Z$/, '+00:00');
  const guards = [
    ...(v.fromDate ? [`currentdate :zone "+0000" :value "ge" "iso8601" ${quote(iso(v.fromDate))}`] : []),
    ...(v.toDate ? [`currentdate :zone "+0000" :value "lt" "iso8601" ${quote(iso(v.toDate))}`] : []),
  ];
  const action = `vacation :days 1 ${v.subject ? `:subject ${quote(v.subject)} ` : ''}${mime}:addresses [${addresses.map(quote).join(', ')}] ${quote(reason)};`;
  return [
    `require [${caps.map(quote).join(', ')}];`,
    '# Thư trả lời tự động khi vắng mặt (webmail / JMAP) / out-of-office reply (webmail / JMAP)',
    `${META}${JSON.stringify(meta)}`,
    guards.length ? `if allof(${guards.join(', ')}) {\n  ${action}\n}` : action,
    ...(merge ? [`# ---- ${previous!.name.replace(/[\r\n]/g, ' ')} ----`, merge.body.trim()] : []),
    '',
  ].join('\n');
}

function previousOf(script: string): string | null {
  const line = script.split('\n').find((l) => l.startsWith(META));
  try {
    return line ? ((JSON.parse(line.slice(META.length)) as { previous: string | null }).previous ?? null) : null;
  } catch {
    return null;
  }
}

/** The account's VacationResponse now, and the names it depends on. */
async function read(ctx: CallContext, accountId: number): Promise<{ v: Vacation; active: string | null; ours: string | null }> {
  const scripts = ctx.s.send.sieveScripts;
  const list = await scripts.list(accountId);
  const active = list.find((s) => s.active)?.name ?? null;
  const ours = list.some((s) => s.name === VACATION_SCRIPT) ? await scripts.get(accountId, VACATION_SCRIPT) : null;
  if (active) {
    const v = vacationOf(active === VACATION_SCRIPT ? ours! : await scripts.get(accountId, active));
    if (v) return { v, active, ours };
  }
  const last = ours ? vacationOf(ours) : null;
  return { v: last ? { ...last, isEnabled: false } : OFF, active, ours };
}

function stateOf(v: Vacation, active: string | null): string {
  return crypto
    .createHash('sha256')
    .update(JSON.stringify([v, active]))
    .digest('base64url')
    .slice(0, 16);
}

function personal(ctx: CallContext, args: Args): JmapAccount {
  const a = ctx.account(args.accountId);
  if (!a.isPersonal) throw new MethodError('accountNotSupportedByMethod');
  return a;
}

async function vacationGet(ctx: CallContext, args: Args): Promise<Args> {
  const a = personal(ctx, args);
  const props = properties(args, PROPS);
  const ids = optStrings(args, 'ids');
  const { v, active } = await read(ctx, a.ownerAccountId);
  const o: Record<string, unknown> = { id: 'singleton', ...v };
  const list = !ids || ids.includes('singleton') ? [props ? Object.fromEntries([['id', 'singleton'], ...props.map((p) => [p, o[p]])]) : o] : [];
  return { accountId: a.id, state: stateOf(v, active), list, notFound: (ids ?? []).filter((i) => i !== 'singleton') };
}

function checkPatch(p: Record<string, unknown>): Partial<Vacation> {
  const out: Partial<Vacation> = {};
  for (const [k, val] of Object.entries(p)) {
    if (k === 'id') continue;
    if (k === 'isEnabled') {
      if (typeof val !== 'boolean') throw new SetFailure('invalidProperties', k, { properties: [k] });
      out.isEnabled = val;
    } else if (k === 'fromDate' || k === 'toDate') {
      if (val !== null && (typeof val !== 'string' || Number.isNaN(Date.parse(val)) || !/Z$/.test(val))) throw new SetFailure('invalidProperties', k, { properties: [k] });
      out[k] = val as string | null;
    } else if (k === 'subject' || k === 'textBody' || k === 'htmlBody') {
      if (val !== null && (typeof val !== 'string' || val.length > 20_000)) throw new SetFailure('invalidProperties', k, { properties: [k] });
      out[k] = val as string | null;
    } else throw new SetFailure('invalidProperties', k, { properties: [k] });
  }
  return out;
}

async function vacationSet(ctx: CallContext, args: Args): Promise<Args> {
  const a = personal(ctx, args);
  const before = await read(ctx, a.ownerAccountId);
  const oldState = stateOf(before.v, before.active);
  const ifInState = optString(args, 'ifInState');
  if (ifInState !== undefined && ifInState !== oldState) throw new MethodError('stateMismatch');
  const create = optObject(args, 'create') ?? {};
  const update = optObject(args, 'update') ?? {};
  const destroy = optStrings(args, 'destroy') ?? [];
  const notCreated = Object.fromEntries(Object.keys(create).map((k) => [k, new SetFailure('singleton').toJSON()]));
  const notDestroyed = Object.fromEntries(destroy.map((k) => [k, new SetFailure('singleton').toJSON()]));
  const updated: Record<string, unknown> = {};
  const notUpdated: Record<string, unknown> = {};
  for (const [id, patch] of Object.entries(update)) {
    try {
      if (id !== 'singleton') throw new SetFailure('notFound');
      if (!patch || typeof patch !== 'object') throw new SetFailure('invalidPatch');
      const v: Vacation = { ...before.v, ...checkPatch(patch as Record<string, unknown>) };
      await write(ctx, a, before, v);
      updated[id] = null;
    } catch (e) {
      if (e instanceof SetFailure) notUpdated[id] = e.toJSON();
      else if (isThutinError(e) && e.code.startsWith('SIEVE_')) notUpdated[id] = new SetFailure('invalidProperties', e.message).toJSON();
      else throw e;
    }
  }
  const after = await read(ctx, a.ownerAccountId);
  const nz = (o: Record<string, unknown>) => (Object.keys(o).length ? o : null);
  return {
    accountId: a.id,
    oldState,
    newState: stateOf(after.v, after.active),
    created: null,
    updated: nz(updated),
    destroyed: null,
    notCreated: nz(notCreated),
    notUpdated: nz(notUpdated),
    notDestroyed: nz(notDestroyed),
  };
}

/** Write the vacation script and switch the active script as `v.isEnabled` says. */
async function write(ctx: CallContext, a: JmapAccount, before: { active: string | null; ours: string | null }, v: Vacation): Promise<void> {
  const scripts = ctx.s.send.sieveScripts;
  const id = a.ownerAccountId;
  const who = { actor: ctx.me.username, owner: a.name, self: true };
  // the script to run after the vacation: the one active before (or the one ours already carries)
  let previousName = before.active && before.active !== VACATION_SCRIPT ? before.active : before.ours ? previousOf(before.ours) : null;
  let previous = previousName ? await scripts.get(id, previousName).catch(() => null) : null;
  if (previous === null) previousName = null;
  const addresses = await ctx.s.accounts.addresses(id);
  let text = vacationScript(v, addresses, previousName && previous !== null ? { name: previousName, script: previous } : null);
  try {
    scripts.check(text);
  } catch {
    // the merged filters do not compile with ours (a conflicting variable, an odd require): the vacation alone
    previous = null;
    text = vacationScript(v, addresses, previousName ? { name: previousName, script: 'require "vacation"; vacation "";' } : null);
  }
  await scripts.put(id, VACATION_SCRIPT, text, who);
  if (v.isEnabled) {
    if (before.active !== VACATION_SCRIPT) await scripts.activate(id, VACATION_SCRIPT, who);
  } else if (before.active === VACATION_SCRIPT || (before.active && vacationOf(await scripts.get(id, before.active)))) {
    // off: the filters that ran before come back (unless they answer by themselves)
    const back = previousName && previousName !== before.active && previous !== null && !vacationOf(previous) ? previousName : null;
    await scripts.activate(id, back, who);
  }
}

export const VACATION_METHODS: Record<string, MethodSpec> = {
  'VacationResponse/get': { capability: VACATIONRESPONSE, handler: vacationGet },
  'VacationResponse/set': { capability: VACATIONRESPONSE, handler: vacationSet },
};
