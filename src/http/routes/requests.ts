// Requests of the decision's processes (issue 11) over the admin API: file a draft (one form, or a
// batch as items or CSV), list (filters: state, kind, overdue, mine) and read one (its rows,
// events, documents and what it changed), submit (a clerk's submission goes to the head, whose
// submit signs it off), approve / reject with a reason (the Provincial Office), withdraw, execute
// now (sysadmin), add the official document (reference and scanned PDF, base64), download that
// PDF, take the one-time credential of a joiner or a password reset (the head, shown once), and
// redeem it (the person, public: the code is the secret). Scope: an agency head or clerk only for
// their own subtree; a refusal names the reason in Vietnamese (REQUEST_OUT_OF_SCOPE, …).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../../app.ts';
import { ThutinError } from '../../core/errors.ts';
import { authorize, type Action, type Target } from '../../core/policy.ts';
import { BatchInvalidError, type RequestActor } from '../../requests/service.ts';
import { DuplicatePersonError } from '../../directory/service.ts';
import { ITEM_KINDS } from '../../requests/types.ts';
import { STATES } from '../../requests/lifecycle.ts';
import { errorBody } from '../errors.ts';
import { sessionOf } from '../auth.ts';
import { zodRouter, bearer, idParams, type RouteDeps } from './common.ts';

export function actorOf(req: FastifyRequest): RequestActor {
  const s = sessionOf(req);
  return { principal: s.principal, label: `api:${s.username}` };
}

/** A target the principal's own grant of `action` covers (its first scoped unit; province-wide roles need none): for routes whose units the service checks itself. */
function ownScope(action: Action) {
  return (req: FastifyRequest): Target => {
    const p = sessionOf(req).principal;
    if (authorize(p, action, {}).allowed) return {};
    const r = p.roles.find((x) => x.unitId !== null && authorize({ roles: [x] }, action, { unitPath: [x.unitId] }).allowed);
    return { unitPath: r ? [r.unitId!] : null };
  };
}

/**
 * The request's unit, which a scoped role must cover. The requester may follow their own request
 * (the service decides what they may do to it); someone holding the action elsewhere is told the
 * request lies outside their scope (REQUEST_OUT_OF_SCOPE, in Vietnamese), anyone else gets 403.
 */
export function requestScope(action: Action) {
  return async (req: FastifyRequest, app: App): Promise<Target> => {
    const id = (req.params as { id: number }).id;
    const row = await app.requests.requireRow(app.db.kysely, id);
    const t: Target = { unitPath: await app.requests.pathOf(row.unitId) };
    const p = sessionOf(req).principal;
    if (authorize(p, action, t).allowed) return t;
    const own = ownScope(action)(req);
    const holdsElsewhere = authorize(p, action, own).allowed;
    if (holdsElsewhere && row.requesterAccountId === p.accountId && (action === 'request.file' || action === 'request.read')) return own;
    if (holdsElsewhere) throw new ThutinError('REQUEST_OUT_OF_SCOPE', `#${id} (${row.unitCode ?? '-'})`);
    return t;
  };
}

const documentBody = z.object({
  number: z.string().trim().max(200).describe('Số/ký hiệu văn bản / document number'),
  date: z.string().trim().max(20).describe('Ngày ký (YYYY-MM-DD hoặc DD/MM/YYYY) / date signed'),
  signer: z.string().trim().max(200).describe('Người ký / signer'),
});

