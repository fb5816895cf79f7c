// Owns: a session's RFC 5465 NOTIFY state — which mailboxes each event group watches (selected,
// selected-delayed, inboxes, personal, subscribed, subtree, mailboxes: resolved over the names
// the session sees, own and shared), the change events it listens to (core/events.ts: one
// subscription per watched folder, and the account channel below), and what it tells:
//   - MessageNew / MessageExpunge / FlagChange in a watched mailbox that is not selected:
//     `STATUS name (MESSAGES UIDNEXT UIDVALIDITY [HIGHESTMODSEQ])` when those changed;
//   - MailboxName: `LIST () "/" new ("OLDNAME" (old))`, `LIST (\NonExistent) …` for a deleted one;
//   - SubscriptionChange: `LIST (\Subscribed) …` or `LIST () …`;
//   - MailboxMetadataChange / ServerMetadataChange: `METADATA name entry…` (RFC 5464 4.4.2).
// The selected mailbox's own updates (EXISTS, EXPUNGE, FETCH, MessageNew's fetch attributes) stay
// with the session (session.ts), which also sends these at any time, not only during commands.
// The account channel: a folder created, deleted, renamed, (un)subscribed or its metadata set over
// IMAP announces `-accountId` on MailEvents (ACCOUNT_CHANNEL), the list and the watched folders
// are then read again and compared with what this session last saw.
import type { MailEvents } from '../core/events.ts';
import { HIERARCHY_SEPARATOR } from '../core/mailboxes.ts';
import { SERVER } from '../core/mailbox-metadata.ts';
import type { HandlerServices } from './context.ts';
import type { Account } from '../core/accounts.ts';
import type { FetchItem, NotifyEventName, NotifyGroup } from './parser/types.ts';
import { visibleFolders } from './mailbox-names.ts';
import { mailboxOnWire } from './protocol/mutf7.ts';
import { atom, type ImapValue } from './protocol/value.ts';

/** The MailEvents id standing for "an account's folder list, subscriptions or metadata changed". */
export function accountChannel(accountId: number): number {
  return -accountId;
}

type Services = Pick<HandlerServices, 'store' | 'accounts' | 'delegations' | 'metadata'>;
type Line = string | ImapValue[];

interface Watched {
  name: string;
  events: Set<NotifyEventName>;
  /** The last STATUS told (or read at SET): messages, uidnext, highestmodseq. */
  last: { messages: number; uidnext: number; highestModseq: number } | null;
  /** Metadata entries as last read (entry → value), when MailboxMetadataChange is watched. */
  metadata: Map<string, string> | null;
}

export class NotifySession {
  /** 'selected' or 'selected-delayed' when the selected mailbox's message events are asked for; null otherwise. */
  readonly selectedMode: 'selected' | 'selected-delayed' | null;
  /** MessageNew's fetch attributes for the selected mailbox. */
  readonly selectedFetch: FetchItem[] | null;
  private readonly other: NotifyGroup[];
  private watched = new Map<number, Watched>();
  private names = new Map<number, string>();
  private subscriptions = new Set<string>();
  private server: Map<string, string> | null = null;
  private readonly unsubscribe: Array<() => void> = [];
  private readonly pending = new Set<number>();
  private accountPending = false;

  private constructor(
    private readonly services: Services,
    private readonly account: Account,
    private readonly events: Pick<MailEvents, 'subscribe'>,
    groups: NotifyGroup[],
    private readonly utf8: () => boolean,
    private readonly condstore: () => boolean,
    private readonly wake: () => void,
  ) {
    const sel = groups.find((g) => (g.filter.kind === 'selected' || g.filter.kind === 'selected-delayed' ? g.events.length > 0 : false));
    this.selectedMode = sel ? (sel.filter.kind as 'selected' | 'selected-delayed') : null;
    this.selectedFetch = sel?.fetch ?? null;
    this.other = groups.filter((g) => g.filter.kind !== 'selected' && g.filter.kind !== 'selected-delayed' && g.events.length > 0);
  }

