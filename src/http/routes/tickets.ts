// Incident tickets over the API (R7.6, R7.7; core/tickets.ts): POST /tickets files one (a message
// of the caller named by folder id + UID, or by content id, is kept until it closes), GET /tickets
// lists the caller's own — every ticket, filtered by state, category and assignee, for
// `ticket.read` —, GET /tickets/:id, POST /tickets/:id/replies, POST /tickets/:id/state (take,
// answer, close, reopen), POST /tickets/:id/assign (`ticket.write`), GET /tickets/:id/message (the
// reported message as message/rfc822, `ticket.read`). The routes every user calls are `self.*`
// routes; what else the caller may see or change is decided by the core from `ticket.read` /
// `ticket.write`, which an administrator without the required second factor does not get here.
// Owns: the ticket routes.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../../app.ts';
import { sessionOf } from '../auth.ts';
import { TICKET_CATEGORIES, TICKET_STATES, type TicketActor } from '../../core/tickets.ts';
import { zodRouter, bearer, idParams, reason, type RouteDeps } from './common.ts';

const categories = z.enum(TICKET_CATEGORIES as [string, ...string[]]);
const text = z.string().trim().min(1).max(20000);

/** The caller as the tickets core sees them; an administrator who must still enrol the second factor acts as a plain user. */
async function actorOf(req: FastifyRequest, app: App): Promise<TicketActor> {
  const s = sessionOf(req);
  const actor = app.tickets.actorOf(s.principal);
  if (app.config.security.requireSecondFactorForAdmins && s.principal.roles.some((r) => r.role !== 'user') && !(await app.secondFactor.isEnabled(s.accountId))) {
    return { ...actor, canRead: false, canWrite: false };
  }
  return actor;
}

export async function ticketRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  const r = zodRouter(server);
  const tags = ['tickets'];

  r.post(
    '/tickets',
    {
      config: { action: 'self.read' },
      schema: {
        tags,
        summary: 'Báo cáo thư rác, mã độc, sự cố / report spam, a virus, a fault',
        security: bearer,
        body: z.object({
          category: categories,
          text,
          subject: z.string().max(300).optional(),
          message: z
            .union([z.object({ mailboxId: z.number().int().positive(), uid: z.number().int().positive() }).strict(), z.object({ contentId: z.string().regex(/^[0-9a-f]{64}$/) }).strict()])
            .optional()
            .describe('thư được báo cáo: thư mục + UID, hoặc mã nội dung / the reported message: folder id + UID, or content id'),
          reason,
        }),
      },
    },
    async (req, reply) => {
      const { category, text: t, subject, message } = req.body;
      const ticket = await app.tickets.file(await actorOf(req, app), { category, text: t, subject, message }, 'api');
      return reply.code(201).send({ ticket });
    },
  );

  r.get(
    '/tickets',
    {
      config: { action: 'self.read' },
      schema: {
        tags,
        summary: 'Báo cáo của tôi; mọi báo cáo với quyền ticket.read / my tickets; every ticket with ticket.read',
        security: bearer,
        querystring: z.object({
          state: z.enum(TICKET_STATES as [string, ...string[]]).optional(),
          category: categories.optional(),
          assignee: z.string().max(320).optional().describe("địa chỉ, hoặc 'none' / an address, or 'none'"),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          before: z.coerce.number().int().positive().optional().describe('id: trang tiếp theo / next page'),
        }),
      },
    },
    async (req) => ({ tickets: await app.tickets.list(await actorOf(req, app), req.query) }),
  );

  r.get(
    '/tickets/:id',
    {
      config: { action: 'self.read' },
      schema: { tags, summary: 'Một báo cáo và các trả lời / one ticket and its replies', security: bearer, params: idParams },
    },
    async (req) => app.tickets.get(await actorOf(req, app), req.params.id),
  );

  r.get(
    '/tickets/:id/message',
    {
      config: { action: 'ticket.read' },
      schema: { tags, summary: 'Thư được báo cáo (message/rfc822) / the reported message', security: bearer, params: idParams },
    },
    async (req, reply) => {
      const m = await app.tickets.message(await actorOf(req, app), req.params.id);
      return reply.type('message/rfc822').header('content-length', String(m.size)).header('cache-control', 'no-store').send(m.stream);
    },
  );

  r.post(
    '/tickets/:id/replies',
    {
      config: { action: 'self.read' },
      schema: {
        tags,
        summary: 'Trả lời; ghi chú nội bộ với quyền ticket.write / reply; internal note with ticket.write',
        security: bearer,
        params: idParams,
        body: z.object({ text, internal: z.boolean().default(false), reason }),
      },
    },
    async (req, reply) => {
      const ticket = await app.tickets.reply(await actorOf(req, app), req.params.id, req.body.text, { internal: req.body.internal });
      return reply.code(201).send({ ticket });
    },
  );

  r.post(
    '/tickets/:id/state',
    {
      config: { action: 'self.read' },
      schema: {
        tags,
        summary: 'Nhận xử lý, trả lời, đóng, mở lại / take, answer, close, reopen',
        security: bearer,
        params: idParams,
        body: z.object({ action: z.enum(['take', 'answer', 'close', 'reopen']), text: text.optional().describe('câu trả lời (answer) / the answer'), reason }),
      },
    },
    async (req) => ({ ticket: await app.tickets.transition(await actorOf(req, app), req.params.id, req.body.action, req.body.text) }),
  );

  r.post(
    '/tickets/:id/assign',
    {
      config: { action: 'ticket.write' },
      schema: {
        tags,
        summary: 'Giao cho quản trị viên (null: bỏ giao) / assign to an administrator (null: unassign)',
        security: bearer,
        params: idParams,
        body: z.object({ assignee: z.string().trim().min(3).max(320).nullable(), reason }),
      },
    },
    async (req) => ({ ticket: await app.tickets.assign(await actorOf(req, app), req.params.id, req.body.assignee) }),
  );
}
