// Owns: one IMAP connection — reading bytes through the framer, running commands one after
// another in the order received, the state each command is allowed in (checked by dispatch in
// commands/types.ts), when responses are gathered (session-output.ts writes them), STARTTLS, and
// when untagged updates from other sessions are told (selected-updates.ts says what they are).
// Command behaviour lives in commands/*.ts; handlers get a narrow CommandContext (context.ts)
// built here from the ImapServices, never the App.
// Limits (issue 9): before login a literal may hold a user name or password only
// (`imap.preAuthLiteralMax`; a bigger one is refused without "+", and one sent anyway — LITERAL+ —
// ends the connection), a connection has `imap.preAuthMaxMs` to log in however busy it keeps
// itself, and `imap.maxBadCommands` BAD answers end the connection.
import type net from 'node:net';
import type tls from 'node:tls';
import { upgradeToTls } from '../net/listen.ts';
import type { Logger } from 'pino';
import type { Account } from '../core/accounts.ts';
import { isThutinError } from '../core/errors.ts';
import { CommandFramer, type FramerEvent } from './parser/framer.ts';
import { parseCommand } from './parser/index.ts';
import type { Command } from './parser/types.ts';
import { SessionOutput } from './session-output.ts';
import { capabilities } from './capabilities.ts';
import { COMMANDS } from './commands/index.ts';
import { NOT_ALLOWED, dispatch, type CommandSpec, type SELECTED } from './commands/types.ts';
import type { SelectedMailbox } from './selected.ts';
import { accessFrom } from './mailbox-names.ts';
import { ImapError } from './errors.ts';
import { sendUpdates } from './selected-updates.ts';
import { NotifySession, accountChannel } from './notify.ts';
import type { NotifyCommand } from './parser/types.ts';
import { handlerServicesOf, type CommandContext, type HandlerServices, type ImapServices, type SelectedContext, type SessionOps, type SessionState } from './context.ts';

/** Commands read ahead before the socket is paused, and the level at which reading resumes. */
const QUEUE_PAUSE_AT = 256;
const QUEUE_RESUME_AT = 64;
/** One read chunk can still hold many small commands after the pause: past this, BYE. */
const QUEUE_HARD_LIMIT = 20_000;

export interface SessionOptions {
  secureContext: tls.SecureContext | null;
  implicitTls: boolean;
}

let nextSessionId = 1;

export class ImapSession {
  readonly id = nextSessionId++;
  state: SessionState = 'not-authenticated';
  account: Account | null = null;
  /** When the account signed in (sessions ended before that time are not this one's). */
  signedInAt = 0;
  /** The app password this session signed in with, or null (the account password). */
  appPasswordId: number | null = null;
  private badCommands = 0;
  /** Ends a connection that has not logged in after `preAuthMaxMs`, however often it sends a command. */
  private loginDeadline: NodeJS.Timeout | null = null;
  selected: SelectedMailbox | null = null;
  secure: boolean;
  readonly enabled = new Set<string>();
  private readonly opened = new Set<number>();
  log: Logger;
  private socket: net.Socket;
  private framer: CommandFramer;
  /** What the client sent, in order, and NOTIFY's turns to speak between commands. */
  private queue: Array<FramerEvent | { type: 'notify' }> = [];
  /** RFC 5465 NOTIFY, when set. */
  private notify: NotifySession | null = null;
  private notifyQueued = false;
  private pumping = false;
  /** Reading stopped because too many commands wait (resumed when the queue drains). */
  private readPaused = false;
  private closed = false;
  private lineWaiter: ((raw: Buffer | null) => void) | null = null;
  private unsubscribe: (() => void) | null = null;
  private updateWaiter: (() => void) | null = null;
  /** What is written to the client: gathered while a command runs (session-output.ts). */
  private readonly output = new SessionOutput(
    () => this.socket,
    () => this.closed,
  );
  /** Set while the current command runs: the name, for the EXPUNGE rule. */
  current: Command | null = null;
  /** What handlers may use of the services, and the session's operations they may call: built once. */
  private readonly handlerServices: HandlerServices;
  private readonly ops: SessionOps;
  /** The store as refresh() reads it: change-log reads shared with the other sessions (change-feed.ts). */
  private readonly refreshStore: Parameters<SelectedMailbox['refresh']>[0];
  private contextBase: Pick<CommandContext, keyof HandlerServices | keyof SessionOps | 'enabled' | 'opened' | 'tlsAvailable'> | null = null;

