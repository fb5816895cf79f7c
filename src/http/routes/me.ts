// The caller themself: GET /me (account, roles, directory entry, mailboxes delegated to them), POST /me/password (the one
// call a token with an expired password may make; it ends the account's other sessions on every protocol),
// GET /me/sign-ins (recent sign-ins at every door: time, protocol, address, client, outcome).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ThutinError } from '../../core/errors.ts';
import { sessionOf } from '../auth.ts';
import { hashToken } from '../../core/tokens.ts';
import { zodRouter, bearer, type RouteDeps } from './common.ts';

export async function meRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  const r = zodRouter(server);
  r.get(
    '/me',
    {
      config: { action: 'self.read' },
      schema: { tags: ['me'], summary: 'Thông tin của tôi / who am I', security: bearer },
    },
    async (req) => {
      const s = sessionOf(req);
      const person = await app.directory.personByAccount(s.accountId);
      const shared = await app.delegations.sharedWith(s.accountId);
      return { accountId: s.accountId, username: s.username, roles: s.principal.roles, person, shared, expiresAt: s.expiresAt };
    },
  );

  r.post(
    '/me/password',
    {
      config: { action: 'self.password', whilePasswordExpired: true },
      schema: {
        tags: ['me'],
        summary: 'Đổi mật khẩu / change my password',
        security: bearer,
        body: z.object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(1).max(1024) }),
      },
    },
    async (req, reply) => {
      const s = sessionOf(req);
      // Checked like any sign-in (throttled): a stolen token cannot guess the password.
      const ok = await app.signIn.checkPassword({ protocol: 'http', remote: req.ip, login: s.username, password: req.body.currentPassword });
      if (!ok.ok && ok.reason === 'throttled') throw new ThutinError('TOO_MANY_ATTEMPTS');
      if (!ok.ok || ok.account.id !== s.accountId) throw new ThutinError('CURRENT_PASSWORD_WRONG');
      if (req.body.newPassword === req.body.currentPassword) throw new ThutinError('PASSWORD_UNCHANGED');
      // Every other session ends, on every protocol; this one goes on.
      await app.accounts.setPassword(s.username, req.body.newPassword, `api:${s.username}`, { keepTokenHash: req.bearer ? hashToken(req.bearer) : undefined });
      return reply.code(204).send();
    },
  );

  r.get(
    '/me/sign-ins',
    {
      config: { action: 'self.read' },
      schema: {
        tags: ['me'],
        summary: 'Các lần đăng nhập gần đây của tôi / my recent sign-ins',
        security: bearer,
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(500).default(50),
          before: z.coerce.number().int().positive().optional().describe('id: trang tiếp theo / next page'),
        }),
      },
    },
    async (req) => {
      const s = sessionOf(req);
      const rows = await app.signIn.history(s.accountId, req.query.limit, req.query.before);
      return { signIns: rows.map((x) => ({ id: x.id, at: x.at, protocol: x.protocol, address: x.address, client: x.client, success: x.success, outcome: x.outcome })) };
    },
  );
}