  /** NOTIFY SET: resolve the groups, listen, and (with STATUS) the first STATUS of every watched mailbox. */
  static async start(
    services: Services,
    account: Account,
    events: Pick<MailEvents, 'subscribe'>,
    groups: NotifyGroup[],
    opts: { status: boolean; selectedId: number | null; utf8: () => boolean; condstore: () => boolean; wake: () => void },
  ): Promise<{ session: NotifySession; lines: Line[] }> {
    const n = new NotifySession(services, account, events, groups, opts.utf8, opts.condstore, opts.wake);
    n.unsubscribe.push(events.subscribe(accountChannel(account.id), () => n.mark(null)));
    await n.resolve();
    const lines: Line[] = [];
    for (const [id, w] of n.watched) {
      if (!w.events.has('MessageNew') && !w.events.has('FlagChange')) continue;
      // Without the STATUS indicator the values are only noted, to compare with later (RFC 5465 §3.1).
      const line = await n.statusLine(id, w, opts.status && id !== opts.selectedId ? 'always' : 'never');
      if (line) lines.push(line);
    }
    return { session: n, lines };
  }

  private mark(id: number | null): void {
    if (id === null) this.accountPending = true;
    else this.pending.add(id);
    this.wake();
  }

  get hasPending(): boolean {
    return this.accountPending || this.pending.size > 0;
  }

  /** Which folders each group watches now; keeps what was known of those watched before. */
  private async resolve(): Promise<void> {
    const visible = (await visibleFolders({ ...this.services, account: this.account })).filter((v) => v.mb);
    this.names = new Map(visible.map((v) => [v.mb!.id, v.name]));
    this.subscriptions = new Set(await this.services.store.listSubscriptions(this.account.id));
    const next = new Map<number, Watched>();
    for (const g of this.other) {
      const f = g.filter;
      const picks = visible.filter((v) => {
        if (f.kind === 'inboxes') return v.access === 'owner' && v.name === 'INBOX';
        if (f.kind === 'personal') return v.access === 'owner';
        if (f.kind === 'subscribed') return v.access !== 'owner' || this.subscriptions.has(v.name);
        const named = f.kind === 'subtree' || f.kind === 'mailboxes' ? f.mailboxes.map((m) => (/^inbox$/i.test(m) ? 'INBOX' : m)) : [];
        if (f.kind === 'mailboxes') return named.includes(v.name);
        return named.some((m) => v.name === m || v.name.startsWith(m + HIERARCHY_SEPARATOR));
      });
      for (const v of picks) {
        const id = v.mb!.id;
        const w = next.get(id) ?? this.watched.get(id) ?? { name: v.name, events: new Set(), last: null, metadata: null };
        w.name = v.name;
        if (!next.has(id)) w.events = new Set();
        for (const e of g.events) w.events.add(e);
        next.set(id, w);
      }
    }
    for (const u of this.unsubscribe.splice(1)) u();
    for (const [id, w] of next) {
      if (w.events.has('MessageNew') || w.events.has('FlagChange')) this.unsubscribe.push(this.events.subscribe(id, () => this.mark(id)));
      if (w.events.has('MailboxMetadataChange') && !w.metadata) w.metadata = await this.readMetadata(id);
      if (!w.events.has('MailboxMetadataChange')) w.metadata = null;
    }
    if (this.other.some((g) => g.events.includes('ServerMetadataChange')) && !this.server) this.server = await this.readMetadata(SERVER);
    this.watched = next;
  }

  private async readMetadata(folderId: number): Promise<Map<string, string>> {
    const entries = await this.services.metadata.get(folderId, this.account.id, ['/private', '/shared'], 'infinity');
    return new Map(entries.map((e) => [e.entry, e.value.toString('base64')]));
  }

  private wantsMailboxEvent(e: NotifyEventName): boolean {
    return this.other.some((g) => g.events.includes(e));
  }

