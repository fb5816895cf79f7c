// Owns: LIST (RFC 3501 6.3.8 with RFC 5258 LIST-EXTENDED, RFC 6154 SPECIAL-USE, RFC 5819
// LIST-STATUS, CHILDREN) and LSUB (6.3.9). Patterns: % matches within a level, * across.
// The names are the session's view (mailbox-names.ts): own folders, then the shared namespace.
import { AUTHENTICATED, type CommandSpec } from './types.ts';
import { ImapError } from '../errors.ts';
import type { AuthenticatedContext } from '../context.ts';
import { HIERARCHY_SEPARATOR } from '../../core/mailboxes.ts';
import type { MailboxInfo } from '../../core/mailstore.ts';
import { mailboxOnWire } from '../protocol/mutf7.ts';
import { atom, type ImapValue } from '../protocol/value.ts';
import { statusValues } from './status.ts';
import type { StatusItem } from '../parser/types.ts';
import { visibleFolders, type VisibleFolder } from '../mailbox-names.ts';

export function patternToRegExp(pattern: string): RegExp {
  let re = '';
  for (const ch of pattern) {
    if (ch === '*') re += '.*';
    else if (ch === '%') re += `[^${HIERARCHY_SEPARATOR}]*`;
    else re += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'su');
}

function canonicalPattern(reference: string, pattern: string): string {
  const full = reference + pattern;
  // INBOX is case-insensitive (RFC 3501 5.1).
  return /^inbox($|\/)/i.test(full) ? 'INBOX' + full.slice(5) : full;
}

interface Row {
  name: string;
  attrs: string[];
  mb: MailboxInfo | null;
  /** RFC 5258 3.5: a descendant meets the SUBSCRIBED selection (RECURSIVEMATCH asked). */
  childInfo: boolean;
}

interface ListOptions {
  subscribedOnly: boolean;
  specialUseOnly: boolean;
  recursiveMatch: boolean;
  wantSubscribed: boolean;
  wantSpecialUse: boolean;
  /** LSUB (RFC 3501 6.3.9): a parent that is not subscribed is listed \Noselect when a subscribed descendant does not match. */
  lsub: boolean;
}

async function listRows(s: AuthenticatedContext, reference: string, patterns: string[], opts: ListOptions): Promise<Row[]> {
  const all: Array<VisibleFolder & { missing?: boolean }> = await visibleFolders(s);
  const res = patterns.map((p) => patternToRegExp(canonicalPattern(reference, p)));
  const matches = (name: string) => res.some((r) => r.test(name));
  const subs = opts.subscribedOnly || opts.wantSubscribed ? new Set(await s.store.listSubscriptions(s.account.id)) : null;
  if (opts.subscribedOnly && subs) {
    // A subscribed name whose folder was deleted is still listed (RFC 3501 6.3.9, RFC 5258 \NonExistent).
    const own = all.filter((v) => v.access === 'owner');
    const known = new Set(own.map((v) => v.name));
    const missing = [...subs].filter((n) => !known.has(n)).map((name) => ({ name, mb: null, access: 'owner' as const, missing: true }));
    all.splice(own.length, 0, ...missing);
  }
  // Shared folders count as subscribed (the owner's subscriptions are the owner's).
  const isSubscribed = (v: VisibleFolder) => (v.access === 'owner' ? (subs ? subs.has(v.name) : !!v.mb?.subscribed) : v.mb !== null);
  const meets = (v: VisibleFolder) => (!opts.subscribedOnly || isSubscribed(v)) && (!opts.specialUseOnly || !!v.mb?.specialUse);
  const rows: Row[] = [];
  for (const v of all) {
    if (!matches(v.name)) continue;
    const mb = v.mb;
    const under = v.name + HIERARCHY_SEPARATOR;
    // Descendants that are subscribed: what CHILDINFO ("SUBSCRIBED") and LSUB's parent rule are about.
    const subscribedBelow = opts.subscribedOnly ? all.filter((o) => o.name.startsWith(under) && isSubscribed(o)) : [];
    let parentOnly = false;
    if (!meets(v)) {
      // RFC 5258 3.5 (RECURSIVEMATCH) and RFC 3501 6.3.9 (LSUB with %): a parent that does not meet
      // the selection is listed when a descendant that does is not itself listed (it does not match).
      if (!(opts.recursiveMatch || opts.lsub) || !subscribedBelow.some((o) => !matches(o.name))) continue;
      parentOnly = true;
    }
    const subscribed = isSubscribed(v);
    const hasChildren = all.some((o) => o.name.startsWith(under));
    const attrs = [hasChildren ? '\\HasChildren' : '\\HasNoChildren'];
    if (v.missing && !opts.lsub) attrs.unshift('\\NonExistent');
    else if (!mb || (opts.lsub && parentOnly)) attrs.unshift('\\Noselect');
    if (mb?.specialUse && opts.wantSpecialUse) attrs.push(mb.specialUse);
    if (opts.wantSubscribed && subscribed) attrs.push('\\Subscribed');
    rows.push({ name: v.name, attrs, mb, childInfo: opts.recursiveMatch && subscribedBelow.length > 0 });
  }
  return rows;
}

