// Small socket helpers the protocol front ends share (IMAP, LDAP): start listening and learn the
// port (0 = any), and turn an accepted plain socket into a server-side TLS socket (STARTTLS).
import type net from 'node:net';
import tls from 'node:tls';

/** Listen on host:port; resolves with the port actually bound, rejects on EADDRINUSE and the like. */
export function listen(server: net.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : port);
    });
  });
}

/**
 * Wrap `raw` in server-side TLS. `attach` is called at once (so no byte is lost); the promise
 * settles when the handshake ends — completed, failed or closed (the caller's handlers see which).
 */
export async function upgradeToTls(raw: net.Socket, secureContext: tls.SecureContext, attach: (s: tls.TLSSocket) => void): Promise<tls.TLSSocket> {
  const secure = new tls.TLSSocket(raw, { isServer: true, secureContext });
  attach(secure);
  await new Promise<void>((resolve) => {
    secure.once('secure', () => resolve());
    secure.once('error', () => resolve());
    secure.once('close', () => resolve());
  });
  return secure;
}
