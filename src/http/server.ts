// The HTTP front end: health (liveness and a store check) and the admin API under /api/v1
// (JSON, validated by zod schemas, OpenAPI document, bearer tokens, role × scope checks).
// One file per concept: auth.ts (who may), errors.ts (codes → statuses), openapi.ts, routes/*.
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { App } from '../app.ts';
import { installAuth, routeDeclaration, type DeclaredRoute } from './auth.ts';
import { installErrorHandling } from './errors.ts';
import { registerOpenApi, openApiRoute } from './openapi.ts';
import { sessionRoutes } from './routes/session.ts';
import { meRoutes } from './routes/me.ts';
import { searchRoutes } from './routes/search.ts';
import { unitRoutes } from './routes/units.ts';
import { peopleRoutes } from './routes/people.ts';
import { mailboxRoutes } from './routes/mailboxes.ts';
import { delegationRoutes } from './routes/delegations.ts';
import { listRoutes } from './routes/lists.ts';
import { roleRoutes } from './routes/roles.ts';
import { auditRoutes } from './routes/audit.ts';
import { csvRoutes } from './routes/csv.ts';
import { queueRoutes } from './routes/queue.ts';
import { wellKnownRoutes } from './routes/well-known.ts';

export const API_PREFIX = '/api/v1';

/** Build the HTTP server (not listening). `routes` lists every route as declared. */
export async function buildHttp(app: App): Promise<{ server: FastifyInstance; routes: DeclaredRoute[] }> {
  const server = Fastify({ logger: false, trustProxy: app.config.http.trustProxy });
  const routes: DeclaredRoute[] = [];
  server.addHook('onRoute', (r) => {
    if (r.method !== 'HEAD') routes.push(routeDeclaration(r));
  });
  server.setValidatorCompiler(validatorCompiler);
  server.setSerializerCompiler(serializerCompiler);
  installErrorHandling(server);
  installAuth(server, app);
  await registerOpenApi(server);

  server.get('/health', { config: { public: true }, schema: { tags: ['meta'], summary: 'Tình trạng / health' } }, async (_req, reply) => {
    try {
      return { status: 'ok', ...(await app.health()) };
    } catch {
      reply.code(503);
      return { status: 'error', message: 'Kho dữ liệu không phản hồi / store unavailable' };
    }
  });
  openApiRoute(server);
  await server.register(wellKnownRoutes, { app });
  for (const plugin of [sessionRoutes, meRoutes, searchRoutes, unitRoutes, peopleRoutes, mailboxRoutes, delegationRoutes, listRoutes, roleRoutes, auditRoutes, csvRoutes, queueRoutes]) {
    await server.register(plugin, { prefix: API_PREFIX, app });
  }
  await server.ready();
  return { server, routes };
}

export async function startHttp(app: App): Promise<{ server: FastifyInstance; port: number; routes: DeclaredRoute[]; close(): Promise<void> }> {
  const { server, routes } = await buildHttp(app);
  await server.listen({ host: app.config.http.host, port: app.config.http.port });
  const addr = server.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : app.config.http.port;
  return { server, port, routes, close: () => server.close() };
}
