// Owns: serving the webmail (issue 10) — the files Vite built into dist/web (`npm run build:web`) at
// `/` on the same fastify instance (so on the HTTPS port; plain HTTP redirects there,
// http/transport-guard.ts), with a strict Content-Security-Policy, and the single-page fallback:
// an app route (/mail/…, /compose, /settings…) answers index.html; the API's own prefixes
// (/api, /jmap, /.well-known, /auth, /autodiscover) never do — an unknown URL there stays a 404 in
// the API's shape. Hashed assets are cached for a year, index.html never.
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { sendError } from './errors.ts';

/** Where `npm run build:web` writes the app (web/vite.config.ts). */
export const WEB_DIST = path.resolve(import.meta.dirname, '../../dist/web');

/**
 * The app's policy. Mail is shown in a sandboxed srcdoc iframe, which inherits this policy on top
 * of its own (reading/SafeHtmlFrame.tsx): hence inline styles (mail is styled inline) and remote
 * images (shown only once the reader allows them; the frame's own policy blocks them until then).
 */
export const WEBAPP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https: http:",
  "font-src 'self'",
  "connect-src 'self'",
  "media-src 'self' blob:",
  "object-src 'none'",
  "frame-src 'self' blob:",
  "worker-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Paths that belong to the server, never to the app. */
const SERVER_PREFIXES = ['/api/', '/jmap/', '/.well-known/', '/auth/', '/autodiscover/', '/mail/config-v1.1.xml', '/health', '/documentation'];

export function isServerPath(p: string): boolean {
  const lower = p.toLowerCase();
  return SERVER_PREFIXES.some((x) => lower === x.replace(/\/$/, '') || lower.startsWith(x));
}

function secure(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', WEBAPP_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cross-origin-opener-policy', 'same-origin');
}

export async function webappRoutes(server: FastifyInstance, opts: { dist?: string } = {}): Promise<void> {
  const dist = opts.dist ?? WEB_DIST;
  await server.register(fastifyStatic, { root: dist, serve: false });
  const config = { public: true };
  const index = () => path.join(dist, 'index.html');

  server.get('/*', { config, schema: { hide: true } }, async (req, reply) => {
    const urlPath = decodeURIComponent(req.url.split('?')[0]);
    if (isServerPath(urlPath)) return sendError(reply, 'NOT_FOUND', `${req.method} ${urlPath}`);
    secure(reply);
    if (!fs.existsSync(index())) {
      return reply.code(503).type('text/plain; charset=utf-8').send('Hộp thư web chưa được dựng: chạy `npm run build:web` / The webmail is not built: run `npm run build:web`\n');
    }
    const rel = path.posix.normalize(urlPath).replace(/^\/+/, '');
    const file = path.join(dist, rel);
    if (rel && !rel.includes('\0') && file.startsWith(dist + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile()) {
      const immutable = rel.startsWith('assets/');
      reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      return reply.sendFile(rel, dist, { cacheControl: false });
    }
    // A file that is not there (an old asset, a typo) is a 404; anything else is an app route.
    if (/\.[A-Za-z0-9]{1,8}$/.test(rel)) return sendError(reply, 'NOT_FOUND', urlPath);
    return reply.header('cache-control', 'no-cache').sendFile('index.html', dist, { cacheControl: false });
  });
}
