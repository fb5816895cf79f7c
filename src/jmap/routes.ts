// The JMAP front end's HTTP routes on the one fastify instance (RFC 8620 §2, §3, §6):
//   GET  /.well-known/jmap                       → 307 to /jmap/session
//   GET  /jmap/session                           the session resource (capabilities with limits,
//                                                accounts: the user's own and each delegated mailbox)
//   POST /jmap/api                               method calls (api.ts)
//   POST /jmap/upload/{accountId}                a blob into the blob store (uploads.ts)
//   GET  /jmap/download/{accountId}/{blobId}/{name}?type=   a whole message or one of its parts
//   GET  /jmap/eventsource?types=&closeafter=&ping=   push: StateChange events (push.ts)
// Authentication: `Authorization: Bearer <token>` (the admin API's tokens, core/tokens.ts), the
// webmail's session cookie (http/web-session.ts, with its CSRF token on every POST) or HTTP
// Basic through the one sign-in (core/sign-in.ts, protocol 'jmap': like the mail doors, the
// account password while the second factor is off, app passwords always). Plain HTTP off loopback
// never reaches here with credentials (http/transport-guard.ts refuses them first). These routes
// are `public` to the admin API's authorisation: they authenticate themselves.
// Owns: the JMAP endpoints, their limits on concurrent requests and uploads.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import type { App } from '../app.ts';
import type { Account } from '../core/accounts.ts';
import { SizeLimitError } from '../core/mailstore.ts';
import { endConcerns } from '../core/sessions.ts';
import { WORKQUEUE } from './api.ts';
import { CAPABILITIES, CORE, MAIL, SUBMISSION, VACATIONRESPONSE, parseRequest, runCalls, type MethodSpec } from './api.ts';
import { accountsOf, CallContext, jmapServices, type JmapAccount, type JmapServices } from './context.ts';
import { HTTP_TEXT, problem } from './errors.ts';
import { parseAccountId, parseBlobId, uploadBlobId } from './ids.ts';
import { Uploads } from './uploads.ts';
import { MAILBOX_METHODS } from './mailbox.ts';
import { EMAIL_READ_METHODS } from './email.ts';
import { EMAIL_WRITE_METHODS } from './email-set.ts';
import { WORK_QUEUE_METHODS } from './work-queue.ts';
import { IDENTITY_METHODS } from './identities.ts';
import { SUBMISSION_METHODS } from './submission.ts';
import { VACATION_METHODS } from './vacation.ts';
import { SNIPPET_METHODS } from './snippets.ts';
import { QUERY_CHANGES_METHODS } from './query-changes.ts';
import { EMAIL_COPY_METHODS } from './email-copy.ts';
import { closeAllStreams, closeStreamsOf, pushParams, pushStream } from './push.ts';
import { loadMessages } from './email.ts';
import { bodyStructure, findPart, transferDecode } from './message.ts';
import crypto from 'node:crypto';

const METHODS: Record<string, MethodSpec> = {
  ...MAILBOX_METHODS,
  ...EMAIL_READ_METHODS,
  ...EMAIL_WRITE_METHODS,
  ...IDENTITY_METHODS,
  ...SUBMISSION_METHODS,
  ...VACATION_METHODS,
  ...SNIPPET_METHODS,
  ...QUERY_CHANGES_METHODS,
  ...EMAIL_COPY_METHODS,
};
Object.assign(METHODS, WORK_QUEUE_METHODS); // the unit mailbox's work queue (work-queue.ts)

interface Authenticated {
  account: Account;
  /** One credential's key (token hash, or the Basic login): the access audit's "session". */
  key: string;
}

function unauthorized(reply: FastifyReply, text: string = HTTP_TEXT.unauthenticated, status = 401): FastifyReply {
  if (status === 401) reply.header('www-authenticate', 'Bearer realm="thutin", Basic realm="thutin", charset="UTF-8"');
  return reply.code(status).type('application/problem+json').send({ type: 'about:blank', status, detail: text });
}

/**
 * Basic credentials already checked, for BASIC_TTL_MS: a command-line client sends them with every
 * request, and each would otherwise cost argon2, a throttle reservation and a sign-in history row.
 * An end of the account's sessions (password changed or reset, disabled, second factor turned on,
 * the app password revoked: core/sessions.ts, from any process) forgets them at once.
 */
const BASIC_TTL_MS = 5 * 60_000;
interface BasicSignIn {
  account: Account;
  signedInAt: number;
  appPasswordId: number | null;
  expires: number;
}
type BasicCache = Map<string, BasicSignIn>;

