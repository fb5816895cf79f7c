// The caller themself: GET /me (account, roles, directory entry, mailboxes delegated to them), POST /me/password (the one
// call a token with an expired password may make; it ends the account's other sessions).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ThutinError } from '../../core/errors.ts';
import { sessionOf } from '../auth.ts';
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
      const ok = await app.accounts.authenticate(s.username, req.body.currentPassword);
      if (!ok || ok.id !== s.accountId) throw new ThutinError('CURRENT_PASSWORD_WRONG');
      if (req.body.newPassword === req.body.currentPassword) throw new ThutinError('PASSWORD_UNCHANGED');
      await app.accounts.setPassword(s.username, req.body.newPassword, `api:${s.username}`);
      await app.tokens.revokeAccount(s.accountId, req.bearer ?? undefined); // other sessions end; this one goes on
      return reply.code(204).send();
    },
  );
}
