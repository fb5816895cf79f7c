// Who is calling and may they: every admin API route declares, in its Fastify route config,
// either `public: true` or the `action` it performs and how to find the unit it touches
// (`target`). `onRequest` resolves the bearer token to a session (401 without one; 403 while the
// password must be changed, except on the routes that allow it; 403 SECOND_FACTOR_ENROLMENT_REQUIRED
// for an administrator without the second factor, except on self.* routes); `preHandler`, once the body is
// validated, asks the pure policy (core/policy.ts) and answers 403 when refused.
// A route under /api/ that declares neither is refused at start-up (fail closed).
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import type { App } from '../app.ts';
import type { Session } from '../core/tokens.ts';
import type { ChangeContext } from '../directory/service.ts';
import { authorize, type Action, type Target } from '../core/policy.ts';
import { ThutinError } from '../core/errors.ts';
import { csrfOk, webSessionToken } from './web-session.ts';

export type TargetResolver = (req: FastifyRequest, app: App) => Promise<Target> | Target;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** No login needed (login itself, health, the OpenAPI document). */
    public?: boolean;
    /** The action the route performs (core/policy.ts). */
    action?: Action;
    /** The units the action touches; absent = province-wide. */
    target?: TargetResolver;
    /** Callable with a token whose password must be changed (change password, logout). */
    whilePasswordExpired?: boolean;
  }
  interface FastifyRequest {
    session: Session | null;
    bearer: string | null;
  }
}

/** Every route as declared, for the start-up check, the OpenAPI test and the matrix test. */
export interface DeclaredRoute {
  method: string;
  url: string;
  public: boolean;
  action: Action | null;
}

export function routeDeclaration(r: RouteOptions): DeclaredRoute {
  const methods = Array.isArray(r.method) ? r.method : [r.method];
  const cfg = (r.config ?? {}) as { public?: boolean; action?: Action };
  return { method: methods.join(','), url: r.url, public: cfg.public === true, action: cfg.action ?? null };
}

/** The session of an authenticated request (routes with an action always have one). */
export function sessionOf(req: FastifyRequest): Session {
  if (!req.session) throw new ThutinError('UNAUTHENTICATED');
  return req.session;
}

/** The audit context of a write: `api:<address>` and the document reference the caller gave. */
export function changeContext(req: FastifyRequest): ChangeContext {
  const s = sessionOf(req);
  const body = req.body && typeof req.body === 'object' ? (req.body as { reason?: unknown }) : {};
  const query = req.query && typeof req.query === 'object' ? (req.query as { reason?: unknown }) : {};
  const reason = typeof body.reason === 'string' ? body.reason : typeof query.reason === 'string' ? query.reason : undefined;
  return { actor: `api:${s.username}`, ...(reason ? { reason } : {}) };
}

export function bearerOf(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+([A-Za-z0-9_-]{20,100})\s*$/i.exec(h);
  return m ? m[1] : null;
}

export function installAuth(server: FastifyInstance, app: App): void {
  server.decorateRequest('session', null);
  server.decorateRequest('bearer', null);

  server.addHook('onRoute', (r) => {
    const d = routeDeclaration(r);
    if (r.url.startsWith('/api/') && !d.public && !d.action) {
      throw new Error(`route ${d.method} ${d.url} declares no authorisation (config.action or config.public)`);
    }
  });

  server.addHook('onRequest', async (req) => {
    const cfg = req.routeOptions.config;
    if (cfg.public || !req.routeOptions.url) return; // public routes; unknown URLs go to the 404 handler
    // A bearer token, or the webmail's session cookie (http/web-session.ts: CSRF token on every non-GET).
    const bearer = bearerOf(req);
    const cookie = bearer ? null : webSessionToken(req);
    const token = bearer ?? cookie;
    if (!token) throw new ThutinError('UNAUTHENTICATED');
    if (cookie && !csrfOk(req, cookie)) throw new ThutinError('CSRF_INVALID');
    const session = await app.tokens.resolve(token);
    if (!session) throw new ThutinError('UNAUTHENTICATED');
    req.session = session;
    req.bearer = token;
    if (session.mustChangePassword && !cfg.whilePasswordExpired) throw new ThutinError('PASSWORD_CHANGE_REQUIRED');
    // An administrator without the second factor may only look after their own account (self.*: enrol, password, logout).
    if (app.config.security.requireSecondFactorForAdmins && !cfg.action?.startsWith('self.') && session.principal.roles.some((r) => r.role !== 'user')) {
      if (!(await app.secondFactor.isEnabled(session.accountId))) throw new ThutinError('SECOND_FACTOR_ENROLMENT_REQUIRED');
    }
  });

  server.addHook('preHandler', async (req) => {
    const cfg = req.routeOptions.config;
    if (cfg.public || !req.routeOptions.url) return;
    if (!cfg.action || !req.session) throw new ThutinError('FORBIDDEN'); // never reached: checked at start-up
    const target = cfg.target ? await cfg.target(req, app) : {};
    const decision = authorize(req.session.principal, cfg.action, target);
    if (!decision.allowed) {
      req.log.info({ user: req.session.username, action: cfg.action }, 'admin api refused');
      throw new ThutinError('FORBIDDEN', cfg.action);
    }
  });
}
