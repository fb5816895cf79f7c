// Wiring of the SMTP front end: builds the two stage pipelines from configuration (an unknown
// stage name stops the start with a clear message), the three smtp-server listeners — inbound
// MX, submission with STARTTLS, submission over implicit TLS — with their common options, and
// starts/stops them together. Policy lives in inbound.ts / submission.ts, the DATA phase in
// data.ts, the stages in pipeline.ts and stages/. Connections are capped in all (maxClients) and
// per client address (`smtp.maxConnectionsPerIp`, IPv6 per /64, counted from the TCP accept); an
// authenticated submission session is closed (421) when its account's sessions end (suspend,
// leave, password change or reset: core/sessions.ts).
import net from 'node:net';
import type { SMTPServerOptions, SMTPServerResolver } from 'smtp-server';
import type { Logger } from 'pino';
import type { App } from '../app.ts';
import { tlsPolicy, type TlsMaterial } from '../config/tls.ts';
import { createResolver, type Resolver } from '../net/resolver.ts';
import { acceptProxyProtocol, isTrusted, trustList } from '../net/proxy-protocol.ts';
import { ThutinSmtpServer } from './compat.ts';
import { Pipeline, type StageRegistry } from './pipeline.ts';
import { defaultStageRegistry } from './stages/index.ts';
import { inboundHandlers } from './inbound.ts';
import { submissionHandlers } from './submission.ts';
import { AUTH_REQUIRED_TEXT, REPLIES } from './replies.ts';
import { capConnections, connectionCaps, type ConnectionCaps, type ConnectionCounter } from '../net/connection-caps.ts';
import { END_TEXT, endConcerns } from '../core/sessions.ts';
import { authUser } from './session.ts';

export interface SmtpListener {
  readonly server: ThutinSmtpServer;
  readonly port: number;
}

export interface SmtpServers {
  inbound: SmtpListener;
  submission: SmtpListener;
  submissionTls: SmtpListener;
  close(): Promise<void>;
}

export interface StartSmtpOptions {
  /** The stages that configuration may name; defaults to the built-in ones. */
  stages?: StageRegistry;
  /**
   * The main process of `thutin serve` with inbound processes (inbound-processes.ts): offered each
   * MX connection once it is admitted (counted against the caps here); true when another process
   * took it. Connections from a trusted PROXY-protocol peer stay here.
   */
  handOff?: (socket: net.Socket) => boolean;
  /** false in an inbound process: nothing listens; connections handed over are emitted on `inbound.server.server` ('connection'). */
  listen?: boolean;
}

const BANNER = 'thutin - Hệ thống thư tín điện tử / provincial mail service';
const MAX_CLIENTS_INBOUND = 1000;
const MAX_CLIENTS_SUBMISSION = 500;
/** How long close() lets open sessions finish before they are cut. */
const CLOSE_TIMEOUT_MS = 10_000;

/** A client that resets or drops its connection (often right after QUIT): its business, not a warning. */
const CLIENT_GONE = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/**
 * smtp-server logs every connection at info; ours shifts it one level down. Its errors are warnings,
 * except a client's reset connection (debug): smtp-source, like many MTAs, resets after QUIT.
 */
function libraryLogger(log: Logger): NonNullable<SMTPServerOptions['logger']> {
  const l = log as unknown as Record<string, (...a: unknown[]) => void>;
  const at =
    (level: string) =>
    (...a: unknown[]) =>
      l[level].apply(log, a);
  const error = (...a: unknown[]) => {
    const code = (a[0] as { err?: { code?: string } } | undefined)?.err?.code;
    l[code && CLIENT_GONE.has(code) ? 'debug' : 'warn'].apply(log, a);
  };
  return { trace: at('trace'), debug: at('trace'), info: at('debug'), warn: at('warn'), error, fatal: at('error') } as unknown as NonNullable<SMTPServerOptions['logger']>;
}

/** How long a client's greeting may wait for its PTR name (smtp-server itself gives up at 1.5 s). */
const REVERSE_DEADLINE_MS = 1000;

/**
 * The PTR name of each client through the App's cached resolver (src/net/resolver.ts): cached,
 * shared between simultaneous connections from one address, and failing at once while the
 * breaker is open, so a silent DNS server does not delay every greeting. No lookup for loopback
 * clients (there is nothing to learn).
 */