  constructor(
    socket: net.Socket,
    private readonly services: ImapServices,
    readonly opts: SessionOptions,
  ) {
    this.socket = socket;
    this.secure = opts.implicitTls;
    this.log = services.log.child({ imap: this.id, remote: socket.remoteAddress });
    const feed = services.changeFeed;
    this.refreshStore = {
      changesSince: (id, modseq) => feed.changesSince(id, modseq),
      openSummary: (id) => services.store.openSummary(id),
      claimRecent: (id, upTo) => services.store.claimRecent(id, upTo),
    };
    this.handlerServices = handlerServicesOf(services);
    this.ops = {
      capabilities: () => this.capabilities(),
      untagged: (u) => this.output.untagged(u),
      untaggedBatch: (list) => this.output.untaggedBatch(list),
      continuation: (text) => this.output.continuation(text),
      write: (buf) => this.output.write(buf),
      drain: () => this.output.drain(),
      needsDrain: () => this.output.needsDrain(),
      nextLine: () => this.nextLine(),
      login: (account, appPasswordId) => this.login(account, appPasswordId),
      select: (sel) => this.select(sel),
      logout: () => {
        this.select(null);
        this.state = 'logout';
      },
      startTls: (tag) => this.startTls(tag),
      flushUpdates: () => this.flushUpdates(),
      waitForUpdate: () => this.waitForUpdate(),
      cancelUpdateWait: () => this.cancelUpdateWait(),
      isClosed: () => this.closed,
      abort: () => this.abort(),
      setNotify: (cmd) => this.setNotify(cmd),
      accountChanged: (accountId) => services.events.notify(accountChannel(accountId)),
    };
    this.framer = this.newFramer();
    this.attach(socket);
    this.resetTimeout();
    this.loginDeadline = setTimeout(() => {
      if (this.account || this.closed) return;
      this.output.writeLine('* BYE Quá thời gian đăng nhập / too long without logging in');
      this.close();
    }, services.limits.preAuthMaxMs);
    this.loginDeadline.unref();
    this.output.writeLine(`* OK [CAPABILITY ${this.capabilities().join(' ')}] thutin IMAP sẵn sàng / ready`);
  }

  private newFramer(): CommandFramer {
    const framer = new CommandFramer({ maxLineLength: this.services.limits.maxLineLength, maxLiteralSize: this.services.limits.maxLiteralSize });
    if (!this.account) framer.setLimits(this.preAuthLimits());
    return framer;
  }

  /** Before login: a literal of a few KB, a command of two such literals and a line. */
  private preAuthLimits(): { maxLiteralSize: number; maxCommandSize: number } {
    const l = this.services.limits;
    return { maxLiteralSize: l.preAuthLiteralMax, maxCommandSize: 2 * l.preAuthLiteralMax + l.maxLineLength };
  }

  /** Answer BAD; past `maxBadCommands` on this connection, BYE. False when the connection was closed. */
  private bad(line: string): boolean {
    this.output.writeLine(line);
    if (++this.badCommands < this.services.limits.maxBadCommands) return true;
    this.output.writeLine('* BYE Quá nhiều lệnh sai / too many bad commands');
    this.close();
    return false;
  }

