// Owns: the IMAP listeners — port config.imap.port (plain, STARTTLS) and config.imap.tlsPort
// (implicit TLS) — and the one place the App is turned into the services IMAP may use
// (imapServices). Each connection gets an ImapSession.
import net from 'node:net';
import tls from 'node:tls';
import type { App } from '../app.ts';
import { tlsSecureContext, tlsServerOptions, type TlsMaterial } from '../config/tls.ts';
import { listen } from '../net/listen.ts';
import { ImapSession } from './session.ts';
import type { ImapServices } from './context.ts';

export interface ImapServers {
  port: number;
  tlsPort: number;
  sessions: Set<ImapSession>;
  close(): Promise<void>;
}

/** What IMAP may use of the App: named services and configuration values, nothing else. */
export function imapServices(app: App): ImapServices {
  const { imap, smtp } = app.config;
  return {
    store: app.store,
    accounts: app.accounts,
    delegations: app.delegations,
    events: app.events,
    log: app.log,
    limits: {
      maxLineLength: imap.maxLineLength,
      maxLiteralSize: imap.maxLiteralSize,
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
  const track = (socket: net.Socket, implicitTls: boolean) => {
    socket.setNoDelay(true);
    const s = new ImapSession(socket, services, { secureContext, implicitTls });
    sessions.add(s);
    socket.once('close', () => sessions.delete(s));
  };
  const plain = net.createServer((socket) => track(socket, false));
  const secure = tls.createServer(tlsServerOptions(app.config, material), (socket) => track(socket, true));
  secure.on('tlsClientError', (e) => app.log.debug({ err: e.message }, 'imap tls client error'));
  const [port, tlsPort] = await Promise.all([listen(plain, app.config.imap.host, app.config.imap.port), listen(secure, app.config.imap.host, app.config.imap.tlsPort)]);
  return {
    port,
    tlsPort,
    sessions,
    async close() {
      for (const s of sessions) {
        s.writeLine('* BYE Máy chủ đang dừng / server shutting down');
        s.close();
      }
      await Promise.all([new Promise((r) => plain.close(r)), new Promise((r) => secure.close(r))]);
    },
  };
}
