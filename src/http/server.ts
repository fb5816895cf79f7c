// The HTTP front end: health (liveness and a store check) and the admin API under /api/v1
// (JSON, validated by zod schemas, OpenAPI document, bearer tokens, role × scope checks).
// One file per concept: auth.ts (who may), errors.ts (codes → statuses), openapi.ts, routes/*.
// Owns: the HTTP listeners — plain (config http.port) and HTTPS (http.tlsPort, the certificate and
// TLS policy of every listener) over one fastify instance — and which proxies are believed for the
// client address (http.trustedProxies); transport-guard.ts decides what plain HTTP may carry.
import https from 'node:https';
import type net from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { App } from '../app.ts';
import { tlsServerOptions, type TlsMaterial } from '../config/tls.ts';
import { installTransportGuard } from './transport-guard.ts';
import { acceptProxyProtocol, trustList } from '../net/proxy-protocol.ts';
import { capConnections } from '../net/connection-caps.ts';
import { installAuth, routeDeclaration, type DeclaredRoute } from './auth.ts';
import { installErrorHandling } from './errors.ts';
import { registerOpenApi, openApiRoute } from './openapi.ts';
import { sessionRoutes } from './routes/session.ts';
import { meRoutes } from './routes/me.ts';
import { sieveRoutes } from './routes/sieve.ts';
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
import { quarantineRoutes } from './routes/quarantine.ts';
import { retentionRoutes } from './routes/retention.ts';
import { securityRoutes } from './routes/security.ts';
import { hygieneRoutes } from './routes/hygiene.ts';
import { ticketRoutes } from './routes/tickets.ts';
import { workQueueRoutes } from './routes/work-queue.ts';
import { requestRoutes } from './routes/requests.ts';
import { wellKnownRoutes } from './routes/well-known.ts';
import { autodiscoverRoutes } from './routes/autodiscover.ts';
import { mobileconfigRoutes } from './routes/mobileconfig.ts';
import { spamRoutes } from './routes/spam.ts';
import { exportRoutes } from './routes/export.ts';
import { jmapRoutes } from '../jmap/routes.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { requestDocumentRoutes } from './routes/request-documents.ts';
import { consoleOpsRoutes } from './routes/console-ops.ts';
import { csrfOk, webSessionRoutes, webSessionToken } from './web-session.ts';
import { webappRoutes } from './webapp.ts';

export const API_PREFIX = '/api/v1';

/** Whose X-Forwarded-For is believed: http.trustedProxies (addresses, CIDRs) when set, else http.trustProxy. */
export function trustProxySetting(cfg: App['config']['http']): boolean | string | string[] {
  return cfg.trustedProxies.length > 0 ? cfg.trustedProxies : cfg.trustProxy;
}

/**
 * Build the HTTP server (not listening). `routes` lists every route as declared. `httpsPort` tells
 * the plain-port guard where to redirect (null: no HTTPS listener, nothing is redirected).
 */
export async function buildHttp(app: App, httpsPort: () => number | null = () => null): Promise<{ server: FastifyInstance; routes: DeclaredRoute[] }> {
  const server = Fastify({ logger: false, trustProxy: trustProxySetting(app.config.http) });
  const routes: DeclaredRoute[] = [];
  server.addHook('onRoute', (r) => {
    if (r.method !== 'HEAD') routes.push(routeDeclaration(r));
  });
  server.setValidatorCompiler(validatorCompiler);
  server.setSerializerCompiler(serializerCompiler);
  installErrorHandling(server);
  installTransportGuard(server, { httpsPort, hostname: app.config.hostname, signInPaths: [`${API_PREFIX}/auth/login`, '/auth/web/login'] });
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
  await server.register(autodiscoverRoutes, { app }); // client setup (issue 13): Outlook, Apple profiles
  await server.register(mobileconfigRoutes, { app });
  await server.register(jmapRoutes, { app, webSession: { token: webSessionToken, csrfOk } }); // JMAP (issue 10): /.well-known/jmap, /jmap/*; the web app's cookie session handed in
  await server.register(metricsRoutes, { app }); // issue 11: /metrics (Prometheus text format)
  await server.register(webSessionRoutes, { app }); // the webmail's cookie session (issue 10): /auth/web/*
  await server.register(webappRoutes); // the webmail itself at / (dist/web, built by `npm run build:web`)
  for (const plugin of [
    sessionRoutes,
    meRoutes,
    sieveRoutes,
    searchRoutes,
    unitRoutes,
    peopleRoutes,
    mailboxRoutes,
    exportRoutes,
    delegationRoutes,
    listRoutes,
    roleRoutes,
    auditRoutes,
    csvRoutes,
    queueRoutes,
    quarantineRoutes,
    securityRoutes,
    retentionRoutes,
    hygieneRoutes,
    requestRoutes,
    requestDocumentRoutes,
    spamRoutes,
    ticketRoutes,
    workQueueRoutes,
    consoleOpsRoutes, // issue 11/14: mail per day, the last backup
  ]) {
    await server.register(plugin, { prefix: API_PREFIX, app });
  }
  await server.ready();
  return { server, routes };
}

