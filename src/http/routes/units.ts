// The organisation tree: list and read units (everyone), create under a parent, edit, move,
// set the head (unit.write within the caller's subtree; top-level units are province-wide).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ThutinError } from '../../core/errors.ts';
import { changeContext } from '../auth.ts';
import { pathOfUnitCode } from '../targets.ts';
import { zodRouter, bearer, requiredReason, codeParams, type RouteDeps } from './common.ts';

const ms = z.number().int().nullable().optional();

export async function unitRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  const r = zodRouter(server);
  r.get(
    '/units',
    {
      config: { action: 'directory.read' },
      schema: {
        tags: ['units'],
        summary: 'Danh sách đơn vị / list units',
        security: bearer,
        querystring: z.object({ parent: z.string().max(64).optional(), asOf: z.coerce.number().int().optional() }),
      },
    },
    async (req) => ({ units: await app.directory.listUnits({ ...(req.query.parent ? { parentCode: req.query.parent } : {}), ...(req.query.asOf ? { asOf: req.query.asOf } : {}) }) }),
  );

  r.get(
    '/units/:code',
    {
      config: { action: 'directory.read' },
      schema: { tags: ['units'], summary: 'Một đơn vị / one unit', security: bearer, params: codeParams },
    },
    async (req) => {
      const u = await app.directory.getUnit(req.params.code);
      if (!u) throw new ThutinError('UNIT_NOT_FOUND', req.params.code);
      return u;
    },
  );

  r.post(
    '/units',
    {
      config: { action: 'unit.write', target: async (req, a) => ({ unitPath: await pathOfUnitCode(a, (req.body as { parentCode?: string | null }).parentCode) }) },
      schema: {
        tags: ['units'],
        summary: 'Tạo đơn vị / create a unit',
        security: bearer,
        body: z.object({
          code: z.string().min(1).max(64),
          name: z.string().min(1).max(300),
          abbreviation: z.string().max(64).optional(),
          kind: z.string().min(1).max(64),
          parentCode: z.string().max(64).nullable().optional(),
          validFrom: ms,
          validTo: ms,
          withMailbox: z.boolean().optional(),
          reason: requiredReason,
        }),
      },
    },
    async (req, reply) => {
      const { reason: _r, ...input } = req.body;
      const res = await app.directory.createUnit(input, changeContext(req));
      return reply.code(201).send(res);
    },
  );

  r.patch(
    '/units/:code',
    {
      config: {
        action: 'unit.write',
        target: async (req, a) => {
          const { code } = req.params as { code: string };
          const { parentCode } = req.body as { parentCode?: string | null };
          const also = parentCode === undefined ? [] : [parentCode === null ? [] : ((await pathOfUnitCode(a, parentCode)) ?? [])];
          return { unitPath: await pathOfUnitCode(a, code), alsoPaths: also };
        },
      },
      schema: {
        tags: ['units'],
        summary: 'Sửa, chuyển đơn vị / edit or move a unit',
        security: bearer,
        params: codeParams,
        body: z.object({
          name: z.string().min(1).max(300).optional(),
          abbreviation: z.string().max(64).optional(),
          kind: z.string().min(1).max(64).optional(),
          parentCode: z.string().max(64).nullable().optional(),
          validFrom: ms,
          validTo: ms,
          successorCode: z.string().max(64).nullable().optional(),
          reason: requiredReason,
        }),
      },
    },
    async (req) => {
      const { reason: _r, ...patch } = req.body;
      return app.directory.updateUnit(req.params.code, patch, changeContext(req));
    },
  );

  r.put(
    '/units/:code/head',
    {
      config: {
        action: 'unit.write',
        // The unit and the person made its head must both be in the caller's scope.
        target: async (req, a) => {
          const { personId } = req.body as { personId: number | null };
          const person = personId === null ? null : await a.directory.getPerson(personId);
          const also = person?.unitId != null ? [await a.directory.unitPath(person.unitId)] : person ? [[]] : [];
          return { unitPath: await pathOfUnitCode(a, (req.params as { code: string }).code), alsoPaths: also };
        },
      },
      schema: {
        tags: ['units'],
        summary:
          'Đặt thủ trưởng đơn vị (người của đơn vị hoặc đơn vị cấp dưới): bàn giao hộp thư đơn vị, đổi mật khẩu hộp thư đơn vị (trả về một lần: mailboxPassword) / set the unit head (a person of the unit or below): hands over the unit mailbox, rotates its password (returned once: mailboxPassword)',
        security: bearer,
        params: codeParams,
        body: z.object({ personId: z.number().int().positive().nullable(), reason: requiredReason }),
      },
    },
    async (req) => {
      const unit = await app.directory.setUnitHead(req.params.code, req.body.personId, changeContext(req));
      app.tokens.forgetAll(); // agency heads are derived from units.head_person_id
      // The unit mailbox's old password no longer works: its API sessions end too.
      if (unit.mailboxPassword && unit.mailboxAccountId !== null) await app.tokens.revokeAccount(unit.mailboxAccountId);
      return unit;
    },
  );
}
