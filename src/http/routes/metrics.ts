// GET /metrics (issue 11, R5.9): the numbers of core/metrics.ts in Prometheus' text format, read by
// the console's dashboard and an outside Prometheus. Never public: the bearer token (or the web
// app's session cookie) of a session that may `metrics.read` (sysadmin, directory manager, auditor), or the configured scrape
// token `metrics.token` (compared in constant time). The route is `public` to the admin API's hooks
// because a scrape token is no session: it checks both kinds itself, with the same rules as auth.ts
// (a password to change, an administrator without the second factor: refused).
// Owns: the /metrics route and who may read it.
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ThutinError } from '../../core/errors.ts';
import { authorize } from '../../core/policy.ts';
import type { App } from '../../app.ts';
import { bearerOf } from '../auth.ts';
import { webSessionToken } from '../web-session.ts';
import type { RouteDeps } from './common.ts';

function sameToken(a: string, b: string): boolean {
  const x = crypto.createHash('sha256').update(a).digest();
  const y = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(x, y);
}

/** Whether this request may read the metrics; throws 401/403 otherwise. */
export async function checkMetricsReader(req: FastifyRequest, app: App): Promise<string> {
  const bearer = bearerOf(req) ?? /^Bearer\s+(\S{20,200})\s*$/i.exec(req.headers.authorization ?? '')?.[1] ?? null;
  const scrape = app.config.metrics.token;
  if (bearer && scrape && sameToken(bearer, scrape)) return 'scrape-token';
  // the console in the web app reads it with its session cookie (a GET: no CSRF token needed)
  const token = bearer ?? webSessionToken(req);
  if (!token) throw new ThutinError('UNAUTHENTICATED');
  const session = await app.tokens.resolve(token);
  if (!session) throw new ThutinError('UNAUTHENTICATED');
  if (session.mustChangePassword) throw new ThutinError('PASSWORD_CHANGE_REQUIRED');
  if (app.config.security.requireSecondFactorForAdmins && session.principal.roles.some((r) => r.role !== 'user') && !(await app.secondFactor.isEnabled(session.accountId))) {
    throw new ThutinError('SECOND_FACTOR_ENROLMENT_REQUIRED');
  }
  if (!authorize(session.principal, 'metrics.read', {}).allowed) throw new ThutinError('FORBIDDEN', 'metrics.read');
  return session.username;
}

export async function metricsRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  server.get(
    '/metrics',
    {
      config: { public: true },
      schema: {
        tags: ['meta'],
        summary: 'Số liệu theo định dạng Prometheus / metrics in Prometheus text format (metrics.read, or the scrape token metrics.token)',
        security: [{ bearer: [] }],
      },
    },
    async (req, reply) => {
      await checkMetricsReader(req, app);
      const body = await app.metrics.text();
      reply.header('content-type', app.metrics.contentType).header('cache-control', 'no-store');
      return body;
    },
  );
}