export interface HttpServers {
  server: FastifyInstance;
  port: number;
  /** The HTTPS port, null when started without TLS material (tests of the API alone). */
  tlsPort: number | null;
  routes: DeclaredRoute[];
  close(): Promise<void>;
}

/** Start the plain listener and, given the TLS material, the HTTPS one (same routes, same instance). */
export async function startHttp(app: App, material?: TlsMaterial): Promise<HttpServers> {
  const cfg = app.config.http;
  let tlsPort: number | null = null;
  const { server, routes } = await buildHttp(app, () => tlsPort ?? (material ? cfg.tlsPort : null));
  // PROXY protocol from proxyProtocol.trustedFrom: the client it names is the request's socket address
  const proxy = { trusted: trustList(app.config.proxyProtocol.trustedFrom), onRefused: (remote?: string, why?: string) => app.log.warn({ remote, why }, 'http: PROXY header refused') };
  acceptProxyProtocol(server.server, proxy);
  server.server.maxConnections = cfg.maxConnections; // past it node closes new connections at once (issue 9)
  // Per client address (IPv6 /64), from the accept; a trusted reverse proxy (X-Forwarded-For or PROXY protocol) counts in the total only.
  const perAddress = {
    maxTotal: Infinity,
    maxPerAddress: cfg.maxConnectionsPerIp,
    proxies: trustList([...app.config.proxyProtocol.trustedFrom, ...cfg.trustedProxies]),
    refuse: (raw: net.Socket) => {
      app.log.warn({ remote: raw.remoteAddress }, 'http: too many connections from one address');
      raw.destroy();
    },
  };
  capConnections(server.server, perAddress);
  await server.listen({ host: cfg.host, port: cfg.port });
  const addr = server.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : cfg.port;
  let secure: https.Server | null = null;
  if (material) {
    secure = https.createServer(tlsServerOptions(app.config, material), (req, res) => server.routing(req, res));
    secure.on('tlsClientError', (e: Error) => app.log.debug({ err: e.message }, 'https tls client error'));
    secure.on('clientError', (_e: Error, socket: net.Socket) => socket.destroy());
    acceptProxyProtocol(secure, proxy);
    secure.maxConnections = cfg.maxConnections;
    capConnections(secure, perAddress);
    try {
      tlsPort = await new Promise<number>((resolve, reject) => {
        secure!.once('error', reject);
        secure!.listen({ host: cfg.host, port: cfg.tlsPort }, () => {
          secure!.off('error', reject);
          const a = secure!.address();
          resolve(typeof a === 'object' && a ? a.port : cfg.tlsPort);
        });
      });
    } catch (e) {
      await server.close();
      throw e;
    }
  }
  return {
    server,
    port,
    tlsPort,
    routes,
    async close() {
      if (secure) {
        const s = secure;
        await new Promise<void>((resolve) => {
          s.close(() => resolve());
          s.closeIdleConnections();
          setTimeout(() => s.closeAllConnections(), 2000).unref();
        });
      }
      await server.close();
    },
  };
}
