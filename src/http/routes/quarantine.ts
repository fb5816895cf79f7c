// Owns: the quarantine's routes (issue 12) — GET /quarantine (infected messages kept by the virus
// stage, newest first), GET /quarantine/:id (the envelope, the virus and the header section; never
// the body), POST /quarantine/:id/release (deliver to the original recipients) and DELETE
// /quarantine/:id. Releasing and deleting name their authorising document (`reason`). The rules
// and the audit are core/quarantine.ts's; who may: `quarantine.read` / `quarantine.write`.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { changeContext } from '../auth.ts';
import { zodRouter, bearer, idParams, requiredReason, requiredReasonQuery, type RouteDeps } from './common.ts';

export async function quarantineRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  const r = zodRouter(server);
  r.get(
    '/quarantine',
    {
      config: { action: 'quarantine.read' },
      schema: {
        tags: ['quarantine'],
        summary: 'Thư nhiễm vi-rút đang cách ly (mới nhất trước) / infected messages in quarantine (newest first)',
        security: bearer,
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          before: z.coerce.number().int().positive().optional().describe('id: trang tiếp theo / next page'),
        }),
      },
    },
    async (req) => ({ quarantine: await app.quarantine.list({ limit: req.query.limit, before: req.query.before }) }),
  );

  r.get(
    '/quarantine/:id',
    {
      config: { action: 'quarantine.read' },
      schema: { tags: ['quarantine'], summary: 'Phong bì, tên vi-rút và phần đầu thư / envelope, virus and header section', security: bearer, params: idParams },
    },
    async (req) => app.quarantine.show(req.params.id),
  );

  r.post(
    '/quarantine/:id/release',
    {
      config: { action: 'quarantine.write' },
      schema: {
        tags: ['quarantine'],
        summary: 'Trả thư cho người nhận ban đầu / release to the original recipients',
        security: bearer,
        params: idParams,
        body: z.object({ reason: requiredReason }),
      },
    },
    async (req) => app.quarantine.release(req.params.id, changeContext(req)),
  );

  r.delete(
    '/quarantine/:id',
    {
      config: { action: 'quarantine.write' },
      schema: { tags: ['quarantine'], summary: 'Xoá thư khỏi khu cách ly / delete from the quarantine', security: bearer, params: idParams, querystring: requiredReasonQuery },
    },
    async (req, reply) => {
      await app.quarantine.delete(req.params.id, changeContext(req));
      return reply.code(204).send();
    },
  );
}
