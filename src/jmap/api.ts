// The API endpoint's request processing (RFC 8620 §3): the Request object checked (notJSON,
// notRequest, unknownCapability, limit), each method call run in order with its back-references
// (`#name`: a ResultReference to an earlier call's answer, resolved by JSON pointer with `*`
// mapping over arrays, §3.7), method-level errors (unknownMethod for a method outside `using`,
// invalidArguments, invalidResultReference, accountNotFound, …) answered as `["error", …]`.
// Owns: the request → response loop; the methods themselves live in mailbox.ts, email-*.ts, identities.ts, submission.ts, vacation.ts, snippets.ts.
import { MethodError, problem, type Problem } from './errors.ts';
import type { CallContext } from './context.ts';

export const CORE = 'urn:ietf:params:jmap:core';
export const MAIL = 'urn:ietf:params:jmap:mail';
export const SUBMISSION = 'urn:ietf:params:jmap:submission';
export const VACATIONRESPONSE = 'urn:ietf:params:jmap:vacationresponse';
/** The unit mailbox's work queue (work-queue.ts; issue 10, R8.4). */
export const WORKQUEUE = 'urn:thutin:params:jmap:workqueue';
export const CAPABILITIES = [CORE, MAIL, SUBMISSION, VACATIONRESPONSE, WORKQUEUE] as const;

export type Args = Record<string, unknown>;
export type Handler = (ctx: CallContext, args: Args) => Promise<Args>;
export interface MethodSpec {
  /** The capability `using` must name. */
  capability: string;
  handler: Handler;
}

type Invocation = [string, Args, string];

export interface JmapResponse {
  methodResponses: Invocation[];
  sessionState: string;
  createdIds?: Record<string, string>;
}

/** Parse and check a request body; a Problem when it is not a usable Request. */
export function parseRequest(body: Buffer, maxCalls: number): { ok: true; using: string[]; calls: Invocation[]; createdIds?: Record<string, string> } | { ok: false; problem: Problem } {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return { ok: false, problem: problem('notJSON') };
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) return { ok: false, problem: problem('notRequest') };
  const r = json as { using?: unknown; methodCalls?: unknown; createdIds?: unknown };
  if (!Array.isArray(r.using) || !r.using.every((u) => typeof u === 'string')) return { ok: false, problem: problem('notRequest', { detail: 'using' }) };
  if (!Array.isArray(r.methodCalls)) return { ok: false, problem: problem('notRequest', { detail: 'methodCalls' }) };
  for (const c of r.methodCalls) {
    if (!Array.isArray(c) || c.length !== 3 || typeof c[0] !== 'string' || !c[1] || typeof c[1] !== 'object' || Array.isArray(c[1]) || typeof c[2] !== 'string') {
      return { ok: false, problem: problem('notRequest', { detail: 'methodCalls' }) };
    }
  }
  if (r.createdIds !== undefined && (!r.createdIds || typeof r.createdIds !== 'object' || Array.isArray(r.createdIds))) return { ok: false, problem: problem('notRequest', { detail: 'createdIds' }) };
  const unknown = (r.using as string[]).filter((u) => !(CAPABILITIES as readonly string[]).includes(u));
  if (unknown.length) return { ok: false, problem: problem('unknownCapability', { detail: unknown.join(', ').slice(0, 200) }) };
  if (r.methodCalls.length > maxCalls) return { ok: false, problem: problem('limit', { limit: 'maxCallsInRequest' }) };
  return { ok: true, using: r.using as string[], calls: r.methodCalls as Invocation[], ...(r.createdIds ? { createdIds: r.createdIds as Record<string, string> } : {}) };
}

/** Evaluate a JSON pointer with JMAP's `*` (RFC 8620 §3.7); undefined when the path is not there. */
export function evaluatePointer(value: unknown, path: string): unknown {
  if (path === '') return value;
  if (!path.startsWith('/')) return undefined;
  const tokens = path
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  const walk = (v: unknown, i: number): unknown => {
    if (i === tokens.length) return v;
    const t = tokens[i];
    if (Array.isArray(v)) {
      if (t === '*') {
        const out: unknown[] = [];
        for (const item of v) {
          const r = walk(item, i + 1);
          if (r === undefined) return undefined;
          if (Array.isArray(r)) out.push(...r);
          else out.push(r);
        }
        return out;
      }
      if (!/^(0|[1-9]\d*)$/.test(t)) return undefined;
      const n = Number(t);
      return n < v.length ? walk(v[n], i + 1) : undefined;
    }
    if (v && typeof v === 'object' && Object.prototype.hasOwnProperty.call(v, t)) return walk((v as Record<string, unknown>)[t], i + 1);
    return undefined;
  };
  return walk(value, 0);
}