  /** STATUS for a watched mailbox: always, never (values noted only), or when what its events cover changed. */
  private async statusLine(id: number, w: Watched, when: 'always' | 'never' | 'changed'): Promise<Line | null> {
    const st = await this.services.store.mailboxCounts(id);
    if (!st) return null;
    const flags = w.events.has('FlagChange');
    const now = { messages: st.messages, uidnext: st.uidnext, highestModseq: st.highestModseq };
    const before = w.last;
    w.last = now;
    const countsChanged = !before || before.messages !== now.messages || before.uidnext !== now.uidnext;
    const flagsChanged = !before || before.highestModseq !== now.highestModseq;
    if (when === 'never' || (when === 'changed' && !(w.events.has('MessageNew') && countsChanged) && !(flags && flagsChanged))) return null;
    const items: ImapValue[] = [atom('MESSAGES'), now.messages, atom('UIDNEXT'), now.uidnext, atom('UIDVALIDITY'), st.uidvalidity];
    if (flags || this.condstore()) items.push(atom('HIGHESTMODSEQ'), now.highestModseq);
    return [atom('STATUS'), mailboxOnWire(w.name, this.utf8()), items];
  }

  /** What happened since the last call, as untagged responses; `selectedId`'s message events are the session's. */
  async take(selectedId: number | null): Promise<Line[]> {
    const out: Line[] = [];
    if (this.accountPending) {
      this.accountPending = false;
      out.push(...(await this.accountChanges()));
    }
    const ids = [...this.pending];
    this.pending.clear();
    for (const id of ids) {
      const w = this.watched.get(id);
      if (!w || id === selectedId) continue;
      const line = await this.statusLine(id, w, 'changed');
      if (line) out.push(line);
    }
    return out;
  }

  private list(attrs: string[], name: string, extra?: ImapValue): ImapValue[] {
    const line: ImapValue[] = [atom('LIST'), attrs.map((a) => atom(a)), HIERARCHY_SEPARATOR, mailboxOnWire(name, this.utf8())];
    if (extra) line.push(extra);
    return line;
  }

  /** The folder list, subscriptions and metadata read again and compared with what was told. */
  private async accountChanges(): Promise<Line[]> {
    const out: Line[] = [];
    const oldNames = this.names;
    const oldSubs = this.subscriptions;
    const oldMeta = new Map([...this.watched].map(([id, w]) => [id, w.metadata]));
    await this.resolve();
    if (this.wantsMailboxEvent('MailboxName')) {
      for (const [id, name] of this.names) {
        const was = oldNames.get(id);
        if (was === undefined) out.push(this.list([], name));
        else if (was !== name) out.push(this.list([], name, ['OLDNAME', [mailboxOnWire(was, this.utf8())]]));
      }
      for (const [id, name] of oldNames) if (!this.names.has(id)) out.push(this.list(['\\NonExistent'], name));
    }
    if (this.wantsMailboxEvent('SubscriptionChange')) {
      for (const name of this.subscriptions) if (!oldSubs.has(name)) out.push(this.list(['\\Subscribed'], name));
      for (const name of oldSubs) if (!this.subscriptions.has(name)) out.push(this.list([], name));
    }
    for (const [id, w] of this.watched) {
      const before = oldMeta.get(id);
      if (!w.metadata || !before) continue;
      w.metadata = await this.readMetadata(id);
      const changed = diffKeys(before, w.metadata);
      // RFC 5464 4.4.2's unsolicited form: the entry names after the mailbox, no values.
      if (changed.length) out.push([atom('METADATA'), mailboxOnWire(w.name, this.utf8()), ...changed.map((e) => atom(e))]);
    }
    if (this.server) {
      const now = await this.readMetadata(SERVER);
      const changed = diffKeys(this.server, now);
      this.server = now;
      if (changed.length) out.push([atom('METADATA'), '', ...changed.map((e) => atom(e))]);
    }
    return out;
  }

  /** NOTIFY NONE, a new NOTIFY SET, or the end of the session. */
  stop(): void {
    for (const u of this.unsubscribe.splice(0)) u();
  }
}

function diffKeys(a: Map<string, string>, b: Map<string, string>): string[] {
  const out = new Set<string>();
  for (const [k, v] of b) if (a.get(k) !== v) out.add(k);
  for (const k of a.keys()) if (!b.has(k)) out.add(k);
  return [...out].sort();
}
