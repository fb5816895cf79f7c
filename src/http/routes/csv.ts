// The directory as CSV: export (UTF-8 with BOM, as spreadsheets expect) and import of units or
// people, with a dry run that reports every refused row and applies nothing.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { changeContext } from '../auth.ts';
import { zodRouter, bearer, requiredReason, type RouteDeps } from './common.ts';

const kindParams = z.object({ kind: z.enum(['units', 'people']) });

export async function csvRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  server.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: 20 * 1024 * 1024 }, (_req, body, done) => done(null, body));
  const r = zodRouter(server);

  r.get(
    '/csv/:kind',
    {
      config: { action: 'directory.export' },
      schema: { tags: ['csv'], summary: 'Xuất CSV / export CSV', security: bearer, params: kindParams },
    },
    async (req, reply) => {
      const text = await app.directory.exportCsv(req.params.kind);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="thutin-${req.params.kind}.csv"`)
        .send(text.startsWith('\uFEFF') ? text : `\uFEFF${text}`);
    },
  );

  r.post(
    '/csv/:kind',
    {
      config: { action: 'directory.import' },
      schema: {
        tags: ['csv'],
        summary: 'Nhập CSV (dryRun=true: chỉ kiểm tra) / import CSV (dryRun=true: check only)',
        security: bearer,
        params: kindParams,
        querystring: z.object({ dryRun: z.enum(['true', 'false']).default('true'), reason: requiredReason }),
        body: z.string().max(20 * 1024 * 1024),
      },
    },
    async (req) => app.directory.importCsv(req.params.kind, req.body, { dryRun: req.query.dryRun === 'true' }, changeContext(req)),
  );
}