/** The web app's cookie session as the HTTP front end reads it (http/web-session.ts, handed in by http/server.ts). */
export interface WebSessionReader {
  /** The session token the request's cookie carries, or null. */
  token(req: FastifyRequest): string | null;
  /** Whether a state-changing request echoes the session's CSRF token. */
  csrfOk(req: FastifyRequest, token: string): boolean;
}
interface AuthDeps {
  basicCache: BasicCache;
  webSession: WebSessionReader | null;
}

async function authenticate(s: JmapServices, deps: AuthDeps, req: FastifyRequest, reply: FastifyReply): Promise<Authenticated | null> {
  const h = req.headers.authorization ?? '';
  const bearer = /^Bearer\s+([A-Za-z0-9_-]{20,100})\s*$/i.exec(h);
  if (bearer) {
    const session = await s.tokens.resolve(bearer[1]);
    if (!session) return (unauthorized(reply), null);
    if (session.mustChangePassword) return (unauthorized(reply, HTTP_TEXT.mustChange, 403), null);
    const account = await s.accounts.byId(session.accountId);
    if (!account || account.status !== 'active') return (unauthorized(reply), null);
    return { account, key: session.tokenHash };
  }
  const cookie = h || !deps.webSession ? null : deps.webSession.token(req);
  if (cookie) {
    // The webmail's session cookie (http/web-session.ts): a non-GET must echo the session's CSRF token.
    if (!deps.webSession!.csrfOk(req, cookie)) return (unauthorized(reply, HTTP_TEXT.csrf, 403), null);
    const session = await s.tokens.resolve(cookie);
    if (!session) return (unauthorized(reply), null);
    if (session.mustChangePassword) return (unauthorized(reply, HTTP_TEXT.mustChange, 403), null);
    const account = await s.accounts.byId(session.accountId);
    if (!account || account.status !== 'active') return (unauthorized(reply), null);
    return { account, key: session.tokenHash };
  }
  const basic = /^Basic\s+([A-Za-z0-9+/=]{1,2000})\s*$/i.exec(h);
  if (basic) {
    const text = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = text.indexOf(':');
    if (colon < 0) return (unauthorized(reply), null);
    const key = 'basic:' + crypto.createHash('sha256').update(text).digest('hex');
    const known = deps.basicCache.get(key);
    if (known && known.expires > Date.now()) return { account: known.account, key };
    deps.basicCache.delete(key);
    const r = await s.signIn.signIn({ protocol: 'jmap', remote: req.ip, login: text.slice(0, colon), password: text.slice(colon + 1), client: String(req.headers['user-agent'] ?? '').slice(0, 200) });
    if (r.ok) {
      if (deps.basicCache.size >= 10_000) deps.basicCache.clear();
      deps.basicCache.set(key, { account: r.account, signedInAt: r.startedAt, appPasswordId: r.appPasswordId, expires: Date.now() + BASIC_TTL_MS });
      return { account: r.account, key };
    }
    if (r.reason === 'throttled') {
      reply.header('retry-after', String(Math.ceil(r.retryAfterMs / 1000)));
      return (unauthorized(reply, HTTP_TEXT.throttled, 429), null);
    }
    if (r.reason === 'must-change' || r.reason === 'expired') return (unauthorized(reply, HTTP_TEXT.mustChange, 403), null);
    return (unauthorized(reply), null);
  }
  return (unauthorized(reply), null);
}

function baseUrl(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

function accountCapabilities(s: JmapServices, a: JmapAccount): Record<string, unknown> {
  const caps: Record<string, unknown> = {
    [MAIL]: {
      maxMailboxesPerEmail: null,
      maxMailboxDepth: null,
      maxSizeMailboxName: 200,
      maxSizeAttachmentsPerEmail: s.limits.maxSizeUpload,
      emailQuerySortOptions: ['receivedAt', 'size', 'subject', 'from', 'to', 'sentAt', 'hasKeyword'],
      mayCreateTopLevelMailbox: !a.isReadOnly,
    },
  };
  if (a.isPersonal || a.rights.includes('send-as') || a.rights.includes('send-on-behalf')) caps[SUBMISSION] = { maxDelayedSend: 0, submissionExtensions: {} };
  if (a.isPersonal) caps[VACATIONRESPONSE] = {};
  return caps;
}

function sessionState(accounts: JmapAccount[]): string {
  const text = accounts.map((a) => `${a.id}:${a.rights.join(',')}`).join(';');
  return crypto.createHash('sha256').update(text).digest('base64url').slice(0, 16);
}

async function readBody(stream: Readable, max: number): Promise<Buffer | null> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of stream) {
    n += (c as Buffer).length;
    if (n > max) return null;
    parts.push(c as Buffer);
  }
  return Buffer.concat(parts);
}

