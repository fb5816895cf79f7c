// A person's mailbox through its life: suspend, enable, remove (= disable and retain), purge
// (only once the retention period has passed, refused by the directory before), and its
// password: set by an administrator, or reset to a random one that must be changed at next login.
// Suspending, removing or changing someone's password ends their API sessions. Every change names
// its authorising document (`reason`, 400 without); leaving answers the headships it vacated (`warnings`).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ThutinError } from '../../core/errors.ts';
import { changeContext } from '../auth.ts';
import { personTarget } from '../targets.ts';
import { zodRouter, bearer, requiredReason, requiredReasonQuery, idParams, type RouteDeps } from './common.ts';

export async function mailboxRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  const r = zodRouter(server);
  const personOf = (req: { params: unknown }) => personTarget(app, (req.params as { id: number }).id);
  const person = async (id: number) => {
    const p = await app.directory.getPerson(id);
    if (!p) throw new ThutinError('NOT_FOUND', `person ${id}`);
    return p;
  };

  r.put(
    '/people/:id/status',
    {
      config: { action: 'mailbox.status', target: personOf },
      schema: {
        tags: ['mailboxes'],
        summary: 'Tạm khoá, mở lại, cho nghỉ (khoá và lưu giữ) / suspend, enable, remove (disable and retain)',
        security: bearer,
        params: idParams,
        body: z.object({ status: z.enum(['active', 'suspended', 'left']), reason: requiredReason }),
      },
    },
    async (req) => {
      const p = await app.directory.setPersonStatus(req.params.id, req.body.status, changeContext(req));
      if (req.body.status !== 'active' && p.accountId) await app.tokens.revokeAccount(p.accountId);
      return p;
    },
  );

  r.delete(
    '/people/:id',
    {
      config: { action: 'mailbox.purge', target: personOf },
      schema: {
        tags: ['mailboxes'],
        summary: 'Xoá hẳn (chỉ sau thời hạn lưu giữ) / purge (only after retention)',
        security: bearer,
        params: idParams,
        querystring: requiredReasonQuery,
      },
    },
    async (req, reply) => {
      const p = await person(req.params.id);
      await app.directory.purgePerson(req.params.id, changeContext(req));
      if (p.accountId) app.tokens.forgetAccount(p.accountId);
      return reply.code(204).send();
    },
  );

  r.put(
    '/people/:id/password',
    {
      config: { action: 'person.password', target: personOf },
      schema: {
        tags: ['mailboxes'],
        summary: 'Đặt mật khẩu / set the password',
        security: bearer,
        params: idParams,
        body: z.object({ password: z.string().min(1).max(1024), reason: requiredReason }),
      },
    },
    async (req, reply) => {
      const p = await person(req.params.id);
      if (!p.email || !p.accountId) throw new ThutinError('ACCOUNT_NOT_FOUND', `person ${p.id}`);
      await app.accounts.setPassword(p.email, req.body.password, changeContext(req).actor);
      await app.tokens.revokeAccount(p.accountId);
      return reply.code(204).send();
    },
  );

  r.post(
    '/people/:id/password/reset',
    {
      config: { action: 'person.password', target: personOf },
      schema: {
        tags: ['mailboxes'],
        summary: 'Cấp lại mật khẩu, buộc đổi khi đăng nhập / reset the password, change forced at next login',
        security: bearer,
        params: idParams,
        body: z.object({ reason: requiredReason }),
      },
    },
    async (req) => {
      const p = await person(req.params.id);
      const res = await app.directory.resetPassword(req.params.id, changeContext(req));
      if (p.accountId) await app.tokens.revokeAccount(p.accountId);
      return res;
    },
  );
}
