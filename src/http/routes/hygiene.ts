// Issue 12's routes: the caller's forwarding (GET|PUT|DELETE /me/forwarding: never to free-mail,
// Article 9, FORWARD_FREE_MAIL), the per-unit report of mail exchanged with free-mail domains
// (GET /reports/free-mail?from=&to=), and accounts held for bursting past the sending limits
// (GET /send-limits, GET /send-limits/:address, POST /send-limits/:address/clear: lift the hold and
// release the held mail). Every change is audited by its service.
// Owns: these routes.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ThutinError } from '../../core/errors.ts';
import { changeContext, sessionOf } from '../auth.ts';
import { zodRouter, bearer, reason, type RouteDeps } from './common.ts';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const addressParams = z.object({ address: z.string().min(3).max(320) });

export async function hygieneRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  const r = zodRouter(server);

  r.get('/me/forwarding', { config: { action: 'self.read' }, schema: { tags: ['me'], summary: 'Chuyển tiếp thư của tôi / my forwarding', security: bearer } }, async (req) => ({
    forward: await app.forwarding.get(sessionOf(req).accountId),
  }));

  r.put(
    '/me/forwarding',
    {
      config: { action: 'self.forwarding' },
      schema: {
        tags: ['me'],
        summary: 'Đặt chuyển tiếp thư (không tới hộp thư miễn phí) / set forwarding (never to free-mail)',
        security: bearer,
        body: z.object({ address: z.string().min(3).max(320), keepCopy: z.boolean().default(true), reason }),
      },
    },
    async (req) => {
      const s = sessionOf(req);
      return { forward: await app.forwarding.set({ id: s.accountId, username: s.username }, req.body.address, req.body.keepCopy, changeContext(req).actor) };
    },
  );

  r.delete(
    '/me/forwarding',
    { config: { action: 'self.forwarding' }, schema: { tags: ['me'], summary: 'Bỏ chuyển tiếp thư / stop forwarding', security: bearer, querystring: z.object({ reason }) } },
    async (req, reply) => {
      const s = sessionOf(req);
      await app.forwarding.remove({ id: s.accountId, username: s.username }, changeContext(req).actor);
      return reply.code(204).send();
    },
  );

  r.get(
    '/reports/free-mail',
    {
      config: { action: 'report.free-mail' },
      schema: {
        tags: ['reports'],
        summary: 'Thư trao đổi với hộp thư miễn phí theo đơn vị (Điều 9) / mail exchanged with free-mail domains per unit (Article 9)',
        security: bearer,
        querystring: z.object({ from: day, to: day }),
      },
    },
    async (req) => ({ from: req.query.from, to: req.query.to, units: await app.freeMail.report(req.query.from, req.query.to) }),
  );

  r.get(
    '/send-limits',
    { config: { action: 'send-limit.read' }, schema: { tags: ['send-limits'], summary: 'Tài khoản bị tạm giữ thư gửi đi / accounts held for sending', security: bearer } },
    async () => ({ holds: await app.sendLimits.holds(), limits: app.config.hygiene.sendLimits }),
  );

  const accountOf = async (address: string) => {
    const a = await app.accounts.byAddress(address.toLowerCase());
    if (!a) throw new ThutinError('ACCOUNT_NOT_FOUND', address);
    return a;
  };

  r.get(
    '/send-limits/:address',
    { config: { action: 'send-limit.read' }, schema: { tags: ['send-limits'], summary: 'Cờ tạm giữ của một tài khoản / the sending hold of an account', security: bearer, params: addressParams } },
    async (req) => {
      const a = await accountOf(req.params.address);
      const hold = await app.sendLimits.holdOf(a.id);
      return { account: a.username, held: !!hold, hold, heldMessages: hold ? await app.queue.heldOf(a.id) : [] };
    },
  );

  r.post(
    '/send-limits/:address/clear',
    {
      config: { action: 'send-limit.write' },
      schema: { tags: ['send-limits'], summary: 'Gỡ tạm giữ, cho gửi thư đang giữ / lift the hold, release held mail', security: bearer, params: addressParams, body: z.object({ reason }) },
    },
    async (req) => {
      const a = await accountOf(req.params.address);
      const c = changeContext(req);
      return { account: a.username, released: await app.sendLimits.clear(a, c.actor, c.reason ?? '') };
    },
  );
}
