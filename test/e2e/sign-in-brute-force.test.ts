// Brute force at every door, over real sockets: 100 connections from 100 loopback addresses guess
// one account's password over IMAP (LOGIN), SMTP submission (AUTH PLAIN), LDAP (simple bind) and the
// HTTP API login. Whatever the protocol, at most 10 passwords of an account are checked (counted in
// the sign-in history, which records every checked attempt), the others are refused unchecked
// (IMAP [UNAVAILABLE], SMTP 454 4.7.0, LDAP "Quá nhiều lần…", HTTP 429), the right password keeps
// working from the address the account usually signs in from, and one client address gets at most
// 100 checks however many accounts it tries.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import net from 'node:net';
import tls from 'node:tls';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { backends } from '../helpers/harness.ts';
import { decodeResponse, encodeBindRequest } from '../../src/ldap/protocol/client.ts';
import { LdapFramer } from '../../src/ldap/protocol/framer.ts';

const CONNECTIONS = 100;
const from = (i: number) => `127.0.1.${i + 1}`; // one loopback address per attacking connection

/** A TLS line conversation from a given local address: send a line, read until `done` matches. */
class Line {
  private buf = '';
  private wake: (() => void) | null = null;
  closed = false;
  private constructor(private readonly socket: tls.TLSSocket) {
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      this.buf += d;
      this.wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
    socket.on('error', () => {});
  }
  static async open(port: number, localAddress: string): Promise<Line> {
    const socket = tls.connect({ socket: net.connect({ host: '127.0.0.1', port, localAddress }), rejectUnauthorized: false });
    await new Promise<void>((res, rej) => {
      socket.once('secureConnect', () => res());
      socket.once('error', rej);
    });
    return new Line(socket);
  }
  async read(done: RegExp, timeoutMs = 20_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const m = done.exec(this.buf);
      if (m) {
        const out = this.buf.slice(0, m.index + m[0].length);
        this.buf = this.buf.slice(m.index + m[0].length);
        return out;
      }
      if (this.closed) return `(closed) ${this.buf}`;
      if (Date.now() > until) throw new Error(`timeout waiting for ${done}: ${this.buf}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 200);
        this.wake = () => {
          clearTimeout(t);
          r();
        };
      });
    }
  }
  async say(line: string, done: RegExp): Promise<string> {
    this.socket.write(line + '\r\n');
    return this.read(done);
  }
  close(): void {
    this.socket.destroy();
  }
}

async function ldapBind(port: number, localAddress: string, name: string, password: string): Promise<{ code: number; message: string }> {
  const raw = net.connect({ port, host: '127.0.0.1', localAddress });
  const socket = tls.connect({ socket: raw, rejectUnauthorized: false });
  await new Promise<void>((res, rej) => {
    socket.once('secureConnect', () => res());
    socket.once('error', rej);
  });
  const framer = new LdapFramer();
  const answer = new Promise<{ code: number; message: string }>((resolve) => {
    socket.on('data', (b: Buffer) => {
      for (const m of framer.push(b)) {
        const r = decodeResponse(m);
        resolve({ code: r.code ?? -1, message: r.message ?? '' });
      }
    });
    socket.on('close', () => resolve({ code: -2, message: 'closed' }));
  });
  socket.write(encodeBindRequest(1, name, password));
  const r = await answer;
  socket.destroy();
  return r;
}

for (const backend of backends())
  describe(`brute force at every door (${backend})`, { timeout: 300_000 }, () => {
    let r: Running;
    let checked: (login: string) => Promise<number>;
    beforeAll(async () => {
      r = await startTestServers({ backend, config: { imap: { maxConnectionsPerIp: 1000 }, smtp: { maxConnectionsPerIp: 1000 }, ldap: { maxConnectionsPerIp: 1000 } } });
      for (const u of ['imapnv', 'smtpnv', 'ldapnv', 'httpnv']) await r.user(u);
      checked = async (login) =>
        Number(
          (
            await r.app.db.kysely
              .selectFrom('sign_ins')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('login', '=', login)
              .executeTakeFirstOrThrow()
          ).n,
        );
    });
    afterAll(async () => r?.stop());

    it('IMAP: 100 connections × 3 LOGINs → at most 10 checks; the usual address still signs in', async () => {
      const login = 'imapnv@kontum.gov.vn';
      const usual = await Line.open(r.servers.ports.imaps, '127.0.0.1');
      await usual.read(/^\* OK.*\r\n/m);
      expect(await usual.say(`u1 LOGIN ${login} "${TEST_PASSWORD}"`, /^u1 .*\r\n/m)).toMatch(/^u1 OK/m);
      usual.close();
      const answers: string[] = [];
      await Promise.all(
        Array.from({ length: CONNECTIONS }, async (_, i) => {
          const c = await Line.open(r.servers.ports.imaps, from(i));
          await c.read(/^\* OK.*\r\n/m);
          for (let k = 0; k < 3; k++) answers.push(await c.say(`a${k} LOGIN ${login} "Sai#Matkhau${i}-${k}"`, new RegExp(`^a${k} .*\\r\\n`, 'm')));
          c.close();
        }),
      );
      expect(await checked(login)).toBeLessThanOrEqual(1 + 10);
      expect(answers.filter((a) => /\[AUTHENTICATIONFAILED\]/.test(a)).length).toBeLessThanOrEqual(10);
      expect(answers.filter((a) => /NO \[UNAVAILABLE\] Quá nhiều lần đăng nhập sai/.test(a)).length).toBeGreaterThanOrEqual(3 * CONNECTIONS - 10);
      // A new address is refused even with the right password; the usual one is not.
      const elsewhere = await Line.open(r.servers.ports.imaps, '127.0.2.1');
      await elsewhere.read(/^\* OK.*\r\n/m);
      expect(await elsewhere.say(`e1 LOGIN ${login} "${TEST_PASSWORD}"`, /^e1 .*\r\n/m)).toMatch(/^e1 NO \[UNAVAILABLE\]/m);
      elsewhere.close();
      const again = await Line.open(r.servers.ports.imaps, '127.0.0.1');
      await again.read(/^\* OK.*\r\n/m);
      expect(await again.say(`u2 LOGIN ${login} "${TEST_PASSWORD}"`, /^u2 .*\r\n/m)).toMatch(/^u2 OK/m);
      again.close();
    });

    it('SMTP AUTH: 100 connections × 3 AUTH PLAIN → at most 10 checks, the rest 454 4.7.0 or 421', async () => {
      const login = 'smtpnv@kontum.gov.vn';
      const codes: string[] = [];
      await Promise.all(
        Array.from({ length: CONNECTIONS }, async (_, i) => {
          const c = await Line.open(r.servers.ports.submissionTls, from(i));
          await c.read(/^220 .*\r\n/m);
          await c.say('EHLO attacker.example', /^250 .*\r\n/m);
          for (let k = 0; k < 3; k++) {
            const plain = Buffer.from(`\0${login}\0Sai#Matkhau${i}-${k}`).toString('base64');
            const a = await c.say(`AUTH PLAIN ${plain}`, /^\d{3} .*\r\n/m);
            codes.push(a.slice(0, 9));
            if (a.startsWith('421') || c.closed) break;
          }
          c.close();
        }),
      );
      expect(await checked(login)).toBeLessThanOrEqual(10);
      expect(codes.filter((x) => x.startsWith('535 5.7.8')).length).toBeLessThanOrEqual(10);
      expect(codes.filter((x) => x.startsWith('454 4.7.0') || x.startsWith('421 4.7.0')).length).toBeGreaterThanOrEqual(codes.length - 10);
    });

    it('LDAP bind: 100 connections → at most 10 checks, the rest refused unchecked', async () => {
      const login = 'ldapnv@kontum.gov.vn';
      const results = await Promise.all(Array.from({ length: CONNECTIONS }, (_, i) => ldapBind(r.servers.ports.ldaps, from(i), login, `Sai#Matkhau${i}`)));
      expect(await checked(login)).toBeLessThanOrEqual(10);
      expect(results.every((x) => x.code === 49)).toBe(true);
      expect(results.filter((x) => /Quá nhiều lần/.test(x.message)).length).toBeGreaterThanOrEqual(CONNECTIONS - 10);
    });

    it('HTTP API login: 100 simultaneous requests → at most 10 checks, the rest 429', async () => {
      const login = 'httpnv@kontum.gov.vn';
      const statuses = await Promise.all(
        Array.from({ length: CONNECTIONS }, (_, i) =>
          fetch(`http://127.0.0.1:${r.servers.ports.http}/api/v1/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username: login, password: `Sai#Matkhau${i}` }),
          }).then((x) => x.status),
        ),
      );
      expect(await checked(login)).toBeLessThanOrEqual(10);
      expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(CONNECTIONS - 10);
    });

    it('one client address: at most 100 checks per hour, whatever the accounts and protocols', async () => {
      const attacker = '127.0.3.1';
      const c = await Line.open(r.servers.ports.imaps, attacker);
      await c.read(/^\* OK.*\r\n/m);
      let refused = 0;
      for (let k = 0; k < 130; k++) {
        const a = await c.say(`x${k} LOGIN user${k}@kontum.gov.vn "Sai#Matkhau1"`, new RegExp(`^x${k} .*\\r\\n`, 'm'));
        if (/\[UNAVAILABLE\]/.test(a)) refused++;
      }
      c.close();
      const fromAttacker = Number(
        (
          await r.app.db.kysely
            .selectFrom('sign_ins')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('address', 'like', `%${attacker}`)
            .executeTakeFirstOrThrow()
        ).n,
      );
      expect(fromAttacker).toBe(100);
      expect(refused).toBe(30);
      expect((await r.app.signIn.lockouts()).some((l) => l.kind === 'address' && l.subject === attacker)).toBe(true);
      // Someone else behind another address is not affected.
      const ok = await Line.open(r.servers.ports.imaps, '127.0.3.2');
      await ok.read(/^\* OK.*\r\n/m);
      expect(await ok.say(`o1 LOGIN httpnv@kontum.gov.vn "Sai#1"`, /^o1 .*\r\n/m)).toMatch(/^o1 NO \[(AUTHENTICATIONFAILED|UNAVAILABLE)\]/m);
      ok.close();
    });
  });
