// The places where smtp-server's behaviour is bent to ours, kept in one file so that an
// upgrade of the library has one place to check (the suites beside this file prove both):
//  1. smtp-server derives the enhanced status code from the reply code alone (550 → 5.1.1,
//     554 → 5.6.0 …). Our refusals need their own (554 5.7.1 relay, 553 5.7.1 sender, 554 5.4.6
//     loop), so a reply text that already starts with an enhanced code is sent as it is.
//  2. On the submission port AUTH is neither advertised nor accepted before TLS; smtp-server
//     would answer a premature AUTH with a non-standard 538 (or 500 when AUTH is hidden), RFC 3207
//     says `530 5.7.0 Must issue a STARTTLS command first`.
//  3. smtp-server waits a fixed 100 ms before its greeting (to catch early talkers); a listener
//     greets after its own `greetPauseMs` instead (0: at once, as Postfix's smtpd does). Each of 20
//     clients sending one message per connection could make at most 10 connections a second.
//  4. A connection a trusted proxy spoke for (net/proxy-protocol.ts, read before smtp-server sees it)
//     is given smtp-server's own proxied-address options, so the client it named is the session's
//     remote address on implicit TLS too (where smtp-server makes the TLS socket itself).
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { proxiedPeer } from '../net/proxy-protocol.ts';

const LEADING_ENHANCED = /^[245]\.\d{1,3}\.\d{1,3} /;

/** The members of smtp-server's SMTPConnection we rely on (not part of its typed API). */
interface ConnectionInternals {
  secure: boolean;
  _ready?: boolean;
  _upgrading?: boolean;
  _nextHandler?: unknown;
  send(code: number, data?: string | string[], context?: string | false): void;
  _onCommand(command: Buffer, callback?: () => void): void;
  /** Set when the socket is TLS from the start: init() waits for the handshake before its pause. */
  needsUpgrade?: boolean;
  _closing?: boolean;
  _closed?: boolean;
  connectionReady(next?: () => void): void;
}

export interface CompatOptions {
  /** Answer AUTH before TLS with this text (530); unset: leave AUTH to smtp-server. */
  authBeforeTlsText?: string;
  /** Greet a new plain-text connection after this many ms instead of smtp-server's 100 (see 3 above). */
  greetPauseMs?: number;
}

export class ThutinSmtpServer extends SMTPServer {
  private readonly compat: CompatOptions;

  constructor(options: SMTPServerOptions, compat: CompatOptions = {}) {
    super(options);
    this.compat = compat;
  }

  override connect(...args: Parameters<SMTPServer['connect']>): void {
    const peer = proxiedPeer(args[0]);
    if (peer) args[1] = { ...args[1], remoteAddress: peer.address, remotePort: peer.port };
    super.connect(...args);
    // connect() has just added the new connection; a Set iterates in insertion order.
    let last: unknown;
    for (const c of this.connections) last = c;
    if (last) {
      adaptConnection(last as ConnectionInternals, this.compat);
      if (this.compat.greetPauseMs !== undefined) greetAfter(last as ConnectionInternals, this.compat.greetPauseMs);
    }
  }
}

function adaptConnection(conn: ConnectionInternals, compat: CompatOptions): void {
  if (typeof conn.send !== 'function' || typeof conn._onCommand !== 'function') {
    throw new Error('smtp-server internals changed: SMTPConnection.send/_onCommand not found (see src/smtp/compat.ts)');
  }
  const send = conn.send;
  conn.send = function (this: ConnectionInternals, code, data, context) {
    if (typeof data === 'string' && LEADING_ENHANCED.test(data)) context = false;
    return send.call(this, code, data, context);
  };
  const text = compat.authBeforeTlsText;
  if (text) {
    const onCommand = conn._onCommand;
    conn._onCommand = function (this: ConnectionInternals, command, callback) {
      const isAuth = /^AUTH(?:\s|$)/i.test((command ?? '').toString());
      if (isAuth && !this.secure && this._ready && !this._upgrading && !this._nextHandler) {
        this.send(530, text);
        const next = callback ?? (() => false);
        setImmediate(next);
        return;
      }
      return onCommand.call(this, command, callback);
    };
  }
}

/**
 * Greets after `pauseMs` rather than smtp-server's fixed 100 ms. Only for a socket that is not TLS
 * from the start: there init() has just armed its timer synchronously, whose call is then ignored
 * (it comes after ours when the pause is shorter, and would greet a second time);
 * an implicit-TLS socket keeps the library's pause after its handshake.
 */
function greetAfter(conn: ConnectionInternals, pauseMs: number): void {
  if (typeof conn.connectionReady !== 'function') throw new Error('smtp-server internals changed: SMTPConnection.connectionReady not found (see src/smtp/compat.ts)');
  if (conn.needsUpgrade) return;
  const ready = conn.connectionReady;
  // Only our call greets: the library's timer calls this too, before or after ours.
  conn.connectionReady = () => undefined;
  const timer = setTimeout(() => {
    if (!conn._closing && !conn._closed) ready.call(conn);
  }, pauseMs);
  timer.unref();
}
