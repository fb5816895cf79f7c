// The caller's own Sieve scripts over HTTP (issue 13; ManageSieve's commands for web clients):
// GET /me/sieve (list, the active one marked), GET|PUT|DELETE /me/sieve/:name (PUT takes the
// script as a text/plain body or JSON {script}; checked before it is stored, an invalid one is
// 400 SIEVE_INVALID naming its line), POST /me/sieve/:name/activate, POST /me/sieve/deactivate and
// POST /me/sieve/check (text or {script}). All through core/sieve-scripts.ts as the owner (an
// official's own filters are not audited); quota errors are 409 / 413 (http/errors.ts).
// Owns: these routes.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ThutinError } from '../../core/errors.ts';
import type { SieveActor } from '../../core/sieve-scripts.ts';
import { sessionOf } from '../auth.ts';
import { zodRouter, bearer, reason, reasonQuery, type RouteDeps } from './common.ts';

const nameParams = z.object({ name: z.string().min(1).max(512) });
const scriptBody = z.object({ script: z.string(), reason }).strict();

/** The script of a text/plain body, or of JSON {script}. */
function scriptOf(req: FastifyRequest): string {
  if (typeof req.body === 'string') return req.body;
  const parsed = scriptBody.safeParse(req.body);
  if (!parsed.success) throw new ThutinError('VALIDATION_FAILED', 'script');
  return parsed.data.script;
}

function self(req: FastifyRequest): SieveActor {
  const s = sessionOf(req);
  return { actor: `api:${s.username}`, owner: s.username, self: true };
}

export async function sieveRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  const r = zodRouter(server);
  const tags = ['me'];
  const scripts = app.sieveScripts;

  r.get('/me/sieve', { config: { action: 'self.sieve' }, schema: { tags, summary: 'Các kịch bản lọc thư Sieve của tôi / my Sieve scripts', security: bearer } }, async (req) => ({
    scripts: (await scripts.list(sessionOf(req).accountId)).map((x) => ({ name: x.name, active: x.active, size: x.size, updatedAt: new Date(x.updatedAt).toISOString() })),
    limits: { maxScripts: app.config.sieve.maxScripts, maxScriptBytes: app.config.sieve.maxScriptBytes },
  }));

  r.get('/me/sieve/:name', { config: { action: 'self.sieve' }, schema: { tags, summary: 'Một kịch bản Sieve / one Sieve script', security: bearer, params: nameParams } }, async (req) => {
    const id = sessionOf(req).accountId;
    const script = await scripts.get(id, req.params.name);
    const active = (await scripts.list(id)).some((x) => x.name === req.params.name && x.active);
    return { name: req.params.name, active, script };
  });

  r.put(
    '/me/sieve/:name',
    {
      config: { action: 'self.sieve' },
      schema: {
        tags,
        summary: 'Lưu kịch bản Sieve (text/plain hoặc JSON {script}) / store a Sieve script (text/plain or JSON {script})',
        security: bearer,
        params: nameParams,
        querystring: reasonQuery,
      },
    },
    async (req) => {
      const script = scriptOf(req);
      await scripts.put(sessionOf(req).accountId, req.params.name, script, self(req));
      return { name: req.params.name, size: Buffer.byteLength(script) };
    },
  );

  r.delete(
    '/me/sieve/:name',
    { config: { action: 'self.sieve' }, schema: { tags, summary: 'Xoá kịch bản Sieve / delete a Sieve script', security: bearer, params: nameParams, querystring: reasonQuery } },
    async (req, reply) => {
      await scripts.delete(sessionOf(req).accountId, req.params.name, self(req));
      return reply.code(204).send();
    },
  );

  r.post(
    '/me/sieve/:name/activate',
    {
      config: { action: 'self.sieve' },
      schema: { tags, summary: 'Dùng kịch bản này khi nhận thư / make this script the active one', security: bearer, params: nameParams },
    },
    async (req, reply) => {
      await scripts.activate(sessionOf(req).accountId, req.params.name, self(req));
      return reply.code(204).send();
    },
  );

  r.post('/me/sieve/deactivate', { config: { action: 'self.sieve' }, schema: { tags, summary: 'Không dùng kịch bản nào / no active script', security: bearer } }, async (req, reply) => {
    await scripts.activate(sessionOf(req).accountId, null, self(req));
    return reply.code(204).send();
  });

  r.post(
    '/me/sieve/check',
    { config: { action: 'self.sieve' }, schema: { tags, summary: 'Kiểm tra kịch bản Sieve (không lưu) / check a Sieve script (not stored)', security: bearer } },
    async (req) => {
      scripts.check(scriptOf(req));
      return { valid: true };
    },
  );
}
