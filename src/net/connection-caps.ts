// Owns: capping the TCP connections a listener holds, in all and per client address (IPv4; IPv6 by
// its /64, as the sign-in throttle counts), from the accept on — TLS handshakes included, so an
// address cannot fill a listener with unfinished handshakes. A refused connection is handed to
// `refuse` (which may write the protocol's "busy" line) and destroyed soon after; a slot is freed
// when its socket closes. Used by the IMAP, SMTP and HTTP listeners (LDAP keeps its own count).
// A trusted PROXY-protocol peer (proxyProtocol.trustedFrom) carries many clients: its connections
// count in the total only — the clients behind it are known only after the header, and the sign-in
// throttle counts them by the address the header names.
import type net from 'node:net';
import { addressKey } from '../core/throttle.ts';
import { isTrusted } from './proxy-protocol.ts';

export interface ConnectionCaps {
  /** Connections in all (Infinity: no cap). */
  maxTotal: number;
  /** Connections from one client address. */
  maxPerAddress: number;
  /** Told about a refused connection (write a busy line, log); the socket is destroyed after. */
  refuse(raw: net.Socket, why: 'total' | 'address'): void;
  /** Trusted proxies: counted in the total, not per address. */
  proxies?: net.BlockList | null;
}

export interface ConnectionCounter {
  /** Count a newly accepted socket: true when admitted, false when refused (it is then closed). */
  admit(raw: net.Socket): boolean;
  /** Connections open now. */
  open(): number;
}

/**
 * A counter for one listener. Call `admit` first thing in the connection callback of a plain
 * server, or from `server.on('connection')` of a TLS server (the session starts after the handshake).
 */
export function connectionCaps(caps: ConnectionCaps): ConnectionCounter {
  const perAddress = new Map<string, number>();
  let open = 0;
  return {
    open: () => open,
    admit(raw) {
      const proxy = isTrusted(caps.proxies ?? null, raw.remoteAddress);
      const key = addressKey(raw.remoteAddress ?? 'unknown');
      const n = proxy ? 0 : (perAddress.get(key) ?? 0);
      if (open >= caps.maxTotal || n >= caps.maxPerAddress) {
        raw.on('error', () => {});
        caps.refuse(raw, open >= caps.maxTotal ? 'total' : 'address');
        setTimeout(() => raw.destroy(), 1000).unref();
        return false;
      }
      open++;
      if (proxy) {
        raw.once('close', () => open--);
        return true;
      }
      perAddress.set(key, n + 1);
      raw.once('close', () => {
        open--;
        const left = (perAddress.get(key) ?? 1) - 1;
        if (left > 0) perAddress.set(key, left);
        else perAddress.delete(key);
      });
      return true;
    },
  };
}

/** Cap a server whose own connection listener can run after ours (TLS, http): counted on 'connection'. */
export function capConnections(server: net.Server, caps: ConnectionCaps): ConnectionCounter {
  const counter = connectionCaps(caps);
  server.on('connection', (raw: net.Socket) => void counter.admit(raw));
  return counter;
}