function reverseResolver(resolver: Pick<Resolver, 'reverse'>): SMTPServerResolver {
  return {
    reverse(ip, callback) {
      const v4 = ip.replace(/^::ffff:/i, '');
      if ((net.isIPv4(v4) && v4.startsWith('127.')) || ip === '::1') return callback(null, []);
      let done = false;
      const finish = (err: Error | null, names: string[]) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        callback(err, names);
      };
      const timer = setTimeout(() => finish(Object.assign(new Error(`PTR ${ip}: no answer in time`), { code: 'ETIMEOUT' }), []), REVERSE_DEADLINE_MS);
      timer.unref();
      resolver.reverse(ip).then(
        (names) => finish(null, names),
        (e: Error) => finish(e, []),
      );
    },
  };
}

/**
 * The MX listener of a main process with inbound processes: each connection is counted against the
 * caps first, then offered to `handOff` (another process's SMTP session), else served here. The
 * socket is created paused (no byte of it is read here before it is handed over).
 */
function handOffConnections(server: net.Server, counter: ConnectionCounter, handOff: (socket: net.Socket) => boolean, proxies: net.BlockList | null): void {
  const own = server.listeners('connection') as Array<(socket: net.Socket) => void>;
  server.removeAllListeners('connection');
  (server as net.Server & { pauseOnConnect: boolean }).pauseOnConnect = true;
  server.on('connection', (socket: net.Socket) => {
    if (!counter.admit(socket)) return;
    if (!isTrusted(proxies, socket.remoteAddress) && handOff(socket)) return;
    for (const l of own) l.call(server, socket);
  });
}

function listen(server: ThutinSmtpServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => {
      server.server.off('listening', onListening);
      reject(e);
    };
    const onListening = () => {
      server.server.off('error', onError);
      resolve((server.server.address() as net.AddressInfo).port);
    };
    server.server.once('error', onError);
    server.server.once('listening', onListening);
    server.listen(port, host);
  });
}

function closeServer(server: ThutinSmtpServer): Promise<void> {
  return new Promise((resolve) => {
    if (!server.server.listening) return resolve();
    server.close(() => resolve());
  });
}

