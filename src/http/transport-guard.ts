// Owns: what the plain HTTP port may carry (issue 9 finding 3). A request is "secure" when it came
// over HTTPS — our TLS port, or a trusted reverse proxy that says X-Forwarded-Proto: https — or
// from loopback (a local script, a proxy on the same host that speaks for itself). Otherwise:
//  - credentials are refused before anything reads them: the sign-in route, any Authorization
//    header (bearer token, Basic) and any Cookie answer 403 HTTPS_REQUIRED, in both languages;
//  - health and the autoconfiguration files (/.well-known/*, /mail/config-v1.1.xml, Outlook's
//    /autodiscover/autodiscover.xml, GET or POST) stay served, because mail clients and monitors
//    fetch them over plain HTTP (none of them reads a credential);
//  - any other GET or HEAD is redirected to the same path on the HTTPS port (308);
//  - any other method is refused like a credential (its body may already be a secret).
// Every answer over HTTPS carries HSTS (Strict-Transport-Security: max-age=31536000).
import net from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const HSTS = 'max-age=31536000';

export const HTTPS_REQUIRED = {
  code: 'HTTPS_REQUIRED',
  message: 'Cần kết nối HTTPS: không gửi mật khẩu hay mã phiên qua HTTP thường',
  messageEn: 'HTTPS required: passwords and session tokens are not accepted over plain HTTP',
} as const;

/** Paths served over plain HTTP to anyone (monitors, mail clients' autoconfiguration). */
export function isPlainAllowed(path: string): boolean {
  return path === '/health' || path.startsWith('/.well-known/') || path === '/mail/config-v1.1.xml' || path.toLowerCase() === '/autodiscover/autodiscover.xml';
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopback(ip: string): boolean {
  const v4 = ip.replace(/^::ffff:/i, '');
  if (net.isIPv4(v4)) return v4.startsWith('127.');
  return ip === '::1';
}

export interface TransportGuardOptions {
  /** The port HTTPS answers on (redirect target); null when no HTTPS listener runs. */
  httpsPort(): number | null;
  /** The host name to redirect to when the request's Host is unusable. */
  hostname: string;
  /** The sign-in routes (POST), refused on plain HTTP even without a credential header. */
  signInPaths: string[];
}

function redirectHost(req: FastifyRequest, fallback: string): string {
  const h = req.hostname; // Host without its port (fastify 5)
  if (/^[A-Za-z0-9.-]{1,253}$/.test(h) || /^\[[0-9A-Fa-f:.]+\]$/.test(h)) return h;
  return fallback;
}

function isSecure(req: FastifyRequest): boolean {
  // request.protocol is 'https' for our TLS socket, or X-Forwarded-Proto from a trusted proxy only
  return req.protocol === 'https';
}

export function installTransportGuard(server: FastifyInstance, opts: TransportGuardOptions): void {
  const signIn = new Set(opts.signInPaths);
  server.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (isSecure(req) || isLoopback(req.ip)) return;
    const path = req.url.split('?')[0];
    if (isPlainAllowed(path)) return;
    const credentials = req.headers.authorization !== undefined || req.headers.cookie !== undefined || signIn.has(path);
    const port = opts.httpsPort();
    if (!credentials && (req.method === 'GET' || req.method === 'HEAD') && port !== null) {
      const host = redirectHost(req, opts.hostname);
      return reply
        .code(308)
        .header('location', `https://${host}${port === 443 ? '' : `:${port}`}${req.url}`)
        .send();
    }
    req.log.info({ remote: req.ip, method: req.method, path }, 'plain HTTP request with credentials refused');
    return reply.code(403).send(HTTPS_REQUIRED);
  });
  server.addHook('onSend', async (req, reply, payload) => {
    if (isSecure(req)) reply.header('strict-transport-security', HSTS);
    return payload;
  });
}
