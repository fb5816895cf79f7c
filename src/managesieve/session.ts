// Owns: one ManageSieve connection — the greeting (the capabilities, then OK), reading commands
// through the framer (literals included), running them one after another in the order received,
// the state each is allowed in (checked by dispatch in commands/types.ts), writing answers,
// STARTTLS (then the capabilities again, RFC 5804 §2.2), UNAUTHENTICATE, LOGOUT and the end.
// Limits: a line `sieve.maxLineLength`; a literal `sieve.preAuthLiteralMax` before sign-in (a
// larger one ends the connection with BYE) and sieve.maxScriptBytes + slack after it (a larger
// script is read, thrown away and answered NO (QUOTA/MAXSIZE)); `sieve.preAuthTimeoutMs` idle
// and `sieve.preAuthMaxMs` in all before sign-in, `sieve.idleTimeoutMs` after; and
// `sieve.maxBadCommands` NO answers to unknown or malformed commands end the connection.
// Command behaviour lives in commands/*.ts.
import type net from 'node:net';
import type tls from 'node:tls';
import type { Logger } from 'pino';
import { upgradeToTls } from '../net/listen.ts';
import type { Account } from '../core/accounts.ts';
import { SieveFramer, type Framed, type Token } from './framer.ts';
import { parseCommand, responseLine, type ResponseCode } from './parser.ts';
import { COMMANDS } from './commands/index.ts';
import { NOT_ALLOWED, dispatch } from './commands/types.ts';
import { SieveNo, TOO_BIG } from './errors.ts';
import { capabilityLines } from './capabilities.ts';
import type { CommandContext, HandlerServices, ManageSieveServices, SessionOps, SieveState } from './context.ts';

export interface ManageSieveSessionOptions {
  secureContext: tls.SecureContext | null;
}

/** Commands waiting to run; more than this pipelined means a client is flooding. */
const MAX_QUEUED = 200;

let nextSessionId = 1;

export class ManageSieveSession {
  readonly id = nextSessionId++;
  state: SieveState = 'unauthenticated';
  account: Account | null = null;
  /** When the account signed in (sessions ended before that time are not this one's). */
  signedInAt = 0;
  /** The app password this session signed in with, or null (the account password). */
  appPasswordId: number | null = null;
  secure = false;
  log: Logger;
  private socket: net.Socket;
  private framer: SieveFramer;
  private queue: Framed[] = [];
  private pumping = false;
  private closed = false;
  private loggingOut = false;
  private badCommands = 0;
  private waiter: ((tokens: Token[] | null) => void) | null = null;
  private readonly handlerServices: HandlerServices;
  private readonly ops: SessionOps;
  private ctx: CommandContext | null = null;
  private preAuthTimer: NodeJS.Timeout | null = null;

  constructor(
    socket: net.Socket,
    private readonly services: ManageSieveServices,
    readonly opts: ManageSieveSessionOptions,
  ) {
    this.socket = socket;
    this.log = services.log.child({ managesieve: this.id, remote: socket.remoteAddress });
    this.handlerServices = { scripts: services.scripts, signIn: services.signIn, limits: services.limits };
    this.framer = new SieveFramer(this.framerLimits());
    this.ops = {
      ok: (text, code) => this.write(responseLine('OK', code ?? null, text ?? null)),
      write: (buf) => this.write(typeof buf === 'string' ? Buffer.from(buf, 'utf8') : buf),
      capabilityLines: () => this.capabilityLines(),
      nextTokens: () => this.nextTokens(),
      signedIn: (account, appPasswordId) => this.signedIn(account, appPasswordId),
      unauthenticate: () => this.unauthenticate(),
      startTls: () => this.startTls(),
      logout: () => {
        this.loggingOut = true;
      },
      isClosed: () => this.closed,
    };
    this.attach(socket);
    this.resetTimeout();
    this.startPreAuthTimer();
    this.write(Buffer.concat([this.capabilityLines(), responseLine('OK', null, 'thutin ManageSieve sẵn sàng / ready')]));
  }

  private framerLimits() {
    const l = this.services.limits;
    return { maxLine: l.maxLineLength, maxLiteral: this.account ? l.maxLiteral : l.preAuthLiteralMax };
  }

  capabilityLines(): Buffer {
    return capabilityLines({ secure: this.secure, tlsAvailable: this.opts.secureContext !== null, owner: this.account?.username ?? null, maxRedirects: this.services.limits.maxRedirects });
  }

