// Owns: the IMAP listeners — port config.imap.port (plain, STARTTLS) and config.imap.tlsPort
// (implicit TLS) — and the one place the App is turned into the services IMAP may use
// (imapServices). Each connection gets an ImapSession. Connections are capped in all
// (`imap.maxConnections`) and per client address (`imap.maxConnectionsPerIp`, IPv6 per /64),
// counted from the TCP accept (TLS handshakes included; the listeners: net/listener-pair.ts); a signed-in session ends (BYE) when its
// account's sessions end (suspend, leave, password change or reset: core/sessions.ts).
import net from 'node:net';
import type { App } from '../app.ts';
import { tlsSecureContext, type TlsMaterial } from '../config/tls.ts';
import { startListenerPair } from '../net/listener-pair.ts';
import { ImapSession } from './session.ts';
import { ChangeFeed } from './change-feed.ts';
import { FlagTables } from './flag-tables.ts';
import { EnvelopeTexts } from './envelope-texts.ts';
import type { ImapServices } from './context.ts';
import { END_TEXT, endConcerns } from '../core/sessions.ts';

export interface ImapServers {
  port: number;
  tlsPort: number;
  sessions: Set<ImapSession>;
  close(): Promise<void>;
}

/** What IMAP may use of the App: named services and configuration values, nothing else (the folder tables closed with the listeners). */
export function imapServices(app: App): ImapServices & { flagTables: FlagTables } {
  const { imap, smtp } = app.config;
  return {
    changeFeed: new ChangeFeed(app.store, app.events),
    flagTables: new FlagTables(app.store),
    envelopes: new EnvelopeTexts(app.store),
    store: app.store,
    accounts: app.accounts,
    signIn: app.signIn,
    delegations: app.delegations,
    access: app.mailboxAccess,
    metadata: app.mailboxMetadata,
    events: app.events,
    log: app.log,
    limits: {
      maxLineLength: imap.maxLineLength,
      maxLiteralSize: imap.maxLiteralSize,
      preAuthLiteralMax: imap.preAuthLiteralMax,
      preAuthMaxMs: imap.preAuthMaxMs,
      maxBadCommands: imap.maxBadCommands,
      idleTimeoutMs: imap.idleTimeoutMs,
      preAuthTimeoutMs: imap.preAuthTimeoutMs,
      maxMessageSize: smtp.maxMessageSize,
    },
  };
}

export async function startImap(app: App, material: TlsMaterial): Promise<ImapServers> {
  const secureContext = tlsSecureContext(app.config, material);
  const sessions = new Set<ImapSession>();
  const services = imapServices(app);
  const cfg = app.config.imap;
  const track = (socket: net.Socket, implicitTls: boolean) => {
    socket.setNoDelay(true);
    const s = new ImapSession(socket, services, { secureContext, implicitTls });
    sessions.add(s);
    socket.once('close', () => sessions.delete(s));
  };
  const stopEnding = app.sessions.onEnd((end) => {
    const { reason } = end;
    for (const s of sessions) {
      if (s.isClosed || !endConcerns(end, { accountId: s.account?.id, signedInAt: s.signedInAt, appPasswordId: s.appPasswordId })) continue;
      s.log.info({ reason }, 'session ended');
      s.bye(END_TEXT[reason]);
    }
  });
  await app.sessions.start();
  const listeners = await startListenerPair({
    name: 'imap',
    config: app.config,
    material,
    host: cfg.host,
    port: cfg.port,
    tlsPort: cfg.tlsPort,
    maxConnections: cfg.maxConnections,
    maxConnectionsPerIp: cfg.maxConnectionsPerIp,
    busyLine: '* BYE Quá nhiều kết nối / too many connections',
    log: app.log,
    onSocket: track,
  });
  return {
    port: listeners.port,
    tlsPort: listeners.tlsPort,
    sessions,
    async close() {
      stopEnding();
      services.flagTables.close();
      for (const s of sessions) {
        s.bye('Máy chủ đang dừng / server shutting down');
      }
      await listeners.close();
    },
  };
}