export async function requestRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  const r = zodRouter(server);
  const tags = ['requests'];
  const maxDoc = app.config.requests.maxDocumentBytes;

  r.post(
    '/requests',
    {
      config: { action: 'request.file', target: ownScope('request.file') },
      bodyLimit: Math.max(1024 * 1024, Math.ceil((maxDoc * 4) / 3) + 65536),
      schema: {
        tags,
        summary: 'Lập yêu cầu (bản nháp) / file a request (draft)',
        security: bearer,
        body: z.object({
          kind: z.enum([...ITEM_KINDS, 'batch']),
          payload: z.record(z.string(), z.unknown()).optional().describe('Nội dung theo loại yêu cầu / the fields of the kind'),
          items: z
            .array(z.object({ kind: z.enum(ITEM_KINDS), payload: z.record(z.string(), z.unknown()), line: z.number().int().positive().optional() }))
            .max(5000)
            .optional(),
          csv: z
            .string()
            .max(5 * 1024 * 1024)
            .optional()
            .describe('Lô yêu cầu CSV (UTF-8 BOM, cột loai_yeu_cau) / batch as CSV'),
          document: documentBody.optional(),
          effectiveDate: z.string().max(20).optional().describe('Ngày hiệu lực / effective date'),
          note: z.string().max(2000).optional(),
        }),
      },
    },
    async (req, reply) => {
      try {
        return reply.code(201).send(await app.requests.file(actorOf(req), req.body));
      } catch (e) {
        if (e instanceof BatchInvalidError) return reply.code(400).send({ ...errorBody('REQUEST_BATCH_INVALID'), errors: e.errors });
        if (e instanceof DuplicatePersonError) return reply.code(409).send({ ...errorBody('PERSON_LIKELY_EXISTS'), candidates: e.candidates });
        throw e;
      }
    },
  );

  r.get(
    '/requests',
    {
      config: { action: 'request.read', target: ownScope('request.read') },
      schema: {
        tags,
        summary: 'Danh sách yêu cầu (mới nhất trước) / list requests (newest first)',
        security: bearer,
        querystring: z.object({
          state: z.enum(STATES).optional(),
          kind: z.enum([...ITEM_KINDS, 'batch']).optional(),
          overdue: z.enum(['true', 'false']).optional(),
          mine: z.enum(['true', 'false']).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          offset: z.coerce.number().int().min(0).default(0),
        }),
      },
    },
    async (req) => {
      const q = req.query;
      return {
        requests: await app.requests.list(actorOf(req), {
          states: q.state ? [q.state] : undefined,
          kind: q.kind,
          overdue: q.overdue === 'true',
          mine: q.mine === 'true',
          limit: q.limit,
          offset: q.offset,
        }),
      };
    },
  );

  r.get(
    '/requests/:id',
    { config: { action: 'request.read', target: requestScope('request.read') }, schema: { tags, summary: 'Một yêu cầu / one request', security: bearer, params: idParams } },
    async (req) => app.requests.get(actorOf(req), req.params.id),
  );

  const step = (
    path: string,
    action: Action,
    summary: string,
    run: (actor: RequestActor, id: number, body: Record<string, string | undefined>) => Promise<unknown>,
    body: z.ZodObject = z.object({}),
  ) =>
    r.post(path, { config: { action, target: requestScope(action) }, schema: { tags, summary, security: bearer, params: idParams, body: body.nullish() } }, async (req) =>
      run(actorOf(req), req.params.id, (req.body ?? {}) as Record<string, string | undefined>),
    );

  step('/requests/:id/submit', 'request.file', 'Gửi yêu cầu (văn thư: chờ thủ trưởng; thủ trưởng: ký duyệt) / submit (a clerk: to the head; the head: sign off)', (a, id) =>
    app.requests.submit(a, id),
  );
  step(
    '/requests/:id/approve',
    'request.approve',
    'Phê duyệt (Văn phòng UBND tỉnh) / approve (Provincial Office)',
    (a, id, b) => app.requests.approve(a, id, b.note ?? ''),
    z.object({ note: z.string().max(2000).optional() }),
  );
  step('/requests/:id/reject', 'request.approve', 'Từ chối, nêu lý do / reject with a reason', (a, id, b) => app.requests.reject(a, id, b.reason ?? ''), z.object({ reason: z.string().max(2000) }));
  step('/requests/:id/withdraw', 'request.file', 'Rút yêu cầu (trước khi phê duyệt) / withdraw (before approval)', (a, id) => app.requests.withdraw(a, id));
  step('/requests/:id/execute', 'request.execute', 'Thực hiện ngay, hoặc thực hiện lại khi lỗi (quản trị hệ thống) / execute now, or retry a failure (sysadmin)', (a, id) =>
    app.requests.execute(a, id),
  );

  r.post(
    '/requests/:id/documents',
    {
      config: { action: 'request.file', target: requestScope('request.file') },
      bodyLimit: Math.ceil((maxDoc * 4) / 3) + 65536,
      schema: {
        tags,
        summary: 'Thêm văn bản làm căn cứ (số, ngày, người ký; bản quét PDF) / add the official document (reference; scanned PDF)',
        security: bearer,
        params: idParams,
        body: documentBody.extend({ filename: z.string().max(200).optional(), contentBase64: z.string().optional().describe('Bản quét PDF, base64 / the scanned PDF, base64') }),
      },
    },
    async (req, reply) => {
      const { filename, contentBase64, ...ref } = req.body;
      const file = contentBase64 ? { filename: filename ?? 'van-ban.pdf', contentType: 'application/pdf', content: Buffer.from(contentBase64, 'base64') } : undefined;
      return reply.code(201).send(await app.requests.addDocument(actorOf(req), req.params.id, ref, file));
    },
  );

  r.get(
    '/requests/:id/documents/:doc',
    {
      config: { action: 'request.read', target: requestScope('request.read') },
      schema: { tags, summary: 'Tải bản quét văn bản / download the scanned document', security: bearer, params: idParams.extend({ doc: z.coerce.number().int().positive() }) },
    },
    async (req, reply) => {
      const f = await app.requests.documentFile(actorOf(req), req.params.id, req.params.doc);
      return reply
        .header('content-type', f.contentType)
        .header('content-disposition', `attachment; filename="${f.filename.replace(/[^\w.-]/g, '_')}"`)
        .send(f.content);
    },
  );

  r.post(
    '/requests/:id/credential',
    {
      config: { action: 'request.file', target: requestScope('request.file') },
      schema: {
        tags,
        summary: 'Nhận mã dùng một lần trao cho cán bộ (thủ trưởng; hiện một lần) / take the one-time credential code (the head; shown once)',
        security: bearer,
        params: idParams,
        body: z.object({ line: z.number().int().positive().default(1) }).nullish(),
      },
    },
    async (req) => app.requests.issueCredential(actorOf(req), req.params.id, req.body?.line ?? 1),
  );

  r.post(
    '/requests/credential/:token',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Cán bộ dùng mã một lần để nhận mật khẩu (phải đổi khi đăng nhập) / redeem the one-time code for a password (changed at first sign-in)',
        params: z.object({ token: z.string().min(20).max(100) }),
      },
    },
    async (req) => app.requests.redeemCredential(req.params.token),
  );
}
