// Role assignments: list (province-wide, or one unit's subtree for an agency head), grant and
// revoke (sysadmin: any role; agency head: agency-clerk within their subtree).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ASSIGNABLE_ROLES } from '../../core/roles.ts';
import { changeContext } from '../auth.ts';
import { pathOfUnitCode } from '../targets.ts';
import { zodRouter, bearer, reason, type RouteDeps } from './common.ts';
import type { TargetResolver } from '../auth.ts';

const assignment = z.object({
  account: z.string().min(3).max(320),
  role: z.enum(ASSIGNABLE_ROLES),
  unitCode: z.string().max(64).nullable().optional(),
  reason,
});

const grantTarget: TargetResolver = async (req, app) => {
  const b = req.body as z.infer<typeof assignment>;
  return { role: b.role, unitPath: await pathOfUnitCode(app, b.unitCode) };
};

export async function roleRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  const r = zodRouter(server);

  r.get(
    '/roles',
    {
      config: { action: 'role.read', target: async (req, a) => ({ unitPath: await pathOfUnitCode(a, (req.query as { unit?: string }).unit) }) },
      schema: {
        tags: ['roles'],
        summary: 'Phân quyền / role assignments',
        security: bearer,
        querystring: z.object({ account: z.string().max(320).optional(), unit: z.string().max(64).optional().describe('chỉ phạm vi đơn vị này / only this subtree') }),
      },
    },
    async (req) => {
      let roles = await app.roles.list(req.query.account);
      if (req.query.unit) {
        const u = await app.directory.getUnit(req.query.unit);
        const ids = new Set(u ? await app.directory.subtreeIds(u.id) : []);
        roles = roles.filter((x) => x.unitId !== null && ids.has(x.unitId));
      }
      return { roles };
    },
  );

  r.post(
    '/roles',
    {
      config: { action: 'role.grant', target: grantTarget },
      schema: { tags: ['roles'], summary: 'Cấp vai trò / grant a role', security: bearer, body: assignment },
    },
    async (req, reply) => {
      await app.roles.grant(req.body.account, req.body.role, req.body.unitCode ?? null, changeContext(req));
      return reply.code(204).send();
    },
  );

  r.post(
    '/roles/revoke',
    {
      config: { action: 'role.grant', target: grantTarget },
      schema: { tags: ['roles'], summary: 'Thu hồi vai trò / revoke a role', security: bearer, body: assignment },
    },
    async (req, reply) => {
      await app.roles.revoke(req.body.account, req.body.role, req.body.unitCode ?? null, changeContext(req));
      return reply.code(204).send();
    },
  );
}
