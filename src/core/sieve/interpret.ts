// Running a compiled script against one message for one recipient (RFC 5228 §2.10 and the
// extensions in spec.ts): the tests read the message through SieveMessage, the commands collect
// actions. Runtime errors, too many actions or conflicting ones (reject with keep) give the
// implicit keep alone, as §2.10.6 asks. Pure: the caller (core/sieve-delivery.ts) carries the
// actions out in the message's life cycle.
// Owns: Sieve's semantics.
import { decodeEncodedWords, parseAddressList } from '../mime/index.ts';
import { SieveError } from './lexer.ts';
import { matches, type Comparator, type MatchType } from './match.ts';
import type { Op, Script, Value } from './validate.ts';

export interface SieveMessage {
  /** Values of a header field (case-insensitive name), unfolded, as written (encoded-words kept). */
  header(name: string): string[];
  size: number;
  /** The envelope: MAIL FROM ('' for the null sender) and this recipient's RCPT TO. */
  envelope: { from: string; to: string };
  /** The body as `body` sees it: 'raw' undecoded, 'text' every text part decoded, or the parts of the given content types. */
  body(transform: { kind: 'raw' } | { kind: 'text' } | { kind: 'content'; types: string[] }): string[];
}

export interface SieveEnvironment {
  now: Date;
  mailboxExists(name: string): boolean;
  /** Most redirects one message may cause (loops and mail bombs). */
  maxRedirects?: number;
}

export type SieveAction =
  | { type: 'keep'; flags: string[] }
  | { type: 'fileinto'; mailbox: string; flags: string[]; create: boolean; copy: boolean }
  | { type: 'redirect'; address: string; copy: boolean }
  | { type: 'discard' }
  | { type: 'reject'; reason: string; ereject: boolean }
  | { type: 'vacation'; reason: string; subject: string | null; from: string | null; addresses: string[]; seconds: number; mime: boolean; handle: string };

export interface SieveResult {
  actions: SieveAction[];
  /** A runtime error made the result the implicit keep alone (the error, for the log). */
  error: string | null;
}

const MAX_ACTIONS = 32;
const MAX_VARIABLE = 4000;
const DAY = 86400;

class Stop {}

