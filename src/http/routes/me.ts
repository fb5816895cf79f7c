// The caller themself: GET /me (account, roles, directory entry, mailboxes delegated to them), POST /me/password (the one
// call a token with an expired password may make; it ends the account's other sessions on every protocol),
// GET /me/sign-ins (recent sign-ins at every door: time, protocol, address, client, outcome);
// the second factor (GET /me/2fa, POST /me/2fa/enrol|confirm|disable), app passwords
// (GET|POST /me/app-passwords, DELETE /me/app-passwords/:id) and POST /me/sessions/end.
// Owns: the caller's own account routes.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ThutinError } from '../../core/errors.ts';
import { sessionOf } from '../auth.ts';
import { hashToken } from '../../core/tokens.ts';
import { zodRouter, bearer, type RouteDeps } from './common.ts';

export async function meRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  const r = zodRouter(server);
  r.get(
    '/me',
    {
      config: { action: 'self.read' },
      schema: { tags: ['me'], summary: 'Thông tin của tôi / who am I', security: bearer },
    },
    async (req) => {
      const s = sessionOf(req);
      const person = await app.directory.personByAccount(s.accountId);
      const shared = await app.delegations.sharedWith(s.accountId);
      // sendHold: held for bursting past the sending limits (issue 12), null when not.
      const sendHold = await app.sendLimits.holdOf(s.accountId);
      return { accountId: s.accountId, username: s.username, roles: s.principal.roles, person, shared, sendHold, expiresAt: s.expiresAt };
    },
  );

  r.post(
    '/me/password',
    {
      config: { action: 'self.password', whilePasswordExpired: true },
      schema: {
        tags: ['me'],
        summary: 'Đổi mật khẩu / change my password',
        security: bearer,
        body: z.object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(1).max(1024) }),
      },
    },
    async (req, reply) => {
      const s = sessionOf(req);
      // Checked like any sign-in (throttled): a stolen token cannot guess the password.
      const ok = await app.signIn.checkPassword({ protocol: 'http', remote: req.ip, login: s.username, password: req.body.currentPassword });
      if (!ok.ok && ok.reason === 'throttled') throw new ThutinError('TOO_MANY_ATTEMPTS');
      if (!ok.ok || ok.account.id !== s.accountId) throw new ThutinError('CURRENT_PASSWORD_WRONG');
      if (req.body.newPassword === req.body.currentPassword) throw new ThutinError('PASSWORD_UNCHANGED');
      // Every other session ends, on every protocol; this one goes on.
      await app.accounts.setPassword(s.username, req.body.newPassword, `api:${s.username}`, { keepTokenHash: req.bearer ? hashToken(req.bearer) : undefined });
      return reply.code(204).send();
    },
  );

  r.get(
    '/me/sign-ins',
    {
      config: { action: 'self.read' },
      schema: {
        tags: ['me'],
        summary: 'Các lần đăng nhập gần đây của tôi / my recent sign-ins',
        security: bearer,
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(500).default(50),
          before: z.coerce.number().int().positive().optional().describe('id: trang tiếp theo / next page'),
        }),
      },
    },
    async (req) => {
      const s = sessionOf(req);
      const rows = await app.signIn.history(s.accountId, req.query.limit, req.query.before);
      return { signIns: rows.map((x) => ({ id: x.id, at: x.at, protocol: x.protocol, address: x.address, client: x.client, success: x.success, outcome: x.outcome })) };
    },
  );

  await meSecurityRoutes(server, { app } as RouteDeps);
}

