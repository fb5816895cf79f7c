// Owns: the administrator's view of the sign-in throttle — GET /security/lockouts (accounts,
// client addresses and usual-address pairs locked now) and POST /security/lockouts/lift (a login
// or an address; audited with the reason); for auditors GET /security/sign-ins (every checked
// sign-in, filtered) and GET /security/sign-ins/verify (its hash chain). The rules are
// core/sign-in.ts's and core/sign-in-history.ts's.
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

  r.get(
    '/security/sign-ins',
    {
      config: { action: 'security.read' },
      schema: {
        tags: ['security'],
        summary: 'Lịch sử đăng nhập mọi cổng (mới nhất trước) / sign-ins at every door (newest first)',
        security: bearer,
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          login: z.string().trim().min(1).max(320).optional().describe('tên đăng nhập / login'),
          success: z.enum(['true', 'false']).optional().describe('chỉ thành công hoặc chỉ thất bại / successes or failures only'),
          before: z.coerce.number().int().positive().optional().describe('id: trang tiếp theo / next page'),
        }),
      },
    },
    async (req) => {
      const { limit, login, success, before } = req.query;
      return { signIns: await app.signInHistory.list(limit, { login: login?.toLowerCase(), success: success === undefined ? undefined : success === 'true', before }) };
    },
  );

  r.get(
    '/security/sign-ins/verify',
    {
      config: { action: 'security.read' },
      schema: { tags: ['security'], summary: 'Kiểm tra chuỗi băm của lịch sử đăng nhập / verify the sign-in history hash chain', security: bearer },
    },
    async () => app.signInHistory.verify(),
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
