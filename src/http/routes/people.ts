// People (cán bộ) and their personal mailboxes: list and read (everyone), create in a unit (a
// likely duplicate answers 409 with its candidates until confirmed), edit, move to another unit
// (person.write, both ends within the caller's subtree; the answer warns of a vacated headship).
// Every change needs its reason (400 without).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ThutinError } from '../../core/errors.ts';
import { DuplicatePersonError } from '../../directory/service.ts';
import { errorBody } from '../errors.ts';
import { changeContext } from '../auth.ts';
import { pathOfUnitCode, personTarget } from '../targets.ts';
import { zodRouter, bearer, requiredReason, idParams, type RouteDeps } from './common.ts';

export async function peopleRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  const r = zodRouter(server);
  const personOf = (req: { params: unknown }) => personTarget(app, (req.params as { id: number }).id);

  r.get(
    '/people',
    {
      config: { action: 'directory.read' },
      schema: {
        tags: ['people'],
        summary: 'Danh sách cán bộ (thứ tự tiếng Việt) / list people (Vietnamese order)',
        security: bearer,
        querystring: z.object({
          unit: z.string().max(64).optional(),
          subtree: z.enum(['true', 'false']).optional(),
          status: z.enum(['active', 'suspended', 'left']).optional(),
          asOf: z.coerce.number().int().optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          offset: z.coerce.number().int().min(0).default(0),
        }),
      },
    },
    async (req) => {
      const q = req.query;
      const people = await app.directory.listPeople({
        ...(q.unit ? { unitCode: q.unit } : {}),
        ...(q.subtree ? { subtree: q.subtree === 'true' } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.asOf ? { asOf: q.asOf } : {}),
        limit: q.limit,
        offset: q.offset,
      });
      return { people };
    },
  );

  r.get(
    '/people/:id',
    {
      config: { action: 'directory.read' },
      schema: { tags: ['people'], summary: 'Một cán bộ / one person', security: bearer, params: idParams },
    },
    async (req) => {
      const p = await app.directory.getPerson(req.params.id);
      if (!p) throw new ThutinError('NOT_FOUND', `person ${req.params.id}`);
      return p;
    },
  );

  r.post(
    '/people',
    {
      config: { action: 'person.write', target: async (req, a) => ({ unitPath: await pathOfUnitCode(a, (req.body as { unitCode?: string | null }).unitCode) }) },
      schema: {
        tags: ['people'],
        summary: 'Tạo cán bộ và hộp thư / create a person and their mailbox',
        security: bearer,
        body: z.object({
          fullName: z.string().min(1).max(200),
          title: z.string().max(200).optional(),
          unitCode: z.string().max(64).nullable().optional(),
          phone: z.string().max(64).optional(),
          localPart: z.string().max(64).optional(),
          password: z.string().min(1).max(1024).optional(),
          confirmDuplicate: z.boolean().optional().describe('Vẫn thêm khi có thể trùng người đã có / add even if a likely duplicate exists'),
          keepCase: z.boolean().optional().describe('Giữ họ tên viết hoa như đã gõ / keep a name typed in capitals as typed'),
          reason: requiredReason,
        }),
      },
    },
    async (req, reply) => {
      const { reason: _r, ...input } = req.body;
      try {
        return reply.code(201).send(await app.directory.createPerson(input, changeContext(req)));
      } catch (e) {
        // 409 with the people it may be: the caller confirms with confirmDuplicate: true.
        if (e instanceof DuplicatePersonError) return reply.code(409).send({ ...errorBody('PERSON_LIKELY_EXISTS'), candidates: e.candidates });
        throw e;
      }
    },
  );

  r.patch(
    '/people/:id',
    {
      config: { action: 'person.write', target: personOf },
      schema: {
        tags: ['people'],
        summary: 'Sửa thông tin cán bộ / edit a person',
        security: bearer,
        params: idParams,
        body: z.object({
          fullName: z.string().min(1).max(200).optional(),
          title: z.string().max(200).optional(),
          phone: z.string().max(64).optional(),
          keepCase: z.boolean().optional(),
          reason: requiredReason,
        }),
      },
    },
    async (req) => {
      const { reason: _r, ...patch } = req.body;
      return app.directory.updatePerson(req.params.id, patch, changeContext(req));
    },
  );

  r.post(
    '/people/:id/move',
    {
      config: {
        action: 'person.write',
        target: async (req, a) => {
          const t = await personOf(req);
          return { ...t, alsoPaths: [(await pathOfUnitCode(a, (req.body as { unitCode: string }).unitCode)) ?? []] };
        },
      },
      schema: {
        tags: ['people'],
        summary: 'Điều chuyển cán bộ sang đơn vị khác / move a person to another unit',
        security: bearer,
        params: idParams,
        body: z.object({ unitCode: z.string().min(1).max(64), reason: requiredReason }),
      },
    },
    async (req) => app.directory.movePerson(req.params.id, req.body.unitCode, changeContext(req)),
  );
}
