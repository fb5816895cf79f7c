// The documents of issue 11 over the admin API: a handover's record (JSON and PDF) for the two heads
// and the request's readers, its acknowledgement by either head (audited), the credential letter of
// a joiner or a password reset (a PDF with a fresh one-time code, for the head to print — never
// mailed), and the capacity report (JSON, PDF, CSV; `report.capacity`: sysadmin, directory manager,
// auditor). PDFs are answered `Cache-Control: no-store`: a credential letter holds a secret.
// Owns: these routes.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { capacityReport, capacityCsv } from '../../requests/capacity.ts';
import { renderCapacityReport } from '../../requests/pdf/capacity-report.ts';
import { viDate } from '../../requests/pdf/common.ts';
import { actorOf, requestScope } from './requests.ts';
import { zodRouter, bearer, idParams, type RouteDeps } from './common.ts';

const lineQuery = z.object({ line: z.coerce.number().int().positive().optional() });

function pdf(reply: FastifyReply, body: Buffer, filename: string): Buffer {
  reply.header('content-type', 'application/pdf').header('content-disposition', `inline; filename="${filename}"`).header('cache-control', 'no-store');
  return body;
}

export async function requestDocumentRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  const r = zodRouter(server);
  const tags = ['requests'];

  r.get(
    '/requests/:id/handover',
    {
      // everyone signed in: the service lets the two heads and the request's readers through
      config: { action: 'self.read' },
      schema: { tags, summary: 'Biên bản bàn giao và các xác nhận / the handover record and its acknowledgements', security: bearer, params: idParams, querystring: lineQuery },
    },
    async (req) => app.requests.handover.read(actorOf(req), req.params.id, req.query.line),
  );

  r.get(
    '/requests/:id/handover.pdf',
    {
      config: { action: 'self.read' },
      schema: { tags, summary: 'Biên bản bàn giao (PDF) / the handover record as PDF', security: bearer, params: idParams, querystring: lineQuery },
    },
    async (req, reply) => pdf(reply, await app.requests.handover.pdf(actorOf(req), req.params.id, req.query.line), `bien-ban-ban-giao-${req.params.id}.pdf`),
  );

  r.post(
    '/requests/:id/handover/acknowledge',
    {
      config: { action: 'self.read' },
      schema: {
        tags,
        summary: 'Thủ trưởng bàn giao hoặc tiếp nhận xác nhận biên bản / the outgoing or incoming head acknowledges the record',
        security: bearer,
        params: idParams,
        body: z.object({ line: z.number().int().positive().optional() }).nullish(),
      },
    },
    async (req) => app.requests.handover.acknowledge(actorOf(req), req.params.id, req.body?.line),
  );

  r.post(
    '/requests/:id/credential/letter',
    {
      config: { action: 'request.file', target: requestScope('request.file') },
      schema: {
        tags,
        summary: 'Thư cấp mật khẩu (PDF, mã dùng một lần mới; thủ trưởng in và trao tay) / the credential letter (PDF with a new one-time code; printed by the head)',
        security: bearer,
        params: idParams,
        body: z.object({ line: z.number().int().positive().default(1) }).nullish(),
      },
    },
    async (req, reply) => {
      const l = await app.requests.credentialLetter(actorOf(req), req.params.id, req.body?.line ?? 1, app.config.hostname);
      return pdf(reply, l.pdf, `thu-cap-mat-khau-${req.params.id}.pdf`);
    },
  );

  const report = () => capacityReport(app.consoleStats, app.config.reports, Date.now());
  const reportTags = ['reports'];
  r.get('/reports/capacity', { config: { action: 'report.capacity' }, schema: { tags: reportTags, summary: 'Báo cáo dung lượng / capacity report', security: bearer } }, async () => report());
  r.get(
    '/reports/capacity.pdf',
    { config: { action: 'report.capacity' }, schema: { tags: reportTags, summary: 'Báo cáo dung lượng (PDF) / capacity report as PDF', security: bearer } },
    async (_req, reply) => {
      const x = await report();
      return pdf(reply, await renderCapacityReport(x), `bao-cao-dung-luong-${viDate(x.at).split('/').reverse().join('-')}.pdf`);
    },
  );
  r.get(
    '/reports/capacity.csv',
    { config: { action: 'report.capacity' }, schema: { tags: reportTags, summary: 'Báo cáo dung lượng (CSV, UTF-8 BOM) / capacity report as CSV', security: bearer } },
    async (_req, reply) => {
      const x = await report();
      reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="bao-cao-dung-luong-${viDate(x.at).split('/').reverse().join('-')}.csv"`);
      return capacityCsv(x);
    },
  );
}
