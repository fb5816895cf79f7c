// The authorisation matrix (R5.4), walked over HTTP with fetch: every route of the admin API ×
// every role (and no token), with targets inside and outside the agency head's and clerk's
// scope (Sở Nội vụ vs Sở Tư pháp). Each attempt gets its own fresh target, so a refused
// attempt is refused for its rights alone. Allowed → 2xx; refused → 403 FORBIDDEN; no token → 401;
// a request no role may make (a directory rule refuses it) → 400 with the rule's code for those
// whose scope covers it. Every write names its document (`reason`); without one it is a 400
// (admin-api-directory.test.ts).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startAdminApi, seedProvince, TEST_PASSWORD, type AdminApi, type Province, type Actor } from '../helpers/admin-api.ts';
import { vietnameseMessage } from '../helpers/servers.ts';
import { backends } from '../helpers/harness.ts';
import * as OTPAuth from 'otpauth';
import { hashToken } from '../../src/core/tokens.ts';

const ALL: Actor[] = ['sysadmin', 'directory-manager', 'auditor', 'head-snv', 'clerk-snv', 'user'];
const ADMINS: Actor[] = ['sysadmin', 'directory-manager'];
const IN_SNV_WRITE: Actor[] = [...ADMINS, 'head-snv', 'clerk-snv']; // person writes inside SNV
const IN_SNV_HEAD: Actor[] = [...ADMINS, 'head-snv']; // unit, list, delegation writes inside SNV

interface Attempt {
  path: string;
  body?: unknown;
  contentType?: string;
  token?: string; // instead of the actor's usual token
  after?: () => Promise<void>;
}
interface Case {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  route: string; // as fastify declares it
  allowed: Actor[];
  /** Actors whose scope covers the request but whom a directory rule refuses: 400 with this code. */
  ruleRefuses?: { actors: Actor[]; code: string };
  attempt: (actor: Actor) => Promise<Attempt>;
}

/** Every write carries its authorising document, as the API requires. */
function withReason(method: string, a: Attempt): Attempt {
  if (method === 'GET') return a;
  if (method === 'DELETE' && !a.path.includes('reason=')) return { ...a, path: `${a.path}${a.path.includes('?') ? '&' : '?'}reason=QĐ%20matrix` };
  if (a.body && typeof a.body === 'object' && !('reason' in a.body)) return { ...a, body: { ...a.body, reason: 'QĐ matrix' } };
  if (a.body === undefined && !a.path.startsWith('/api/v1/queue/') && !a.path.startsWith('/api/v1/auth/')) return { ...a, body: { reason: 'QĐ matrix' } };
  return a;
}

