// Outbound queue administration (issue 3): list, show (with each recipient's last failure),
// retry now, hold, release, delete. Every action is audited by the queue itself.
import type { FastifyInstance } from 'fastify';
import { changeContext } from '../auth.ts';
import { zodRouter, bearer, idParams, type RouteDeps } from './common.ts';

export async function queueRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  const r = zodRouter(server);
  r.get(
    '/queue',
    {
      config: { action: 'queue.read' },
      schema: { tags: ['queue'], summary: 'Thư đang chờ gửi / queued mail', security: bearer },
    },
    async () => ({ queue: await app.queue.list() }),
  );

  r.get(
    '/queue/:id',
    {
      config: { action: 'queue.read' },
      schema: { tags: ['queue'], summary: 'Chi tiết, lỗi cuối của từng người nhận / details, last failure per recipient', security: bearer, params: idParams },
    },
    async (req) => app.queue.show(req.params.id),
  );

  for (const op of ['retry', 'hold', 'release'] as const) {
    r.post(
      `/queue/:id/${op}`,
      {
        config: { action: 'queue.write' },
        schema: { tags: ['queue'], summary: { retry: 'Gửi lại ngay / retry now', hold: 'Giữ lại / hold', release: 'Thả ra / release' }[op], security: bearer, params: idParams },
      },
      async (req) => app.queue[op](req.params.id, changeContext(req).actor),
    );
  }

  r.delete(
    '/queue/:id',
    {
      config: { action: 'queue.write' },
      schema: { tags: ['queue'], summary: 'Xoá khỏi hàng đợi / delete from the queue', security: bearer, params: idParams },
    },
    async (req, reply) => {
      await app.queue.delete(req.params.id, changeContext(req).actor);
      return reply.code(204).send();
    },
  );
}
