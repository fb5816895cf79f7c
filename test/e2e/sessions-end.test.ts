// Suspend, leave, a password reset and a password change end every open session of the account at
// once, on every protocol: an imapflow session (selected on INBOX) gets BYE and closes, a
// nodemailer SMTP session authenticated on submission gets 421 and closes, an LDAP bind is
// disconnected, API tokens stop working. `person leave` is run by the real CLI in another process
// (the server hears of it through the session-end log it polls). After a reset the new password is
// refused by IMAP (NO [ALERT]), SMTP (535 5.7.8) and LDAP until it is changed through the API.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { ImapFlow } from 'imapflow';
import { thutin as runCli } from '../helpers/cli.ts';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { RawImap } from '../helpers/raw-imap.ts';
import { smtplib, step } from '../../src/smtp/testing/clients.ts';
import { eventually } from '../../src/smtp/testing/clients.ts';
import tls from 'node:tls';
import { decodeResponse, encodeBindRequest } from '../../src/ldap/protocol/client.ts';
import { LdapFramer } from '../../src/ldap/protocol/framer.ts';

/** An LDAPS connection bound as `name`, left open: whether the server has closed it. */
async function ldapBound(port: number, name: string, password: string): Promise<{ code: number; closed: () => boolean }> {
  const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
  let closed = false;
  socket.on('close', () => (closed = true));
  socket.on('error', () => {});
  await new Promise<void>((res, rej) => {
    socket.once('secureConnect', () => res());
    socket.once('error', rej);
  });
  const framer = new LdapFramer();
  const code = await new Promise<number>((resolve) => {
    socket.on('data', (b: Buffer) => {
      for (const m of framer.push(b)) resolve(decodeResponse(m).code ?? -1);
    });
    socket.write(encodeBindRequest(1, name, password));
  });
  return { code, closed: () => closed };
}

/** One simple bind over LDAPS: its result code and diagnostic message. */
async function ldapBind(port: number, name: string, password: string): Promise<{ code: number; message: string }> {
  const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
  await new Promise<void>((res, rej) => {
    socket.once('secureConnect', () => res());
    socket.once('error', rej);
  });
  const framer = new LdapFramer();
  const answer = new Promise<{ code: number; message: string }>((resolve) => {
    socket.on('data', (b: Buffer) => {
      for (const m of framer.push(b)) {
        const d = decodeResponse(m);
        resolve({ code: d.code ?? -1, message: d.message ?? '' });
      }
    });
    socket.on('close', () => resolve({ code: -2, message: 'closed' }));
  });
  socket.write(encodeBindRequest(1, name, password));
  const out = await answer;
  socket.destroy();
  return out;
}

/** The real CLI (test/helpers/cli.ts), its output and errors together. */
async function thutin(dir: string, args: string[]): Promise<{ code: number; out: string }> {
  const r = await runCli(dir, args);
  return { code: r.code, out: r.stdout + r.stderr };
}

interface Open {
  imap: ImapFlow;
  imapClosed: () => boolean;
  smtp: SMTPConnection;
  smtpClosed: () => boolean;
}

