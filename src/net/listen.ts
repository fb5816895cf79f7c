// Owns: small socket helpers the protocol front ends share (IMAP, LDAP): start listening and learn
// the port (0 = any), turn an accepted plain socket into a server-side TLS socket (STARTTLS), and
// check every configured port before any front end listens (each taken one named with its key).
import net from 'node:net';
import tls from 'node:tls';
import { carryPeer } from './proxy-protocol.ts';

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
  carryPeer(raw, secure); // the client a trusted proxy named stays the client after STARTTLS
  attach(secure);
  await new Promise<void>((resolve) => {
    secure.once('secure', () => resolve());
    secure.once('error', () => resolve());
    secure.once('close', () => resolve());
  });
  return secure;
}

/** A port a front end will listen on, named for an administrator: its service and configuration key. */
export interface PortClaim {
  service: string;
  key: string;
  host: string;
  port: number;
}

/** Whether host:port can be bound now: null when free, else the error code (EADDRINUSE, EACCES …). */
export function probeFree(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve(null)));
  });
}

export class PortsInUseError extends Error {
  constructor(readonly taken: Array<PortClaim & { code: string }>) {
    super(
      'Không khởi động được: cổng không dùng được / cannot start: ports not available\n' +
        taken
          .map((t) =>
            t.code === 'DUPLICATE'
              ? `  cổng ${t.port} (${t.service}, ${t.key}) trùng với một dịch vụ khác / port ${t.port} (${t.service}, ${t.key}) is configured twice`
              : t.code === 'EADDRINUSE'
                ? `  cổng ${t.port} (${t.service}, ${t.key}) đang bị tiến trình khác chiếm / port ${t.port} (${t.service}, ${t.key}) is in use by another process`
                : `  cổng ${t.port} (${t.service}, ${t.key}) không mở được (${t.code}) / port ${t.port} (${t.service}, ${t.key}) cannot be opened (${t.code})`,
          )
          .join('\n') +
        '\nĐổi cổng trong thutin.json hoặc dừng tiến trình kia / change the port in thutin.json or stop the other process',
    );
    this.name = 'PortsInUseError';
  }
}

/** Check every port before listening on any: throws PortsInUseError naming each one that is taken. */
export async function checkPortsFree(claims: PortClaim[]): Promise<void> {
  const taken: Array<PortClaim & { code: string }> = [];
  const seen = new Map<number, PortClaim>();
  for (const c of claims) {
    if (c.port === 0) continue; // any free port
    if (seen.has(c.port)) {
      taken.push({ ...c, code: 'DUPLICATE' });
      continue;
    }
    seen.set(c.port, c);
    const code = await probeFree(c.host, c.port);
    if (code) taken.push({ ...c, code });
  }
  if (taken.length > 0) throw new PortsInUseError(taken);
}
