// Owns: the webmail's cookie session (issue 10). `POST /auth/web/login` (username, password, TOTP or
// recovery code) signs in through the same throttled service as the API's /auth/login
// (core/tokens.ts → core/sign-in.ts) and puts the session token in the cookie `thutin_session`
// (HttpOnly, Secure, SameSite=Strict, Path=/); the token is an API token like any other, so ending
// the account's sessions (core/sessions.ts: password change, "sign out everywhere" through
// POST /api/v1/me/sessions/end, disabling) ends it too. CSRF: double submit — the readable cookie
// `thutin_csrf` carries a value derived from the session token (an attacker who can plant a
// cookie still cannot forge it), and every state-changing request carried by the session cookie
// must echo it in `X-CSRF-Token` (checked here for /api/v1 by http/auth.ts and for JMAP by
// jmap/routes.ts). `POST /auth/web/logout` ends this session and clears both cookies;
// `GET /auth/web/session` says whether it still holds.
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../app.ts';
import { ThutinError } from '../core/errors.ts';
import { zodRouter } from './routes/common.ts';

export const SESSION_COOKIE = 'thutin_session';
export const CSRF_COOKIE = 'thutin_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** Cookies of a request, by name (first occurrence wins; values are not URL-decoded: ours are base64url). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (name && !out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

/** The CSRF value of a session token: derived, so it needs no storage and cannot be chosen by an attacker. */
export function csrfFor(token: string): string {
  return crypto.createHash('sha256').update(`thutin-csrf:${token}`).digest('base64url');
}

/** The session token carried by the `thutin_session` cookie, or null. */
export function webSessionToken(req: FastifyRequest): string | null {
  const v = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
  return v && /^[A-Za-z0-9_-]{20,100}$/.test(v) ? v : null;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** Methods that change nothing (RFC 9110 §9.2.1): they need no CSRF token. */
export function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

/**
 * Whether a request carried by the session cookie `token` may go on: safe methods always; others
 * only with `X-CSRF-Token` equal to the `thutin_csrf` cookie and to the session's own value.
 */
export function csrfOk(req: FastifyRequest, token: string): boolean {
  if (isSafeMethod(req.method)) return true;
  const header = req.headers[CSRF_HEADER];
  const sent = Array.isArray(header) ? header[0] : header;
  const cookie = parseCookies(req.headers.cookie).get(CSRF_COOKIE);
  if (!sent || !cookie) return false;
  const expected = csrfFor(token);
  return safeEqual(sent, expected) && safeEqual(cookie, expected);
}

function setCookies(reply: FastifyReply, token: string, maxAgeSeconds: number): void {
  reply.header('set-cookie', [
    `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=${maxAgeSeconds}`,
    `${CSRF_COOKIE}=${csrfFor(token)}; Path=/; Secure; SameSite=Strict; Max-Age=${maxAgeSeconds}`,
  ]);
}

function clearCookies(reply: FastifyReply): void {
  reply.header('set-cookie', [`${SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0`, `${CSRF_COOKIE}=; Path=/; Secure; SameSite=Strict; Max-Age=0`]);
}

export async function webSessionRoutes(server: FastifyInstance, { app }: { app: App }): Promise<void> {
  const r = zodRouter(server);
  r.post(
    '/auth/web/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Đăng nhập hộp thư web (phiên cookie) / webmail sign-in (cookie session)',
        body: z.object({
          username: z.string().min(1).max(320),
          password: z.string().min(1).max(1024),
          code: z.string().min(1).max(64).optional().describe('mã xác thực hai lớp hoặc mã khôi phục / TOTP or recovery code'),
        }),
      },
    },
    async (req, reply) => {
      const s = await app.tokens.login(req.body.username, req.body.password, req.ip, String(req.headers['user-agent'] ?? '').slice(0, 200), req.body.code);
      setCookies(reply, s.token, Math.max(1, Math.floor((s.expiresAt - Date.now()) / 1000)));
      reply.header('cache-control', 'no-store');
      return { expiresAt: s.expiresAt, mustChangePassword: s.mustChangePassword };
    },
  );

  // Whether this browser's session still holds (the app asks now and then, and when it comes back
  // to the foreground: a session ended elsewhere — "sign out everywhere", a password change — leads
  // it back to the sign-in). An in-memory lookup once the token is known (core/tokens.ts cache).
  r.get('/auth/web/session', { config: { public: true }, schema: { tags: ['auth'], summary: 'Phiên web còn hiệu lực? / is the web session still valid?' } }, async (req, reply) => {
    const token = webSessionToken(req);
    const session = token ? await app.tokens.resolve(token) : null;
    reply.header('cache-control', 'no-store');
    if (!session) return reply.code(401).send({ code: 'UNAUTHENTICATED', message: 'Phiên đã kết thúc', messageEn: 'The session has ended' });
    return { expiresAt: session.expiresAt, mustChangePassword: session.mustChangePassword };
  });

  r.post('/auth/web/logout', { config: { public: true }, schema: { tags: ['auth'], summary: 'Đăng xuất hộp thư web / webmail sign-out' } }, async (req, reply) => {
    const token = webSessionToken(req);
    if (token) {
      if (!csrfOk(req, token)) throw new ThutinError('CSRF_INVALID');
      await app.tokens.logout(token);
    }
    clearCookies(reply);
    return reply.code(204).send();
  });
}