  private attach(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.log.debug({ err: e.message }, 'socket error'));
    socket.on('close', () => this.onClose());
    socket.on('timeout', () => {
      this.output.writeLine('* BYE Hết thời gian chờ / autologout: idle for too long');
      this.close();
    });
  }

  private resetTimeout(): void {
    const ms = this.account ? this.services.limits.idleTimeoutMs : this.services.limits.preAuthTimeoutMs;
    this.socket.setTimeout(ms);
  }

  capabilities(): string[] {
    return capabilities({ secure: this.secure, authenticated: this.account !== null, tlsAvailable: this.opts.secureContext !== null });
  }

  // ------------------------------------------------------------------ input

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    let events: FramerEvent[];
    try {
      events = this.framer.push(chunk);
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'framer failure');
      this.output.writeLine('* BYE Lỗi giao thức / protocol error');
      this.close();
      return;
    }
    for (const ev of events) {
      if (ev.type === 'error' && !this.account && ev.message.includes('TOOBIG')) {
        // Before login nothing needs a big literal: refuse it and end the connection (a LITERAL+ sender would stream it anyway).
        this.output.writeLine(`${ev.tag ?? '*'} BAD ${ev.message}`);
        this.output.writeLine('* BYE Dữ liệu quá lớn trước khi đăng nhập / literal too big before login');
        this.close();
        return;
      }
      if (ev.type === 'continue') {
        this.output.writeLine('+ Sẵn sàng nhận dữ liệu / ready for literal data');
        continue;
      }
      if (this.lineWaiter && this.queue.length === 0 && ev.type === 'command') {
        const w = this.lineWaiter;
        this.lineWaiter = null;
        w(ev.raw);
        continue;
      }
      this.queue.push(ev);
    }
    if (this.queue.length > QUEUE_HARD_LIMIT) {
      this.output.writeLine('* BYE Quá nhiều lệnh đang chờ / too many pipelined commands');
      this.close();
      return;
    }
    // Back-pressure, as Dovecot does: a client that pipelines a whole folder of APPENDs (mbsync) is
    // not read further until the queue has drained, instead of being disconnected.
    if (this.queue.length >= QUEUE_PAUSE_AT && !this.readPaused) {
      this.readPaused = true;
      this.socket.pause();
    }
    void this.pump();
  }

  private resumeIfDrained(): void {
    if (this.readPaused && this.queue.length <= QUEUE_RESUME_AT && !this.closed) {
      this.readPaused = false;
      this.socket.resume();
    }
  }

  /** The next raw line from the client (AUTHENTICATE responses, IDLE's DONE); null if closed. */
  nextLine(): Promise<Buffer | null> {
    this.output.flush(); // whatever the client must see before it answers
    const head = this.queue[0];
    if (head && head.type === 'command') {
      this.queue.shift();
      this.resumeIfDrained();
      return Promise.resolve(head.raw);
    }
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.lineWaiter = resolve;
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length && !this.closed) {
        const ev = this.queue.shift()!;
        this.resumeIfDrained();
        this.resetTimeout();
        if (ev.type === 'error') {
          if (!this.bad(`${ev.tag ?? '*'} BAD ${ev.message}`)) return;
          continue;
        }
        if (ev.type === 'command') await this.runRaw(ev.raw);
        else if (ev.type === 'notify') await this.speakUnasked();
      }
    } finally {
      this.pumping = false;
    }
  }

  private async runRaw(raw: Buffer): Promise<void> {
    const parsed = parseCommand(raw, { utf8: this.enabled.has('UTF8=ACCEPT') });
    if (!parsed.ok) {
      if (parsed.code)
        this.output.writeLine(`${parsed.tag ?? '*'} NO ${parsed.message}`); // BADCHARSET, BADEVENT
      else this.bad(`${parsed.tag ?? '*'} BAD ${parsed.message}`);
      return;
    }
    const cmd = parsed.command;
    const spec = COMMANDS[cmd.name];
    if (!spec) {
      this.bad(`${cmd.tag} BAD Lệnh không được hỗ trợ / command not supported`);
      return;
    }
    this.current = cmd;
    this.output.batching = true;
    try {
      if (this.selected && this.selected.access !== 'owner' && (spec.states as readonly SessionState[]).includes(this.state) && !(await this.recheckSharedAccess(this.selected))) return;
      const running = dispatch(spec, this.context(), cmd);
      if (running === NOT_ALLOWED) {
        this.bad(`${cmd.tag} BAD Lệnh không hợp lệ ở trạng thái này / command not allowed in state ${this.state}`);
        return;
      }
      const text = await running;
      if (this.closed) return;
      await this.flushUpdates();
      if (this.state === 'logout') {
        this.output.writeLine(`${cmd.tag} OK LOGOUT hoàn tất / completed`);
        this.close();
        return;
      }
      if (text !== false) this.output.writeLine(`${cmd.tag} OK ${text ?? `${cmd.name} hoàn tất / completed`}`);
    } catch (e) {
      if (this.closed) return;
      if (e instanceof ImapError) {
        const line = `${cmd.tag} ${e.status} ${e.code ? `[${e.code}] ` : ''}${e.message}`;
        if (e.status === 'BAD') this.bad(line);
        else this.output.writeLine(line);
      } else if (isThutinError(e)) {
        const code = e.code === 'MAILBOX_NOT_FOUND' ? 'NONEXISTENT ' : e.code === 'MAILBOX_EXISTS' ? 'ALREADYEXISTS ' : e.code === 'OVER_QUOTA' ? 'OVERQUOTA ' : '';
        this.output.writeLine(`${cmd.tag} NO ${code ? `[${code.trim()}] ` : ''}${e.vi} / ${e.en}`);
      } else {
        this.log.error({ err: (e as Error).stack, command: cmd.name }, 'command failed');
        this.output.writeLine(`${cmd.tag} NO [SERVERBUG] Lỗi máy chủ / internal server error`);
      }
    } finally {
      this.current = null;
      this.output.batching = false;
      this.output.flush();
      if (this.notify?.hasPending) this.queueNotify();
    }
  }

  // ------------------------------------------------------------------ NOTIFY (RFC 5465)

  async setNotify(cmd: NotifyCommand): Promise<void> {
    this.notify?.stop();
    this.notify = null;
    if (!cmd.groups || !this.account) return;
    const { session, lines } = await NotifySession.start(this.handlerServices, this.account, this.services.events, cmd.groups, {
      status: cmd.status,
      selectedId: this.selected?.info.id ?? null,
      utf8: () => this.enabled.has('UTF8=ACCEPT'),
      condstore: () => this.enabled.has('CONDSTORE'),
      wake: () => this.notifyWake(),
    });
    this.notify = session;
    this.output.untaggedBatch(lines);
  }

  /** Something NOTIFY watches changed: during IDLE wake it; between commands take a turn; during a command its end tells. */
  private notifyWake(): void {
    if (this.closed) return;
    if (this.current) {
      if (this.current.name === 'IDLE') this.cancelUpdateWait();
      return;
    }
    this.queueNotify();
  }

  private queueNotify(): void {
    if (this.notifyQueued || this.closed) return;
    this.notifyQueued = true;
    this.queue.push({ type: 'notify' });
    // Not from inside the change event itself: every listener of it (change-feed.ts dropping what it
    // kept for the folder) runs first.
    queueMicrotask(() => void this.pump());
  }

  /** Between commands: the selected mailbox's updates (NOTIFY selected) and the other mailboxes' events. */
  private async speakUnasked(): Promise<void> {
    this.notifyQueued = false;
    if (!this.notify) return;
    this.output.batching = true;
    try {
      await this.flushUpdates(true);
    } finally {
      this.output.batching = false;
      this.output.flush();
    }
  }

  /**
   * The context a handler gets: the services and the session's operations (shared by every
   * command, from a prototype built once), and the session's state now.
   */
  private context(): CommandContext {
    this.contextBase ??= Object.freeze({ ...this.handlerServices, ...this.ops, enabled: this.enabled, opened: this.opened, tlsAvailable: this.opts.secureContext !== null });
    const ctx = Object.create(this.contextBase) as { -readonly [K in keyof CommandContext]: CommandContext[K] };
    ctx.log = this.log;
    ctx.remote = this.socket.remoteAddress ?? '';
    ctx.state = this.state;
    ctx.secure = this.secure;
    ctx.account = this.account;
    ctx.selected = this.selected;
    return ctx;
  }

  /** Send the untagged updates other sessions caused, where RFC 3501 allows them now. */
  async flushUpdates(unasked = false): Promise<void> {
    if (this.closed) return;
    await sendUpdates(
      {
        selected: this.selected,
        notify: this.notify,
        current: this.current,
        signedIn: this.account !== null,
        refreshStore: this.refreshStore,
        store: this.services.store,
        untagged: (u) => this.output.untagged(u),
        untaggedBatch: (list) => this.output.untaggedBatch(list),
        fetch: async (cmd) => void (await (COMMANDS.FETCH as CommandSpec<'FETCH', SELECTED>).handle(this.context() as SelectedContext, cmd)),
      },
      unasked,
    );
  }

  // ------------------------------------------------------------------ state changes

  login(account: Account, appPasswordId: number | null): void {
    this.account = account;
    this.appPasswordId = appPasswordId;
    this.signedInAt = Date.now();
    if (this.loginDeadline) clearTimeout(this.loginDeadline);
    this.framer.setLimits({ maxLiteralSize: this.services.limits.maxLiteralSize });
    this.state = 'authenticated';
    this.resetTimeout();
    this.log = this.log.child({ user: account.username });
    this.log.info('login');
  }

  select(sel: SelectedMailbox | null): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.selected = sel;
    this.state = sel ? 'selected' : this.account ? 'authenticated' : 'not-authenticated';
    if (sel) {
      this.unsubscribe = this.services.events.subscribe(sel.info.id, () => {
        sel.dirty = true;
        const w = this.updateWaiter;
        this.updateWaiter = null;
        w?.();
        if (!w && this.notify?.selectedMode && !this.current) this.queueNotify();
      });
    }
  }

  /**
   * A shared folder is selected: the delegation may have changed since SELECT. Read rights are
   * asked again before each command; a delegate who lost them is told BYE and disconnected, one
   * whose `manage` became `read` goes on with read access. False when the session was closed.
   */
  private async recheckSharedAccess(sel: SelectedMailbox): Promise<boolean> {
    if (!this.account) return true;
    const rights = await this.services.delegations.rightsOn(sel.info.accountId, this.account.id);
    const access = accessFrom(rights);
    if (!access) {
      this.log.info({ mailbox: sel.info.id }, 'delegation revoked while selected');
      this.output.writeLine('* BYE Quyền truy cập hộp thư được chia sẻ đã bị thu hồi / access to the shared mailbox was revoked');
      this.close();
      return false;
    }
    sel.access = access;
    return true;
  }

  /** Resolves when the selected mailbox changes (for IDLE). */
  waitForUpdate(): Promise<void> {
    this.output.flush(); // IDLE's updates so far
    if (this.selected?.dirty) return Promise.resolve();
    return new Promise((resolve) => {
      this.updateWaiter = resolve;
    });
  }

  cancelUpdateWait(): void {
    const w = this.updateWaiter;
    this.updateWaiter = null;
    w?.();
  }

  /** STARTTLS: answer OK in clear, then wrap the socket; everything pipelined after is dropped. */
  async startTls(tag: string): Promise<void> {
    const ctx = this.opts.secureContext;
    if (!ctx) throw new ImapError('NO', 'TLS không khả dụng / TLS not available');
    this.queue = [];
    this.output.writeLine(`${tag} OK Bắt đầu TLS / begin TLS negotiation now`);
    this.output.flush(); // in clear, before the handshake
    const raw = this.socket;
    raw.removeAllListeners('data');
    raw.removeAllListeners('timeout');
    raw.removeAllListeners('close');
    raw.removeAllListeners('error');
    await upgradeToTls(raw, ctx, (secure) => {
      this.socket = secure;
      this.framer = this.newFramer();
      this.attach(secure);
    });
    this.secure = true;
    this.resetTimeout();
  }

  private onClose(): void {
    this.closed = true;
    this.notify?.stop();
    this.notify = null;
    if (this.loginDeadline) clearTimeout(this.loginDeadline);
    this.unsubscribe?.();
    this.unsubscribe = null;
    const w = this.lineWaiter;
    this.lineWaiter = null;
    w?.(null);
    this.cancelUpdateWait();
  }

  /** Drop the connection at once, mid-response (a streamed literal failed: nothing more can be said). */
  abort(): void {
    if (this.closed) return;
    this.socket.destroy();
    this.onClose();
  }

  /** `* BYE text`, then close (the session ended elsewhere, the server stopping). */
  bye(text: string): void {
    this.output.writeLine(`* BYE ${text}`);
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.output.flush();
    this.closed = true;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 2000).unref();
    this.onClose();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
