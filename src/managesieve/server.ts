// Owns: the ManageSieve listener — `sieve.port` (4190, plain with STARTTLS: RFC 5804 has no
// implicit-TLS port), the one TLS policy (config/tls.ts), the PROXY protocol from
// `proxyProtocol.trustedFrom`, connections capped in all and per client address from the TCP
// accept (net/connection-caps.ts) — and the one place the App is turned into the services
// ManageSieve may use (manageSieveServices). A signed-in session ends (BYE, then closed) when its
// account's sessions end (suspend, leave, password change or reset).
import net from 'node:net';
import type { App } from '../app.ts';
import { tlsSecureContext, type TlsMaterial } from '../config/tls.ts';
import { connectionCaps } from '../net/connection-caps.ts';
import { listen } from '../net/listen.ts';
import { acceptProxyProtocol, trustList } from '../net/proxy-protocol.ts';
import { endConcerns } from '../core/sessions.ts';
import { ManageSieveSession } from './session.ts';
import type { ManageSieveServices } from './context.ts';

/** A literal after sign-in may exceed sieve.maxScriptBytes by this much and still be read, so the answer is QUOTA/MAXSIZE. */
export const LITERAL_SLACK = 64 * 1024;

export interface ManageSieveServer {
  port: number;
  sessions: Set<ManageSieveSession>;
  close(): Promise<void>;
}

/** What ManageSieve may use of the App: named services and configuration values, nothing else. */
export function manageSieveServices(app: App): ManageSieveServices {
  const { sieve } = app.config;
  return {
    scripts: app.sieveScripts,
    signIn: app.signIn,
    log: app.log,
    limits: {
      maxLineLength: sieve.maxLineLength,
      maxLiteral: sieve.maxScriptBytes + LITERAL_SLACK,
      preAuthLiteralMax: sieve.preAuthLiteralMax,
      idleTimeoutMs: sieve.idleTimeoutMs,
      preAuthTimeoutMs: sieve.preAuthTimeoutMs,
      preAuthMaxMs: sieve.preAuthMaxMs,
      maxBadCommands: sieve.maxBadCommands,
      maxRedirects: sieve.maxRedirects,
    },
  };
}

export async function startManageSieve(app: App, material: TlsMaterial): Promise<ManageSieveServer> {
  const secureContext = tlsSecureContext(app.config, material);
  const sessions = new Set<ManageSieveSession>();
  const services = manageSieveServices(app);
  const cfg = app.config.sieve;
  const proxies = trustList(app.config.proxyProtocol.trustedFrom);
  const caps = connectionCaps({
    maxTotal: cfg.maxConnections,
    maxPerAddress: cfg.maxConnectionsPerIp,
    proxies,
    refuse: (raw, why) => {
      app.log.warn({ remote: raw.remoteAddress, why }, 'managesieve: too many connections');
      raw.end('BYE (TRYLATER) "Quá nhiều kết nối / too many connections"\r\n');
    },
  });
  const server = net.createServer((socket) => {
    if (!caps.admit(socket)) return;
    socket.setNoDelay(true);
    const s = new ManageSieveSession(socket, services, { secureContext });
    sessions.add(s);
    socket.once('close', () => sessions.delete(s));
  });
  acceptProxyProtocol(server, { trusted: proxies, onRefused: (remote, why) => app.log.warn({ remote, why }, 'managesieve: PROXY header refused') });
  const stopEnding = app.sessions.onEnd((end) => {
    for (const s of sessions) {
      if (s.isClosed || !endConcerns(end, { accountId: s.account?.id, signedInAt: s.signedInAt, appPasswordId: s.appPasswordId })) continue;
      s.log.info({ reason: end.reason }, 'session ended');
      s.bye('Phiên đã kết thúc / session ended');
    }
  });
  await app.sessions.start();
  const port = await listen(server, cfg.host, cfg.port);
  return {
    port,
    sessions,
    async close() {
      stopEnding();
      for (const s of sessions) s.bye('Máy chủ đang dừng / server shutting down', 'TRYLATER');
      await new Promise((r) => server.close(r));
    },
  };
}
