// Spam allow / block lists over the API (issue 12, R5.5/R7.7): the caller's own
// (GET|POST /me/spam-lists, DELETE /me/spam-lists/:entry) and, for administrators, any mailbox's
// (GET|POST /mailboxes/:address/spam-lists, DELETE /mailboxes/:address/spam-lists/:entry; writes
// name their document). An entry is a sender address or a domain (core/spam-lists.ts).
// Owns: the spam list routes.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ThutinError } from '../../core/errors.ts';
import type { SpamListEntry } from '../../core/spam-lists.ts';
import { changeContext, sessionOf } from '../auth.ts';
import { mailboxTarget } from '../targets.ts';
import type { App } from '../../app.ts';
import { zodRouter, bearer, reason, reasonQuery, requiredReason, requiredReasonQuery, type RouteDeps } from './common.ts';

const entryBody = z.object({
  kind: z.enum(['allow', 'block']).describe('allow: không bao giờ là thư rác / never spam; block: luôn vào Junk / always Junk'),
  entry: z.string().min(1).max(320).describe('Địa chỉ thư hoặc tên miền / a mail address or a domain'),
});
const entryParam = z.object({ entry: z.string().min(1).max(320) });
const addressParams = z.object({ address: z.string().min(3).max(320) });
const addressEntryParams = z.object({ address: z.string().min(3).max(320), entry: z.string().min(1).max(320) });

const shown = (r: SpamListEntry) => ({ kind: r.kind, entry: r.entry, createdAt: r.createdAt, createdBy: r.createdBy });

async function accountOf(app: App, address: string): Promise<{ id: number; username: string }> {
  const a = await app.accounts.byAddress(app.domains.canonical(address.trim().toLowerCase()));
  if (!a) throw new ThutinError('ACCOUNT_NOT_FOUND', address);
  return a;
}

export async function spamRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  const r = zodRouter(server);

  r.get(
    '/me/spam-lists',
    { config: { action: 'self.spam' }, schema: { tags: ['spam'], summary: 'Danh sách cho phép / chặn thư rác của tôi / my spam allow and block lists', security: bearer } },
    async (req) => ({ entries: (await app.spamLists.list(sessionOf(req).accountId)).map(shown) }),
  );

  r.post(
    '/me/spam-lists',
    {
      config: { action: 'self.spam' },
      schema: { tags: ['spam'], summary: 'Thêm hoặc đổi một mục / add or change an entry', security: bearer, body: entryBody.extend({ reason }) },
    },
    async (req) => {
      const s = sessionOf(req);
      return shown(await app.spamLists.set(s.accountId, s.username, req.body.kind, req.body.entry, changeContext(req)));
    },
  );

  r.delete(
    '/me/spam-lists/:entry',
    { config: { action: 'self.spam' }, schema: { tags: ['spam'], summary: 'Bỏ một mục / remove an entry', security: bearer, params: entryParam, querystring: reasonQuery } },
    async (req, reply) => {
      const s = sessionOf(req);
      await app.spamLists.remove(s.accountId, s.username, req.params.entry, changeContext(req));
      return reply.code(204).send();
    },
  );

  const ownerOf = (req: { params: unknown }) => mailboxTarget(app, (req.params as { address: string }).address);

  r.get(
    '/mailboxes/:address/spam-lists',
    {
      config: { action: 'spam.lists', target: ownerOf },
      schema: { tags: ['spam'], summary: "Danh sách cho phép / chặn thư rác của hộp thư / a mailbox's spam lists", security: bearer, params: addressParams },
    },
    async (req) => {
      const a = await accountOf(app, req.params.address);
      return { entries: (await app.spamLists.list(a.id)).map(shown) };
    },
  );

  r.post(
    '/mailboxes/:address/spam-lists',
    {
      config: { action: 'spam.lists', target: ownerOf },
      schema: { tags: ['spam'], summary: 'Thêm hoặc đổi một mục / add or change an entry', security: bearer, params: addressParams, body: entryBody.extend({ reason: requiredReason }) },
    },
    async (req) => {
      const a = await accountOf(app, req.params.address);
      return shown(await app.spamLists.set(a.id, a.username, req.body.kind, req.body.entry, changeContext(req)));
    },
  );

  r.delete(
    '/mailboxes/:address/spam-lists/:entry',
    {
      config: { action: 'spam.lists', target: ownerOf },
      schema: { tags: ['spam'], summary: 'Bỏ một mục / remove an entry', security: bearer, params: addressEntryParams, querystring: requiredReasonQuery },
    },
    async (req, reply) => {
      const a = await accountOf(app, req.params.address);
      await app.spamLists.remove(a.id, a.username, req.params.entry, changeContext(req));
      return reply.code(204).send();
    },
  );
}