export async function startSmtp(app: App, tls: TlsMaterial, opts: StartSmtpOptions = {}): Promise<SmtpServers> {
  const cfg = app.config.smtp;
  const registry = opts.stages ?? defaultStageRegistry();
  const log = app.log.child({ component: 'smtp' });
  const inboundPipeline = Pipeline.build(cfg.inboundStages, registry, { app }, { timeoutMs: cfg.stageTimeoutMs, log, setting: 'smtp.inboundStages' });
  const submissionPipeline = Pipeline.build(cfg.submissionStages, registry, { app }, { timeoutMs: cfg.stageTimeoutMs, log, setting: 'smtp.submissionStages' });

  const reverse = reverseResolver(createResolver(app.config, { log: app.log.child({ component: 'dns' }) }));
  // smtp-server modifies the options object it is given: each listener gets its own.
  const common = (listener: string): SMTPServerOptions => ({
    name: app.config.hostname,
    banner: BANNER,
    heloResponse: '%s Xin chào / Hello %s',
    key: tls.key,
    cert: tls.cert,
    ...tlsPolicy(app.config), // STARTTLS and implicit TLS: ECDHE + AEAD only on TLS 1.2, and TLS 1.3
    size: cfg.maxMessageSize,
    maxRecipients: cfg.maxRecipients,
    socketTimeout: cfg.socketTimeoutMs,
    closeTimeout: CLOSE_TIMEOUT_MS,
    hideSTARTTLS: false,
    hideENHANCEDSTATUSCODES: false,
    hideSize: false,
    resolver: reverse,
    logger: libraryLogger(log.child({ listener })),
  });

  const inbound = new ThutinSmtpServer(
    {
      ...common('inbound'),
      maxClients: MAX_CLIENTS_INBOUND,
      disabledCommands: ['AUTH'],
      ...inboundHandlers(app, inboundPipeline),
    },
    { greetPauseMs: cfg.greetPauseMs },
  );
  const submissionOptions = (secure: boolean): SMTPServerOptions => ({
    ...common(secure ? 'submission-tls' : 'submission'),
    secure,
    maxClients: MAX_CLIENTS_SUBMISSION,
    authMethods: ['PLAIN', 'LOGIN'],
    authRequiredMessage: AUTH_REQUIRED_TEXT,
    ...submissionHandlers(app, submissionPipeline),
  });
  const compat = { authBeforeTlsText: `${REPLIES.startTlsFirst.enhanced} ${REPLIES.startTlsFirst.text}`, greetPauseMs: cfg.greetPauseMs };
  const submission = new ThutinSmtpServer(submissionOptions(false), compat);
  const submissionTls = new ThutinSmtpServer(submissionOptions(true), compat);

  const all = [inbound, submission, submissionTls];
  // One address may hold this many connections on each listener (an MX flood from one host must not fill every slot).
  const caps = (plainText: boolean): ConnectionCaps => ({
    maxTotal: Infinity, // smtp-server's maxClients
    maxPerAddress: cfg.maxConnectionsPerIp,
    proxies: trustList(app.config.proxyProtocol.trustedFrom),
    refuse: (raw) => {
      log.warn({ remote: raw.remoteAddress }, 'smtp: too many connections from one address');
      if (plainText) raw.end('421 4.7.0 Quá nhiều kết nối từ địa chỉ của bạn / Too many connections from your address\r\n');
      setImmediate(() => raw.destroy());
    },
  });
  if (opts.handOff) handOffConnections(inbound.server, connectionCaps(caps(true)), opts.handOff, trustList(app.config.proxyProtocol.trustedFrom));
  else capConnections(inbound.server, caps(true));
  capConnections(submission.server, caps(true));
  capConnections(submissionTls.server, caps(false));
  const stopEnding = app.sessions.onEnd((end) => {
    const { reason } = end;
    for (const server of [submission, submissionTls]) {
      for (const c of [...server.connections]) {
        const user = authUser(c.session);
        if (!user || !endConcerns(end, user)) continue;
        log.info({ session: c.session.id, reason }, 'submission session ended');
        (c as unknown as { send(code: number, text: string): void }).send(421, `4.7.0 ${END_TEXT[reason]}`);
      }
    }
  });
  await app.sessions.start();
  // The blob-writer threads (storage/blob-writers.ts) start with the first SMTP connection, while
  // its envelope is spoken: a server that receives no mail does not pay their memory (~35 MB).
  let warming: Promise<void> | null = null;
  const warm = () =>
    (warming ??= app.store.warmUp().then(
      (noWriters) => void (noWriters && log.warn({ reason: noWriters }, 'blob writer threads unavailable: messages are written on the event loop')),
      (e: unknown) => log.warn({ err: e }, 'blob writer threads failed to start'),
    ));
  for (const s of all) s.server.once('connection', () => void warm());
  for (const s of all) {
    // Client-side failures (TLS handshakes, resets) surface here; they must not crash the process.
    s.on('error', (e: Error & { code?: string }) => log.debug({ err: e, code: e.code }, 'SMTP connection error'));
  }

  // PROXY protocol from proxyProtocol.trustedFrom, read before smtp-server sees the connection (v1 and v2,
  // CIDRs); compat.ts hands the client it names to smtp-server, implicit TLS included.
  const proxy = { trusted: trustList(app.config.proxyProtocol.trustedFrom), onRefused: (remote?: string, why?: string) => log.warn({ remote, why }, 'smtp: PROXY header refused') };
  for (const s of all) acceptProxyProtocol(s.server, proxy);
  try {
    const [pIn, pSub, pTls] =
      opts.listen === false
        ? [0, 0, 0]
        : await Promise.all([listen(inbound, cfg.inboundPort, cfg.host), listen(submission, cfg.submissionPort, cfg.host), listen(submissionTls, cfg.submissionTlsPort, cfg.host)]);
    log.info({ inbound: pIn, submission: pSub, submissionTls: pTls }, 'SMTP listening');
    return {
      inbound: { server: inbound, port: pIn },
      submission: { server: submission, port: pSub },
      submissionTls: { server: submissionTls, port: pTls },
      close: async () => {
        stopEnding();
        await Promise.all(all.map(closeServer));
      },
    };
  } catch (e) {
    await Promise.all(all.map(closeServer));
    throw e;
  }
}
