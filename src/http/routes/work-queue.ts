// The unit mailbox as a shared work queue over the API (issue 10, R8.4; core/work-queue.ts):
//   GET   /mailboxes/:address/work-queue                    the queue of a folder (default INBOX), filtered
//                                                          by assignee ('none': nobody) and handled; the members
//   GET   /mailboxes/:address/work-queue/members            who may be assigned (the head, read/manage delegates)
//   GET   /mailboxes/:address/work-queue/:folderId/:uid     one message's item and its history
//   PATCH /mailboxes/:address/work-queue/:folderId/:uid     assign (null: hand back), handled, note
// Every user may call them (`self.read`); the core lets in only the unit's head and the mailbox's
// read/manage delegates (403 FORBIDDEN otherwise) and records each change with who and when.
// Owns: the work-queue routes.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { sessionOf } from '../auth.ts';
import { ThutinError } from '../../core/errors.ts';
import type { WorkCaller } from '../../core/work-queue.ts';
import { zodRouter, bearer, reason, type RouteDeps } from './common.ts';

const address = z.string().min(3).max(320);
const itemParams = z.object({ address, folderId: z.coerce.number().int().positive(), uid: z.coerce.number().int().positive() });

function callerOf(req: FastifyRequest): WorkCaller {
  const s = sessionOf(req);
  return { accountId: s.accountId, address: s.username };
}

export async function workQueueRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  const r = zodRouter(server);
  const tags = ['work-queue'];
  const config = { action: 'self.read' as const };

  /** The folder named by id must be the unit mailbox's (a folder id of another mailbox is not found). */
  async function folderOf(ownerAccountId: number, folderId: number): Promise<number> {
    const f = await app.store.getMailboxById(folderId);
    if (!f || f.accountId !== ownerAccountId) throw new ThutinError('MAILBOX_NOT_FOUND', String(folderId));
    return f.id;
  }

  r.get(
    '/mailboxes/:address/work-queue',
    {
      config,
      schema: {
        tags,
        summary: 'Hàng việc của hộp thư đơn vị / the unit mailbox’s work queue',
        security: bearer,
        params: z.object({ address }),
        querystring: z.object({
          folder: z.string().min(1).max(500).default('INBOX'),
          assignee: z.string().max(320).optional().describe("địa chỉ, hoặc 'none' / an address, or 'none'"),
          handled: z.enum(['true', 'false']).optional(),
        }),
      },
    },
    async (req) => {
      const caller = callerOf(req);
      const access = await app.workQueue.accessByAddress(caller, req.params.address);
      const folder = await app.store.getMailbox(access.ownerAccountId, req.query.folder);
      if (!folder) throw new ThutinError('MAILBOX_NOT_FOUND', req.query.folder);
      const items = await app.workQueue.query(caller, folder.id, {
        ...(req.query.assignee ? { assignee: req.query.assignee } : {}),
        ...(req.query.handled ? { handled: req.query.handled === 'true' } : {}),
      });
      return { mailbox: access.owner, unit: access.unit, isHead: access.isHead, folderId: folder.id, items, members: await app.workQueue.members(caller, access.ownerAccountId) };
    },
  );

  r.get(
    '/mailboxes/:address/work-queue/members',
    { config, schema: { tags, summary: 'Ai có thể được giao việc / who may be assigned', security: bearer, params: z.object({ address }) } },
    async (req) => {
      const caller = callerOf(req);
      const access = await app.workQueue.accessByAddress(caller, req.params.address);
      return { members: await app.workQueue.members(caller, access.ownerAccountId) };
    },
  );

  r.get(
    '/mailboxes/:address/work-queue/:folderId/:uid',
    { config, schema: { tags, summary: 'Một thư trong hàng việc và lịch sử / one message and its history', security: bearer, params: itemParams } },
    async (req) => {
      const caller = callerOf(req);
      const access = await app.workQueue.accessByAddress(caller, req.params.address);
      return { item: await app.workQueue.item(caller, await folderOf(access.ownerAccountId, req.params.folderId), req.params.uid) };
    },
  );

  r.patch(
    '/mailboxes/:address/work-queue/:folderId/:uid',
    {
      config,
      schema: {
        tags,
        summary: 'Giao việc, đánh dấu đã xử lý, ghi chú / assign, mark handled, note',
        security: bearer,
        params: itemParams,
        body: z
          .object({
            assignee: z.string().trim().min(3).max(320).nullable().optional().describe('null: bỏ giao / null: hand back'),
            handled: z.boolean().optional(),
            note: z.string().max(1000).optional(),
            reason,
          })
          .strict(),
      },
    },
    async (req) => {
      const caller = callerOf(req);
      const access = await app.workQueue.accessByAddress(caller, req.params.address);
      const folderId = await folderOf(access.ownerAccountId, req.params.folderId);
      const { reason: _reason, ...patch } = req.body;
      void _reason;
      await app.workQueue.update(caller, folderId, req.params.uid, patch);
      return { item: await app.workQueue.item(caller, folderId, req.params.uid) };
    },
  );
}
