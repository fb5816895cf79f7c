// Opening and closing an API session: POST /auth/login (user name + password → bearer token),
// POST /auth/logout. The password is checked by the one sign-in service (core/sign-in.ts: throttled
// per account and client address, 429 TOO_MANY_ATTEMPTS; 403 PASSWORD_EXPIRED past the deadline).
// With the second factor on, `code` (TOTP or a recovery code) is needed: without it 401
// SECOND_FACTOR_REQUIRED, wrong 401 SECOND_FACTOR_INVALID (a failure in the same throttle).
// App passwords never open this sign-in.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { zodRouter, bearer, type RouteDeps } from './common.ts';

export async function sessionRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  const r = zodRouter(server);
  r.post(
    '/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Đăng nhập / log in',
        body: z.object({
          username: z.string().min(1).max(320),
          password: z.string().min(1).max(1024),
          code: z.string().min(1).max(64).optional().describe('mã xác thực hai lớp hoặc mã khôi phục / TOTP or recovery code'),
        }),
      },
    },
    async (req) => {
      const s = await app.tokens.login(req.body.username, req.body.password, req.ip, String(req.headers['user-agent'] ?? '').slice(0, 200), req.body.code);
      return { token: s.token, expiresAt: s.expiresAt, mustChangePassword: s.mustChangePassword };
    },
  );

  r.post(
    '/auth/logout',
    {
      config: { action: 'self.read', whilePasswordExpired: true },
      schema: { tags: ['auth'], summary: 'Đăng xuất / log out', security: bearer },
    },
    async (req, reply) => {
      if (req.bearer) await app.tokens.logout(req.bearer);
      return reply.code(204).send();
    },
  );
}