function listLine(kind: 'LIST' | 'LSUB', row: Row, utf8: boolean): ImapValue[] {
  const line: ImapValue[] = [atom(kind), row.attrs.map((a) => atom(a)), HIERARCHY_SEPARATOR, mailboxOnWire(row.name, utf8)];
  if (row.childInfo) line.push(['CHILDINFO', ['SUBSCRIBED']]);
  return line;
}

export const list: CommandSpec<'LIST', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    if (cmd.patterns.length === 1 && cmd.patterns[0] === '') {
      s.untagged([atom('LIST'), [atom('\\Noselect')], HIERARCHY_SEPARATOR, '']);
      return;
    }
    const rows = await listRows(s, cmd.reference, cmd.patterns, {
      subscribedOnly: cmd.selection.subscribed,
      specialUseOnly: cmd.selection.specialUse,
      recursiveMatch: cmd.selection.recursiveMatch,
      wantSubscribed: cmd.selection.subscribed || cmd.returns.subscribed,
      // Without the extended syntax we still show special-use attributes (RFC 6154 5.1 allows it; clients rely on it).
      wantSpecialUse: !cmd.extended || cmd.returns.specialUse || cmd.selection.specialUse,
      lsub: false,
    });
    for (const row of rows) {
      s.untagged(listLine('LIST', row, s.enabled.has('UTF8=ACCEPT')));
      if (cmd.returns.status && row.mb) {
        // A folder deleted meanwhile by another session just gets no STATUS (RFC 5819 lists only what it can).
        const vals = await statusValues(s, row.mb, cmd.returns.status as StatusItem[]).catch((e: unknown) => {
          if (e instanceof ImapError) return null;
          throw e;
        });
        if (vals) s.untagged([atom('STATUS'), mailboxOnWire(row.name, s.enabled.has('UTF8=ACCEPT')), vals]);
      }
    }
  },
};

export const lsub: CommandSpec<'LSUB', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    if (cmd.pattern === '') {
      s.untagged([atom('LSUB'), [atom('\\Noselect')], HIERARCHY_SEPARATOR, '']);
      return;
    }
    const rows = await listRows(s, cmd.reference, [cmd.pattern], { subscribedOnly: true, specialUseOnly: false, recursiveMatch: false, wantSubscribed: false, wantSpecialUse: false, lsub: true });
    for (const row of rows) s.untagged(listLine('LSUB', { ...row, attrs: row.attrs.filter((a) => a !== '\\HasNoChildren' && a !== '\\HasChildren') }, s.enabled.has('UTF8=ACCEPT')));
  },
};