export function run(script: Script, msg: SieveMessage, env: SieveEnvironment): SieveResult {
  const vars = new Map<string, string>();
  let captures: string[] = [];
  let flags: string[] = [];
  const actions: SieveAction[] = [];
  let cancelledKeep = false;
  const useVars = script.requires.has('variables');
  const maxRedirects = env.maxRedirects ?? 5;

  const expand = (s: string): string => {
    if (!useVars) return s;
    return s.replace(/\$\{([A-Za-z_][A-Za-z0-9_.]*|\d+)\}/g, (_m, name: string) => {
      if (/^\d+$/.test(name)) return captures[Number(name)] ?? '';
      return vars.get(name.toLowerCase()) ?? '';
    });
  };
  const str = (v: Value | true | undefined): string => expand(String(v ?? ''));
  const strs = (v: Value | true | undefined): string[] => (Array.isArray(v) ? v : v === undefined || v === true ? [] : [String(v)]).map(expand);

  const comparatorOf = (op: Op): Comparator => (typeof op.tags.get('comparator') === 'string' ? (String(op.tags.get('comparator')).toLowerCase() as Comparator) : 'i;ascii-casemap');
  const matchOf = (op: Op): MatchType => {
    if (op.tags.has('contains')) return { kind: 'contains' };
    if (op.tags.has('matches')) return { kind: 'matches' };
    const count = op.tags.get('count');
    if (typeof count === 'string') return { kind: 'count', rel: count.toLowerCase() as 'eq' };
    const value = op.tags.get('value');
    if (typeof value === 'string') return { kind: 'value', rel: value.toLowerCase() as 'eq' };
    return { kind: 'is' };
  };
  const test = (op: Op, values: string[], keys: string[]): boolean => {
    const mt = matchOf(op);
    return matches(values, keys, mt, comparatorOf(op), mt.kind === 'matches' && useVars ? (c) => (captures = c) : undefined);
  };

  const addressPart = (op: Op, address: string): string | null => {
    const at = address.lastIndexOf('@');
    const local = at >= 0 ? address.slice(0, at) : address;
    const domain = at >= 0 ? address.slice(at + 1) : '';
    if (op.tags.has('localpart')) return local;
    if (op.tags.has('domain')) return domain;
    if (op.tags.has('user')) return local.split('+')[0];
    if (op.tags.has('detail')) {
      const plus = local.indexOf('+');
      return plus < 0 ? null : local.slice(plus + 1);
    }
    return address;
  };

  const evaluate = (op: Op): boolean => {
    switch (op.name) {
      case 'true':
        return true;
      case 'false':
        return false;
      case 'not':
        return !evaluate(op.tests[0]);
      case 'allof':
        return op.tests.every(evaluate);
      case 'anyof':
        return op.tests.some(evaluate);
      case 'exists':
        return strs(op.pos[0]).every((h) => msg.header(h).length > 0);
      case 'size': {
        const limit = op.pos[0] as number;
        return op.tags.has('over') ? msg.size > limit : msg.size < limit;
      }
      case 'header': {
        const values = strs(op.pos[0]).flatMap((h) => msg.header(h).map((v) => decodeEncodedWords(v)));
        return test(op, values, strs(op.pos[1]));
      }
      case 'address': {
        const values: string[] = [];
        for (const h of strs(op.pos[0])) {
          for (const raw of msg.header(h)) {
            for (const a of parseAddressList(raw) ?? []) {
              if (a.mailbox === null || a.host === null) continue; // group markers
              const part = addressPart(op, `${a.mailbox}@${a.host}`);
              if (part !== null) values.push(part);
            }
          }
        }
        return test(op, values, strs(op.pos[1]));
      }
      case 'envelope': {
        const values: string[] = [];
        for (const part of strs(op.pos[0])) {
          const p = part.toLowerCase();
          const addr = p === 'from' ? msg.envelope.from : p === 'to' ? msg.envelope.to : null;
          if (addr === null) continue;
          const v = addr === '' ? '' : addressPart(op, addr);
          if (v !== null) values.push(v);
        }
        return test(op, values, strs(op.pos[1]));
      }
      case 'body': {
        const content = op.tags.get('content');
        const t = op.tags.has('raw') ? { kind: 'raw' as const } : Array.isArray(content) ? { kind: 'content' as const, types: strs(content) } : { kind: 'text' as const };
        return test(op, msg.body(t), strs(op.pos[0]));
      }
      case 'string':
        return test(op, strs(op.pos[0]), strs(op.pos[1]));
      case 'date':
      case 'currentdate': {
        const isCurrent = op.name === 'currentdate';
        const part = str(op.pos[isCurrent ? 0 : 1]).toLowerCase();
        const zone = typeof op.tags.get('zone') === 'string' ? str(op.tags.get('zone')) : null;
        let when: { date: Date; zone: string } | null;
        if (isCurrent) when = { date: env.now, zone: zone ?? '+0000' };
        else {
          const raw = msg.header(str(op.pos[0]))[0];
          when = raw ? parseDateField(raw) : null;
          if (when && zone) when.zone = zone;
          else if (when && !op.tags.has('originalzone')) when.zone = '+0000';
        }
        if (!when) return false;
        const v = datePart(when.date, when.zone, part);
        return v !== null && test(op, [v], strs(op.pos[isCurrent ? 1 : 2]));
      }
      case 'hasflag': {
        const names = op.pos.length === 2 ? strs(op.pos[0]) : null;
        const have = names ? names.flatMap((n) => splitFlags(vars.get(n.toLowerCase()) ?? '')) : flags;
        return test(op, have, strs(op.pos[op.pos.length - 1]).flatMap(splitFlags));
      }
      case 'mailboxexists':
        return strs(op.pos[0]).every((m) => env.mailboxExists(m));
    }
    throw new SieveError(`unknown test ${op.name}`, op.line);
  };

  const add = (a: SieveAction) => {
    if (actions.length >= MAX_ACTIONS) throw new SieveError('too many actions', 0);
    actions.push(a);
  };

  const flagsOf = (op: Op): string[] => (op.tags.has('flags') ? strs(op.tags.get('flags')).flatMap(splitFlags) : [...flags]);

  const exec = (ops: Op[]): void => {
    let skipRest = false; // an if/elsif branch ran: skip the elsif/else after it
    for (const op of ops) {
      if (op.name === 'elsif' || op.name === 'else') {
        if (skipRest) continue;
      } else skipRest = false;
      switch (op.name) {
        case 'if':
        case 'elsif':
          if (evaluate(op.tests[0])) {
            skipRest = true;
            exec(op.block!);
          }
          break;
        case 'else':
          exec(op.block!);
          break;
        case 'stop':
          throw new Stop();
        case 'keep':
          add({ type: 'keep', flags: flagsOf(op) });
          break;
        case 'discard':
          cancelledKeep = true;
          add({ type: 'discard' });
          break;
        case 'fileinto': {
          const copy = op.tags.has('copy');
          if (!copy) cancelledKeep = true;
          add({ type: 'fileinto', mailbox: str(op.pos[0]), flags: flagsOf(op), create: op.tags.has('create'), copy });
          break;
        }
        case 'redirect': {
          const address = str(op.pos[0]).trim();
          if (!/^[^@\s]+@[^@\s]+$/.test(address)) throw new SieveError(`redirect: invalid address "${address}"`, op.line);
          if (actions.filter((a) => a.type === 'redirect').length >= maxRedirects) throw new SieveError('too many redirects', op.line);
          const copy = op.tags.has('copy');
          if (!copy) cancelledKeep = true;
          add({ type: 'redirect', address, copy });
          break;
        }
        case 'reject':
        case 'ereject':
          cancelledKeep = true;
          add({ type: 'reject', reason: str(op.pos[0]), ereject: op.name === 'ereject' });
          break;
        case 'vacation': {
          if (actions.some((a) => a.type === 'vacation')) throw new SieveError('vacation twice', op.line);
          const days = op.tags.get('days');
          const secs = op.tags.get('seconds');
          // RFC 5230 4.1 / RFC 6131: 7 days by default; at least 1 day, at most 30; :seconds from 0.
          const seconds = typeof secs === 'number' ? Math.min(secs, 30 * DAY) : Math.max(1, Math.min(typeof days === 'number' ? days : 7, 30)) * DAY;
          const reason = str(op.pos[0]);
          add({
            type: 'vacation',
            reason,
            subject: op.tags.has('subject') ? str(op.tags.get('subject')) : null,
            from: op.tags.has('from') ? str(op.tags.get('from')) : null,
            addresses: strs(op.tags.get('addresses')),
            seconds,
            mime: op.tags.has('mime'),
            handle: op.tags.has('handle') ? str(op.tags.get('handle')) : reason,
          });
          break;
        }
        case 'setflag':
        case 'addflag':
        case 'removeflag': {
          const name = op.pos.length === 2 ? str(op.pos[0]).toLowerCase() : null;
          const current = name === null ? flags : splitFlags(vars.get(name) ?? '');
          const given = strs(op.pos[op.pos.length - 1]).flatMap(splitFlags);
          let next: string[];
          if (op.name === 'setflag') next = dedupe(given);
          else if (op.name === 'addflag') next = dedupe([...current, ...given]);
          else next = current.filter((f) => !given.some((g) => g.toLowerCase() === f.toLowerCase()));
          if (name === null) flags = next;
          else vars.set(name, next.join(' '));
          break;
        }
        case 'set': {
          let v = str(op.pos[1]);
          if (op.tags.has('lower')) v = v.toLowerCase();
          if (op.tags.has('upper')) v = v.toUpperCase();
          if (op.tags.has('lowerfirst')) v = v.charAt(0).toLowerCase() + v.slice(1);
          if (op.tags.has('upperfirst')) v = v.charAt(0).toUpperCase() + v.slice(1);
          if (op.tags.has('quotewildcard')) v = v.replace(/[*?\\]/g, (c) => '\\' + c);
          if (op.tags.has('length')) v = String([...v].length);
          vars.set(String(op.pos[0]).toLowerCase(), [...v].slice(0, MAX_VARIABLE).join(''));
          break;
        }
      }
    }
  };

  try {
    try {
      exec(script.commands);
    } catch (e) {
      if (!(e instanceof Stop)) throw e;
    }
    if (actions.some((a) => a.type === 'reject') && actions.some((a) => a.type !== 'reject' && a.type !== 'discard'))
      throw new SieveError('reject cannot be combined with keep, fileinto, redirect or vacation', 0);
    if (!cancelledKeep && !actions.some((a) => a.type === 'keep')) actions.push({ type: 'keep', flags: [...flags] });
    return { actions, error: null };
  } catch (e) {
    if (!(e instanceof SieveError)) throw e;
    return { actions: [{ type: 'keep', flags: [] }], error: e.message };
  }
}

