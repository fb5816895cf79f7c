// Owns: the routes of retention policies, legal holds and the journal archive (issue 14), under
// /retention: policies (GET, POST, DELETE /policies[/:id], POST /run: `retention.read` /
// `retention.write`), holds (GET /holds: `hold.read`; POST /holds, POST /holds/:id/release, POST
// /holds/export → application/mbox: `hold.write`, auditors only), the journal (GET /journal/units:
// `retention.read`; PUT /journal/units/:code: `retention.write`; POST /journal/search and POST
// /journal/export → application/mbox: `journal.read`, auditors only, with a required reason).
// Changes name their document (`reason`); the rules and the audit are the core's.
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { changeContext } from '../auth.ts';
import { zodRouter, bearer, idParams, requiredReason, requiredReasonQuery, type RouteDeps } from './common.ts';
import { MAILBOX_TYPES, POLICY_KINDS } from '../../core/retention-policies.ts';

const REASON_WHY = 'Lý do tra cứu (bắt buộc, R10.1) / reason for the search (required, R10.1)';
const journalQuery = z.object({
  unit: z.string().min(1).max(64).optional().describe('mã đơn vị (cả cây con) / unit code (its subtree)'),
  from: z.coerce.number().int().nonnegative().optional().describe('từ (ms) / from (ms since the epoch)'),
  to: z.coerce.number().int().positive().optional().describe('đến (ms, không gồm) / to (ms, exclusive)'),
  people: z.string().max(300).optional().describe('người gửi / nhận, không cần dấu / sender or recipients, diacritics ignored'),
  text: z.string().max(300).optional().describe('chủ đề hoặc nội dung, không cần dấu / subject or body, diacritics ignored'),
  direction: z.enum(['sent', 'received']).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
  reason: requiredReason.describe(REASON_WHY),
});

function mboxReply(stream: AsyncIterable<Buffer>, name: string) {
  return { body: Readable.from(stream), headers: { 'content-type': 'application/mbox', 'content-disposition': `attachment; filename="${name}"`, 'cache-control': 'no-store' } };
}