  private attach(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.log.debug({ err: e.message }, 'socket error'));
    socket.on('close', () => this.onClose());
    socket.on('timeout', () => this.bye('Hết thời gian chờ / idle for too long', 'TRYLATER'));
  }

  private resetTimeout(): void {
    this.socket.setTimeout(this.account ? this.services.limits.idleTimeoutMs : this.services.limits.preAuthTimeoutMs);
  }

  private startPreAuthTimer(): void {
    if (this.preAuthTimer) clearTimeout(this.preAuthTimer);
    this.preAuthTimer = setTimeout(() => {
      if (this.account || this.closed) return;
      this.bye('Quá thời gian đăng nhập / too long without signing in', 'TRYLATER');
    }, this.services.limits.preAuthMaxMs).unref();
  }

  // ------------------------------------------------------------------ input

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    for (const ev of this.framer.push(chunk)) {
      if (this.waiter && this.queue.length === 0) {
        const w = this.waiter;
        this.waiter = null;
        if (ev.type === 'command') {
          w(ev.tokens);
          continue;
        }
        w(null); // not a response (too long, too big, malformed): the exchange ends and the event is answered as a command would be
      }
      this.queue.push(ev);
    }
    if (this.queue.length > MAX_QUEUED) {
      this.bye('Quá nhiều lệnh đang chờ / too many pipelined commands');
      return;
    }
    void this.pump();
  }

  /** The next command's tokens for a SASL exchange; null when the connection closed or what came is not a command (the pump answers it). */
  private nextTokens(): Promise<Token[] | null> {
    const head = this.queue[0];
    if (head) {
      if (head.type !== 'command') return Promise.resolve(null);
      this.queue.shift();
      return Promise.resolve(head.tokens);
    }
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length && !this.closed) {
        const ev = this.queue.shift()!;
        if (ev.type === 'too-long') {
          if (!this.bad('Dòng lệnh quá dài / line too long')) return;
        } else if (ev.type === 'too-big') {
          if (!this.account) {
            this.bye('Dữ liệu quá lớn trước khi đăng nhập / literal too large before signing in');
            return;
          }
          this.write(responseLine('NO', 'QUOTA/MAXSIZE', TOO_BIG));
        } else if (ev.type === 'invalid') {
          if (!this.bad(ev.message)) return;
        } else await this.run(ev.tokens);
        if (this.closed) return;
        if (this.socket.writableNeedDrain) await this.drain();
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Answer NO for a bad command; past `maxBadCommands`, BYE. False when closed. */
  private bad(text: string): boolean {
    this.write(responseLine('NO', null, text));
    if (++this.badCommands < this.services.limits.maxBadCommands) return true;
    this.bye('Quá nhiều lệnh sai / too many bad commands');
    return false;
  }

  private async run(tokens: Token[]): Promise<void> {
    const parsed = parseCommand(tokens);
    if (!parsed.ok) {
      this.bad(parsed.message);
      return;
    }
    const cmd = parsed.command;
    const running = dispatch(COMMANDS[cmd.name], this.context(), cmd);
    if (running === NOT_ALLOWED) {
      const why = this.state === 'authenticated' ? 'đã đăng nhập / already authenticated' : 'hãy đăng nhập trước / authenticate first';
      this.bad(`${cmd.name}: ${why}`);
      return;
    }
    try {
      await running;
    } catch (e) {
      if (this.closed) return;
      if (e instanceof SieveNo) {
        if (e.bad) this.bad(e.message);
        else this.write(responseLine('NO', e.code, e.message));
      } else {
        this.log.error({ err: (e as Error).stack, command: cmd.name }, 'command failed');
        this.write(responseLine('NO', 'TRYLATER', 'Lỗi máy chủ / internal server error'));
      }
    }
    if (this.loggingOut) this.close();
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
    });
  }

  // ------------------------------------------------------------------ output

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

  private signedIn(account: Account, appPasswordId: number | null): void {
    this.appPasswordId = appPasswordId;
    this.account = account;
    this.signedInAt = Date.now();
    this.state = 'authenticated';
    this.ctx = null;
    this.framer.setLimits(this.framerLimits());
    this.resetTimeout();
    this.log = this.log.child({ user: account.username });
    this.log.info('login');
  }

  private unauthenticate(): void {
    this.log.info('unauthenticate');
    this.account = null;
    this.appPasswordId = null;
    this.signedInAt = 0;
    this.state = 'unauthenticated';
    this.ctx = null;
    this.framer.setLimits(this.framerLimits());
    this.resetTimeout();
    this.startPreAuthTimer();
  }

  /** STARTTLS (RFC 5804 §2.2): OK in clear, then TLS, then the capabilities and OK again; anything pipelined after STARTTLS is dropped. */
  private async startTls(): Promise<void> {
    const ctx = this.opts.secureContext;
    if (!ctx) throw new SieveNo('TLS không khả dụng / TLS not available');
    this.queue = [];
    this.write(responseLine('OK', null, 'Bắt đầu TLS / begin TLS negotiation'));
    const raw = this.socket;
    raw.removeAllListeners('data');
    raw.removeAllListeners('timeout');
    raw.removeAllListeners('close');
    raw.removeAllListeners('error');
    let handshaken = false;
    const secure = await upgradeToTls(raw, ctx, (s) => {
      this.socket = s;
      this.framer = new SieveFramer(this.framerLimits());
      this.attach(s);
      s.once('secure', () => (handshaken = true));
    });
    if (!handshaken || secure.destroyed) {
      this.abort();
      return;
    }
    this.secure = true;
    this.ctx = null;
    this.resetTimeout();
    this.write(Buffer.concat([this.capabilityLines(), responseLine('OK', null, 'TLS đã bật / TLS active')]));
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.preAuthTimer) clearTimeout(this.preAuthTimer);
    this.preAuthTimer = null;
    const w = this.waiter;
    this.waiter = null;
    w?.(null);
  }

  /** BYE with a reason, then close. */
  bye(text: string, code: ResponseCode | null = null): void {
    this.write(responseLine('BYE', code, text));
    this.close();
  }

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

  get isClosed(): boolean {
    return this.closed;
  }
}
