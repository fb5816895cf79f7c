// Owns: the administrator's view of the sign-in throttle — GET /security/lockouts (accounts,
// client addresses and usual-address pairs locked now) and POST /security/lockouts/lift (a login
// or an address; audited with the reason). The rules are core/sign-in.ts's.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { sessionOf } from '../auth.ts';
import { zodRouter, bearer, type RouteDeps } from './common.ts';

const REASON_MISSING = 'Thiếu số/ký hiệu văn bản (reason) / the reference of the authorising document (reason) is required';

export async function securityRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  const r = zodRouter(server);
  r.get(
    '/security/lockouts',
    {
      config: { action: 'security.read' },
      schema: { tags: ['security'], summary: 'Các khoá đăng nhập đang có hiệu lực / sign-in lockouts in force', security: bearer },
    },
    async () => ({ lockouts: await app.signIn.lockouts() }),
  );

  r.post(
    '/security/lockouts/lift',
    {
      config: { action: 'security.write' },
      schema: {
        tags: ['security'],
        summary: 'Gỡ khoá đăng nhập của một tài khoản hoặc địa chỉ IP / lift the lockout of a login or a client address',
        security: bearer,
        body: z.object({
          target: z.string().trim().min(1).max(320).describe('tên đăng nhập hoặc địa chỉ IP / a login or an IP address'),
          reason: z.string({ error: REASON_MISSING }).trim().min(1, REASON_MISSING).max(300),
        }),
      },
    },
    async (req) => {
      const s = sessionOf(req);
      return { cleared: await app.signIn.lift(req.body.target, `api:${s.username}`, req.body.reason) };
    },
  );
}
