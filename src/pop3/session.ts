// Owns: one POP3 connection — the greeting, reading lines through the framer, running commands one
// after another in the order received (PIPELINING, RFC 2449 §6.6), the state each command is
// allowed in (checked by dispatch in commands/types.ts), writing answers with back-pressure, STLS,
// and the end: QUIT's answer then close, or a dropped connection (nothing applied). The maildrop
// lock is released whenever the session ends. Limits before sign-in: a short line
// (`pop3.maxLineLength`), `pop3.preAuthTimeoutMs` idle and `pop3.preAuthMaxMs` in all, and `pop3.maxBadCommands` -ERR answers to unknown
// or malformed commands end the connection. Command behaviour lives in commands/*.ts.
import type net from 'node:net';
import type tls from 'node:tls';
import type { Logger } from 'pino';
import { upgradeToTls } from '../net/listen.ts';
import type { Account } from '../core/accounts.ts';
import type { MaildropLock } from '../core/maildrop-locks.ts';
import { LineFramer, type FramedLine } from './framer.ts';
import { parseCommand } from './parser.ts';
import { COMMANDS } from './commands/index.ts';
import { NOT_ALLOWED, dispatch } from './commands/types.ts';
import { Pop3Error } from './errors.ts';
import { capabilities } from './capabilities.ts';
import type { CommandContext, HandlerServices, Pop3Services, Pop3State, SessionOps } from './context.ts';
import type { Maildrop } from './maildrop.ts';

export interface Pop3SessionOptions {
  secureContext: tls.SecureContext | null;
  implicitTls: boolean;
}

/** Lines waiting to run; more than this pipelined means a client is flooding. */
const MAX_QUEUED = 1000;

let nextSessionId = 1;

export class Pop3Session {
  readonly id = nextSessionId++;
  state: Pop3State = 'authorization';
  account: Account | null = null;
  /** When the account signed in (sessions ended before that time are not this one's). */
  signedInAt = 0;
  /** The app password this session signed in with, or null (the account password). */
  appPasswordId: number | null = null;
  secure: boolean;
  log: Logger;
  private maildrop: Maildrop | null = null;
  private lock: MaildropLock | null = null;
  private pendingUser: string | null = null;
  private socket: net.Socket;
  private framer: LineFramer;
  private queue: FramedLine[] = [];
  private pumping = false;
  private closed = false;
  private quitting = false;
  private badCommands = 0;
  private lineWaiter: ((line: Buffer | null) => void) | null = null;
  private readonly handlerServices: HandlerServices;
  private readonly ops: SessionOps;
  /** The context handlers get, built again only when the state, the account or TLS change. */
  private ctx: CommandContext | null = null;
  private preAuthTimer: NodeJS.Timeout | null = null;
  private releasing: Promise<void> = Promise.resolve();

  constructor(
    socket: net.Socket,
    private readonly services: Pop3Services,
    readonly opts: Pop3SessionOptions,
  ) {
    this.socket = socket;
    this.secure = opts.implicitTls;
    this.log = services.log.child({ pop3: this.id, remote: socket.remoteAddress });
    this.handlerServices = { store: services.store, signIn: services.signIn, locks: services.locks, limits: services.limits };
    this.framer = new LineFramer(services.limits.maxLineLength);
    this.ops = {
      ok: (text) => this.writeLine(text ? `+OK ${text}` : '+OK'),
      write: (buf) => this.write(buf),
      needsDrain: () => !this.closed && this.socket.writableNeedDrain,
      drain: () => this.drain(),
      nextLine: () => this.nextLine(),
      enterTransaction: (account, maildrop, lock, appPasswordId) => this.enterTransaction(account, maildrop, lock, appPasswordId),
      startTls: () => this.startTls(),
      pendingUser: () => this.pendingUser,
      setPendingUser: (u) => {
        this.pendingUser = u;
      },
      quit: async () => {
        this.quitting = true;
        if (this.state === 'transaction') this.state = 'update'; // RFC 1939 §6: no command runs after
        this.ctx = null;
        await this.releaseLock();
      },
      abort: () => this.abort(),
      isClosed: () => this.closed,
      capabilities: () => this.capabilities(),
    };
    this.attach(socket);
    this.resetTimeout();
    this.preAuthTimer = setTimeout(() => {
      if (this.account || this.closed) return;
      this.writeLine('-ERR [SYS/TEMP] Quá thời gian đăng nhập / too long without signing in');
      this.close();
    }, services.limits.preAuthMaxMs).unref();
    this.writeLine('+OK thutin POP3 sẵn sàng / ready');
  }

  capabilities(): string[] {
    return capabilities({ secure: this.secure, tlsAvailable: this.opts.secureContext !== null, signedIn: this.account !== null });
  }