describe('every session ends on suspend, leave, password reset and change', { timeout: 300_000 }, () => {
  let r: Running;
  beforeAll(async () => {
    r = await startTestServers({ config: { security: { sessionPollMs: 200 } } });
  });
  afterAll(async () => r?.stop());

  async function person(fullName: string): Promise<{ id: number; address: string }> {
    const p = await r.app.directory.createPerson({ fullName, password: TEST_PASSWORD }, { actor: 'test', reason: 'QĐ 1/2026' });
    return { id: p.person.id, address: p.address };
  }

  async function open(address: string, password = TEST_PASSWORD): Promise<Open> {
    const imap = new ImapFlow({ host: '127.0.0.1', port: r.servers.ports.imaps, secure: true, tls: { rejectUnauthorized: false }, auth: { user: address, pass: password }, logger: false });
    let imapClosed = false;
    imap.on('close', () => (imapClosed = true));
    imap.on('error', () => {});
    await imap.connect();
    await imap.mailboxOpen('INBOX');
    const smtp = new SMTPConnection({ host: '127.0.0.1', port: r.servers.ports.submissionTls, secure: true, tls: { rejectUnauthorized: false } });
    let smtpClosed = false;
    smtp.on('end', () => (smtpClosed = true));
    smtp.on('error', () => {});
    await new Promise<void>((res, rej) => smtp.connect((e?: Error) => (e ? rej(e) : res())));
    await new Promise<void>((res, rej) => smtp.login({ user: address, pass: password }, (e?: Error | null) => (e ? rej(e) : res())));
    return { imap, imapClosed: () => imapClosed, smtp, smtpClosed: () => smtpClosed };
  }

  async function imapLogin(address: string, password: string): Promise<string> {
    const c = await RawImap.connect(r.servers.ports.imaps);
    const out = await c.cmd('l1', `LOGIN ${address} "${password}"`);
    c.close();
    return out;
  }

  async function apiLogin(address: string, password: string): Promise<{ status: number; token?: string; mustChangePassword?: boolean }> {
    const res = await fetch(`http://127.0.0.1:${r.servers.ports.http}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: address, password }),
    });
    return { status: res.status, ...((await res.json()) as { token?: string; mustChangePassword?: boolean }) };
  }

  const me = (token: string) => fetch(`http://127.0.0.1:${r.servers.ports.http}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } }).then((x) => x.status);

  it('`thutin person leave` in another process ends the IMAP and SMTP sessions and the API token', async () => {
    const p = await person('Nguyễn Văn Rời');
    const s = await open(p.address);
    const token = (await apiLogin(p.address, TEST_PASSWORD)).token!;
    expect(await me(token)).toBe(200);
    const res = await thutin(r.dataDir, ['person', 'leave', p.address, '--reason', 'QĐ 15/QĐ-UBND']);
    expect(res.code, res.out).toBe(0);
    await eventually(() => s.imapClosed() && s.smtpClosed(), 10_000, 'sessions closed after leave');
    expect(await me(token)).toBe(401);
    expect(await imapLogin(p.address, TEST_PASSWORD)).toMatch(/^l1 NO \[AUTHENTICATIONFAILED\]/m);
  });

  it('suspending ends the IMAP, SMTP and LDAP sessions at once; the account cannot sign in again', async () => {
    const p = await person('Trần Thị Tạm');
    const s = await open(p.address);
    const ldap = await ldapBound(r.servers.ports.ldaps, p.address, TEST_PASSWORD);
    expect(ldap.code).toBe(0);
    await r.app.directory.setPersonStatus(p.id, 'suspended', { actor: 'test', reason: 'CV 7/2026' });
    await eventually(() => s.imapClosed() && s.smtpClosed() && ldap.closed(), 5000, 'IMAP, SMTP and LDAP sessions closed after suspend');
    const sent = await smtplib(r.servers.ports.submissionTls, [{ op: 'ehlo' }, { op: 'auth', user: p.address, password: TEST_PASSWORD }, { op: 'quit' }], { implicitTls: true });
    expect(step(sent, 'auth').code).toBe(535);
  });

  it('a reset ends the sessions; the new password is refused by IMAP, SMTP and LDAP until changed on the web', async () => {
    const p = await person('Lê Văn Đặt');
    const s = await open(p.address);
    const { password } = await r.app.directory.resetPassword(p.id, { actor: 'test', reason: 'Phiếu 3/2026' });
    await eventually(() => s.imapClosed() && s.smtpClosed(), 5000, 'sessions closed after reset');
    expect(await imapLogin(p.address, TEST_PASSWORD)).toMatch(/^l1 NO \[AUTHENTICATIONFAILED\]/m);
    expect(await imapLogin(p.address, password)).toMatch(/^l1 NO \[ALERT\] Phải đổi mật khẩu trên trang web thư/m);
    const sent = await smtplib(r.servers.ports.submissionTls, [{ op: 'ehlo' }, { op: 'auth', user: p.address, password }, { op: 'quit' }], { implicitTls: true });
    expect(step(sent, 'auth')).toMatchObject({ code: 535 });
    expect(step(sent, 'auth').msg).toMatch(/^5\.7\.8 Phải đổi mật khẩu/);
    expect(await ldapBind(r.servers.ports.ldaps, p.address, password)).toMatchObject({ code: 49, message: expect.stringMatching(/^Phải đổi mật khẩu/) });
    // The web sign-in opens a session that may only change the password …
    const login = await apiLogin(p.address, password);
    expect(login).toMatchObject({ status: 200, mustChangePassword: true });
    const changed = await fetch(`http://127.0.0.1:${r.servers.ports.http}/api/v1/me/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${login.token}` },
      body: JSON.stringify({ currentPassword: password, newPassword: 'Mat#Khau-Moi-2026' }),
    });
    expect(changed.status).toBe(204);
    // … after which every door opens, and the user sees where they signed in.
    expect(await imapLogin(p.address, 'Mat#Khau-Moi-2026')).toMatch(/^l1 OK/m);
    const history = await fetch(`http://127.0.0.1:${r.servers.ports.http}/api/v1/me/sign-ins?limit=10`, { headers: { authorization: `Bearer ${login.token}` } });
    const body = (await history.json()) as { signIns: Array<{ protocol: string; outcome: string; success: boolean }> };
    expect(body.signIns[0]).toMatchObject({ protocol: 'imap', outcome: 'ok', success: true });
    expect(body.signIns.map((x) => x.outcome)).toEqual(expect.arrayContaining(['must-change', 'invalid']));
  });

  it('changing the password through the API ends the open IMAP and SMTP sessions, not the API session that changed it', async () => {
    const p = await person('Phạm Thị Đổi');
    const s = await open(p.address);
    const token = (await apiLogin(p.address, TEST_PASSWORD)).token!;
    const changed = await fetch(`http://127.0.0.1:${r.servers.ports.http}/api/v1/me/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ currentPassword: TEST_PASSWORD, newPassword: 'Mat#Khau-Moi-2027' }),
    });
    expect(changed.status).toBe(204);
    await eventually(() => s.imapClosed() && s.smtpClosed(), 5000, 'sessions closed after the change');
    expect(await me(token)).toBe(200);
  });
});