/** The second factor, app passwords and ending every session of the caller (issue 9). */
export async function meSecurityRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  const r = zodRouter(server);
  const tags = ['me'];

  r.get('/me/2fa', { config: { action: 'self.read' }, schema: { tags, summary: 'Trạng thái xác thực hai lớp / my second factor', security: bearer } }, async (req) =>
    app.secondFactor.status(sessionOf(req).accountId),
  );

  r.post(
    '/me/2fa/enrol',
    { config: { action: 'self.password' }, schema: { tags, summary: 'Bắt đầu bật xác thực hai lớp / start enrolling a TOTP second factor', security: bearer } },
    async (req, reply) => {
      const s = sessionOf(req);
      // The secret is shown this once (and never logged); it is stored encrypted.
      const e = await app.secondFactor.enrol(s.accountId, s.username);
      reply.header('cache-control', 'no-store');
      return { secret: e.secret, uri: e.uri };
    },
  );

  r.post(
    '/me/2fa/confirm',
    {
      config: { action: 'self.password' },
      schema: { tags, summary: 'Xác nhận bằng mã đầu tiên / confirm with a first code', security: bearer, body: z.object({ code: z.string().min(1).max(64) }) },
    },
    async (req, reply) => {
      const s = sessionOf(req);
      const c = await app.secondFactor.confirm(s.accountId, s.username, req.body.code, `api:${s.username}`, req.bearer ? hashToken(req.bearer) : undefined);
      app.tokens.forgetAccount(s.accountId);
      reply.header('cache-control', 'no-store');
      return { enabled: true, recoveryCodes: c.recoveryCodes };
    },
  );

  r.post(
    '/me/2fa/disable',
    {
      config: { action: 'self.password' },
      schema: {
        tags,
        summary: 'Tắt xác thực hai lớp / turn the second factor off',
        security: bearer,
        body: z.object({ password: z.string().min(1).max(1024), code: z.string().min(1).max(64), reason: z.string().max(500).optional() }),
      },
    },
    async (req, reply) => {
      const s = sessionOf(req);
      // Password and code checked like a sign-in: throttled, recorded, a code used once.
      const ok = await app.signIn.signIn({ protocol: 'http', remote: req.ip, login: s.username, password: req.body.password, secondFactorCode: req.body.code, allowMustChange: true });
      if (!ok.ok && ok.reason === 'throttled') throw new ThutinError('TOO_MANY_ATTEMPTS');
      if (!ok.ok && ok.reason === 'invalid' && ok.hint === 'second-factor-invalid') throw new ThutinError('SECOND_FACTOR_INVALID');
      if (!ok.ok || ok.account.id !== s.accountId) throw new ThutinError('CURRENT_PASSWORD_WRONG');
      await app.secondFactor.disable(s.accountId, s.username, `api:${s.username}`, req.body.reason);
      return reply.code(204).send();
    },
  );

  r.get('/me/app-passwords', { config: { action: 'self.read' }, schema: { tags, summary: 'Mật khẩu ứng dụng của tôi / my app passwords', security: bearer } }, async (req) => ({
    appPasswords: await app.appPasswords.list(sessionOf(req).accountId),
  }));

  r.post(
    '/me/app-passwords',
    {
      config: { action: 'self.password' },
      schema: { tags, summary: 'Tạo mật khẩu ứng dụng (chỉ hiện một lần) / new app password (shown once)', security: bearer, body: z.object({ name: z.string().min(1).max(100) }) },
    },
    async (req, reply) => {
      const s = sessionOf(req);
      const p = await app.appPasswords.add(s.accountId, s.username, req.body.name, `api:${s.username}`);
      reply.header('cache-control', 'no-store');
      return reply.code(201).send(p);
    },
  );

  r.delete(
    '/me/app-passwords/:id',
    {
      config: { action: 'self.password' },
      schema: { tags, summary: 'Thu hồi mật khẩu ứng dụng / revoke an app password', security: bearer, params: z.object({ id: z.coerce.number().int().positive() }) },
    },
    async (req, reply) => {
      const s = sessionOf(req);
      await app.appPasswords.revoke(s.accountId, s.username, req.params.id, `api:${s.username}`);
      return reply.code(204).send();
    },
  );

  r.post(
    '/me/sessions/end',
    {
      config: { action: 'self.password', whilePasswordExpired: true },
      schema: { tags, summary: 'Kết thúc mọi phiên của tôi (kể cả phiên này) / end all my sessions (this one too)', security: bearer },
    },
    async (req, reply) => {
      const s = sessionOf(req);
      // Every protocol, every process; this API token too (the caller signs in again).
      await app.sessions.endAll(s.accountId, 'user');
      app.tokens.forgetAccount(s.accountId);
      await app.audit.record({ actor: `api:${s.username}`, action: 'account.sessions-end', target: s.username, details: { remote: req.ip } });
      return reply.code(204).send();
    },
  );
}