export async function retentionRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  const r = zodRouter(server);

  r.get('/retention/policies', { config: { action: 'retention.read' }, schema: { tags: ['retention'], summary: 'Chính sách lưu giữ / retention policies', security: bearer } }, async () => ({
    policies: await app.retention.list(),
  }));

  r.post(
    '/retention/policies',
    {
      config: { action: 'retention.write' },
      schema: {
        tags: ['retention'],
        summary: 'Đặt chính sách lưu giữ (cùng thư mục, đơn vị, loại hộp thư, loại: thay N) / set a retention policy (same folder, unit, mailbox type and kind: replaces N)',
        security: bearer,
        body: z.object({
          folder: z.string().min(1).max(200).describe("'*', \\Trash, \\Junk… hoặc tên thư mục / or a folder name"),
          unit: z.string().min(1).max(64).optional().describe('mã đơn vị (cả cây con); không có: toàn tỉnh / unit code (its subtree); absent: the province'),
          mailboxType: z.enum(MAILBOX_TYPES).optional(),
          kind: z.enum(POLICY_KINDS),
          amount: z.number().int().min(1).max(100_000),
          reason: requiredReason,
        }),
      },
    },
    async (req) => app.retention.set({ folder: req.body.folder, unit: req.body.unit ?? null, mailboxType: req.body.mailboxType, kind: req.body.kind, amount: req.body.amount }, changeContext(req)),
  );

  r.delete(
    '/retention/policies/:id',
    {
      config: { action: 'retention.write' },
      schema: { tags: ['retention'], summary: 'Bỏ chính sách lưu giữ / remove a retention policy', security: bearer, params: idParams, querystring: requiredReasonQuery },
    },
    async (req, reply) => {
      await app.retention.remove(req.params.id, changeContext(req));
      return reply.code(204).send();
    },
  );

  r.post(
    '/retention/run',
    { config: { action: 'retention.write' }, schema: { tags: ['retention'], summary: 'Chạy các chính sách lưu giữ ngay / run the retention policies now', security: bearer } },
    async (req) => app.retention.run({ actor: changeContext(req).actor }),
  );

  r.get(
    '/retention/holds',
    {
      config: { action: 'hold.read' },
      schema: {
        tags: ['retention'],
        summary: 'Phong toả pháp lý / legal holds',
        security: bearer,
        querystring: z.object({ all: z.coerce.boolean().default(false).describe('cả lệnh đã gỡ / released ones too') }),
      },
    },
    async (req) => ({ holds: await app.legalHold.list({ all: req.query.all }) }),
  );

  r.post(
    '/retention/holds',
    {
      config: { action: 'hold.write' },
      schema: {
        tags: ['retention'],
        summary: 'Phong toả pháp lý một hộp thư hoặc một đơn vị (kiểm toán viên) / put a mailbox or a unit under legal hold (auditors)',
        security: bearer,
        body: z
          .object({ mailbox: z.string().min(3).max(320).optional(), unit: z.string().min(1).max(64).optional(), reason: requiredReason })
          .refine((b) => !!b.mailbox !== !!b.unit, 'mailbox hoặc / or unit'),
      },
    },
    async (req) => app.legalHold.set({ mailbox: req.body.mailbox, unit: req.body.unit }, changeContext(req)),
  );

  r.post(
    '/retention/holds/:id/release',
    {
      config: { action: 'hold.write' },
      schema: { tags: ['retention'], summary: 'Gỡ phong toả pháp lý / release a legal hold', security: bearer, params: idParams, body: z.object({ reason: requiredReason }) },
    },
    async (req) => app.legalHold.release(req.params.id, changeContext(req)),
  );

  r.post(
    '/retention/holds/export',
    {
      config: { action: 'hold.write' },
      schema: {
        tags: ['retention'],
        summary: 'Xuất hộp thư đang phong toả (mboxrd: thư hiện có và thư đã giữ lại) / export a held mailbox (mboxrd: what it holds and what was kept)',
        security: bearer,
        body: z.object({ mailbox: z.string().min(3).max(320), reason: requiredReason }),
      },
    },
    async (req, reply) => {
      const e = await app.legalHold.exportMailbox(req.body.mailbox, changeContext(req));
      const m = mboxReply(e.stream, `${req.body.mailbox}.mbox`);
      return reply.headers({ ...m.headers, 'x-thutin-messages': String(e.messages), 'x-thutin-kept': String(e.kept) }).send(m.body);
    },
  );

  r.get(
    '/retention/journal/units',
    { config: { action: 'retention.read' }, schema: { tags: ['retention'], summary: 'Đơn vị lưu nhật ký thư / units whose mail is journaled', security: bearer } },
    async () => ({ units: await app.journal.list() }),
  );

  r.put(
    '/retention/journal/units/:code',
    {
      config: { action: 'retention.write' },
      schema: {
        tags: ['retention'],
        summary: 'Bật / tắt lưu nhật ký thư của một đơn vị / journal a unit’s mail, or stop',
        security: bearer,
        params: z.object({ code: z.string().min(1).max(64) }),
        body: z.object({ keepYears: z.number().int().min(1).max(100), enabled: z.boolean().default(true), reason: requiredReason }),
      },
    },
    async (req) => app.journal.setUnit(req.params.code, { keepYears: req.body.keepYears, enabled: req.body.enabled }, changeContext(req)),
  );

  r.post(
    '/retention/journal/search',
    {
      config: { action: 'journal.read' },
      schema: { tags: ['retention'], summary: 'Tra cứu nhật ký thư (ghi nhật ký kiểm toán kèm lý do) / search the journal (audited with its reason)', security: bearer, body: journalQuery },
    },
    async (req) => {
      const { reason: _r, ...q } = req.body;
      void _r;
      return { entries: await app.journal.search(q, changeContext(req)) };
    },
  );

  r.post(
    '/retention/journal/export',
    {
      config: { action: 'journal.read' },
      schema: {
        tags: ['retention'],
        summary: 'Xuất kết quả tra cứu nhật ký thư (mboxrd) / export what a journal search finds (mboxrd)',
        security: bearer,
        body: journalQuery.extend({ ids: z.array(z.number().int().positive()).max(10_000).optional() }),
      },
    },
    async (req, reply) => {
      const { reason: _r, ...q } = req.body;
      void _r;
      const e = await app.journal.export(q, changeContext(req));
      const m = mboxReply(e.stream, 'journal.mbox');
      return reply.headers({ ...m.headers, 'x-thutin-messages': String(e.count) }).send(m.body);
    },
  );
}
