// Owns: the POP3 listeners — `pop3.port` (plain, STLS; default 2110) and `pop3.tlsPort` (implicit
// TLS; default 2995), the one TLS policy (config/tls.ts), the PROXY protocol from
// `proxyProtocol.trustedFrom`, connections capped in all and per client address from the TCP accept
// (net/connection-caps.ts) — and the one place the App is turned into the services POP3 may use
// (pop3Services). A signed-in session ends (the connection closes, nothing applied: POP3 has no
// unsolicited answer) when its account's sessions end (suspend, leave, password change or reset).
import net from 'node:net';
import type { App } from '../app.ts';
import { tlsSecureContext, type TlsMaterial } from '../config/tls.ts';
import { startListenerPair } from '../net/listener-pair.ts';
import { Pop3Session } from './session.ts';
import type { Pop3Services } from './context.ts';
import { endConcerns } from '../core/sessions.ts';

export interface Pop3Servers {
  port: number;
  tlsPort: number;
  sessions: Set<Pop3Session>;
  close(): Promise<void>;
}

/** What POP3 may use of the App: named services and configuration values, nothing else. */
export function pop3Services(app: App): Pop3Services {
  const { pop3 } = app.config;
  return {
    store: app.store,
    signIn: app.signIn,
    locks: app.maildropLocks,
    log: app.log,
    limits: {
      maxLineLength: pop3.maxLineLength,
      idleTimeoutMs: pop3.idleTimeoutMs,
      preAuthTimeoutMs: pop3.preAuthTimeoutMs,
      preAuthMaxMs: pop3.preAuthMaxMs,
      maxBadCommands: pop3.maxBadCommands,
      markSeen: pop3.markSeen,
    },
  };
}

export async function startPop3(app: App, material: TlsMaterial): Promise<Pop3Servers> {
  const secureContext = tlsSecureContext(app.config, material);
  const sessions = new Set<Pop3Session>();
  const services = pop3Services(app);
  const cfg = app.config.pop3;
  const track = (socket: net.Socket, implicitTls: boolean) => {
    socket.setNoDelay(true);
    const s = new Pop3Session(socket, services, { secureContext, implicitTls });
    sessions.add(s);
    socket.once('close', () => sessions.delete(s));
  };
  const stopEnding = app.sessions.onEnd((end) => {
    const { reason } = end;
    for (const s of sessions) {
      if (s.isClosed || !endConcerns(end, { accountId: s.account?.id, signedInAt: s.signedInAt, appPasswordId: s.appPasswordId })) continue;
      s.log.info({ reason }, 'session ended');
      s.abort();
    }
  });
  await app.sessions.start();
  const listeners = await startListenerPair({
    name: 'pop3',
    config: app.config,
    material,
    host: cfg.host,
    port: cfg.port,
    tlsPort: cfg.tlsPort,
    maxConnections: cfg.maxConnections,
    maxConnectionsPerIp: cfg.maxConnectionsPerIp,
    busyLine: '-ERR [SYS/TEMP] Quá nhiều kết nối / too many connections',
    log: app.log,
    onSocket: track,
  });
  return {
    port: listeners.port,
    tlsPort: listeners.tlsPort,
    sessions,
    async close() {
      stopEnding();
      await Promise.all([...sessions].map((s) => s.shutdown('-ERR [SYS/TEMP] Máy chủ đang dừng / server shutting down')));
      await listeners.close();
    },
  };
}
