// Read-only history for auditors: the audit log (who did what, with the authorising document)
// (filtered by target, action, actor; its hash chain verified) and the versions of one directory entity (unit, person, list, delegation) over time.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { zodRouter, bearer, type RouteDeps } from './common.ts';

export async function auditRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  const r = zodRouter(server);
  r.get(
    '/audit',
    {
      config: { action: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary: 'Nhật ký kiểm toán (mới nhất trước) / audit log (newest first)',
        security: bearer,
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          target: z.string().max(320).optional().describe('đối tượng / target, e.g. an address'),
          action: z.string().max(64).optional().describe('tiền tố hành động / action prefix, e.g. person.'),
          actor: z.string().max(330).optional().describe('người thực hiện / actor, e.g. api:annv@kontum.gov.vn'),
          before: z.coerce.number().int().positive().optional().describe('id: trang tiếp theo (cũ hơn) / next (older) page'),
          from: z.coerce.number().int().nonnegative().optional().describe('từ thời điểm (ms) / from (ms since 1970)'),
          to: z.coerce.number().int().nonnegative().optional().describe('trước thời điểm (ms) / before (ms since 1970)'),
        }),
      },
    },
    async (req) => {
      const { limit, ...filters } = req.query;
      return { entries: await app.audit.list(limit, filters) };
    },
  );

  r.get(
    '/audit/verify',
    {
      config: { action: 'audit.read' },
      schema: { tags: ['audit'], summary: 'Kiểm tra chuỗi băm của nhật ký / verify the audit hash chain', security: bearer },
    },
    async () => app.audit.verify(),
  );

  r.get(
    '/history/:entity/:id',
    {
      config: { action: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary: 'Lịch sử một mục danh bạ / history of one directory entry',
        security: bearer,
        params: z.object({ entity: z.enum(['unit', 'person', 'list', 'delegation']), id: z.coerce.number().int().positive() }),
      },
    },
    async (req) => ({ versions: await app.directory.history(req.params.entity, req.params.id) }),
  );
}
