// Directory search for everyone logged in (the province's directory is open to all its
// officials): GET /directory/search?q=… ranked people, units and lists; `inactive=true` also finds
// suspended and departed people (the console's directory management; GET /people lists them to all too).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { zodRouter, bearer, type RouteDeps } from './common.ts';

type Kind = 'person' | 'unit' | 'list';

export async function searchRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  const r = zodRouter(server);
  r.get(
    '/directory/search',
    {
      config: { action: 'directory.read' },
      schema: {
        tags: ['directory'],
        summary: 'Tìm trong danh bạ / search the directory',
        security: bearer,
        querystring: z.object({
          q: z.string().min(1).max(200),
          limit: z.coerce.number().int().min(1).max(200).default(20),
          kinds: z
            .string()
            .regex(/^(person|unit|list)(,(person|unit|list))*$/)
            .optional()
            .describe('person,unit,list'),
          inactive: z.enum(['true', 'false']).optional().describe('cả người tạm khoá, đã nghỉ (như GET /people?status=) / include suspended and departed people (as GET /people?status= does)'),
        }),
      },
    },
    async (req) => {
      const k = req.query.kinds ? (req.query.kinds.split(',') as Kind[]) : undefined;
      const inactive = req.query.inactive === 'true' ? { includeInactive: true } : {};
      return { results: await app.directory.search(req.query.q, { limit: req.query.limit, ...(k ? { kinds: k } : {}), ...inactive }) };
    },
  );
}
