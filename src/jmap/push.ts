// Push over EventSource (RFC 8620 §7.3): GET /jmap/eventsource?types=…&closeafter=no|state&ping=N
// answers `text/event-stream`. The stream subscribes to the change notifications of every folder
// of every account the user may use (core/events.ts MailEvents — the same IMAP IDLE wakes on, so a
// change made over SMTP, IMAP, POP3 or JMAP, in this process or another on PostgreSQL, is told at
// once); a burst of notifications within DEBOUNCE_MS is one `state` event: a StateChange with the
// new Mailbox / Email / Thread state (one state: the folders' MODSEQs, state.ts) of each account that
// changed, and EmailDelivery when a folder's UIDNEXT grew (new mail, not a flag change). `types`
// narrows the types told (`*`: all). `ping` (seconds, 0 none, otherwise at least MIN_PING) sends a
// `ping` event with its interval when nothing else was sent. `closeafter=state` ends the stream
// after the first state event. Folders created since are found again at each ping or every
// RESCAN_MS. The end of the account's sessions (core/sessions.ts) ends its streams. Without closeafter=state the first event tells the states at once. A user has at most MAX_STREAMS streams open; the stream ends with the server.
// Owns: the EventSource endpoint's stream.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Account } from '../core/accounts.ts';
import { accountsOf, CallContext, type JmapAccount, type JmapServices } from './context.ts';

const DEBOUNCE_MS = 25;
const MIN_PING = 1;
const MAX_PING = 300;
const RESCAN_MS = 30_000;
const MAX_STREAMS = 16;

const open = new Map<number, number>();
/** Every stream's close, for the server's end; and by account, for the end of its sessions. */
const streams = new Set<() => void>();
const byAccount = new Map<number, Set<() => void>>();

/**
 * The account's sessions ended (password changed, disabled, second factor on, a credential revoked:
 * core/sessions.ts): its streams end too. A client still entitled reconnects (EventSource does) and
 * signs in again.
 */
export function closeStreamsOf(accountId: number): void {
  for (const c of [...(byAccount.get(accountId) ?? [])]) c();
}

/** End every open stream (the server is closing). */
export function closeAllStreams(): void {
  for (const c of [...streams]) c();
}

export interface PushParams {
  types: string[] | null;
  closeAfterState: boolean;
  ping: number;
}

/** The query's parameters; null when one is not valid (400). */
export function pushParams(q: Record<string, unknown>): PushParams | null {
  const types = typeof q.types === 'string' ? q.types : '*';
  const closeafter = typeof q.closeafter === 'string' ? q.closeafter : 'no';
  const ping = typeof q.ping === 'string' && q.ping !== '' ? Number(q.ping) : 0;
  if (!['no', 'state'].includes(closeafter) || !Number.isSafeInteger(ping) || ping < 0) return null;
  const list = types === '*' ? null : types.split(',').filter(Boolean);
  return { types: list, closeAfterState: closeafter === 'state', ping: ping === 0 ? 0 : Math.min(MAX_PING, Math.max(MIN_PING, ping)) };
}

/** Serve one EventSource stream until the client goes away (or after the first state with closeafter=state). */
export async function pushStream(s: JmapServices, me: Account, req: FastifyRequest, reply: FastifyReply, p: PushParams, ip: string): Promise<void> {
  if ((open.get(me.id) ?? 0) >= MAX_STREAMS) {
    reply.code(429).type('application/problem+json').send({ type: 'about:blank', status: 429, detail: 'Quá nhiều luồng đẩy đang mở / Too many push streams open' });
    return;
  }
  open.set(me.id, (open.get(me.id) ?? 0) + 1);
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  res.flushHeaders?.();
  const wanted = (t: string) => !p.types || p.types.includes(t);
  let accounts: JmapAccount[] = [];
  let ctx: CallContext;
  const last = new Map<string, { state: string; uidnext: Map<number, number> }>();
  const unsubscribe = new Map<number, () => void>();
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  let sentSincePing = false;

  const send = (event: string, data: unknown) => {
    if (closed) return;
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    sentSincePing = true;
  };

  /** Each account's state now; the accounts whose state changed since the last told. */
  const check = async (initial: boolean) => {
    const changed: Record<string, Record<string, string>> = {};
    for (const a of accounts) {
      const snap = await ctx.snapshot(a);
      const before = last.get(a.id);
      const uidnext = new Map(snap.marks.map((m) => [m.id, m.uidnext]));
      if (!initial && before && before.state === snap.state) continue;
      const types: Record<string, string> = {};
      for (const t of ['Mailbox', 'Email', 'Thread']) if (wanted(t)) types[t] = snap.state;
      const delivered = !before || snap.marks.some((m) => m.uidnext > (before.uidnext.get(m.id) ?? 1));
      if (wanted('EmailDelivery') && (initial || delivered)) types.EmailDelivery = snap.state;
      last.set(a.id, { state: snap.state, uidnext });
      for (const f of snap.folders) if (!unsubscribe.has(f.id)) unsubscribe.set(f.id, s.events.subscribe(f.id, wake));
      if (Object.keys(types).length) changed[a.id] = types;
    }
    if (Object.keys(changed).length) {
      send('state', { '@type': 'StateChange', changed });
      if (p.closeAfterState) close();
    }
  };

  const run = (initial: boolean) =>
    check(initial).catch((e: unknown) => {
      s.log.warn({ err: e, user: me.username }, 'jmap push: state check failed');
    });

  function wake(): void {
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = null;
      void run(false);
    }, DEBOUNCE_MS);
  }

  const rescan = async () => {
    accounts = await accountsOf(s, me);
    ctx = new CallContext(s, me, accounts, ip, new Set());
    await run(false);
  };

  const pinger = p.ping
    ? setInterval(() => {
        if (!sentSincePing) send('ping', { interval: p.ping });
        sentSincePing = false;
        void rescan();
      }, p.ping * 1000)
    : null;
  const rescanner = setInterval(() => void rescan(), RESCAN_MS);

  function close(): void {
    if (closed) return;
    closed = true;
    streams.delete(close);
    byAccount.get(me.id)?.delete(close);
    if (byAccount.get(me.id)?.size === 0) byAccount.delete(me.id);
    if (timer) clearTimeout(timer);
    if (pinger) clearInterval(pinger);
    clearInterval(rescanner);
    for (const u of unsubscribe.values()) u();
    unsubscribe.clear();
    const n = (open.get(me.id) ?? 1) - 1;
    if (n <= 0) open.delete(me.id);
    else open.set(me.id, n);
    res.end();
  }
  streams.add(close);
  if (!byAccount.has(me.id)) byAccount.set(me.id, new Set());
  byAccount.get(me.id)!.add(close);
  req.raw.on('close', close);
  res.on('close', close);

  accounts = await accountsOf(s, me);
  ctx = new CallContext(s, me, accounts, ip, new Set());
  // the states now, so a client knows where it stands; a long-polling client (closeafter=state) waits for a change
  if (p.closeAfterState) {
    for (const a of accounts) {
      const snap = await ctx.snapshot(a);
      last.set(a.id, { state: snap.state, uidnext: new Map(snap.marks.map((m) => [m.id, m.uidnext])) });
      for (const f of snap.folders) if (!unsubscribe.has(f.id)) unsubscribe.set(f.id, s.events.subscribe(f.id, wake));
    }
  } else await run(true);
}