  private attach(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.log.debug({ err: e.message }, 'socket error'));
    socket.on('close', () => this.onClose());
    socket.on('timeout', () => {
      this.writeLine('-ERR [SYS/TEMP] Hết thời gian chờ / autologout: idle for too long');
      this.close();
    });
  }

  /** The inactivity timeout of the state (a socket's timer restarts by itself on every read and write). */
  private resetTimeout(): void {
    this.socket.setTimeout(this.account ? this.services.limits.idleTimeoutMs : this.services.limits.preAuthTimeoutMs);
  }

  // ------------------------------------------------------------------ input

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    for (const ev of this.framer.push(chunk)) {
      if (this.lineWaiter && this.queue.length === 0 && ev.type === 'line') {
        const w = this.lineWaiter;
        this.lineWaiter = null;
        w(ev.line);
        continue;
      }
      this.queue.push(ev);
    }
    if (this.queue.length > MAX_QUEUED) {
      this.writeLine('-ERR Quá nhiều lệnh đang chờ / too many pipelined commands');
      this.close();
      return;
    }
    void this.pump();
  }

  private nextLine(): Promise<Buffer | null> {
    const head = this.queue[0];
    if (head && head.type === 'line') {
      this.queue.shift();
      return Promise.resolve(head.line);
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
        if (ev.type === 'too-long') {
          if (!this.bad('-ERR Dòng lệnh quá dài / line too long')) return;
          continue;
        }
        await this.run(ev.line);
        if (this.closed) return;
        // Hold back while the client does not read (a pipelined RETR flood): the socket buffers at most one answer.
        if (this.socket.writableNeedDrain) await this.drain();
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Answer -ERR for a bad command; past `maxBadCommands`, end the connection. False when closed. */
  private bad(line: string): boolean {
    this.writeLine(line);
    if (++this.badCommands < this.services.limits.maxBadCommands) return true;
    this.writeLine('-ERR Quá nhiều lệnh sai / too many bad commands');
    this.close();
    return false;
  }

  private async run(line: Buffer): Promise<void> {
    const parsed = parseCommand(line);
    if (!parsed.ok) {
      this.bad(`-ERR ${parsed.message}`);
      return;
    }
    const cmd = parsed.command;
    const running = dispatch(COMMANDS[cmd.name], this.context(), cmd);
    if (running === NOT_ALLOWED) {
      this.bad(`-ERR Lệnh không hợp lệ ở trạng thái này / ${cmd.name} not allowed in the ${this.state.toUpperCase()} state`);
      return;
    }
    try {
      await running;
    } catch (e) {
      if (this.closed) return;
      if (e instanceof Pop3Error) {
        if (e.bad) this.bad(e.line);
        else this.writeLine(e.line);
      } else {
        this.log.error({ err: (e as Error).stack, command: cmd.name }, 'command failed');
        this.writeLine('-ERR [SYS/TEMP] Lỗi máy chủ / internal server error');
      }
    }
    if (this.quitting) this.close();
  }

  private context(): CommandContext {
    return (this.ctx ??= {
      ...this.handlerServices,
      ...this.ops,
      log: this.log,
      remote: this.socket.remoteAddress ?? '',
      state: this.state,
      secure: this.secure,
      tlsAvailable: this.opts.secureContext !== null,
      account: this.account,
      maildrop: this.maildrop,
    });
  }

  // ------------------------------------------------------------------ output

  writeLine(line: string): void {
    this.write(Buffer.from(line + '\r\n', 'utf8'));
  }

  private write(buf: Buffer): void {
    if (this.closed || this.socket.destroyed) return;
    this.socket.write(buf);
  }

  private async drain(): Promise<void> {
    if (this.closed || !this.socket.writableNeedDrain) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.once('drain', done);
      this.socket.once('close', done);
    });
  }

  // ------------------------------------------------------------------ state changes

  private enterTransaction(account: Account, maildrop: Maildrop, lock: MaildropLock, appPasswordId: number | null): void {
    this.appPasswordId = appPasswordId;
    this.account = account;
    this.maildrop = maildrop;
    this.lock = lock;
    this.signedInAt = Date.now();
    this.state = 'transaction';
    this.ctx = null;
    this.resetTimeout();
    this.log = this.log.child({ user: account.username });
    this.log.info('login');
  }

  /** STLS (RFC 2595 §4): +OK in clear, then TLS; anything pipelined after STLS is dropped. */
  private async startTls(): Promise<void> {
    const ctx = this.opts.secureContext;
    if (!ctx) throw new Pop3Error('TLS không khả dụng / TLS not available');
    this.queue = [];
    this.writeLine('+OK Bắt đầu TLS / begin TLS negotiation');
    const raw = this.socket;
    raw.removeAllListeners('data');
    raw.removeAllListeners('timeout');
    raw.removeAllListeners('close');
    raw.removeAllListeners('error');
    await upgradeToTls(raw, ctx, (secure) => {
      this.socket = secure;
      this.framer = new LineFramer(this.services.limits.maxLineLength);
      this.attach(secure);
    });
    this.secure = true;
    this.ctx = null;
    this.pendingUser = null;
    this.resetTimeout();
  }

  private onClose(): void {
    this.closed = true;
    if (this.preAuthTimer) clearTimeout(this.preAuthTimer);
    this.preAuthTimer = null;
    const w = this.lineWaiter;
    this.lineWaiter = null;
    w?.(null);
    void this.releaseLock();
  }

  /** Release the maildrop lock once; every caller waits for the same release. */
  private releaseLock(): Promise<void> {
    const lock = this.lock;
    if (lock) {
      this.lock = null;
      this.releasing = lock.release().catch((e: unknown) => this.log.warn({ err: e }, 'pop3: releasing the maildrop lock failed (it lapses)'));
    }
    return this.releasing;
  }

  /** Drop the connection at once (a message stream failed mid-answer; the lock was lost). */
  abort(): void {
    if (this.closed) return;
    this.socket.destroy();
    this.onClose();
  }

  close(): void {
    if (this.closed) return;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 2000).unref();
    this.onClose();
  }

  /** Server shutdown: a last line, the connection closed, the maildrop lock released (awaited, before the database closes). */
  async shutdown(line: string): Promise<void> {
    this.writeLine(line);
    this.close();
    await this.releaseLock();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
