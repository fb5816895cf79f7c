// Export and import of a mailbox over the API (issue 14): a user's own (GET /me/export, POST
// /me/import) and, for administrators, anyone's in their scope (GET /accounts/:id/export for a
// leaver or a handover, POST /accounts/:id/import; policy actions mailbox.export / mailbox.import,
// a reason required). Exports stream (mbox or zip of .eml: nothing is gathered in memory); an mbox
// import is read as it arrives, a zip is kept in a temporary file first (its directory is at its
// end). Every export and import is in the audit log (src/transfer/service.ts).
// Owns: these routes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { ThutinError } from '../../core/errors.ts';
import { changeContext, sessionOf } from '../auth.ts';
import { mailboxTarget } from '../targets.ts';
import { TransferService, type TransferContext } from '../../transfer/service.ts';
import { zodRouter, bearer, idParams, requiredReason, type RouteDeps } from './common.ts';

/** The largest import accepted over HTTP (larger ones: `thutin import` on the server). */
const MAX_IMPORT = 2 * 1024 * 1024 * 1024;

const exportQuery = z.object({
  format: z.enum(['mbox', 'zip']).default('mbox'),
  folder: z.string().min(1).max(512).optional().describe('chỉ một thư mục / one folder only'),
});
const importQuery = z.object({
  format: z.enum(['mbox', 'zip']).default('mbox'),
  folder: z.string().min(1).max(512).optional().describe('thư mục cho thư không ghi thư mục / folder for messages that name none'),
});

export async function exportRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  const r = zodRouter(server);
  const svc = new TransferService(app);
  // Imports arrive as they are: the route reads the stream itself.
  server.addContentTypeParser(['application/mbox', 'application/zip', 'application/octet-stream'], { bodyLimit: MAX_IMPORT }, (_req, payload, done) => done(null, payload));

  const accountTarget = async (req: { params: unknown }) => {
    const a = await app.accounts.byId((req.params as { id: number }).id);
    if (!a) throw new ThutinError('ACCOUNT_NOT_FOUND', String((req.params as { id: number }).id));
    return mailboxTarget(app, a.username);
  };

  async function sendExport(reply: FastifyReply, accountId: number, format: 'mbox' | 'zip', folder: string | undefined, ctx: TransferContext) {
    const { stream, address } = await svc.exportStream(accountId, format, ctx, { folder });
    const name = `${address}${folder ? '-' + folder.replaceAll('/', '_') : ''}.${format === 'mbox' ? 'mbox' : 'zip'}`;
    reply.header('content-type', format === 'mbox' ? 'application/mbox' : 'application/zip');
    reply.header('content-disposition', `attachment; filename="${name.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`);
    return reply.send(stream);
  }

  async function receive(body: unknown, accountId: number, format: 'mbox' | 'zip', folder: string | undefined, ctx: TransferContext) {
    const stream = body as Readable;
    if (!stream || typeof (stream as Readable).pipe !== 'function') throw new ThutinError('VALIDATION_FAILED', 'body: application/mbox | application/zip');
    if (format === 'mbox') return svc.importMboxStream(accountId, stream, ctx, { folder });
    const tmp = path.join(os.tmpdir(), `thutin-import-${crypto.randomBytes(8).toString('hex')}.zip`);
    try {
      await pipeline(stream, fs.createWriteStream(tmp, { mode: 0o600 }));
      return await svc.importFile(accountId, 'zip', tmp, ctx, { folder });
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }

  r.get(
    '/me/export',
    {
      config: { action: 'self.read' },
      schema: { tags: ['me'], summary: 'Tải thư của tôi (mbox hoặc zip của .eml) / download my mail (mbox or zip of .eml)', security: bearer, querystring: exportQuery },
    },
    async (req, reply) => {
      const s = sessionOf(req);
      return sendExport(reply, s.accountId, req.query.format, req.query.folder, { actor: `api:${s.username}` });
    },
  );

  r.post(
    '/me/import',
    {
      config: { action: 'self.read' },
      bodyLimit: MAX_IMPORT,
      schema: { tags: ['me'], summary: 'Nhập thư vào hộp thư của tôi / import mail into my mailbox', security: bearer, querystring: importQuery },
    },
    async (req) => {
      const s = sessionOf(req);
      return receive(req.body, s.accountId, req.query.format, req.query.folder, { actor: `api:${s.username}` });
    },
  );

  r.get(
    '/accounts/:id/export',
    {
      config: { action: 'mailbox.export', target: accountTarget },
      schema: {
        tags: ['mailboxes'],
        summary: 'Xuất thư của một hộp thư (người nghỉ việc, bàn giao) / export a mailbox (a leaver, a handover)',
        security: bearer,
        params: idParams,
        querystring: exportQuery.extend({ reason: requiredReason }),
      },
    },
    async (req, reply) => sendExport(reply, req.params.id, req.query.format, req.query.folder, changeContext(req)),
  );

  r.post(
    '/accounts/:id/import',
    {
      config: { action: 'mailbox.import', target: accountTarget },
      bodyLimit: MAX_IMPORT,
      schema: {
        tags: ['mailboxes'],
        summary: 'Nhập thư vào một hộp thư / import mail into a mailbox',
        security: bearer,
        params: idParams,
        querystring: importQuery.extend({ reason: requiredReason }),
      },
    },
    async (req) => receive(req.body, req.params.id, req.query.format, req.query.folder, changeContext(req)),
  );
}