export async function jmapRoutes(server: FastifyInstance, opts: { app: App; webSession?: WebSessionReader }): Promise<void> {
  const s = jmapServices(opts.app);
  void s.store.threads.backfill(s.log); // mail stored before the threads were: threaded in batches, serving goes on (core/threads.ts)
  s.uploads = new Uploads(s.store);
  const basicCache: BasicCache = new Map();
  const authDeps: AuthDeps = { basicCache, webSession: opts.webSession ?? null };
  await opts.app.sessions.start(); // session ends of every process reach us (idempotent; the app stops it)
  const stopEnding = opts.app.sessions.onEnd((end) => {
    closeStreamsOf(end.accountId);
    for (const [k, v] of basicCache) if (endConcerns(end, { accountId: v.account.id, signedInAt: v.signedInAt, appPasswordId: v.appPasswordId })) basicCache.delete(k);
  });
  server.addHook('preClose', async () => closeAllStreams()); // open event streams would hold the server open
  server.addHook('onClose', async () => {
    stopEnding();
    await s.uploads.close();
  });
  const auditSeen = new Map<string, Set<string>>();
  const running = new Map<number, number>();
  // Bodies are read by the handlers themselves (notJSON is an answer of ours, uploads stream to the blob store).
  server.removeAllContentTypeParsers();
  server.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
  const config = { public: true };

  server.get('/.well-known/jmap', { config, schema: { tags: ['jmap'], summary: 'JMAP: tài nguyên phiên / session resource (RFC 8620 §2.2)' } }, async (_req, reply) =>
    reply.redirect('/jmap/session', 307),
  );

  server.get('/jmap/session', { config, schema: { tags: ['jmap'], summary: 'JMAP session' } }, async (req, reply) => {
    const who = await authenticate(s, authDeps, req, reply);
    if (!who) return reply;
    const accounts = await accountsOf(s, who.account);
    const base = baseUrl(req);
    const l = s.limits;
    return {
      capabilities: {
        [CORE]: {
          maxSizeUpload: l.maxSizeUpload,
          maxConcurrentUpload: l.maxConcurrentUpload,
          maxSizeRequest: l.maxSizeRequest,
          maxConcurrentRequests: l.maxConcurrentRequests,
          maxCallsInRequest: l.maxCallsInRequest,
          maxObjectsInGet: l.maxObjectsInGet,
          maxObjectsInSet: l.maxObjectsInSet,
          collationAlgorithms: ['i;ascii-casemap', 'i;unicode-casemap'],
        },
        [MAIL]: {},
        [SUBMISSION]: {},
        [VACATIONRESPONSE]: {},
        [WORKQUEUE]: {},
      },
      accounts: Object.fromEntries(accounts.map((a) => [a.id, { name: a.name, isPersonal: a.isPersonal, isReadOnly: a.isReadOnly, accountCapabilities: accountCapabilities(s, a) }])),
      primaryAccounts: { [MAIL]: accounts[0].id, [SUBMISSION]: accounts[0].id },
      username: who.account.username,
      apiUrl: `${base}/jmap/api`,
      downloadUrl: `${base}/jmap/download/{accountId}/{blobId}/{name}?type={type}`,
      uploadUrl: `${base}/jmap/upload/{accountId}`,
      eventSourceUrl: `${base}/jmap/eventsource?types={types}&closeafter={closeafter}&ping={ping}`,
      state: sessionState(accounts),
    };
  });

  server.post('/jmap/api', { config, schema: { tags: ['jmap'], summary: 'JMAP API (RFC 8620 §3)' } }, async (req, reply) => {
    const who = await authenticate(s, authDeps, req, reply);
    if (!who) return reply;
    const id = who.account.id;
    if ((running.get(id) ?? 0) >= s.limits.maxConcurrentRequests)
      return reply
        .code(400)
        .type('application/problem+json')
        .send(problem('limit', { limit: 'maxConcurrentRequests' }));
    running.set(id, (running.get(id) ?? 0) + 1);
    try {
      const body = req.body ? await readBody(req.body as Readable, s.limits.maxSizeRequest) : Buffer.alloc(0);
      if (!body)
        return reply
          .code(400)
          .type('application/problem+json')
          .send(problem('limit', { limit: 'maxSizeRequest' }));
      const parsed = parseRequest(body, s.limits.maxCallsInRequest);
      if (!parsed.ok) return reply.code(parsed.problem.status).type('application/problem+json').send(parsed.problem);
      const accounts = await accountsOf(s, who.account);
      let seen = auditSeen.get(who.key);
      if (!seen) {
        if (auditSeen.size > 10_000) auditSeen.clear();
        auditSeen.set(who.key, (seen = new Set()));
      }
      const ctx = new CallContext(s, who.account, accounts, req.ip, seen, parsed.createdIds);
      return await runCalls(ctx, METHODS, parsed.using, parsed.calls, sessionState(accounts), parsed.createdIds !== undefined);
    } finally {
      const n = (running.get(id) ?? 1) - 1;
      if (n <= 0) running.delete(id);
      else running.set(id, n);
    }
  });

  server.get('/jmap/eventsource', { config, schema: { tags: ['jmap'], summary: 'JMAP push: EventSource (RFC 8620 §7.3)' } }, async (req, reply) => {
    const who = await authenticate(s, authDeps, req, reply);
    if (!who) return reply;
    const params = pushParams(req.query as Record<string, unknown>);
    if (!params) return reply.code(400).type('application/problem+json').send({ type: 'about:blank', status: 400, detail: HTTP_TEXT.badPush });
    await pushStream(s, who.account, req, reply, params, req.ip);
    return reply;
  });

  server.post('/jmap/upload/:accountId', { config, schema: { tags: ['jmap'], summary: 'JMAP upload (RFC 8620 §6.1)' } }, async (req, reply) => {
    const who = await authenticate(s, authDeps, req, reply);
    if (!who) return reply;
    const accounts = await accountsOf(s, who.account);
    const n = parseAccountId((req.params as { accountId: string }).accountId);
    const a = accounts.find((x) => x.ownerAccountId === n);
    if (!a) return reply.code(404).type('application/problem+json').send({ type: 'about:blank', status: 404, detail: HTTP_TEXT.accountNotFound });
    if (a.isReadOnly) return reply.code(403).type('application/problem+json').send({ type: 'about:blank', status: 403, detail: HTTP_TEXT.readOnly });
    if (!s.uploads.begin(a.ownerAccountId, s.limits.maxConcurrentUpload))
      return reply
        .code(400)
        .type('application/problem+json')
        .send(problem('limit', { limit: 'maxConcurrentUpload', detail: HTTP_TEXT.tooManyUploads }));
    try {
      const type = String(req.headers['content-type'] ?? 'application/octet-stream').slice(0, 200);
      const body = (req.body as Readable | undefined) ?? (req.raw as Readable);
      const content = await s.uploads.put(a.ownerAccountId, body, type, s.limits.maxSizeUpload);
      reply.code(201);
      return { accountId: a.id, blobId: uploadBlobId(content.sha256), type, size: content.size };
    } catch (e) {
      if (e instanceof SizeLimitError)
        return reply
          .code(413)
          .type('application/problem+json')
          .send(problem('limit', { limit: 'maxSizeUpload', status: 413, detail: HTTP_TEXT.tooLarge }));
      throw e;
    } finally {
      s.uploads.end(a.ownerAccountId);
    }
  });

  server.get('/jmap/download/:accountId/:blobId/:name', { config, schema: { tags: ['jmap'], summary: 'JMAP download (RFC 8620 §6.2)' } }, async (req, reply) => {
    const who = await authenticate(s, authDeps, req, reply);
    if (!who) return reply;
    const p = req.params as { accountId: string; blobId: string; name: string };
    const type = String((req.query as { type?: string }).type ?? 'application/octet-stream');
    const accounts = await accountsOf(s, who.account);
    const n = parseAccountId(p.accountId);
    const a = accounts.find((x) => x.ownerAccountId === n);
    const notFound = () => reply.code(404).type('application/problem+json').send({ type: 'about:blank', status: 404, detail: HTTP_TEXT.blobNotFound });
    if (!a) return notFound();
    const blob = parseBlobId(p.blobId);
    if (!blob) return notFound();
    const safeType = /^[\w.+-]+\/[\w.+-]+$/.test(type) ? type : 'application/octet-stream';
    reply
      .header('content-type', safeType)
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(p.name)}`)
      .header('cache-control', 'private, immutable, max-age=31536000');
    // Mail is hostile: whatever type the client asks for, nothing downloaded runs on our origin.
    reply.header('x-content-type-options', 'nosniff').header('content-security-policy', "sandbox; default-src 'none'");
    if (blob.kind === 'upload') {
      const u = s.uploads.get(a.ownerAccountId, blob.sha256);
      if (!u) return notFound();
      return reply.send(s.store.streamContent(u.content));
    }
    const ctx = new CallContext(s, who.account, accounts, req.ip, auditSeen.get(who.key) ?? new Set());
    const hit = [...(await loadMessages(ctx, a, [blob.ref], { here: true })).values()][0];
    if (!hit) return notFound();
    if (!blob.part) return reply.send(s.store.streamMessage(hit.meta));
    const idx = (await s.store.indexesOf([hit.meta])).get(hit.meta);
    const part = idx ? findPart(bodyStructure(blob.ref, idx.root), blob.part) : null;
    if (!part) return notFound();
    const raw = await s.store.readMessage(hit.meta, part.node.bodyStart, part.node.end);
    return reply.send(transferDecode(raw, part.node.encoding));
  });
}

export { CAPABILITIES };