/** Replace `#name` arguments by the values they reference. */
export function resolveReferences(args: Args, done: Invocation[]): Args {
  const out: Args = {};
  for (const [k, v] of Object.entries(args)) {
    if (!k.startsWith('#')) {
      out[k] = v;
      continue;
    }
    const name = k.slice(1);
    if (Object.prototype.hasOwnProperty.call(args, name)) throw new MethodError('invalidArguments', `${name} and #${name}`);
    const ref = v as { resultOf?: unknown; name?: unknown; path?: unknown };
    if (!ref || typeof ref !== 'object' || typeof ref.resultOf !== 'string' || typeof ref.name !== 'string' || typeof ref.path !== 'string') throw new MethodError('invalidResultReference', k);
    const source = done.find((r) => r[2] === ref.resultOf && r[0] === ref.name);
    if (!source) throw new MethodError('invalidResultReference', `${ref.resultOf} ${ref.name}`);
    const value = evaluatePointer(source[1], ref.path);
    if (value === undefined) throw new MethodError('invalidResultReference', ref.path);
    out[name] = value;
  }
  return out;
}

/** Run the method calls of a checked request in order. */
export async function runCalls(ctx: CallContext, methods: Record<string, MethodSpec>, using: string[], calls: Invocation[], sessionState: string, withCreatedIds: boolean): Promise<JmapResponse> {
  const responses: Invocation[] = [];
  for (const [name, rawArgs, callId] of calls) {
    try {
      const spec = Object.prototype.hasOwnProperty.call(methods, name) ? methods[name] : undefined;
      if (!spec || !(spec.capability === CORE || using.includes(spec.capability))) throw new MethodError('unknownMethod', name.slice(0, 100));
      const args = resolveReferences(rawArgs, responses);
      ctx.implicit.length = 0;
      const result = await spec.handler(ctx, args);
      responses.push([name, result, callId]);
      for (const [n, r] of ctx.implicit.splice(0)) responses.push([n, r, callId]);
    } catch (e) {
      if (e instanceof MethodError) responses.push(['error', e.toJSON(), callId]);
      else {
        ctx.s.log.error({ err: e, method: name }, 'jmap method failed');
        responses.push(['error', new MethodError('serverFail').toJSON(), callId]);
      }
    }
  }
  return { methodResponses: responses, sessionState, ...(withCreatedIds ? { createdIds: Object.fromEntries(ctx.createdIds) } : {}) };
}

// ---------------------------------------------------------------- argument helpers for the methods

export function optString(args: Args, key: string): string | undefined {
  const v = args[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new MethodError('invalidArguments', key);
  return v;
}

export function optInt(args: Args, key: string, min = 0): number | undefined {
  const v = args[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new MethodError('invalidArguments', key);
  return v;
}

export function optBool(args: Args, key: string): boolean | undefined {
  const v = args[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new MethodError('invalidArguments', key);
  return v;
}

export function optStrings(args: Args, key: string): string[] | null {
  const v = args[key];
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new MethodError('invalidArguments', key);
  return v as string[];
}

export function optObject(args: Args, key: string): Record<string, unknown> | null {
  const v = args[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw new MethodError('invalidArguments', key);
  return v as Record<string, unknown>;
}

/** `properties` checked against what the type has; null means the defaults. */
export function properties(args: Args, known: readonly string[]): string[] | null {
  const p = optStrings(args, 'properties');
  if (!p) return null;
  const bad = p.filter((x) => !known.includes(x) && !x.startsWith('header:'));
  if (bad.length) throw new MethodError('invalidArguments', `properties: ${bad.join(', ').slice(0, 200)}`);
  return p;
}
