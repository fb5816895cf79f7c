// The places where smtp-server's behaviour is bent to ours, kept in one file so that an
// upgrade of the library has one place to check (the suites beside this file prove both):
//  1. smtp-server derives the enhanced status code from the reply code alone (550 → 5.1.1,
//     554 → 5.6.0 …). Our refusals need their own (554 5.7.1 relay, 553 5.7.1 sender, 554 5.4.6
//     loop), so a reply text that already starts with an enhanced code is sent as it is.
//  2. On the submission port AUTH is neither advertised nor accepted before TLS; smtp-server
//     would answer a premature AUTH with a non-standard 538 (or 500 when AUTH is hidden), RFC 3207
//     says `530 5.7.0 Must issue a STARTTLS command first`.
//  3. A connection a trusted proxy spoke for (net/proxy-protocol.ts, read before smtp-server sees it)
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
}

export interface CompatOptions {
  /** Answer AUTH before TLS with this text (530); unset: leave AUTH to smtp-server. */
  authBeforeTlsText?: string;
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
    if (last) adaptConnection(last as ConnectionInternals, this.compat);
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