for (const backend of backends()) {
  describe(`admin API authorisation matrix (${backend})`, { timeout: 600000 }, () => {
    let api: AdminApi;
    let p: Province;
    let n = 0;
    const ctx = { actor: 'test', reason: 'matrix' };

    // Fresh targets, made through the services (not the API under test).
    /** A letter in SNV's unit mailbox, for the work-queue routes (made once). */
    let workLetterMade: { unit: string; path: string } | null = null;
    const workLetter = async () => {
      if (workLetterMade) return workLetterMade;
      const unit = (await api.t.app.directory.getUnit('SNV'))!.mailbox!;
      const acct = (await api.t.app.accounts.byAddress(unit))!;
      const inbox = (await api.t.app.store.getMailbox(acct.id, 'INBOX'))!;
      const { uid } = await api.t.app.store.append(acct.id, 'INBOX', Buffer.from('Subject: work-queue matrix\r\n\r\nx\r\n'), []);
      return (workLetterMade = { unit, path: `/api/v1/mailboxes/${unit}/work-queue/${inbox.id}/${uid}` });
    };
    /** A fresh Sieve script of the actor's own (a name for the path). */
    const mySieve = async (a: Actor) => {
      const acct = (await api.t.app.accounts.byAddress(p.actors[a]))!;
      const name = `loc${++n}`;
      await api.t.app.sieveScripts.put(acct.id, name, 'keep;', { actor: 'test', owner: acct.username, self: true });
      return name;
    };
    const person = async (unitCode: string | null) => {
      n++;
      const r = await api.t.app.directory.createPerson({ fullName: 'Nguyễn Văn Thử', unitCode, localPart: `thu${n}`, confirmDuplicate: true }, ctx);
      return r.person;
    };
    const unit = async (parentCode: string | null) => {
      n++;
      const r = await api.t.app.directory.createUnit({ code: `T${n}`, name: `Phòng thử ${n}`, abbreviation: `phongthu${n}`, kind: 'department', parentCode, withMailbox: false }, ctx);
      return r.unit;
    };
    const list = async (unitCode: string | null) => {
      n++;
      return api.t.app.lists.create({ address: `ds${n}@kontum.gov.vn`, name: `Danh sách ${n}`, kind: 'static', unitCode }, ctx);
    };
    const leaver = async (unitCode: string) => {
      const pr = await person(unitCode);
      await api.t.app.directory.setPersonStatus(pr.id, 'left', ctx);
      await api.t.app.db.kysely
        .updateTable('people')
        .set({ left_at: Date.now() - 3 * 365 * 24 * 3600 * 1000 })
        .where('id', '=', pr.id)
        .execute();
      return pr;
    };
    const queued = async () => {
      const content = await api.t.app.store.ingest([vietnameseMessage({ from: p.actors.user, to: 'an@remote.test' })]);
      let id = 0;
      id = (await api.t.app.store.commit(content, { copies: [{ remote: { sender: p.actors.user, recipients: ['an@remote.test'], accountId: null } }] })).queued[0];
      return id;
    };
    // A fresh ticket filed by `actor` (through the service), optionally naming a message of theirs (kept until it closes).
    const ticketOf = async (actor: Actor, withMessage = false) => {
      const acct = (await api.t.app.accounts.byAddress(p.actors[actor]))!;
      const reporter = api.t.app.tickets.actorOf(await api.t.app.roles.principal(acct.id));
      let message: { contentId: string } | undefined;
      if (withMessage) {
        const content = await api.t.app.store.ingest([vietnameseMessage({ from: 'x@remote.test', to: p.actors[actor], subject: 'Quảng cáo' })]);
        await api.t.app.store.deliver(content, [{ accountId: acct.id, mailbox: 'INBOX' }]);
        await api.t.app.store.release(content);
        message = { contentId: content.sha256 };
      }
      return (await api.t.app.tickets.file(reporter, { category: 'spam', text: 'Thư rác', message })).id;
    };
    const quarantined = async () => {
      const content = await api.t.app.store.ingest([vietnameseMessage({ from: 'x@remote.test', to: p.actors.user })]);
      try {
        return await api.t.app.quarantine.keep(content, {
          listener: 'inbound',
          sender: 'x@remote.test',
          recipients: [p.actors.user],
          accountId: null,
          virus: 'Eicar-Test-Signature',
          remoteAddress: '192.0.2.1',
          helo: 'x',
          smtpQueueId: 'Q',
        });
      } finally {
        await api.t.app.store.release(content);
      }
    };
    const snvMailbox = async () => (await api.t.app.directory.getUnit('SNV'))!.mailbox!;

    // Requests (issue 11): each attempt gets its own request about a fresh person of SNV-VP, filed by the head (or the clerk), moved on through the service.
    const requestActor = async (actor: Actor) => ({ principal: await api.t.app.roles.principal((await api.t.app.accounts.byAddress(p.actors[actor]))!.id), label: 'test' });
    const requestAt = async (state: 'draft' | 'submitted' | 'scheduled' | 'executed', o: { by?: Actor; kind?: 'update' | 'password-reset'; pdf?: boolean } = {}) => {
      const who = await person('SNV-VP');
      const filer = await requestActor(o.by ?? 'head-snv');
      const payload = o.kind === 'password-reset' ? { person: who.id } : { person: who.id, phone: '0260 3000 000' };
      const id = (await api.t.app.requests.file(filer, { kind: o.kind ?? 'update', payload })).id;
      if (o.pdf)
        await api.t.app.requests.addDocument(
          filer,
          id,
          { number: '1/QĐ', date: '2026-12-01', signer: 'A' },
          { filename: 'qd.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4\n%%EOF\n') },
        );
      if (state === 'draft') return id;
      await api.t.app.requests.submit(await requestActor('head-snv'), id);
      if (state === 'submitted') return id;
      await api.t.app.requests.approve(await requestActor('sysadmin'), id);
      if (state === 'scheduled') return id;
      await api.t.app.requests.execute(await requestActor('sysadmin'), id);
      return id;
    };

    /** An executed handover of a fresh unit of SNV (its mailbox and head made through the services). */
    const handoverAt = async () => {
      n++;
      const u = await api.t.app.directory.createUnit({ code: `HO${n}`, name: `Phòng bàn giao ${n}`, abbreviation: `phongbg${n}`, kind: 'department', parentCode: 'SNV' }, ctx);
      const head = await api.t.app.directory.createPerson({ fullName: 'Lê Thị Tiếp', unitCode: u.unit.code, localPart: `tiep${n}`, confirmDuplicate: true }, ctx);
      const filer = await requestActor('head-snv');
      const id = (await api.t.app.requests.file(filer, { kind: 'handover', payload: { unitCode: u.unit.code, person: head.person.id }, document: { number: '9/QĐ', date: '2026-12-01', signer: 'C' } }))
        .id;
      await api.t.app.requests.submit(filer, id);
      await api.t.app.requests.approve(await requestActor('sysadmin'), id);
      await api.t.app.requests.execute(await requestActor('sysadmin'), id);
      return id;
    };

    const cases: Case[] = [
      // ---- self
      { name: 'log out', method: 'POST', route: '/api/v1/auth/logout', allowed: ALL, attempt: async (a) => ({ path: '/api/v1/auth/logout', token: await api.login(p.actors[a]) }) },
      { name: 'who am I', method: 'GET', route: '/api/v1/me', allowed: ALL, attempt: async () => ({ path: '/api/v1/me' }) },
      { name: 'my sign-ins', method: 'GET', route: '/api/v1/me/sign-ins', allowed: ALL, attempt: async () => ({ path: '/api/v1/me/sign-ins' }) },
      // ---- export and import of a mailbox (issue 14)
      { name: 'export my mail', method: 'GET', route: '/api/v1/me/export', allowed: ALL, attempt: async () => ({ path: '/api/v1/me/export?format=mbox' }) },
      {
        name: 'import into my mailbox',
        method: 'POST',
        route: '/api/v1/me/import',
        allowed: ALL,
        attempt: async () => ({ path: '/api/v1/me/import?format=mbox', body: 'From x@y Sat Jan  3 01:05:34 1996\nSubject: a\n\nb\n\n', contentType: 'application/mbox' }),
      },
      {
        name: "export a person's mailbox in SNV",
        method: 'GET',
        route: '/api/v1/accounts/:id/export',
        allowed: ADMINS,
        attempt: async () => ({ path: `/api/v1/accounts/${(await person('SNV-VP')).accountId}/export?format=zip&reason=QĐ%2012` }),
      },
      {
        name: "import into a person's mailbox in SNV",
        method: 'POST',
        route: '/api/v1/accounts/:id/import',
        allowed: ['sysadmin'],
        attempt: async () => ({
          path: `/api/v1/accounts/${(await person('SNV-VP')).accountId}/import?format=mbox&reason=QĐ%2012`,
          body: 'From x@y Sat Jan  3 01:05:34 1996\nSubject: a\n\nb\n\n',
          contentType: 'application/mbox',
        }),
      },
      {
        name: 'change my password',
        method: 'POST',
        route: '/api/v1/me/password',
        allowed: ALL,
        attempt: async (a) => ({
          path: '/api/v1/me/password',
          body: { currentPassword: TEST_PASSWORD, newPassword: 'Moi#Matkhau27' },
          // a password change ends the account's other sessions: put the password back and sign in again
          after: async () => {
            await api.t.app.accounts.setPassword(p.actors[a], TEST_PASSWORD, 'test');
            p.tokens[a] = await api.login(p.actors[a]);
          },
        }),
      },
      // ---- my second factor, app passwords and sessions (issue 9): everyone, for themself
      { name: 'my second factor', method: 'GET', route: '/api/v1/me/2fa', allowed: ALL, attempt: async () => ({ path: '/api/v1/me/2fa' }) },
      { name: 'enrol a second factor', method: 'POST', route: '/api/v1/me/2fa/enrol', allowed: ALL, attempt: async () => ({ path: '/api/v1/me/2fa/enrol', body: {} }) },
      {
        name: 'confirm a second factor',
        method: 'POST',
        route: '/api/v1/me/2fa/confirm',
        allowed: ALL,
        attempt: async (a) => {
          const acct = (await api.t.app.accounts.byAddress(p.actors[a]))!;
          // the anonymous attempt (as 'user') left one on, without an `after`
          await api.t.app.secondFactor.disable(acct.id, acct.username, 'test').catch(() => {});
          const e = await api.t.app.secondFactor.enrol(acct.id, acct.username);
          const code = (OTPAuth.URI.parse(e.uri) as OTPAuth.TOTP).generate();
          return { path: '/api/v1/me/2fa/confirm', body: { code }, after: async () => api.t.app.secondFactor.disable(acct.id, acct.username, 'test').catch(() => {}) };
        },
      },
      {
        name: 'turn the second factor off',
        method: 'POST',
        route: '/api/v1/me/2fa/disable',
        allowed: ALL,
        attempt: async (a) => {
          const acct = (await api.t.app.accounts.byAddress(p.actors[a]))!;
          // the anonymous attempt (as 'user') left one on, without an `after`
          await api.t.app.secondFactor.disable(acct.id, acct.username, 'test').catch(() => {});
          const e = await api.t.app.secondFactor.enrol(acct.id, acct.username);
          const totp = OTPAuth.URI.parse(e.uri) as OTPAuth.TOTP;
          // turning it on ends the account's other sessions: keep this actor's token, as the API's own confirm does
          await api.t.app.secondFactor.confirm(acct.id, acct.username, totp.generate(), 'test', hashToken(p.tokens[a]));
          const code = totp.generate({ timestamp: Date.now() + 30_000 });
          return { path: '/api/v1/me/2fa/disable', body: { password: TEST_PASSWORD, code }, after: async () => api.t.app.secondFactor.disable(acct.id, acct.username, 'test').catch(() => {}) };
        },
      },
      { name: 'my app passwords', method: 'GET', route: '/api/v1/me/app-passwords', allowed: ALL, attempt: async () => ({ path: '/api/v1/me/app-passwords' }) },
      { name: 'new app password', method: 'POST', route: '/api/v1/me/app-passwords', allowed: ALL, attempt: async () => ({ path: '/api/v1/me/app-passwords', body: { name: 'matrix' } }) },
      {
        name: 'revoke an app password',
        method: 'DELETE',
        route: '/api/v1/me/app-passwords/:id',
        allowed: ALL,
        attempt: async (a) => {
          const acct = (await api.t.app.accounts.byAddress(p.actors[a]))!;
          const ap = await api.t.app.appPasswords.add(acct.id, acct.username, 'matrix', 'test');
          return { path: `/api/v1/me/app-passwords/${ap.id}` };
        },
      },
      // ---- one's own Sieve scripts (everyone)
      { name: 'my Sieve scripts', method: 'GET', route: '/api/v1/me/sieve', allowed: ALL, attempt: async () => ({ path: '/api/v1/me/sieve' }) },
      {
        name: 'one of my Sieve scripts',
        method: 'GET',
        route: '/api/v1/me/sieve/:name',
        allowed: ALL,
        attempt: async (a) => ({ path: `/api/v1/me/sieve/${await mySieve(a)}` }),
      },
      { name: 'store my Sieve script', method: 'PUT', route: '/api/v1/me/sieve/:name', allowed: ALL, attempt: async () => ({ path: `/api/v1/me/sieve/loc${++n}`, body: { script: 'keep;' } }) },
      { name: 'delete my Sieve script', method: 'DELETE', route: '/api/v1/me/sieve/:name', allowed: ALL, attempt: async (a) => ({ path: `/api/v1/me/sieve/${await mySieve(a)}` }) },
      {
        name: 'activate my Sieve script',
        method: 'POST',
        route: '/api/v1/me/sieve/:name/activate',
        allowed: ALL,
        attempt: async (a) => ({ path: `/api/v1/me/sieve/${await mySieve(a)}/activate` }),
      },
      { name: 'deactivate my Sieve scripts', method: 'POST', route: '/api/v1/me/sieve/deactivate', allowed: ALL, attempt: async () => ({ path: '/api/v1/me/sieve/deactivate' }) },
      { name: 'check a Sieve script', method: 'POST', route: '/api/v1/me/sieve/check', allowed: ALL, attempt: async () => ({ path: '/api/v1/me/sieve/check', body: { script: 'keep;' } }) },
      // ---- spam allow / block lists: one's own (everyone), any mailbox's (system administrators)
      { name: 'my spam lists', method: 'GET', route: '/api/v1/me/spam-lists', allowed: ALL, attempt: async () => ({ path: '/api/v1/me/spam-lists' }) },
      {
        name: 'add to my spam lists',
        method: 'POST',
        route: '/api/v1/me/spam-lists',
        allowed: ALL,
        attempt: async () => ({ path: '/api/v1/me/spam-lists', body: { kind: 'allow', entry: 'gialai.example' } }),
      },
      {
        name: 'remove from my spam lists',
        method: 'DELETE',
        route: '/api/v1/me/spam-lists/:entry',
        allowed: ALL,
        attempt: async (a) => {
          const acct = (await api.t.app.accounts.byAddress(p.actors[a]))!;
          await api.t.app.spamLists.set(acct.id, acct.username, 'block', 'rac@quangcao.example', ctx);
          return { path: '/api/v1/me/spam-lists/rac%40quangcao.example' };
        },
      },
      {
        name: "a mailbox's spam lists",
        method: 'GET',
        route: '/api/v1/mailboxes/:address/spam-lists',
        allowed: ['sysadmin'],
        attempt: async () => ({ path: `/api/v1/mailboxes/${p.actors.user}/spam-lists` }),
      },
      {
        name: "add to a mailbox's spam lists",
        method: 'POST',
        route: '/api/v1/mailboxes/:address/spam-lists',
        allowed: ['sysadmin'],
        attempt: async () => ({ path: `/api/v1/mailboxes/${p.actors.user}/spam-lists`, body: { kind: 'block', entry: 'quangcao.example' } }),
      },
      {
        name: "remove from a mailbox's spam lists",
        method: 'DELETE',
        route: '/api/v1/mailboxes/:address/spam-lists/:entry',
        allowed: ['sysadmin'],
        attempt: async () => {
          const acct = (await api.t.app.accounts.byAddress(p.actors.user))!;
          await api.t.app.spamLists.set(acct.id, acct.username, 'allow', 'doitac.example', ctx);
          return { path: `/api/v1/mailboxes/${p.actors.user}/spam-lists/doitac.example` };
        },
      },
      {
        name: 'end all my sessions',
        method: 'POST',
        route: '/api/v1/me/sessions/end',
        allowed: ALL,
        attempt: async (a) => ({
          path: '/api/v1/me/sessions/end',
          // every token of the account ends, this one too: sign in again
          after: async () => {
            p.tokens[a] = await api.login(p.actors[a]);
          },
        }),
      },
      // ---- reading the directory: everyone
      { name: 'search', method: 'GET', route: '/api/v1/directory/search', allowed: ALL, attempt: async () => ({ path: '/api/v1/directory/search?q=hoa' }) },
      { name: 'list units', method: 'GET', route: '/api/v1/units', allowed: ALL, attempt: async () => ({ path: '/api/v1/units?parent=UBND' }) },
      { name: 'read a unit', method: 'GET', route: '/api/v1/units/:code', allowed: ALL, attempt: async () => ({ path: '/api/v1/units/STP' }) },
      { name: 'list people', method: 'GET', route: '/api/v1/people', allowed: ALL, attempt: async () => ({ path: '/api/v1/people?unit=SNV&subtree=true' }) },
      { name: 'read a person', method: 'GET', route: '/api/v1/people/:id', allowed: ALL, attempt: async () => ({ path: `/api/v1/people/${(await person('STP')).id}` }) },
      { name: 'list lists', method: 'GET', route: '/api/v1/lists', allowed: ALL, attempt: async () => ({ path: '/api/v1/lists' }) },
      { name: 'read a list', method: 'GET', route: '/api/v1/lists/:address', allowed: ALL, attempt: async () => ({ path: `/api/v1/lists/${(await list('STP')).address}` }) },
      // ---- units
      {
        name: 'create a unit under SNV',
        method: 'POST',
        route: '/api/v1/units',
        allowed: IN_SNV_HEAD,
        attempt: async () => ({ path: '/api/v1/units', body: { code: `N${++n}`, name: 'Phòng mới', abbreviation: `pm${n}`, kind: 'department', parentCode: 'SNV-VP', withMailbox: false } }),
      },
      {
        name: 'create a unit under STP',
        method: 'POST',
        route: '/api/v1/units',
        allowed: ADMINS,
        attempt: async () => ({ path: '/api/v1/units', body: { code: `N${++n}`, name: 'Phòng mới', abbreviation: `pm${n}`, kind: 'department', parentCode: 'STP', withMailbox: false } }),
      },
      {
        name: 'create a top-level unit',
        method: 'POST',
        route: '/api/v1/units',
        allowed: ADMINS,
        attempt: async () => ({ path: '/api/v1/units', body: { code: `N${++n}`, name: 'Cơ quan mới', abbreviation: `cq${n}`, kind: 'agency', withMailbox: false } }),
      },
      {
        name: 'rename a unit in SNV',
        method: 'PATCH',
        route: '/api/v1/units/:code',
        allowed: IN_SNV_HEAD,
        attempt: async () => ({ path: `/api/v1/units/${(await unit('SNV')).code}`, body: { name: 'Phòng đổi tên', reason: 'QĐ 7' } }),
      },
      {
        name: 'rename a unit in STP',
        method: 'PATCH',
        route: '/api/v1/units/:code',
        allowed: ADMINS,
        attempt: async () => ({ path: `/api/v1/units/${(await unit('STP')).code}`, body: { name: 'Phòng đổi tên' } }),
      },
      {
        name: 'move a unit from SNV to STP',
        method: 'PATCH',
        route: '/api/v1/units/:code',
        allowed: ADMINS,
        attempt: async () => ({ path: `/api/v1/units/${(await unit('SNV')).code}`, body: { parentCode: 'STP' } }),
      },
      {
        name: 'set the head of a unit in SNV',
        method: 'PUT',
        route: '/api/v1/units/:code/head',
        allowed: IN_SNV_HEAD,
        attempt: async () => ({ path: `/api/v1/units/${(await unit('SNV')).code}/head`, body: { personId: null } }),
      },
      {
        name: 'appoint a person of a unit in SNV its head',
        method: 'PUT',
        route: '/api/v1/units/:code/head',
        allowed: IN_SNV_HEAD,
        attempt: async () => {
          const u = await unit('SNV');
          return { path: `/api/v1/units/${u.code}/head`, body: { personId: (await person(u.code)).id } };
        },
      },
      {
        // the unit is in the agency head's scope, the person named is not (security issue 9 item 6)
        name: 'appoint a person of STP head of a unit in SNV',
        method: 'PUT',
        route: '/api/v1/units/:code/head',
        allowed: [],
        ruleRefuses: { actors: ADMINS, code: 'UNIT_HEAD_OUTSIDE' },
        attempt: async () => ({ path: `/api/v1/units/${(await unit('SNV')).code}/head`, body: { personId: (await person('STP-VP')).id } }),
      },
      {
        name: 'set the head of a unit in STP',
        method: 'PUT',
        route: '/api/v1/units/:code/head',
        allowed: ADMINS,
        attempt: async () => ({ path: `/api/v1/units/${(await unit('STP')).code}/head`, body: { personId: null } }),
      },
      // ---- people
      {
        name: 'create a person in SNV',
        method: 'POST',
        route: '/api/v1/people',
        allowed: IN_SNV_WRITE,
        attempt: async () => ({ path: '/api/v1/people', body: { fullName: 'Lê Thị Mới', unitCode: 'SNV-VP', localPart: `moi${++n}`, confirmDuplicate: true } }),
      },
      {
        name: 'create a person in STP',
        method: 'POST',
        route: '/api/v1/people',
        allowed: ADMINS,
        attempt: async () => ({ path: '/api/v1/people', body: { fullName: 'Lê Thị Mới', unitCode: 'STP-VP', localPart: `moi${++n}`, confirmDuplicate: true } }),
      },
      {
        name: 'create a person without a unit',
        method: 'POST',
        route: '/api/v1/people',
        allowed: ADMINS,
        attempt: async () => ({ path: '/api/v1/people', body: { fullName: 'Lê Thị Mới', localPart: `moi${++n}`, confirmDuplicate: true } }),
      },
      {
        name: 'edit a person in SNV',
        method: 'PATCH',
        route: '/api/v1/people/:id',
        allowed: IN_SNV_WRITE,
        attempt: async () => ({ path: `/api/v1/people/${(await person('SNV-VP')).id}`, body: { title: 'Phó Chánh Văn phòng' } }),
      },
      {
        name: 'edit a person in STP (cross-scope)',
        method: 'PATCH',
        route: '/api/v1/people/:id',
        allowed: ADMINS,
        attempt: async () => ({ path: `/api/v1/people/${(await person('STP-VP')).id}`, body: { title: 'Phó Chánh Văn phòng' } }),
      },
      {
        name: 'move a person within SNV',
        method: 'POST',
        route: '/api/v1/people/:id/move',
        allowed: IN_SNV_WRITE,
        attempt: async () => ({ path: `/api/v1/people/${(await person('SNV')).id}/move`, body: { unitCode: 'SNV-VP' } }),
      },
      {
        name: 'move a person from SNV to STP',
        method: 'POST',
        route: '/api/v1/people/:id/move',
        allowed: ADMINS,
        attempt: async () => ({ path: `/api/v1/people/${(await person('SNV')).id}/move`, body: { unitCode: 'STP' } }),
      },
      // ---- mailboxes
      {
        name: 'suspend a mailbox in SNV',
        method: 'PUT',
        route: '/api/v1/people/:id/status',
        allowed: IN_SNV_WRITE,
        attempt: async () => ({ path: `/api/v1/people/${(await person('SNV-VP')).id}/status`, body: { status: 'suspended' } }),
      },
      {
        name: 'remove a mailbox in STP',
        method: 'PUT',
        route: '/api/v1/people/:id/status',
        allowed: ADMINS,
        attempt: async () => ({ path: `/api/v1/people/${(await person('STP-VP')).id}/status`, body: { status: 'left' } }),
      },
      {
        name: 'purge a leaver of SNV after retention',
        method: 'DELETE',
        route: '/api/v1/people/:id',
        allowed: ADMINS,
        attempt: async () => ({ path: `/api/v1/people/${(await leaver('SNV-VP')).id}?reason=QĐ%2099` }),
      },
      {
        name: 'set a password in SNV',
        method: 'PUT',
        route: '/api/v1/people/:id/password',
        allowed: IN_SNV_WRITE,
        attempt: async () => ({ path: `/api/v1/people/${(await person('SNV-VP')).id}/password`, body: { password: 'Dat#Matkhau28' } }),
      },
      {
        name: 'set a password in STP',
        method: 'PUT',
        route: '/api/v1/people/:id/password',
        allowed: ADMINS,
        attempt: async () => ({ path: `/api/v1/people/${(await person('STP-VP')).id}/password`, body: { password: 'Dat#Matkhau28' } }),
      },
      {
        name: 'reset a password in SNV',
        method: 'POST',
        route: '/api/v1/people/:id/password/reset',
        allowed: IN_SNV_WRITE,
        attempt: async () => ({ path: `/api/v1/people/${(await person('SNV-VP')).id}/password/reset` }),
      },
      {
        name: 'reset a password in STP',
        method: 'POST',
        route: '/api/v1/people/:id/password/reset',
        allowed: ADMINS,
        attempt: async () => ({ path: `/api/v1/people/${(await person('STP-VP')).id}/password/reset` }),
      },
      // ---- acting on an account needs a role above every role its holder has
      {
        name: 'reset the password of a sub-unit head in SNV',
        method: 'POST',
        route: '/api/v1/people/:id/password/reset',
        allowed: ADMINS,
        attempt: async () => {
          const u = await unit('SNV');
          const head = await person(u.code);
          await api.t.app.directory.setUnitHead(u.code, head.id, ctx);
          return { path: `/api/v1/people/${head.id}/password/reset` };
        },
      },
      {
        name: 'suspend an auditor sitting in SNV',
        method: 'PUT',
        route: '/api/v1/people/:id/status',
        allowed: ['sysadmin'],
        attempt: async () => {
          const a = await person('SNV-VP');
          await api.t.app.roles.grant(a.email!, 'auditor', null, ctx);
          return { path: `/api/v1/people/${a.id}/status`, body: { status: 'suspended' } };
        },
      },
      {
        name: 'delegate the mailbox of a sysadmin sitting in SNV',
        method: 'PUT',
        route: '/api/v1/mailboxes/:address/delegations/:grantee',
        allowed: ['sysadmin'],
        attempt: async () => {
          const a = await person('SNV-VP');
          await api.t.app.roles.grant(a.email!, 'sysadmin', null, ctx);
          return { path: `/api/v1/mailboxes/${a.email}/delegations/${p.actors['clerk-snv']}`, body: { rights: ['read'] } };
        },
      },
      // ---- delegations
      {
        name: 'read delegations of the SNV mailbox',
        method: 'GET',
        route: '/api/v1/mailboxes/:address/delegations',
        allowed: IN_SNV_WRITE,
        attempt: async () => ({ path: `/api/v1/mailboxes/${await snvMailbox()}/delegations` }),
      },
      {
        name: 'read delegations of a STP mailbox',
        method: 'GET',
        route: '/api/v1/mailboxes/:address/delegations',
        allowed: ADMINS,
        attempt: async () => ({ path: `/api/v1/mailboxes/${p.actors.user}/delegations` }),
      },
      {
        name: 'delegate the SNV mailbox',
        method: 'PUT',
        route: '/api/v1/mailboxes/:address/delegations/:grantee',
        allowed: IN_SNV_HEAD,
        attempt: async () => ({ path: `/api/v1/mailboxes/${await snvMailbox()}/delegations/${(await person('SNV-VP')).email}`, body: { rights: ['read', 'send-on-behalf'] } }),
      },
      {
        name: 'delegate a STP mailbox',
        method: 'PUT',
        route: '/api/v1/mailboxes/:address/delegations/:grantee',
        allowed: ADMINS,
        attempt: async () => ({ path: `/api/v1/mailboxes/${p.actors.user}/delegations/${(await person('STP-VP')).email}`, body: { rights: ['read'] } }),
      },
      {
        name: 'revoke a delegation of the SNV mailbox',
        method: 'DELETE',
        route: '/api/v1/mailboxes/:address/delegations/:grantee',
        allowed: IN_SNV_HEAD,
        attempt: async () => {
          const g = (await person('SNV-VP')).email!;
          await api.t.app.delegations.grant(await snvMailbox(), g, ['read'], ctx);
          return { path: `/api/v1/mailboxes/${await snvMailbox()}/delegations/${g}` };
        },
      },
      {
        name: 'revoke a delegation of a STP mailbox',
        method: 'DELETE',
        route: '/api/v1/mailboxes/:address/delegations/:grantee',
        allowed: ADMINS,
        attempt: async () => {
          const g = (await person('STP-VP')).email!;
          await api.t.app.delegations.grant(p.actors.user, g, ['read'], ctx);
          return { path: `/api/v1/mailboxes/${p.actors.user}/delegations/${g}` };
        },
      },
      // ---- lists
      {
        name: 'create a list of SNV',
        method: 'POST',
        route: '/api/v1/lists',
        allowed: IN_SNV_HEAD,
        attempt: async () => ({ path: '/api/v1/lists', body: { address: `moi${++n}@kontum.gov.vn`, name: 'Toàn Sở', kind: 'unit-members', unitCode: 'SNV' } }),
      },
      {
        name: 'create a list of STP',
        method: 'POST',
        route: '/api/v1/lists',
        allowed: ADMINS,
        attempt: async () => ({ path: '/api/v1/lists', body: { address: `moi${++n}@kontum.gov.vn`, name: 'Toàn Sở', kind: 'unit-members', unitCode: 'STP' } }),
      },
      {
        name: 'create a province-wide list',
        method: 'POST',
        route: '/api/v1/lists',
        allowed: ADMINS,
        attempt: async () => ({ path: '/api/v1/lists', body: { address: `moi${++n}@kontum.gov.vn`, name: 'Lãnh đạo tỉnh', kind: 'static' } }),
      },
      { name: 'remove a list of SNV', method: 'DELETE', route: '/api/v1/lists/:address', allowed: IN_SNV_HEAD, attempt: async () => ({ path: `/api/v1/lists/${(await list('SNV')).address}` }) },
      { name: 'remove a list of STP', method: 'DELETE', route: '/api/v1/lists/:address', allowed: ADMINS, attempt: async () => ({ path: `/api/v1/lists/${(await list('STP')).address}` }) },
      {
        name: 'add a member to a list of SNV',
        method: 'POST',
        route: '/api/v1/lists/:address/members',
        allowed: IN_SNV_HEAD,
        attempt: async () => ({ path: `/api/v1/lists/${(await list('SNV')).address}/members`, body: { member: p.actors.user } }),
      },
      {
        name: 'add a member to a list of STP',
        method: 'POST',
        route: '/api/v1/lists/:address/members',
        allowed: ADMINS,
        attempt: async () => ({ path: `/api/v1/lists/${(await list('STP')).address}/members`, body: { member: p.actors.user } }),
      },
      {
        name: 'remove a member from a list of SNV',
        method: 'DELETE',
        route: '/api/v1/lists/:address/members/:member',
        allowed: IN_SNV_HEAD,
        attempt: async () => {
          const l = await list('SNV');
          await api.t.app.lists.addMember(l.address, p.actors.user, ctx);
          return { path: `/api/v1/lists/${l.address}/members/${p.actors.user}` };
        },
      },
      {
        name: 'remove a member from a list of STP',
        method: 'DELETE',
        route: '/api/v1/lists/:address/members/:member',
        allowed: ADMINS,
        attempt: async () => {
          const l = await list('STP');
          await api.t.app.lists.addMember(l.address, p.actors.user, ctx);
          return { path: `/api/v1/lists/${l.address}/members/${p.actors.user}` };
        },
      },
      // ---- roles
      { name: 'list all role assignments', method: 'GET', route: '/api/v1/roles', allowed: [...ADMINS, 'auditor'], attempt: async () => ({ path: '/api/v1/roles' }) },
      { name: 'list role assignments in SNV', method: 'GET', route: '/api/v1/roles', allowed: [...ADMINS, 'auditor', 'head-snv'], attempt: async () => ({ path: '/api/v1/roles?unit=SNV' }) },
      {
        name: 'grant clerk in SNV',
        method: 'POST',
        route: '/api/v1/roles',
        allowed: ['sysadmin', 'head-snv'],
        attempt: async () => ({ path: '/api/v1/roles', body: { account: (await person('SNV-VP')).email, role: 'agency-clerk', unitCode: 'SNV-VP', reason: 'QĐ 3' } }),
      },
      {
        name: 'grant clerk in STP',
        method: 'POST',
        route: '/api/v1/roles',
        allowed: ['sysadmin'],
        attempt: async () => ({ path: '/api/v1/roles', body: { account: (await person('STP-VP')).email, role: 'agency-clerk', unitCode: 'STP' } }),
      },
      {
        name: 'grant agency head in SNV',
        method: 'POST',
        route: '/api/v1/roles',
        allowed: ['sysadmin'],
        attempt: async () => ({ path: '/api/v1/roles', body: { account: (await person('SNV-VP')).email, role: 'agency-head', unitCode: 'SNV-VP' } }),
      },
      {
        name: 'grant sysadmin',
        method: 'POST',
        route: '/api/v1/roles',
        allowed: ['sysadmin'],
        attempt: async () => ({ path: '/api/v1/roles', body: { account: (await person('SNV-VP')).email, role: 'sysadmin' } }),
      },
      {
        name: 'revoke clerk in SNV',
        method: 'POST',
        route: '/api/v1/roles/revoke',
        allowed: ['sysadmin', 'head-snv'],
        attempt: async () => {
          const email = (await person('SNV-VP')).email!;
          await api.t.app.roles.grant(email, 'agency-clerk', 'SNV-VP', ctx);
          return { path: '/api/v1/roles/revoke', body: { account: email, role: 'agency-clerk', unitCode: 'SNV-VP' } };
        },
      },
      {
        name: 'revoke an auditor',
        method: 'POST',
        route: '/api/v1/roles/revoke',
        allowed: ['sysadmin'],
        attempt: async () => {
          const email = (await person('STP-VP')).email!;
          await api.t.app.roles.grant(email, 'auditor', null, ctx);
          return { path: '/api/v1/roles/revoke', body: { account: email, role: 'auditor' } };
        },
      },
      // ---- audit and history
      { name: 'read the audit log', method: 'GET', route: '/api/v1/audit', allowed: ['sysadmin', 'auditor'], attempt: async () => ({ path: '/api/v1/audit?limit=5' }) },
      { name: 'verify the audit chain', method: 'GET', route: '/api/v1/audit/verify', allowed: ['sysadmin', 'auditor'], attempt: async () => ({ path: '/api/v1/audit/verify' }) },
      {
        name: 'read the history of a person',
        method: 'GET',
        route: '/api/v1/history/:entity/:id',
        allowed: ['sysadmin', 'auditor'],
        attempt: async () => ({ path: `/api/v1/history/person/${(await person('SNV')).id}` }),
      },
      // ---- CSV
      { name: 'export people as CSV', method: 'GET', route: '/api/v1/csv/:kind', allowed: [...ADMINS, 'auditor'], attempt: async () => ({ path: '/api/v1/csv/people' }) },
      {
        name: 'dry-run an import',
        method: 'POST',
        route: '/api/v1/csv/:kind',
        allowed: ADMINS,
        attempt: async () => ({ path: '/api/v1/csv/units?dryRun=true&reason=QĐ%20matrix', body: 'ma,ten,loai,ma_cap_tren\r\nPX,Phòng X,department,SNV\r\n', contentType: 'text/csv' }),
      },
      // ---- quarantine (issue 12): sysadmin; auditors read
      { name: 'list the quarantine', method: 'GET', route: '/api/v1/quarantine', allowed: ['sysadmin', 'auditor'], attempt: async () => ({ path: '/api/v1/quarantine' }) },
      {
        name: 'show a quarantined message',
        method: 'GET',
        route: '/api/v1/quarantine/:id',
        allowed: ['sysadmin', 'auditor'],
        attempt: async () => ({ path: `/api/v1/quarantine/${await quarantined()}` }),
      },
      {
        name: 'release a quarantined message',
        method: 'POST',
        route: '/api/v1/quarantine/:id/release',
        allowed: ['sysadmin'],
        attempt: async () => ({ path: `/api/v1/quarantine/${await quarantined()}/release` }),
      },
      { name: 'delete a quarantined message', method: 'DELETE', route: '/api/v1/quarantine/:id', allowed: ['sysadmin'], attempt: async () => ({ path: `/api/v1/quarantine/${await quarantined()}` }) },
      // ---- incident tickets: every user files and follows their own; ticket.read sees all, ticket.write works them
      { name: 'file a ticket', method: 'POST', route: '/api/v1/tickets', allowed: ALL, attempt: async () => ({ path: '/api/v1/tickets', body: { category: 'fault', text: 'Không gửi được thư' } }) },
      { name: 'list tickets', method: 'GET', route: '/api/v1/tickets', allowed: ALL, attempt: async () => ({ path: '/api/v1/tickets?state=new' }) },
      { name: 'show my ticket', method: 'GET', route: '/api/v1/tickets/:id', allowed: ALL, attempt: async (a) => ({ path: `/api/v1/tickets/${await ticketOf(a)}` }) },
      {
        name: 'reply on my ticket',
        method: 'POST',
        route: '/api/v1/tickets/:id/replies',
        allowed: ALL,
        attempt: async (a) => ({ path: `/api/v1/tickets/${await ticketOf(a)}/replies`, body: { text: 'Bổ sung' } }),
      },
      {
        name: 'close my ticket',
        method: 'POST',
        route: '/api/v1/tickets/:id/state',
        allowed: ALL,
        attempt: async (a) => ({ path: `/api/v1/tickets/${await ticketOf(a)}/state`, body: { action: 'close' } }),
      },
      {
        name: 'read a reported message',
        method: 'GET',
        route: '/api/v1/tickets/:id/message',
        allowed: ['sysadmin', 'auditor'],
        attempt: async () => ({ path: `/api/v1/tickets/${await ticketOf('user', true)}/message` }),
      },
      {
        name: 'assign a ticket',
        method: 'POST',
        route: '/api/v1/tickets/:id/assign',
        allowed: ['sysadmin'],
        attempt: async () => ({ path: `/api/v1/tickets/${await ticketOf('user')}/assign`, body: { assignee: p.actors.sysadmin } }),
      },
      // ---- the unit mailbox's work queue (issue 10): the unit's head and the mailbox's delegates, whatever their role
      {
        name: "a unit mailbox's work queue",
        method: 'GET',
        route: '/api/v1/mailboxes/:address/work-queue',
        allowed: ['head-snv'],
        attempt: async () => ({ path: `/api/v1/mailboxes/${await workLetter().then((w) => w.unit)}/work-queue` }),
      },
      {
        name: 'who may be assigned work',
        method: 'GET',
        route: '/api/v1/mailboxes/:address/work-queue/members',
        allowed: ['head-snv'],
        attempt: async () => ({ path: `/api/v1/mailboxes/${(await workLetter()).unit}/work-queue/members` }),
      },
      {
        name: "one message of a unit's work queue",
        method: 'GET',
        route: '/api/v1/mailboxes/:address/work-queue/:folderId/:uid',
        allowed: ['head-snv'],
        attempt: async () => ({ path: (await workLetter()).path }),
      },
      {
        name: "assign a message of a unit's work queue",
        method: 'PATCH',
        route: '/api/v1/mailboxes/:address/work-queue/:folderId/:uid',
        allowed: ['head-snv'],
        attempt: async () => ({ path: (await workLetter()).path, body: { assignee: p.actors['head-snv'], note: 'matrix' } }),
      },
      // ---- outbound queue
      { name: 'list the queue', method: 'GET', route: '/api/v1/queue', allowed: ['sysadmin'], attempt: async () => ({ path: '/api/v1/queue' }) },
      { name: 'show a queued message', method: 'GET', route: '/api/v1/queue/:id', allowed: ['sysadmin'], attempt: async () => ({ path: `/api/v1/queue/${await queued()}` }) },
      { name: 'retry a queued message', method: 'POST', route: '/api/v1/queue/:id/retry', allowed: ['sysadmin'], attempt: async () => ({ path: `/api/v1/queue/${await queued()}/retry` }) },
      { name: 'hold a queued message', method: 'POST', route: '/api/v1/queue/:id/hold', allowed: ['sysadmin'], attempt: async () => ({ path: `/api/v1/queue/${await queued()}/hold` }) },
      { name: 'release a queued message', method: 'POST', route: '/api/v1/queue/:id/release', allowed: ['sysadmin'], attempt: async () => ({ path: `/api/v1/queue/${await queued()}/release` }) },
      { name: 'delete a queued message', method: 'DELETE', route: '/api/v1/queue/:id', allowed: ['sysadmin'], attempt: async () => ({ path: `/api/v1/queue/${await queued()}` }) },
      // ---- sign-in lockouts
      // ---- issue 12: one's own forwarding (everyone), the free-mail report, sending holds
      { name: 'my forwarding', method: 'GET', route: '/api/v1/me/forwarding', allowed: ALL, attempt: async () => ({ path: '/api/v1/me/forwarding' }) },
      {
        name: 'set my forwarding',
        method: 'PUT',
        route: '/api/v1/me/forwarding',
        allowed: ALL,
        attempt: async () => ({ path: '/api/v1/me/forwarding', body: { address: 'vanthu@gialai.gov.vn', keepCopy: true } }),
      },
      {
        name: 'stop my forwarding',
        method: 'DELETE',
        route: '/api/v1/me/forwarding',
        allowed: ALL,
        attempt: async (a) => {
          const acct = (await api.t.app.accounts.byAddress(p.actors[a]))!;
          await api.t.app.forwarding.set(acct, 'vanthu@gialai.gov.vn', true, 'test');
          return { path: '/api/v1/me/forwarding' };
        },
      },
      {
        name: 'the free-mail report',
        method: 'GET',
        route: '/api/v1/reports/free-mail',
        allowed: ['sysadmin', 'directory-manager', 'auditor'],
        attempt: async () => ({ path: '/api/v1/reports/free-mail?from=2026-01-01&to=2026-12-31' }),
      },
      { name: 'accounts held for sending', method: 'GET', route: '/api/v1/send-limits', allowed: ['sysadmin', 'auditor'], attempt: async () => ({ path: '/api/v1/send-limits' }) },
      {
        name: "an account's sending hold",
        method: 'GET',
        route: '/api/v1/send-limits/:address',
        allowed: ['sysadmin', 'auditor'],
        attempt: async () => ({ path: `/api/v1/send-limits/${p.actors.user}` }),
      },
      {
        name: 'lift a sending hold',
        method: 'POST',
        route: '/api/v1/send-limits/:address/clear',
        allowed: ['sysadmin'],
        attempt: async () => {
          const target = await person('STP');
          const acct = (await api.t.app.accounts.byAddress(target.email!))!;
          await api.t.app.sendLimits.hold(acct, 'test');
          return { path: `/api/v1/send-limits/${acct.username}/clear`, body: {} };
        },
      },
      { name: 'list sign-in lockouts', method: 'GET', route: '/api/v1/security/lockouts', allowed: ['sysadmin', 'auditor'], attempt: async () => ({ path: '/api/v1/security/lockouts' }) },
      {
        name: 'lift a sign-in lockout',
        method: 'POST',
        route: '/api/v1/security/lockouts/lift',
        allowed: ['sysadmin'],
        attempt: async () => ({ path: '/api/v1/security/lockouts/lift', body: { target: '198.51.100.77' } }),
      },
      // ---- the sign-in history of every door, and its hash chain: auditors (and system administrators)
      {
        name: 'list sign-ins',
        method: 'GET',
        route: '/api/v1/security/sign-ins',
        allowed: ['sysadmin', 'auditor'],
        attempt: async () => ({ path: '/api/v1/security/sign-ins?success=false&limit=5' }),
      },
      {
        name: 'verify the sign-in history',
        method: 'GET',
        route: '/api/v1/security/sign-ins/verify',
        allowed: ['sysadmin', 'auditor'],
        attempt: async () => ({ path: '/api/v1/security/sign-ins/verify' }),
      },
      // ---- requests (issue 11): agency heads and clerks file for their subtree, the Provincial Office approves, a sysadmin executes
      {
        name: 'file a request',
        method: 'POST',
        route: '/api/v1/requests',
        allowed: IN_SNV_WRITE,
        attempt: async () => ({ path: '/api/v1/requests', body: { kind: 'update', payload: { person: (await person('SNV-VP')).id, phone: '0260 3111 111' } } }),
      },
      { name: 'list requests', method: 'GET', route: '/api/v1/requests', allowed: [...IN_SNV_WRITE, 'auditor'], attempt: async () => ({ path: '/api/v1/requests?state=draft' }) },
      { name: 'show a request', method: 'GET', route: '/api/v1/requests/:id', allowed: [...IN_SNV_WRITE, 'auditor'], attempt: async () => ({ path: `/api/v1/requests/${await requestAt('draft')}` }) },
      { name: 'submit a request', method: 'POST', route: '/api/v1/requests/:id/submit', allowed: IN_SNV_WRITE, attempt: async () => ({ path: `/api/v1/requests/${await requestAt('draft')}/submit` }) },
      {
        name: 'approve a request',
        method: 'POST',
        route: '/api/v1/requests/:id/approve',
        allowed: ADMINS,
        attempt: async () => ({ path: `/api/v1/requests/${await requestAt('submitted')}/approve`, body: {} }),
      },
      {
        name: 'reject a request',
        method: 'POST',
        route: '/api/v1/requests/:id/reject',
        allowed: ADMINS,
        attempt: async () => ({ path: `/api/v1/requests/${await requestAt('submitted')}/reject`, body: { reason: 'Sai quy định' } }),
      },
      {
        name: 'withdraw a request',
        method: 'POST',
        route: '/api/v1/requests/:id/withdraw',
        allowed: IN_SNV_WRITE,
        attempt: async () => ({ path: `/api/v1/requests/${await requestAt('draft', { by: 'clerk-snv' })}/withdraw` }),
      },
      {
        name: 'execute a request now',
        method: 'POST',
        route: '/api/v1/requests/:id/execute',
        allowed: ['sysadmin'],
        attempt: async () => ({ path: `/api/v1/requests/${await requestAt('scheduled')}/execute` }),
      },
      {
        name: "add a request's document",
        method: 'POST',
        route: '/api/v1/requests/:id/documents',
        allowed: IN_SNV_WRITE,
        attempt: async () => ({ path: `/api/v1/requests/${await requestAt('draft')}/documents`, body: { number: '2/QĐ', date: '2026-12-01', signer: 'B' } }),
      },
      {
        name: "download a request's document",
        method: 'GET',
        route: '/api/v1/requests/:id/documents/:doc',
        allowed: [...IN_SNV_WRITE, 'auditor'],
        attempt: async () => {
          const id = await requestAt('draft', { pdf: true });
          const doc = (await api.t.app.requests.detail(api.t.app.db.kysely, id)).documents[0].id;
          return { path: `/api/v1/requests/${id}/documents/${doc}` };
        },
      },
      // the one-time credential is the head's (and the Provincial Office's) to hand over, not the clerk's
      {
        name: "take a request's one-time credential",
        method: 'POST',
        route: '/api/v1/requests/:id/credential',
        allowed: IN_SNV_HEAD,
        attempt: async () => ({ path: `/api/v1/requests/${await requestAt('executed', { kind: 'password-reset' })}/credential`, body: {} }),
      },
      {
        name: 'print a credential letter',
        method: 'POST',
        route: '/api/v1/requests/:id/credential/letter',
        allowed: IN_SNV_HEAD,
        attempt: async () => ({ path: `/api/v1/requests/${await requestAt('executed', { kind: 'password-reset' })}/credential/letter`, body: {} }),
      },
      // a handover record: the request's readers (and the two heads, tested in requests-documents.test.ts); only the heads acknowledge it
      {
        name: 'read a handover record',
        method: 'GET',
        route: '/api/v1/requests/:id/handover',
        allowed: [...IN_SNV_WRITE, 'auditor'],
        attempt: async () => ({ path: `/api/v1/requests/${await handoverAt()}/handover` }),
      },
      {
        name: 'a handover record as PDF',
        method: 'GET',
        route: '/api/v1/requests/:id/handover.pdf',
        allowed: [...IN_SNV_WRITE, 'auditor'],
        attempt: async () => ({ path: `/api/v1/requests/${await handoverAt()}/handover.pdf` }),
      },
      {
        name: 'acknowledge a handover record',
        method: 'POST',
        route: '/api/v1/requests/:id/handover/acknowledge',
        allowed: [],
        attempt: async () => ({ path: `/api/v1/requests/${await handoverAt()}/handover/acknowledge`, body: {} }),
      },
      // the capacity report (issue 11): the Provincial Office and auditors
      { name: 'capacity report', method: 'GET', route: '/api/v1/reports/capacity', allowed: ['sysadmin', 'directory-manager', 'auditor'], attempt: async () => ({ path: '/api/v1/reports/capacity' }) },
      {
        name: 'capacity report as PDF',
        method: 'GET',
        route: '/api/v1/reports/capacity.pdf',
        allowed: ['sysadmin', 'directory-manager', 'auditor'],
        attempt: async () => ({ path: '/api/v1/reports/capacity.pdf' }),
      },
      {
        name: 'capacity report as CSV',
        method: 'GET',
        route: '/api/v1/reports/capacity.csv',
        allowed: ['sysadmin', 'directory-manager', 'auditor'],
        attempt: async () => ({ path: '/api/v1/reports/capacity.csv' }),
      },
      // the console's own reads (issue 11, 14): mail per day and the last backup for the console's readers; verifying it the sysadmin's and the auditor's
      {
        name: 'mail per day',
        method: 'GET',
        route: '/api/v1/console/mail-per-day',
        allowed: ['sysadmin', 'directory-manager', 'auditor'],
        attempt: async () => ({ path: '/api/v1/console/mail-per-day' }),
      },
      { name: 'the last backup', method: 'GET', route: '/api/v1/backups/last', allowed: ['sysadmin', 'directory-manager', 'auditor'], attempt: async () => ({ path: '/api/v1/backups/last' }) },
      {
        name: 'verify the last backup',
        method: 'POST',
        route: '/api/v1/backups/last/verify',
        allowed: ['sysadmin', 'auditor'],
        attempt: async () => ({ path: '/api/v1/backups/last/verify', body: {} }),
      },
      // retention, legal hold and the journal (issue 14): policies are the sysadmin's; holds and the
      // journal's contents the auditor's alone (separation of duties), both readable by each
      { name: 'retention policies', method: 'GET', route: '/api/v1/retention/policies', allowed: ['sysadmin', 'auditor'], attempt: async () => ({ path: '/api/v1/retention/policies' }) },
      {
        name: 'set a retention policy',
        method: 'POST',
        route: '/api/v1/retention/policies',
        allowed: ['sysadmin'],
        attempt: async () => ({ path: '/api/v1/retention/policies', body: { folder: `Thư mục ${++n}`, kind: 'delete-after-days', amount: 30 } }),
      },
      {
        name: 'remove a retention policy',
        method: 'DELETE',
        route: '/api/v1/retention/policies/:id',
        allowed: ['sysadmin'],
        attempt: async () => ({ path: `/api/v1/retention/policies/${(await api.t.app.retention.set({ folder: `Thư mục ${++n}`, unit: null, kind: 'delete-after-days', amount: 30 }, ctx)).id}` }),
      },
      { name: 'run the retention policies', method: 'POST', route: '/api/v1/retention/run', allowed: ['sysadmin'], attempt: async () => ({ path: '/api/v1/retention/run' }) },
      { name: 'legal holds', method: 'GET', route: '/api/v1/retention/holds', allowed: ['sysadmin', 'auditor'], attempt: async () => ({ path: '/api/v1/retention/holds' }) },
      {
        name: 'put a mailbox under legal hold',
        method: 'POST',
        route: '/api/v1/retention/holds',
        allowed: ['auditor'],
        attempt: async () => ({ path: '/api/v1/retention/holds', body: { mailbox: (await person('SNV-VP')).email } }),
      },
      {
        name: 'release a legal hold',
        method: 'POST',
        route: '/api/v1/retention/holds/:id/release',
        allowed: ['auditor'],
        attempt: async () => ({ path: `/api/v1/retention/holds/${(await api.t.app.legalHold.set({ mailbox: (await person('SNV-VP')).email! }, ctx)).id}/release` }),
      },
      {
        name: 'export a held mailbox',
        method: 'POST',
        route: '/api/v1/retention/holds/export',
        allowed: ['auditor'],
        attempt: async () => ({ path: '/api/v1/retention/holds/export', body: { mailbox: (await person('SNV-VP')).email } }),
      },
      { name: 'journaled units', method: 'GET', route: '/api/v1/retention/journal/units', allowed: ['sysadmin', 'auditor'], attempt: async () => ({ path: '/api/v1/retention/journal/units' }) },
      {
        name: "journal a unit's mail",
        method: 'PUT',
        route: '/api/v1/retention/journal/units/:code',
        allowed: ['sysadmin'],
        attempt: async () => ({ path: `/api/v1/retention/journal/units/${(await unit('SNV')).code}`, body: { keepYears: 5 } }),
      },
      {
        name: 'search the journal',
        method: 'POST',
        route: '/api/v1/retention/journal/search',
        allowed: ['auditor'],
        attempt: async () => ({ path: '/api/v1/retention/journal/search', body: { text: 'giay moi' } }),
      },
      {
        name: 'export from the journal',
        method: 'POST',
        route: '/api/v1/retention/journal/export',
        allowed: ['auditor'],
        attempt: async () => ({ path: '/api/v1/retention/journal/export', body: { text: 'giay moi' } }),
      },
    ];

    beforeAll(async () => {
      api = await startAdminApi({ backend });
      p = await seedProvince(api);
    });
    afterAll(async () => api?.stop());

    it('covers every route the server declares', () => {
      const declared = api.routes.filter((r) => !r.public).map((r) => `${r.method} ${r.url}`);
      const walked = new Set(cases.map((c) => `${c.method} ${c.route}`));
      expect(declared.filter((d) => !walked.has(d))).toEqual([]);
      expect([...walked].filter((w) => !declared.includes(w))).toEqual([]);
    });

    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const outcomes: string[] = [];
      const expected: string[] = [];
      // No token at all: 401 before anything else.
      const anon = withReason(c.method, await c.attempt('user'));
      const r0 = await api.call(null, c.method, anon.path, anon.body, { contentType: anon.contentType });
      outcomes.push(`anonymous ${r0.status}`);
      expected.push('anonymous 401');
      for (const actor of ALL) {
        const a = withReason(c.method, await c.attempt(actor));
        const r = await api.call(a.token ?? p.tokens[actor], c.method, a.path, a.body, { contentType: a.contentType });
        await a.after?.();
        const ok = c.allowed.includes(actor);
        const got =
          r.status >= 200 && r.status < 300
            ? '2xx'
            : r.status === 403 && ['FORBIDDEN', 'REQUEST_NOT_ALLOWED', 'REQUEST_OUT_OF_SCOPE', 'HANDOVER_NOT_A_HEAD'].includes(r.json?.code) // the requests' own refusals name why
              ? '403'
              : r.status === 400 && c.ruleRefuses
                ? `400 ${r.json?.code}`
                : `${r.status} ${r.text.slice(0, 160)}`;
        outcomes.push(`${actor} ${got}`);
        expected.push(`${actor} ${ok ? '2xx' : c.ruleRefuses?.actors.includes(actor) ? `400 ${c.ruleRefuses.code}` : '403'}`);
      }
      expect(outcomes).toEqual(expected);
    });
  });
}
