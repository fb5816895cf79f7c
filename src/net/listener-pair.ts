// Owns: the pair of listeners a line protocol with STARTTLS/STLS serves (IMAP, POP3): a plain port
// and an implicit-TLS port under the one TLS policy (config/tls.ts), connections capped in all and
// per client address from the TCP accept (net/connection-caps.ts; a trusted proxy counts in the
// total only), and the PROXY protocol from `proxyProtocol.trustedFrom` (net/proxy-protocol.ts).
// The protocol's server gets each admitted socket (after the TLS handshake on the TLS port) and
// keeps its own sessions.
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { tlsServerOptions, type TlsMaterial } from '../config/tls.ts';
import { capConnections, connectionCaps } from './connection-caps.ts';
import { listen } from './listen.ts';
import { acceptProxyProtocol, trustList } from './proxy-protocol.ts';

export interface ListenerPairOptions {
  /** For the log: 'imap', 'pop3'. */
  name: string;
  config: Config;
  material: TlsMaterial;
  host: string;
  port: number;
  tlsPort: number;
  maxConnections: number;
  maxConnectionsPerIp: number;
  /** What a refused plain-text connection is told before it is closed ('* BYE …', '-ERR …'), without CRLF. */
  busyLine: string;
  log: Logger;
  /** An admitted socket; `implicitTls` on the TLS port. */
  onSocket(socket: net.Socket, implicitTls: boolean): void;
}

export interface ListenerPair {
  port: number;
  tlsPort: number;
  /** Stop listening (open connections are the protocol's to end). */
  close(): Promise<void>;
}

export async function startListenerPair(o: ListenerPairOptions): Promise<ListenerPair> {
  const proxies = trustList(o.config.proxyProtocol.trustedFrom);
  const caps = (plainText: boolean) => ({
    maxTotal: o.maxConnections,
    maxPerAddress: o.maxConnectionsPerIp,
    proxies,
    refuse: (raw: net.Socket, why: string) => {
      o.log.warn({ remote: raw.remoteAddress, why }, `${o.name}: too many connections`);
      if (plainText) raw.end(`${o.busyLine}\r\n`);
      else raw.destroy();
    },
  });
  const plainCaps = connectionCaps(caps(true));
  const plain = net.createServer((socket) => {
    if (plainCaps.admit(socket)) o.onSocket(socket, false);
  });
  const secure = tls.createServer(tlsServerOptions(o.config, o.material), (socket) => o.onSocket(socket, true));
  capConnections(secure, caps(false));
  secure.on('tlsClientError', (e) => o.log.debug({ err: e.message }, `${o.name} tls client error`));
  const proxy = { trusted: proxies, onRefused: (remote?: string, why?: string) => o.log.warn({ remote, why }, `${o.name}: PROXY header refused`) };
  acceptProxyProtocol(plain, proxy);
  acceptProxyProtocol(secure, proxy);
  const [port, tlsPort] = await Promise.all([listen(plain, o.host, o.port), listen(secure, o.host, o.tlsPort)]);
  return {
    port,
    tlsPort,
    close: async () => {
      await Promise.all([new Promise((r) => plain.close(r)), new Promise((r) => secure.close(r))]);
    },
  };
}
