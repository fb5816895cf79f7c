// Owns: the POP3 listeners — `pop3.port` (plain, STLS; default 2110) and `pop3.tlsPort` (implicit
// TLS; default 2995), the one TLS policy (config/tls.ts), the PROXY protocol from
// `proxyProtocol.trustedFrom`, connections capped in all and per client address from the TCP accept
// (net/connection-caps.ts) — and the one place the App is turned into the services POP3 may use
// (pop3Services). A signed-in session ends (the connection closes, nothing applied: POP3 has no
// unsolicited answer) when its account's sessions end (suspend, leave, password change or reset).
import net from 'node:net';
import tls from 'node:tls';
import type { App } from '../app.ts';
import { tlsSecureContext, tlsServerOptions, type TlsMaterial } from '../config/tls.ts';
import { listen } from '../net/listen.ts';
import { acceptProxyProtocol, trustList } from '../net/proxy-protocol.ts';
import { capConnections, connectionCaps } from '../net/connection-caps.ts';
import { Pop3Session } from './session.ts';
import type { Pop3Services } from './context.ts';

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
  const caps = (plainText: boolean) => ({
    maxTotal: cfg.maxConnections,
    maxPerAddress: cfg.maxConnectionsPerIp,
    refuse: (raw: net.Socket, why: string) => {
      app.log.warn({ remote: raw.remoteAddress, why }, 'pop3: too many connections');
      if (plainText) raw.end('-ERR [SYS/TEMP] Quá nhiều kết nối / too many connections\r\n');
      else raw.destroy();
    },
  });
  const track = (socket: net.Socket, implicitTls: boolean) => {
    socket.setNoDelay(true);
    const s = new Pop3Session(socket, services, { secureContext, implicitTls });
    sessions.add(s);
    socket.once('close', () => sessions.delete(s));
  };
  const stopEnding = app.sessions.onEnd((accountId, reason, at) => {
    for (const s of sessions) {
      if (s.account?.id !== accountId || s.signedInAt > at || s.isClosed) continue;
      s.log.info({ reason }, 'session ended');
      s.abort();
    }
  });
  await app.sessions.start();
  const plainCaps = connectionCaps(caps(true));
  const plain = net.createServer((socket) => {
    if (plainCaps.admit(socket)) track(socket, false);
  });
  const secure = tls.createServer(tlsServerOptions(app.config, material), (socket) => track(socket, true));
  capConnections(secure, caps(false));
  secure.on('tlsClientError', (e) => app.log.debug({ err: e.message }, 'pop3 tls client error'));
  const proxy = { trusted: trustList(app.config.proxyProtocol.trustedFrom), onRefused: (remote?: string, why?: string) => app.log.warn({ remote, why }, 'pop3: PROXY header refused') };
  acceptProxyProtocol(plain, proxy);
  acceptProxyProtocol(secure, proxy);
  const [port, tlsPort] = await Promise.all([listen(plain, cfg.host, cfg.port), listen(secure, cfg.host, cfg.tlsPort)]);
  return {
    port,
    tlsPort,
    sessions,
    async close() {
      stopEnding();
      await Promise.all([...sessions].map((s) => s.shutdown('-ERR [SYS/TEMP] Máy chủ đang dừng / server shutting down')));
      await Promise.all([new Promise((r) => plain.close(r)), new Promise((r) => secure.close(r))]);
    },
  };
}
