// The HTTP front end. For now: health (liveness and a store check). The admin API and webmail
// grow here in later issues, one route file per concept.
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { App } from '../app.ts';

export async function startHttp(app: App): Promise<{ server: FastifyInstance; port: number; close(): Promise<void> }> {
  const server = Fastify({ logger: false });
  server.get('/health', async (_req, reply) => {
    try {
      await sql`select 1`.execute(app.db.kysely);
      return { status: 'ok', database: app.db.dialect };
    } catch {
      reply.code(503);
      return { status: 'error', message: 'Kho dữ liệu không phản hồi / store unavailable' };
    }
  });
  await server.listen({ host: app.config.http.host, port: app.config.http.port });
  const addr = server.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : app.config.http.port;
  return { server, port, close: () => server.close() };
}
