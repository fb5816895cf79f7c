// Owns: the console's own reads (issue 11 R5.9, issue 14) — GET /console/mail-per-day (mail in and
// out per day, core/mail-daily.ts), GET /backups/last (the last backup, its age against
// backup.maxAgeHours, its verification) and POST /backups/last/verify (check that set against its
// manifest now; audited). Readers of the console's numbers (`metrics.read`: sysadmin, directory
// manager, auditor); verifying is the sysadmin's and the auditor's (`security.read`).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { sessionOf } from '../auth.ts';
import { resolveDataPath } from '../../config/config.ts';
import { lastBackup, verifyLastBackup } from '../../backup/last-verify.ts';
import { zodRouter, bearer, type RouteDeps } from './common.ts';

export async function consoleOpsRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  const r = zodRouter(server);
  r.get(
    '/console/mail-per-day',
    {
      config: { action: 'metrics.read' },
      schema: {
        tags: ['meta'],
        summary: 'Thư đến và đi theo ngày / mail in and out per day (oldest first, today last)',
        security: bearer,
        querystring: z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }),
      },
    },
    async (req) => ({ days: await app.mailDaily.lastDays(req.query.days) }),
  );

  r.get(
    '/backups/last',
    {
      config: { action: 'metrics.read' },
      schema: { tags: ['meta'], summary: 'Bản sao lưu gần nhất, tuổi và kết quả kiểm tra / the last backup, its age and verification', security: bearer },
    },
    async () => lastBackup(app.config.dataDir, app.config.backup.maxAgeHours, Date.now()),
  );

  r.post(
    '/backups/last/verify',
    {
      config: { action: 'security.read' },
      schema: {
        tags: ['meta'],
        summary: 'Kiểm tra bản sao lưu gần nhất với bản kê / verify the last backup against its manifest',
        security: bearer,
        body: z.object({ reason: z.string().max(300).optional() }).optional(),
      },
    },
    async (req) => {
      const s = sessionOf(req);
      const passphraseFile = app.config.backup.passphraseFile ? resolveDataPath(app.config, app.config.backup.passphraseFile) : undefined;
      const v = await verifyLastBackup(app.config.dataDir, { passphraseFile, now: Date.now() });
      if (v) await app.audit.record({ actor: `api:${s.username}`, action: 'backup.verify', target: v.set, details: { ok: v.ok, files: v.files, bytes: v.bytes, problems: v.problems.length } });
      return lastBackup(app.config.dataDir, app.config.backup.maxAgeHours, Date.now());
    },
  );
}
