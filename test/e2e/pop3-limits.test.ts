// POP3's limits and the doors it shares with the others, over real sockets (SQLite and PostgreSQL
// for the sign-in parts): the 11th wrong password on an account is refused [LOGIN-DELAY] without a
// check (the sign-in history records 10 checks), as at every door; a password reset by an
// administrator ends a signed-in session at once, deleting nothing, and the new password is then
// refused [AUTH] with IMAP's "change it first" text; pipelined commands are answered in order;
// AUTH PLAIN with a continuation ("*" cancels); RSET undoes DELE; connections per address capped; a
// client that never signs in is logged out; an overlong line and unknown commands count toward the
// bad-command cap that ends the connection; the TLS port keeps the one TLS policy (TLS 1.1 refused).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import net from 'node:net';
import tls from 'node:tls';
import { startTestServers, imapClient, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { backends } from '../helpers/harness.ts';
import { ERRORS } from '../../src/core/errors.ts';

/** A POP3 conversation over a socket: write lines, read until a pattern. */
class Pop {
  private buf = '';
  private wake: (() => void) | null = null;
  closed = false;
  constructor(private readonly socket: net.Socket) {
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
  static async tls(port: number): Promise<Pop> {
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
    await new Promise<void>((res, rej) => {
      socket.once('secureConnect', () => res());
      socket.once('error', rej);
    });
    const p = new Pop(socket);
    await p.read(/^\+OK.*\r\n/m);
    return p;
  }
  static async plain(port: number): Promise<Pop> {
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((res, rej) => {
      socket.once('connect', () => res());
      socket.once('error', rej);
    });
    const p = new Pop(socket);
    await p.read(/^\+OK.*\r\n/m);
    return p;
  }
  async read(done: RegExp, timeoutMs = 15_000): Promise<string> {
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
  /** One command, one status line back. */
  async cmd(line: string): Promise<string> {
    this.socket.write(line + '\r\n');
    return (await this.read(/^[+-](OK|ERR).*\r\n/m)).trim();
  }
  /** Wait until the server closes the connection (false when it did not within `ms`). */
  async closedWithin(ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    while (!this.closed && Date.now() < until) {
      await new Promise<void>((r) => {
        const t = setTimeout(r, 100);
        this.wake = () => {
          clearTimeout(t);
          r();
        };
      });
    }
    return this.closed;
  }
  write(s: string): void {
    this.socket.write(s);
  }
  close(): void {
    this.socket.destroy();
  }
}

const message = (i: number) => Buffer.from(`From: vpubnd@kontum.gov.vn\r\nTo: annv@kontum.gov.vn\r\nSubject: Thư ${i}\r\n\r\nNội dung ${i}.\r\n`);

for (const backend of backends()) {
  describe(`POP3 sign-in at the shared door (${backend})`, { timeout: 120_000 }, () => {
    let r: Running;
    beforeAll(async () => {
      // No delays between failures (freeFailures, baseDelayMs): the lockout itself is what is tested.
      r = await startTestServers({ backend, config: { security: { signIn: { baseDelayMs: 0 } } } });
    });
    afterAll(async () => r?.stop());

    it('the 11th wrong password on an account is refused [LOGIN-DELAY] without a check', async () => {
      const login = await r.user('popbrute');
      const answers: string[] = [];
      const p = await Pop.tls(r.servers.ports.pop3s);
      for (let i = 0; i < 11; i++) {
        expect(await p.cmd(`USER ${login}`)).toMatch(/^\+OK/);
        answers.push(await p.cmd(`PASS sai-mat-khau-${i}`));
      }
      expect(await p.cmd(`USER ${login}`)).toMatch(/^\+OK/);
      answers.push(await p.cmd(`PASS ${TEST_PASSWORD}`)); // locked: even the right one is not checked
      p.close();
      expect(answers.slice(0, 10)).toEqual(Array(10).fill('-ERR [AUTH] Sai tên đăng nhập hoặc mật khẩu / authentication failed'));
      expect(answers[10]).toBe(`-ERR [LOGIN-DELAY] ${ERRORS.TOO_MANY_ATTEMPTS.vi} / ${ERRORS.TOO_MANY_ATTEMPTS.en}`);
      expect(answers[11]).toMatch(/^-ERR \[LOGIN-DELAY\]/);
      const rows = await r.app.db.kysely.selectFrom('sign_ins').select(['protocol', 'outcome']).where('login', '=', login).execute();
      expect(rows).toHaveLength(10);
      expect(new Set(rows.map((x) => x.protocol))).toEqual(new Set(['pop3']));
    });

    it('a password reset ends a signed-in session at once (nothing deleted); the new password must be changed first', async () => {
      const login = await r.user('popreset');
      const imap = imapClient(r, login);
      await imap.connect();
      await imap.append('INBOX', message(1));
      await imap.logout();
      const p = await Pop.tls(r.servers.ports.pop3s);
      await p.cmd(`USER ${login}`);
      expect(await p.cmd(`PASS ${TEST_PASSWORD}`)).toMatch(/^\+OK .*1 messages/);
      expect(await p.cmd('DELE 1')).toMatch(/^\+OK/);
      const fresh = await r.app.accounts.resetPassword(login, 'test', { reason: 'Phiếu yêu cầu 12/2026' });
      expect(await p.closedWithin(5000)).toBe(true);
      const again = await Pop.tls(r.servers.ports.pop3s);
      await again.cmd(`USER ${login}`);
      expect(await again.cmd(`PASS ${fresh}`)).toBe(`-ERR [AUTH] ${ERRORS.PASSWORD_MUST_CHANGE.vi} / ${ERRORS.PASSWORD_MUST_CHANGE.en}`);
      again.close();
      const inbox = await r.app.store.getMailbox((await r.app.accounts.byAddress(login))!.id, 'INBOX');
      expect(await r.app.store.listMessages(inbox!.id)).toHaveLength(1);
    });
  });
}

describe('POP3 limits', { timeout: 60_000 }, () => {
  let r: Running;
  let an: string;
  beforeAll(async () => {
    r = await startTestServers({ config: { pop3: { preAuthTimeoutMs: 500, preAuthMaxMs: 1500, maxLineLength: 512, maxBadCommands: 5, maxConnectionsPerIp: 4 } } });
    an = await r.user('annv');
    const imap = imapClient(r, an);
    await imap.connect();
    for (let i = 1; i <= 3; i++) await imap.append('INBOX', message(i));
    await imap.logout();
  });
  afterAll(async () => r?.stop());

  it('pipelined commands are answered in order, in one write from the client', async () => {
    const p = await Pop.tls(r.servers.ports.pop3s);
    p.write(`USER ${an}\r\nPASS ${TEST_PASSWORD}\r\nSTAT\r\nLIST 2\r\nRETR 3\r\nUIDL 1\r\nRSET\r\nQUIT\r\n`);
    const all = await p.read(/goodbye.*\r\n/);
    const status = all.split('\r\n').filter((l) => /^[+-](OK|ERR)/.test(l));
    expect(status.map((l) => l.split(' ')[0])).toEqual(['+OK', '+OK', '+OK', '+OK', '+OK', '+OK', '+OK', '+OK']);
    expect(status[2]).toBe(`+OK 3 ${message(1).length * 3}`);
    expect(all).toContain('\r\nNội dung 3.\r\n.\r\n');
  });

  it('AUTH PLAIN with a continuation; "*" cancels; RSET undoes DELE', async () => {
    const p = await Pop.tls(r.servers.ports.pop3s);
    p.write('AUTH PLAIN\r\n');
    expect(await p.read(/^\+ \r\n/m)).toBe('+ \r\n');
    expect(await p.cmd('*')).toMatch(/^-ERR .*cancelled/);
    p.write('AUTH PLAIN\r\n');
    await p.read(/^\+ \r\n/m);
    expect(await p.cmd(Buffer.from(`\0${an}\0${TEST_PASSWORD}`).toString('base64'))).toMatch(/^\+OK .*3 messages/);
    expect(await p.cmd('DELE 2')).toMatch(/^\+OK/);
    expect(await p.cmd('STAT')).toMatch(/^\+OK 2 /);
    expect(await p.cmd('RSET')).toMatch(/^\+OK .*3 messages/);
    expect(await p.cmd('QUIT')).toMatch(/^\+OK .*3 messages left/);
  });

  it('a client that never signs in is logged out after pop3.preAuthTimeoutMs', async () => {
    const p = await Pop.plain(r.servers.ports.pop3);
    expect(await p.read(/^-ERR.*\r\n/m, 5000)).toMatch(/autologout/);
  });

  it('a client busy without signing in is logged out after pop3.preAuthMaxMs', async () => {
    const p = await Pop.tls(r.servers.ports.pop3s);
    const started = Date.now();
    while (!p.closed && Date.now() - started < 5000) {
      const a = await p.cmd('CAPA'); // allowed before sign-in: activity, not a bad command
      if (/too long without signing in/.test(a)) break;
      await p.read(/^\.\r\n/m);
      await new Promise((res) => setTimeout(res, 200));
    }
    expect(await p.closedWithin(3000)).toBe(true);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(1400); // not the bad-command cap, not the idle timeout
    expect(took).toBeLessThan(4000);
  });

  it('an overlong line and unknown commands count toward the bad-command cap', async () => {
    const p = await Pop.tls(r.servers.ports.pop3s);
    expect(await p.cmd(`USER ${'x'.repeat(100_000)}`)).toMatch(/^-ERR .*line too long/);
    expect(await p.cmd('CAPA')).toMatch(/^\+OK/); // still served
    await p.read(/^\.\r\n/m);
    for (let i = 0; i < 3; i++) expect(await p.cmd('XYZZY')).toMatch(/^-ERR/);
    expect(await p.cmd('STAT')).toMatch(/^-ERR .*not allowed in the AUTHORIZATION state/); // the 5th
    await p.read(/too many bad commands\r\n/);
    expect(await p.closedWithin(3000)).toBe(true);
  });

  it('the TLS port keeps the one TLS policy: TLS 1.1 is refused', async () => {
    const refused = await new Promise<boolean>((resolve) => {
      const s = tls.connect({ host: '127.0.0.1', port: r.servers.ports.pop3s, rejectUnauthorized: false, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' });
      s.once('secureConnect', () => {
        s.destroy();
        resolve(false);
      });
      s.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });

  // Last: the slots it fills are freed only when the server sees the closes.
  it('connections from one address are capped (pop3.maxConnectionsPerIp)', async () => {
    const open = await Promise.all([1, 2, 3, 4].map(() => Pop.plain(r.servers.ports.pop3)));
    const raw = net.connect({ host: '127.0.0.1', port: r.servers.ports.pop3 });
    const refused = new Pop(raw);
    expect(await refused.read(/\r\n/)).toMatch(/^-ERR \[SYS\/TEMP\] .*too many connections/);
    for (const c of open) c.close();
  });
});

describe('POP3 at server shutdown', { timeout: 60_000 }, () => {
  it('a signed-in session is told, closed, and its maildrop lock released before the database closes', async () => {
    const r = await startTestServers();
    try {
      const login = await r.user('popstop');
      const id = (await r.app.accounts.byAddress(login))!.id;
      const p = await Pop.tls(r.servers.ports.pop3s);
      await p.cmd(`USER ${login}`);
      expect(await p.cmd(`PASS ${TEST_PASSWORD}`)).toMatch(/^\+OK/);
      expect(await r.app.maildropLocks.holder(id)).not.toBeNull();
      await r.servers.close();
      expect(await r.app.maildropLocks.holder(id)).toBeNull();
      expect(await p.read(/\r\n/)).toMatch(/^-ERR \[SYS\/TEMP\] .*server shutting down/);
      expect(await p.closedWithin(3000)).toBe(true);
    } finally {
      await r.cleanup();
    }
  });
});
