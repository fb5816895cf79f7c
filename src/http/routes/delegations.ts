// Who may use a mailbox (R8.2–R8.4): list, grant (replacing the grantee's rights) and revoke
// delegations on a mailbox; the scope is the unit of the mailbox's owner (a person or a unit).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { changeContext } from '../auth.ts';
import { mailboxTarget } from '../targets.ts';
import { zodRouter, bearer, requiredReason, requiredReasonQuery, type RouteDeps } from './common.ts';

const ownerParams = z.object({ address: z.string().min(3).max(320) });
const pairParams = z.object({ address: z.string().min(3).max(320), grantee: z.string().min(3).max(320) });

export async function delegationRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  const r = zodRouter(server);
  const ownerOf = (req: { params: unknown }) => mailboxTarget(app, (req.params as { address: string }).address);

  r.get(
    '/mailboxes/:address/delegations',
    {
      config: { action: 'delegation.read', target: ownerOf },
      schema: { tags: ['delegations'], summary: 'Ai được dùng hộp thư này / who may use this mailbox', security: bearer, params: ownerParams },
    },
    async (req) => ({ delegations: await app.delegations.list(req.params.address) }),
  );

  r.put(
    '/mailboxes/:address/delegations/:grantee',
    {
      config: { action: 'delegation.write', target: ownerOf },
      schema: {
        tags: ['delegations'],
        summary: 'Uỷ quyền (thay quyền cũ) / delegate (replaces earlier rights)',
        security: bearer,
        params: pairParams,
        body: z.object({ rights: z.array(z.enum(['read', 'send-as', 'send-on-behalf', 'manage'])).min(1), reason: requiredReason }),
      },
    },
    async (req, reply) => {
      await app.delegations.grant(req.params.address, req.params.grantee, req.body.rights, changeContext(req));
      return reply.code(204).send();
    },
  );

  r.delete(
    '/mailboxes/:address/delegations/:grantee',
    {
      config: { action: 'delegation.write', target: ownerOf },
      schema: { tags: ['delegations'], summary: 'Thu hồi uỷ quyền / revoke a delegation', security: bearer, params: pairParams, querystring: requiredReasonQuery },
    },
    async (req, reply) => {
      await app.delegations.revoke(req.params.address, req.params.grantee, changeContext(req));
      return reply.code(204).send();
    },
  );
}
