// Distribution lists: read (everyone), create (in a unit's subtree, or province-wide without a
// unit), remove, add and remove members or allowed senders (list.write on the list's unit).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ThutinError } from '../../core/errors.ts';
import { changeContext } from '../auth.ts';
import { pathOfUnitCode, pathOfUnitId } from '../targets.ts';
import type { App } from '../../app.ts';
import type { Target } from '../../core/policy.ts';
import { zodRouter, bearer, requiredReason, type RouteDeps } from './common.ts';

const listParams = z.object({ address: z.string().min(3).max(320) });
const memberParams = z.object({ address: z.string().min(3).max(320), member: z.string().min(3).max(320) });
const role = z.enum(['member', 'sender']);

async function listTarget(app: App, address: string): Promise<Target> {
  const l = await app.lists.get(address);
  if (!l) throw new ThutinError('LIST_NOT_FOUND', address);
  return { unitPath: await pathOfUnitId(app, l.unitId) };
}

export async function listRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  const r = zodRouter(server);
  const listOf = (req: { params: unknown }) => listTarget(app, (req.params as { address: string }).address);

  r.get(
    '/lists',
    {
      config: { action: 'directory.read' },
      schema: { tags: ['lists'], summary: 'Danh sách thư / distribution lists', security: bearer },
    },
    async () => ({ lists: await app.lists.list() }),
  );

  r.get(
    '/lists/:address',
    {
      config: { action: 'directory.read' },
      schema: { tags: ['lists'], summary: 'Một danh sách thư và thành viên / one list and its members', security: bearer, params: listParams },
    },
    async (req) => {
      const l = await app.lists.get(req.params.address);
      if (!l) throw new ThutinError('LIST_NOT_FOUND', req.params.address);
      return { ...l, members: await app.lists.expand(l.address) };
    },
  );

  r.post(
    '/lists',
    {
      config: { action: 'list.write', target: async (req, a) => ({ unitPath: await pathOfUnitCode(a, (req.body as { unitCode?: string | null }).unitCode) }) },
      schema: {
        tags: ['lists'],
        summary: 'Tạo danh sách thư / create a list',
        security: bearer,
        body: z.object({
          address: z.string().min(3).max(320),
          name: z.string().min(1).max(300),
          kind: z.enum(['static', 'unit-members', 'unit-heads']),
          unitCode: z.string().max(64).nullable().optional(),
          senders: z.enum(['anyone', 'members', 'local', 'listed']).optional(),
          reason: requiredReason,
        }),
      },
    },
    async (req, reply) => {
      const { reason: _r, ...input } = req.body;
      return reply.code(201).send(await app.lists.create(input, changeContext(req)));
    },
  );

  r.delete(
    '/lists/:address',
    {
      config: { action: 'list.write', target: listOf },
      schema: { tags: ['lists'], summary: 'Xoá danh sách thư / remove a list', security: bearer, params: listParams, querystring: z.object({ reason: requiredReason }) },
    },
    async (req, reply) => {
      await app.lists.remove(req.params.address, changeContext(req));
      return reply.code(204).send();
    },
  );

  r.post(
    '/lists/:address/members',
    {
      config: { action: 'list.write', target: listOf },
      schema: {
        tags: ['lists'],
        summary: 'Thêm thành viên / người được gửi / add a member or allowed sender',
        security: bearer,
        params: listParams,
        body: z.object({ member: z.string().min(3).max(320), role: role.optional(), reason: requiredReason }),
      },
    },
    async (req, reply) => {
      await app.lists.addMember(req.params.address, req.body.member, changeContext(req), req.body.role);
      return reply.code(204).send();
    },
  );

  r.delete(
    '/lists/:address/members/:member',
    {
      config: { action: 'list.write', target: listOf },
      schema: {
        tags: ['lists'],
        summary: 'Bỏ thành viên / remove a member',
        security: bearer,
        params: memberParams,
        querystring: z.object({ role: role.optional(), reason: requiredReason }),
      },
    },
    async (req, reply) => {
      await app.lists.removeMember(req.params.address, req.params.member, changeContext(req), req.query.role);
      return reply.code(204).send();
    },
  );
}