function splitFlags(s: string): string[] {
  return s.split(/\s+/).filter(Boolean);
}

function dedupe(list: string[]): string[] {
  const seen = new Set<string>();
  return list.filter((f) => (seen.has(f.toLowerCase()) ? false : (seen.add(f.toLowerCase()), true)));
}

/** A Date: field's moment and the zone it was written in, or null. */
export function parseDateField(raw: string): { date: Date; zone: string } | null {
  const t = Date.parse(raw.replace(/\([^)]*\)/g, ' '));
  if (!Number.isFinite(t)) return null;
  const z = /([+-]\d{4})\s*$/.exec(raw.replace(/\([^)]*\)/g, '').trim());
  return { date: new Date(t), zone: z ? z[1] : '+0000' };
}

/** A date part (RFC 5260 §4.2) of a moment seen in a zone (+hhmm). */
export function datePart(d: Date, zone: string, part: string): string | null {
  const m = /^([+-])(\d{2})(\d{2})$/.exec(zone);
  if (!m) return null;
  const offset = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  const l = new Date(d.getTime() + offset * 60_000);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const date = `${l.getUTCFullYear()}-${p2(l.getUTCMonth() + 1)}-${p2(l.getUTCDate())}`;
  const time = `${p2(l.getUTCHours())}:${p2(l.getUTCMinutes())}:${p2(l.getUTCSeconds())}`;
  switch (part) {
    case 'year':
      return String(l.getUTCFullYear()).padStart(4, '0');
    case 'month':
      return p2(l.getUTCMonth() + 1);
    case 'day':
      return p2(l.getUTCDate());
    case 'date':
      return date;
    case 'julian':
      return String(Math.floor(d.getTime() / 86400000 + offset / 1440 + 40587));
    case 'hour':
      return p2(l.getUTCHours());
    case 'minute':
      return p2(l.getUTCMinutes());
    case 'second':
      return p2(l.getUTCSeconds());
    case 'time':
      return time;
    case 'iso8601':
      return `${date}T${time}${zone.slice(0, 3)}:${zone.slice(3)}`;
    case 'std11': {
      const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
      const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
      return `${days[l.getUTCDay()]}, ${l.getUTCDate()} ${months[l.getUTCMonth()]} ${l.getUTCFullYear()} ${time} ${zone}`;
    }
    case 'zone':
      return zone;
    case 'weekday':
      return String(l.getUTCDay());
  }
  return null;
}
