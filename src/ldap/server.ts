// The LDAP listeners (issue 4, the global address list for mail clients): config.ldap.port
// (plain, StartTLS) and config.ldap.tlsPort (LDAPS). Wires the DIT, search, bind and limits
// (connections per client address and in all; failed binds are the sign-in service's) over the App;
// each connection is an LdapSession. A bound session ends when its account's sessions end
// (suspend, leave, password change or reset: core/sessions.ts).
import net from 'node:net';
import tls from 'node:tls';
import type { App } from '../app.ts';
import { tlsSecureContext, tlsServerOptions, type TlsMaterial } from '../config/tls.ts';
import { listen } from '../net/listen.ts';
import { acceptProxyProtocol, trustList } from '../net/proxy-protocol.ts';
import { BindHandler } from './bind.ts';
import { DirectoryTree, type DirectorySource, type ListSource } from './directory-tree.ts';
import { ResultCode } from './protocol/constants.ts';
import { encodeNoticeOfDisconnection } from './protocol/responses.ts';
import { DirectorySearch } from './search.ts';
import { LdapSession } from './session.ts';
import { END_TEXT, endConcerns } from '../core/sessions.ts';

export interface LdapServers {
  port: number;
  tlsPort: number;
  sessions: Set<LdapSession>;
  tree: DirectoryTree;
  close(): Promise<void>;
}

/** The directory services of the App, read when first used (the App wires them). */
function sources(app: App) {
  const parts = app as App & { directory?: DirectorySource; lists?: ListSource };
  return {
    get directory(): DirectorySource {
      if (!parts.directory) throw new Error('app.directory is not available');
      return parts.directory;
    },
    get lists(): ListSource | null {
      return parts.lists ?? null;
    },
    accounts: app.accounts,
  };
}

export async function startLdap(app: App, material: TlsMaterial): Promise<LdapServers> {
  const cfg = app.config.ldap;
  const log = app.log.child({ component: 'ldap' });
  const secureContext = tlsSecureContext(app.config, material);
  const tree = new DirectoryTree(sources(app), { domain: app.config.domains.primary });
  const search = new DirectorySearch(tree, { maxResults: cfg.maxResults });
  const binder = new BindHandler(app.signIn, tree, log);
  const ctx = { log, tree, search, binder, secureContext, idleTimeoutMs: cfg.idleTimeoutMs };
  const sessions = new Set<LdapSession>();
  const perIp = new Map<string, number>();
  const open = new Set<net.Socket>(); // every admitted TCP connection, TLS handshakes included

  /** Count a new TCP connection against its address; false when the address already has too many. */
  const admit = (raw: net.Socket): boolean => {
    const ip = raw.remoteAddress ?? 'unknown';
    const n = perIp.get(ip) ?? 0;
    if (open.size >= cfg.maxConnections) {
      log.warn({ remote: ip, total: open.size }, 'ldap: too many connections');
      return false;
    }
    if (n >= cfg.maxConnectionsPerIp) {
      log.warn({ remote: ip }, 'ldap: too many connections from one address');
      return false;
    }
    perIp.set(ip, n + 1);
    open.add(raw);
    raw.once('close', () => {
      open.delete(raw);
      const left = (perIp.get(ip) ?? 1) - 1;
      if (left > 0) perIp.set(ip, left);
      else perIp.delete(ip);
    });
    return true;
  };
  const session = (socket: net.Socket, implicitTls: boolean) => {
    socket.setNoDelay(true);
    const s = new LdapSession(socket, ctx, { implicitTls });
    sessions.add(s);
    socket.once('close', () => sessions.delete(s));
  };
  // A bound session ends with its account's sessions (suspend, leave, password change or reset).
  const stopEnding = app.sessions.onEnd((end) => {
    for (const s of sessions) if (s.user && endConcerns(end, s.user)) s.disconnect(ResultCode.unavailable, END_TEXT[end.reason]);
  });
  await app.sessions.start();
  const plain = net.createServer((socket) => {
    socket.on('error', () => {});
    if (admit(socket)) return session(socket, false);
    socket.end(encodeNoticeOfDisconnection({ code: ResultCode.busy, message: 'Quá nhiều kết nối / too many connections' }));
    setTimeout(() => socket.destroy(), 1000).unref();
  });
  const secure = tls.createServer(tlsServerOptions(app.config, material), (socket) => session(socket, true));
  // LDAPS connections count from the TCP accept, so unfinished handshakes count too.
  secure.on('connection', (raw: net.Socket) => {
    raw.on('error', () => {});
    if (!admit(raw)) raw.destroy();
  });
  secure.on('tlsClientError', (e) => log.debug({ err: e.message }, 'ldap tls client error'));
  const proxy = { trusted: trustList(app.config.proxyProtocol.trustedFrom), onRefused: (remote?: string, why?: string) => app.log.warn({ remote, why }, 'ldap: PROXY header refused') };
  acceptProxyProtocol(plain, proxy);
  acceptProxyProtocol(secure, proxy);
  const [port, tlsPort] = await Promise.all([listen(plain, cfg.host, cfg.port), listen(secure, cfg.host, cfg.tlsPort)]);
  return {
    port,
    tlsPort,
    sessions,
    tree,
    async close() {
      stopEnding();
      for (const s of sessions) s.disconnect(ResultCode.unavailable, 'Máy chủ đang dừng / server shutting down');
      // sessions end gracefully; unfinished TLS handshakes and stragglers are cut after 2 s
      setTimeout(() => {
        for (const raw of open) raw.destroy();
      }, 2000).unref();
      await Promise.all([new Promise((r) => plain.close(r)), new Promise((r) => secure.close(r))]);
    },
  };
}
